package progress

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, warn := Open(dir, t0)
	if warn != "" {
		t.Fatalf("a missing file warns: %s", warn)
	}
	if err := s.Update("synchronize", t0, func(l *Lesson) {
		l.Finished, l.Quiz, l.Predictions, l.Part = true, Score{2, 3, 3}, Score{1, 2, 2}, 0
	}); err != nil {
		t.Fatal(err)
	}
	again, warn := Open(dir, t0)
	if warn != "" {
		t.Fatal(warn)
	}
	p := again.Snapshot()
	if l := p.Lessons["synchronize"]; l == nil || !l.Finished || l.Quiz != (Score{2, 3, 3}) || p.Last != "synchronize" {
		t.Fatalf("read back %+v", p)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if err := again.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(again.Path()); !os.IsNotExist(err) {
		t.Fatal("reset left the file")
	}
}

// TestBadFilesAreKeptAside: a corrupt file, or one from a newer
// SessionLab, gives a one-line warning and a fresh start, and is renamed
// aside with a timestamp, never overwritten.
func TestBadFilesAreKeptAside(t *testing.T) {
	for name, content := range map[string]string{
		"corrupt": `{"version": 1, "lessons": {`,
		"future":  `{"version": 99, "lessons": {}}`,
		"empty":   ``,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, warn := Open(dir, t0)
			if warn == "" || strings.Contains(warn, "\n") {
				t.Fatalf("warning %q", warn)
			}
			aside := path + ".bad-20261125T090000Z"
			if b, err := os.ReadFile(aside); err != nil || string(b) != content {
				t.Fatalf("the bad file was not kept as %s: %v", aside, err)
			}
			if len(s.Snapshot().Lessons) != 0 {
				t.Fatal("not a fresh start")
			}
			if err := s.Update("establish", t0, func(l *Lesson) { l.Finished = true }); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(aside); string(b) != content {
				t.Fatal("saving touched the file kept aside")
			}
		})
	}
}

// TestUnreadableFileIsNotOverwritten: a file that cannot be read is left
// alone, and nothing is saved over it.
func TestUnreadableFileIsNotOverwritten(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file: an unreadable file cannot be made here")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte(`{"version":1}`), 0o000); err != nil {
		t.Fatal(err)
	}
	s, warn := Open(dir, t0)
	if warn == "" {
		t.Fatal("no warning")
	}
	_ = s.Update("establish", t0, func(l *Lesson) { l.Finished = true })
	os.Chmod(path, 0o600)
	if b, _ := os.ReadFile(path); string(b) != `{"version":1}` {
		t.Fatalf("the unreadable file was overwritten: %s", b)
	}
}

// TestTwoWritersNeverCorrupt: two SessionLabs of the same user save over
// and over while a third reads: every read is a whole, valid file, from
// one writer or the other.
func TestTwoWritersNeverCorrupt(t *testing.T) {
	dir := t.TempDir()
	a, _ := Open(dir, t0)
	b, _ := Open(dir, t0)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				if err := s.Update(fmt.Sprintf("lesson-%d", i), t0, func(l *Lesson) { l.Part = n }); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(stop) }()
	reads := 0
	for done := false; !done; {
		select {
		case <-stop:
			done = true
		default:
		}
		raw, err := os.ReadFile(filepath.Join(dir, FileName))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		var p Progress
		if err := json.Unmarshal(raw, &p); err != nil || p.Version != Version {
			t.Fatalf("read a broken file (%v): %q", err, raw)
		}
		reads++
	}
	if reads == 0 {
		t.Fatal("never read the file while it was written")
	}
}

// TestInvalidRecordsAreKeptAside: a file that is JSON of the right
// version but not valid progress (a lesson with no record, impossible
// scores, a negative part) is set aside like a corrupt one; nothing
// panics when the progress is read afterwards.
func TestInvalidRecordsAreKeptAside(t *testing.T) {
	for name, content := range map[string]string{
		"null record":              `{"version":1,"lessons":{"establish":null}}`,
		"negative part":            `{"version":1,"lessons":{"establish":{"part":-1}}}`,
		"score too high":           `{"version":1,"lessons":{"establish":{"quiz":{"right":4,"of":3}}}}`,
		"negative score":           `{"version":1,"lessons":{"establish":{"predictions":{"right":-1,"of":2}}}}`,
		"negative step":            `{"version":1,"lessons":{"establish":{"step":-3}}}`,
		"more answered than asked": `{"version":1,"lessons":{"establish":{"predictions":{"right":1,"of":3,"asked":2}}}}`,
		"no version":               `{"lessons":{}}`,
		"next version":             fmt.Sprintf(`{"version":%d,"lessons":{}}`, Version+1),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, warn := Open(dir, t0)
			if warn == "" || strings.Contains(warn, "\n") {
				t.Fatalf("warning %q", warn)
			}
			if p := s.Snapshot(); len(p.Lessons) != 0 {
				t.Fatalf("not a fresh start: %+v", p)
			}
			if b, err := os.ReadFile(path + ".bad-20261125T090000Z"); err != nil || string(b) != content {
				t.Fatalf("the file was not kept aside: %v", err)
			}
		})
	}
	// This version itself is read.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(fmt.Sprintf(`{"version":%d,"lessons":{"establish":{"finished":true}}}`, Version)), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, warn := Open(dir, t0); warn != "" || !s.Snapshot().Lessons["establish"].Finished {
		t.Fatalf("version %d was not read: %q", Version, warn)
	}
}

// TestSecondBadFileInTheSameSecond: two bad files set aside in the same
// second are both kept.
func TestSecondBadFileInTheSameSecond(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	for i, content := range []string{"first {", "second {"} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, warn := Open(dir, t0); warn == "" {
			t.Fatalf("file %d: no warning", i+1)
		}
	}
	for aside, want := range map[string]string{".bad-20261125T090000Z": "first {", ".bad-20261125T090000Z-2": "second {"} {
		if b, err := os.ReadFile(path + aside); err != nil || string(b) != want {
			t.Errorf("%s holds %q (%v), want %q", aside, b, err, want)
		}
	}
}

// TestTwoLearnersKeepEachOthersRecords: two SessionLabs of one user, each
// opened before the other saved, save different lessons: the file ends
// with both records.
func TestTwoLearnersKeepEachOthersRecords(t *testing.T) {
	dir := t.TempDir()
	a, _ := Open(dir, t0)
	b, _ := Open(dir, t0)
	if err := a.Update("establish", t0, func(l *Lesson) { l.Finished = true }); err != nil {
		t.Fatal(err)
	}
	if err := b.Update("synchronize", t0, func(l *Lesson) { l.Part = 1 }); err != nil {
		t.Fatal(err)
	}
	if err := a.Update("recover", t0, func(l *Lesson) { l.Part = 2 }); err != nil {
		t.Fatal(err)
	}
	c, _ := Open(dir, t0)
	p := c.Snapshot()
	if l := p.Lessons["establish"]; l == nil || !l.Finished {
		t.Errorf("establish's record was dropped: %+v", p.Lessons)
	}
	if l := p.Lessons["synchronize"]; l == nil || l.Part != 1 {
		t.Errorf("synchronize's record was dropped: %+v", p.Lessons)
	}
	if l := p.Lessons["recover"]; l == nil || l.Part != 2 {
		t.Errorf("recover's record was dropped: %+v", p.Lessons)
	}
}

// TestConfigDirIsCleaned: a --config-dir with ".." in it names the
// directory it leads to; the one it passes through is not made.
func TestConfigDirIsCleaned(t *testing.T) {
	root := t.TempDir()
	s, _ := Open(root+"/a/x/../b", t0) // not filepath.Join: it cleans
	if err := s.Update("establish", t0, func(l *Lesson) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "a", "b", FileName)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "a", "x")); !os.IsNotExist(err) {
		t.Fatalf("a/x was made (%v)", err)
	}
}

// TestFIFOIsNotRead: a progress.json that is not a regular file (a FIFO
// would block the reader for ever) is not read.
func TestFIFOIsNotRead(t *testing.T) {
	dir := t.TempDir()
	if err := mkfifo(filepath.Join(dir, FileName)); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	done := make(chan string, 1)
	go func() { _, warn := Open(dir, t0); done <- warn }()
	select {
	case warn := <-done:
		if warn == "" {
			t.Fatal("no warning")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open blocked on a FIFO")
	}
}

// TestAnOlderChangeSavedLateIsDropped: saves run in goroutines, so the
// change made first may be saved last; it must not undo the later one.
func TestAnOlderChangeSavedLateIsDropped(t *testing.T) {
	s, _ := Open(t.TempDir(), t0)
	later, earlier := t0.Add(2*time.Second), t0.Add(time.Second)
	if err := s.Update("recover", later, func(l *Lesson) { l.Part, l.Step = 1, 3 }); err != nil {
		t.Fatal(err)
	}
	if err := s.Update("recover", earlier, func(l *Lesson) { l.Part, l.Step = 1, 2 }); err != nil {
		t.Fatal(err)
	}
	if l := s.Snapshot().Lessons["recover"]; l.Step != 3 || !l.Updated.Equal(later) {
		t.Fatalf("the earlier change overwrote the later one: %+v", l)
	}
	if err := s.Update("recover", later, func(l *Lesson) { l.Step = 4 }); err != nil || s.Snapshot().Lessons["recover"].Step != 4 {
		t.Fatalf("a change made at the same time is kept: %v", err)
	}
}
