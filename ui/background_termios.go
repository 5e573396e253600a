//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ui

import (
	"bytes"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// queryWait bounds how long DetectDark waits for the terminal's answers.
const queryWait = 300 * time.Millisecond

// DetectDark reports whether the terminal behind tty has a dark
// background, and how it knows ("terminal", "COLORFGBG", "default").
func DetectDark(tty *os.File, getenv func(string) string) (dark bool, source string) {
	if tty != nil {
		if reply, ok := askTerminal(tty, backgroundQuery(getenv("TERM"))); ok {
			if d, ok := darkFromReply(reply); ok {
				return d, "terminal"
			}
		}
	}
	if d, ok := darkFromColorFGBG(getenv("COLORFGBG")); ok {
		return d, "COLORFGBG"
	}
	return true, "default"
}

// askTerminal writes query to the terminal, without echo, and reads its
// answers until the cursor position report ends them or queryWait
// passes. The terminal's settings are put back as they were.
func askTerminal(tty *os.File, query string) (string, bool) {
	fd := int(tty.Fd())
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return "", false // not a terminal
	}
	raw := *old
	raw.Lflag &^= unix.ECHO | unix.ICANON
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 0, 0
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &raw); err != nil {
		return "", false
	}
	defer unix.IoctlSetTermios(fd, ioctlSetTermios, old) //nolint:errcheck // best effort: nothing else to do
	if _, err := tty.WriteString(query); err != nil {
		return "", false
	}
	var got []byte
	buf := make([]byte, 256)
	deadline := time.Now().Add(queryWait)
	for time.Now().Before(deadline) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(time.Until(deadline).Milliseconds())+1)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			break
		}
		k, err := unix.Read(fd, buf)
		if err != nil || k <= 0 {
			break
		}
		got = append(got, buf[:k]...)
		if cprEnd(got) {
			break
		}
	}
	return string(got), len(got) > 0
}

// cprEnd reports whether b holds a cursor position report (ESC [ n ; m R).
func cprEnd(b []byte) bool {
	i := bytes.LastIndex(b, []byte("\x1b["))
	return i >= 0 && bytes.IndexByte(b[i:], 'R') > 0 && bytes.IndexByte(b[i:], ';') > 0
}
