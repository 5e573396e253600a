//go:build unix

package kernel

import (
	"net/netip"
	"syscall"

	"golang.org/x/sys/unix"
)

// BindsFirst says that the client knows its own address before
// its handshake (BindFirst works here), so that the server can tell its
// own client from any other connection.
const BindsFirst = true

// BindFirst binds a socket that is about to connect to to's address with
// a port the kernel picks, and returns that address. Go's dialer calls
// its Control hook before it binds or connects, so the client knows its
// own address before the handshake: the engine can number the connection
// before the server could accept it.
func BindFirst(c syscall.RawConn, to netip.AddrPort) (netip.AddrPort, error) {
	var local netip.AddrPort
	var err error
	cerr := c.Control(func(fd uintptr) {
		// The family of the address dialled: an IPv6 address has no
		// four-byte form to bind (As4 would panic on it).
		var sa unix.Sockaddr
		if a := to.Addr(); a.Is4() || a.Is4In6() {
			sa = &unix.SockaddrInet4{Addr: a.Unmap().As4()}
		} else {
			sa = &unix.SockaddrInet6{Addr: a.As16()}
		}
		if err = unix.Bind(int(fd), sa); err != nil {
			return
		}
		var got unix.Sockaddr
		if got, err = unix.Getsockname(int(fd)); err != nil {
			return
		}
		switch a := got.(type) {
		case *unix.SockaddrInet4:
			local = netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
		case *unix.SockaddrInet6:
			local = netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port))
		}
	})
	if cerr != nil {
		return local, cerr
	}
	return local, err
}
