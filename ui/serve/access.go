package serve

// Who gets in: connection attempts per remote address, then a shared
// password or a listed public key when the instructor asked for one.

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
)

// access decides who may connect and log in.
type access struct {
	password []byte // the class password; nil: none asked
	keysFile string // authorized_keys; "": none asked
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
	return a, nil
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
	if a.keysFile != "" {
		opts = append(opts, wish.WithAuthorizedKeys(a.keysFile))
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
