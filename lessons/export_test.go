package lessons

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExportAndLoad: the exported files load back as the built-in lessons,
// an edit shows, a second export refuses to overwrite, and a broken edit
// names its file and line.
func TestExportAndLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mine")
	wrote, err := Export(dir)
	if err != nil || len(wrote) < 6 {
		t.Fatalf("export: %v, %d files", err, len(wrote))
	}
	b, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(b.IDs(), " ") != "establish synchronize recover terminate" || len(b.Glossary()) != len(book(t).Glossary()) {
		t.Fatalf("loaded back %v", b.IDs())
	}
	if _, err := Export(dir); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("a second export: %v", err)
	}
	path := filepath.Join(dir, "02-synchronize.md")
	raw, _ := os.ReadFile(path)
	edited := strings.Replace(string(raw), "title: Synchronize", "title: Checkpoints", 1)
	os.WriteFile(path, []byte(edited), 0o644)
	if b, err := LoadDir(dir); err != nil {
		t.Fatal(err)
	} else if l, _ := b.Lesson("synchronize"); l.Title != "Checkpoints" {
		t.Fatalf("the edit does not show: %q", l.Title)
	}
	broken := strings.Replace(edited, "## client sent MIP\n", "## client sent MPI\n", 1)
	os.WriteFile(path, []byte(broken), 0o644)
	line := 1 + strings.Count(broken[:strings.Index(broken, "## client sent MPI")], "\n")
	_, err = LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("02-synchronize.md:%d: ## client sent MPI matches no event", line)) {
		t.Fatalf("a broken edit: %v (want line %d)", err, line)
	}
	if _, err := LoadDir(filepath.Join(dir, "nope")); err == nil {
		t.Fatal("a missing directory loaded")
	}
}

// TestExportNeverWritesThroughALink: a symbolic link in the target
// directory, even one that points nowhere yet, stops the export; nothing
// is written where it points.
func TestExportNeverWritesThroughALink(t *testing.T) {
	dir, outside := t.TempDir(), filepath.Join(t.TempDir(), "victim")
	if err := os.Symlink(outside, filepath.Join(dir, "common.md")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if _, err := Export(dir); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("export over a dangling link: %v", err)
	}
	if _, err := os.Lstat(outside); !os.IsNotExist(err) {
		t.Fatalf("the export wrote through the link (%v)", err)
	}
}

// TestLessonFilesMustBeFiles: a lesson file that is a FIFO, a link to an
// endless device, or larger than any lesson is refused with its name, at
// once, and reading it never hangs or fills memory.
func TestLessonFilesMustBeFiles(t *testing.T) {
	for name, create := range map[string]func(path string) error{
		"fifo":      mkfifo,
		"dev zero":  func(p string) error { return os.Symlink("/dev/zero", p) },
		"too large": func(p string) error { return os.WriteFile(p, make([]byte, MaxFileSize+1), 0o644) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := Export(dir); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "05-extra.md")
			if err := create(path); err != nil {
				t.Skipf("cannot make it here: %v", err)
			}
			done := make(chan error, 1)
			go func() { _, err := LoadDir(dir); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "05-extra.md") {
					t.Fatalf("loaded, or without naming the file: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("loading hung")
			}
		})
	}
}

// TestDuplicateLessonIDs: two files with the same lesson id are an error
// that names both, with their lines.
func TestDuplicateLessonIDs(t *testing.T) {
	dir := t.TempDir()
	if _, err := Export(dir); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "01-establish.md"))
	if err != nil {
		t.Fatal(err)
	}
	copied := strings.Replace(string(raw), "scenarios: establish establish-refused", "scenarios: terminate-abort", 1)
	if copied == string(raw) {
		t.Fatal("the establish file's scenarios line changed: mend the test")
	}
	if err := os.WriteFile(filepath.Join(dir, "05-again.md"), []byte(copied), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadDir(dir)
	line := 1 + strings.Count(string(raw)[:strings.Index(string(raw), "id: ")], "\n")
	for _, want := range []string{fmt.Sprintf("05-again.md:%d", line), fmt.Sprintf("01-establish.md:%d", line), `"establish"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("duplicate ids: %v, want it to name %s", err, want)
		}
	}
}

// BenchmarkParseLongQuiz parses a lesson whose quiz explanation runs over
// many lines: the time grows with the length, not its square (it took 50
// s for a megabyte when each line was added to a string).
func BenchmarkParseLongQuiz(b *testing.B) {
	for _, lines := range []int{1000, 4000} {
		var s strings.Builder
		s.WriteString("---\nid: x\ntitle: X\nscenarios: establish\n---\nIntro.\n\n## quiz\n? Why?\n+ yes\n- no\n= because\n")
		for range lines {
			s.WriteString("and then some more words of the explanation\n")
		}
		text := s.String()
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			for b.Loop() {
				if _, err := parseFile("x.md", text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
