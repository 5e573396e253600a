// Package progress keeps what one learner has done in SessionLab, across
// runs: the lessons finished, the scores of predictions and quizzes, and
// where to resume. It lives in progress.json in a directory of the user's
// own (os.UserConfigDir()/sessionlab unless told otherwise).
//
// The file is only ever replaced whole: written to a temporary file,
// synced, and renamed over the old one, so that a crash never leaves half
// a file. Two SessionLabs of the same user may run at once (two
// terminals, or one learner on SSH twice): each save takes a lock, reads
// the file as the other left it, changes only its own lesson's record and
// writes the whole back, so that neither drops the other's records. A
// file that cannot be read back (corrupt, not valid progress, or written
// by a newer SessionLab) is never overwritten silently: it is renamed
// aside with a timestamp (and a number, when one was set aside in the
// same second), and the learner starts afresh with a one-line warning.
package progress

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Version is the file format this SessionLab writes and reads.
const Version = 1

// FileName is the progress file's name in its directory.
const FileName = "progress.json"

// Progress is everything the file holds.
type Progress struct {
	Version int                `json:"version"`
	Lessons map[string]*Lesson `json:"lessons"`
	// Last is the lesson the learner was in most recently, to resume.
	Last string `json:"last,omitempty"`
}

// Lesson is one lesson's record.
type Lesson struct {
	// Finished: the learner saw the lesson to its end and answered its
	// quiz. Seen: to its end, with questions left unanswered.
	Finished    bool      `json:"finished"`
	Seen        bool      `json:"seen,omitempty"`
	Predictions Score     `json:"predictions"`
	Quiz        Score     `json:"quiz"`
	Part        int       `json:"part"`           // the part to resume at, from 0
	Step        int       `json:"step,omitempty"` // the step of that part reached, from 1 (0: its start)
	Updated     time.Time `json:"updated"`
}

// Score is right answers out of questions answered, out of questions
// asked (a question passed without an answer is asked, not answered);
// the best quiz is kept.
type Score struct {
	Right int `json:"right"`
	Of    int `json:"of"`
	Asked int `json:"asked,omitempty"`
}

// Store is the progress of one learner, and where it is kept. Its
// methods may be called from any goroutine.
type Store struct {
	dir  string
	keep bool // a bad file could not be moved aside: saving would destroy it
	mu   sync.Mutex
	p    Progress
}

// DefaultDir is where progress is kept unless --config-dir says
// otherwise.
func DefaultDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "sessionlab"), nil
}

// Open reads the progress kept in dir ("": DefaultDir). A file that is
// missing is a fresh start; one that cannot be used is renamed aside, and
// warning says so in one line. It never fails: at worst progress is not
// saved, and the warning says that.
func Open(dir string, now time.Time) (s *Store, warning string) {
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return &Store{keep: true, p: fresh()}, fmt.Sprintf("your progress will not be kept: %v", err)
		}
		dir = d
	}
	// Cleaned, so that "a/x/../b" is the directory b, and MkdirAll does
	// not make a/x on the way.
	s = &Store{dir: filepath.Clean(dir), p: fresh()}
	unlock := s.lock()
	defer unlock()
	p, warning, err := s.read(now)
	if err != nil {
		s.keep = true
		return s, warning
	}
	s.p = p
	return s, warning
}

// read reads the file as it is now: a missing file is a fresh start, one
// that is not valid progress is set aside (warning says so). err is set
// when the file is there but cannot be read or set aside: then nothing
// may be saved over it.
func (s *Store) read(now time.Time) (p Progress, warning string, err error) {
	path := s.Path()
	b, err := readFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fresh(), "", nil
	case err != nil:
		return fresh(), fmt.Sprintf("cannot read your progress (%v); starting afresh, and progress will not be saved", err), err
	}
	problem := validate(b, &p)
	if problem == "" {
		return p, "", nil
	}
	aside, err := setAside(path, now)
	if err != nil {
		return fresh(), fmt.Sprintf("%s %s, and could not be moved aside (%v); it is left as it is, and progress will not be saved", path, problem, err), err
	}
	return fresh(), fmt.Sprintf("%s %s; kept as %s, starting afresh", path, problem, filepath.Base(aside)), nil
}

// maxFile bounds what is read as progress: a real file is a few
// kilobytes; anything far larger is not one.
const maxFile = 1 << 20

// readFile reads path if it is a regular file of at most maxFile bytes.
func readFile(path string) ([]byte, error) {
	// Checked before it is opened: opening a FIFO would wait for a writer.
	if st, err := os.Stat(path); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err == nil && len(b) > maxFile {
		return b, fmt.Errorf("%s is larger than %d bytes", path, maxFile)
	}
	return b, err
}

// validate decodes b into p and says what is wrong with it, if anything:
// every record must be there and make sense, or none is used.
func validate(b []byte, p *Progress) string {
	switch err := json.Unmarshal(b, p); {
	case err != nil:
		return "is not valid progress (" + err.Error() + ")"
	case p.Version > Version:
		return fmt.Sprintf("was written by a newer SessionLab (format %d, this one reads %d)", p.Version, Version)
	case p.Version < 1:
		return "has no format version"
	}
	if p.Lessons == nil {
		p.Lessons = map[string]*Lesson{}
	}
	for id, l := range p.Lessons {
		switch {
		case l == nil:
			return fmt.Sprintf("is not valid progress (lesson %q has no record)", id)
		case l.Part < 0 || l.Step < 0 || !l.Predictions.valid() || !l.Quiz.valid():
			return fmt.Sprintf("is not valid progress (lesson %q has impossible figures)", id)
		}
	}
	return ""
}

// valid: a file of format 1 before Asked was written has none (0).
func (s Score) valid() bool {
	return s.Right >= 0 && s.Of >= 0 && s.Right <= s.Of && (s.Asked == 0 || s.Asked >= s.Of)
}

// setAside renames a bad file to path.bad-TIME, or path.bad-TIME-N when
// that name is taken: a file set aside before is never overwritten.
func setAside(path string, now time.Time) (string, error) {
	base := path + ".bad-" + now.UTC().Format("20060102T150405Z")
	for n := 1; ; n++ {
		aside := base
		if n > 1 {
			aside = fmt.Sprintf("%s-%d", base, n)
		}
		if _, err := os.Lstat(aside); err == nil {
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		return aside, os.Rename(path, aside)
	}
}

func fresh() Progress { return Progress{Version: Version, Lessons: map[string]*Lesson{}} }

// Path is the progress file's path.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

// Snapshot returns a copy of the progress.
func (s *Store) Snapshot() Progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := Progress{Version: s.p.Version, Last: s.p.Last, Lessons: map[string]*Lesson{}}
	for k, v := range s.p.Lessons {
		l := *v
		c.Lessons[k] = &l
	}
	return c
}

// Update changes the record of lesson id with change, and saves. The
// file is read again first, under the lock, so that the records another
// SessionLab saved meanwhile are kept: only lesson id's record is this
// Store's to change. now is when the change was made, not when it is
// saved: a change older than the record (saves run in goroutines, in any
// order) is dropped.
func (s *Store) Update(id string, now time.Time, change func(*Lesson)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.keep {
		unlock := s.lock()
		defer unlock()
		// A bad file found now is set aside, and this Store's own records
		// are saved in its place.
		if p, warning, err := s.read(now); err == nil && warning == "" {
			s.p = p
		}
	}
	l := s.p.Lessons[id]
	if l == nil {
		l = &Lesson{}
		s.p.Lessons[id] = l
	}
	if now.Before(l.Updated) {
		return nil // a later change is saved already
	}
	change(l)
	l.Updated = now.UTC()
	s.p.Last = id
	return s.saveLocked()
}

// Reset forgets all progress and removes the file.
func (s *Store) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock := s.lock()
	defer unlock()
	s.p = fresh()
	if err := os.Remove(s.Path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// lock takes the lock that keeps two SessionLabs from saving at once,
// and returns what releases it. Without a directory, or where locks are
// not available, it does nothing.
func (s *Store) lock() (unlock func()) {
	if s.dir == "" || os.MkdirAll(s.dir, 0o700) != nil {
		return func() {}
	}
	return lockFile(filepath.Join(s.dir, FileName+".lock"))
}

// saveLocked writes the file whole: a temporary file in the same
// directory, synced, then renamed over the old one, and the directory
// synced, so that the file is always either the old one or the new one.
func (s *Store) saveLocked() error {
	if s.keep {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s.p, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(s.dir, FileName+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // gone after the rename; removes it on an error
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, s.Path()); err != nil {
		return err
	}
	if d, err := os.Open(s.dir); err == nil {
		_ = d.Sync() // the rename itself, on file systems that need it
		d.Close()
	}
	return nil
}

// AskToReset asks on out whether to forget the progress kept in dir (""
// the user's), reads the answer from in, and forgets it only on yes. A
// warning about the file goes to notes; an error is one that kept the
// question or the reset from happening.
func AskToReset(dir string, now time.Time, in io.Reader, out, notes io.Writer) error {
	store, warning := Open(dir, now)
	if warning != "" {
		fmt.Fprintf(notes, "sessionlab: %s\n", warning)
	}
	said := func(format string, args ...any) error {
		if _, err := fmt.Fprintf(out, format, args...); err != nil {
			return fmt.Errorf("cannot write to standard output: %w", err)
		}
		return nil
	}
	if err := said("Forget every lesson finished and every score in %s? [y/N] ", store.Path()); err != nil {
		return err
	}
	answer, _ := bufio.NewReader(in).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return said("Nothing was changed.\n")
	}
	if err := store.Reset(); err != nil {
		return fmt.Errorf("cannot reset your progress: %w", err)
	}
	return said("Your progress is forgotten.\n")
}
