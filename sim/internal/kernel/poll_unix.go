//go:build unix

package kernel

import (
	"errors"
	"net/netip"
	"syscall"

	"golang.org/x/sys/unix"
)

// WaitReadable blocks until the socket has something to read (data, a FIN,
// an RST, or for a listener a finished connection) without reading it, so
// that the read itself can wait for its turn at the pacer. Closing the
// socket ends the wait with an error.
func WaitReadable(c syscall.Conn) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	return rc.Read(func(fd uintptr) bool {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			n, err := unix.Poll(fds, 0)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			// On error, say "ready" and let the read report it.
			return err != nil || n > 0
		}
	})
}

// Readable reports, without waiting or reading, whether the socket has
// something to read now (data, a FIN, an RST).
func Readable(c syscall.Conn) bool {
	rc, err := c.SyscallConn()
	if err != nil {
		return false
	}
	ready := false
	_ = rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			n, err := unix.Poll(fds, 0)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			ready = err == nil && n > 0
			return
		}
	})
	return ready
}

// DrainQueue accepts and closes every connection waiting on a listening
// socket, without blocking, and returns the address each came from.
func DrainQueue(c syscall.Conn) []netip.AddrPort {
	rc, err := c.SyscallConn()
	if err != nil {
		return nil
	}
	var peers []netip.AddrPort
	_ = rc.Control(func(fd uintptr) {
		for {
			nfd, sa, err := unix.Accept(int(fd))
			if err != nil {
				return
			}
			switch a := sa.(type) {
			case *unix.SockaddrInet4:
				peers = append(peers, netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port)))
			case *unix.SockaddrInet6:
				peers = append(peers, netip.AddrPortFrom(netip.AddrFrom16(a.Addr).Unmap(), uint16(a.Port)))
			}
			_ = unix.SetsockoptLinger(nfd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
			unix.Close(nfd)
		}
	})
	return peers
}
