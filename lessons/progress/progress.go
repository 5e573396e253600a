// Package progress keeps what one learner has done in SessionLab, across
// runs: the lessons finished, the scores of predictions and quizzes, and
// where to resume. It lives in progress.json in a directory of the user's
// own (os.UserConfigDir()/sessionlab unless told otherwise).
//
// The file is only ever replaced whole: written to a temporary file,
// synced, and renamed over the old one, so that a crash or a second
// SessionLab of the same user never leaves half a file (the last writer
// wins). A file that cannot be read back (corrupt, or written by a newer
// SessionLab) is never overwritten silently: it is renamed aside with a
// timestamp, and the learner starts afresh with a one-line warning.
package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
	Finished    bool      `json:"finished"`
	Predictions Score     `json:"predictions"`
	Quiz        Score     `json:"quiz"`
	Part        int       `json:"part"` // the part to resume at, from 0
	Updated     time.Time `json:"updated"`
}

// Score is right answers out of questions answered; the best quiz is
// kept.
type Score struct {
	Right int `json:"right"`
	Of    int `json:"of"`
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
	s = &Store{dir: dir, p: fresh()}
	path := s.Path()
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s, ""
	case err != nil:
		s.keep = true
		return s, fmt.Sprintf("cannot read your progress (%v); starting afresh, and progress will not be saved", err)
	}
	var p Progress
	problem := ""
	switch err := json.Unmarshal(b, &p); {
	case err != nil:
		problem = "is not valid progress (" + err.Error() + ")"
	case p.Version > Version:
		problem = fmt.Sprintf("was written by a newer SessionLab (format %d, this one reads %d)", p.Version, Version)
	case p.Version < 1:
		problem = "has no format version"
	}
	if problem == "" {
		if p.Lessons == nil {
			p.Lessons = map[string]*Lesson{}
		}
		s.p = p
		return s, ""
	}
	aside := path + ".bad-" + now.UTC().Format("20060102T150405Z")
	if err := os.Rename(path, aside); err != nil {
		s.keep = true
		return s, fmt.Sprintf("%s %s, and could not be moved aside (%v); it is left as it is, and progress will not be saved", path, problem, err)
	}
	return s, fmt.Sprintf("%s %s; kept as %s, starting afresh", path, problem, filepath.Base(aside))
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

// Update changes the record of lesson id with change, and saves the
// whole file.
func (s *Store) Update(id string, now time.Time, change func(*Lesson)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.p.Lessons[id]
	if l == nil {
		l = &Lesson{}
		s.p.Lessons[id] = l
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
	s.p = fresh()
	if err := os.Remove(s.Path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
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
