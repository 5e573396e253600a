package serve

// The room's flags, for sessionlab serve and sessionlab class, and what
// is checked of them before anything listens.

import (
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"sessionlab/lessons/progress"
	"sessionlab/sim"
)

// Flags defines the room's flags on fs, filling in o.
func (o *Options) Flags(fs *flag.FlagSet) {
	fs.StringVar(&o.Listen, "listen", "127.0.0.1:2222", "HOST:PORT to serve SSH on (0.0.0.0:2222 for the room's network)")
	fs.IntVar(&o.MaxSessions, "max-sessions", 100, "students at once; the next is told the room is full")
	fs.DurationVar(&o.IdleTimeout, "idle-timeout", 30*time.Minute, "close a session after this long without a key pressed")
	fs.StringVar(&o.HostKey, "host-key", "", "the SSH host key file (default: made on first run in the config dir)")
	fs.StringVar(&o.ConfigDir, "config-dir", "", "where the host key and each student's progress are kept (default: your config directory's sessionlab/)")
	fs.StringVar(&o.PasswordFile, "password-file", "", "a file holding one class password that students must type")
	fs.StringVar(&o.AuthorizedKeys, "authorized-keys", "", "an authorized_keys file: only these public keys get in")
	fs.IntVar(&o.PerMinute, "attempts-per-minute", 30, "connection attempts one address may make in a minute")
}

// ClassFlags defines the flags only a class has, filling in o.
func (o *Options) ClassFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.TeacherKey, "teacher-key", "", "an authorized_keys file: an SSH login with one of its keys is the teacher's console (then this terminal shows the log)")
	fs.BoolVar(&o.Named, "named", false, "name who chose what on your console's chart (default: counts only); a projected console shows the names to the room")
	fs.BoolVar(&o.NoQuestions, "no-questions", false, "teach without predictions and quizzes")
}

// Check refuses flags that cannot be used, in one line each, and fills in
// the config dir.
func (o *Options) Check() (err error) {
	switch {
	case o.MaxSessions < 1:
		return fmt.Errorf("--max-sessions %d: at least 1", o.MaxSessions)
	case o.IdleTimeout < time.Second:
		return fmt.Errorf("--idle-timeout %v: at least 1s", o.IdleTimeout)
	case o.PerMinute < 1:
		return fmt.Errorf("--attempts-per-minute %d: at least 1", o.PerMinute)
	}
	if o.ConfigDir == "" {
		if o.ConfigDir, err = progress.DefaultDir(); err != nil {
			return fmt.Errorf("no config directory (%v): give one with --config-dir", err)
		}
	}
	o.ConfigDir = filepath.Clean(o.ConfigDir)
	return sim.CheckAddr(o.Listen)
}
