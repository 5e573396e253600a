package serve

// Who gets in: connection attempts per remote address, then a shared
// password or a listed public key when the instructor asked for one.

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"net"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	gossh "golang.org/x/crypto/ssh"
)

// access decides who may connect and log in.
type access struct {
	password []byte          // the class password; nil: none asked
	keysFile string          // authorized_keys; "": none asked
	teacher  []ssh.PublicKey // the keys that log in as a class's teacher (--teacher-key)
	perMin   int
	mu       sync.Mutex
	attempts map[string][]time.Time // by remote IP: the attempts of the last minute
	now      func() time.Time
}

func newAccess(o Options) (*access, error) {
	a := &access{keysFile: o.AuthorizedKeys, perMin: o.PerMinute, attempts: map[string][]time.Time{}, now: time.Now}
	if o.PasswordFile != "" {
		b, err := os.ReadFile(o.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("--password-file: %w", err)
		}
		a.password = bytes.TrimRight(b, "\r\n")
		if len(a.password) == 0 {
			return nil, fmt.Errorf("--password-file %s is empty", o.PasswordFile)
		}
	}
	if a.keysFile != "" {
		if _, err := os.Stat(a.keysFile); err != nil {
			return nil, fmt.Errorf("--authorized-keys: %w", err)
		}
	}
	if o.TeacherKey != "" {
		var err error
		if a.teacher, err = readKeys(o.TeacherKey); err != nil {
			return nil, fmt.Errorf("--teacher-key: %w", err)
		}
	}
	return a, nil
}

// readKeys reads the public keys of an authorized_keys file (one key per
// line, # comments); a file without one is an error.
func readKeys(path string) ([]ssh.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var keys []ssh.PublicKey
	for n, line := range bytes.Split(b, []byte("\n")) {
		if line = bytes.TrimSpace(line); len(line) == 0 || line[0] == '#' {
			continue
		}
		k, _, _, _, err := ssh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: not a public key (%v)", path, n+1, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no public key", path)
	}
	return keys, nil
}

// isTeacher reports whether k is one of the teacher's keys.
func (a *access) isTeacher(k ssh.PublicKey) bool {
	return k != nil && slices.ContainsFunc(a.teacher, func(t ssh.PublicKey) bool { return ssh.KeysEqual(k, t) })
}

// auth is the server's authentication: none (anyone who reaches the
// port), the class password, listed keys, or either of the two.
func (a *access) auth() []ssh.Option {
	var opts []ssh.Option
	if a.password != nil {
		opts = append(opts, wish.WithPasswordAuth(func(_ ssh.Context, pass string) bool {
			return subtle.ConstantTimeCompare([]byte(pass), a.password) == 1
		}))
	}
	switch {
	case a.teacher == nil && a.keysFile != "":
		opts = append(opts, wish.WithAuthorizedKeys(a.keysFile))
	case a.teacher != nil:
		// The teacher is known by their key, so keys are asked for. In an
		// open room only the teacher's is taken (a student's key taken
		// first would make the teacher a student) and everyone else gets
		// in with nothing to type; else a listed key is a student's.
		var listed ssh.PublicKeyHandler
		if a.keysFile != "" {
			srv := &ssh.Server{} // wish's reading of an authorized_keys file, reused
			if err := wish.WithAuthorizedKeys(a.keysFile)(srv); err == nil {
				listed = srv.PublicKeyHandler
			}
		}
		opts = append(opts, wish.WithPublicKeyAuth(func(ctx ssh.Context, k ssh.PublicKey) bool {
			return a.isTeacher(k) || listed != nil && listed(ctx, k)
		}))
		if a.password == nil && a.keysFile == "" {
			opts = append(opts, wish.WithKeyboardInteractiveAuth(func(ssh.Context, gossh.KeyboardInteractiveChallenge) bool { return true }))
		}
	}
	return opts
}

// who says who may get in, for the warning about a public address.
func (a *access) who() string {
	switch {
	case a.password != nil && a.keysFile != "":
		return "with the class password or a listed key can get in"
	case a.password != nil:
		return "with the class password can get in"
	case a.keysFile != "":
		return "with a listed key can get in"
	}
	return "can get in: there is no password (--password-file) or key list (--authorized-keys)"
}

// conn admits a new TCP connection unless its address has made perMin
// attempts in the last minute already: a client stuck reconnecting
// cannot starve the room. A refused connection is closed at once.
func (a *access) conn(_ ssh.Context, c net.Conn) net.Conn {
	host, _, _ := net.SplitHostPort(c.RemoteAddr().String())
	now := a.now()
	a.mu.Lock()
	recent := a.attempts[host][:0]
	for _, t := range a.attempts[host] {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	allowed := len(recent) < a.perMin
	if allowed {
		recent = append(recent, now)
	}
	a.attempts[host] = recent
	if len(a.attempts) > 10000 { // forget the quiet addresses, so the map stays bounded
		for h, ts := range a.attempts {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= time.Minute {
				delete(a.attempts, h)
			}
		}
	}
	a.mu.Unlock()
	if !allowed {
		c.Close()
		return nil
	}
	return c
}
