//go:build unix

package sim

import (
	"net/netip"
	"syscall"

	"golang.org/x/sys/unix"
)

// bindFirst binds a socket that is about to connect to to's address with
// a port the kernel picks, and returns that address. Go's dialer calls
// its Control hook before it binds or connects, so the client knows its
// own address before the handshake: the engine can number the connection
// before the server could accept it.
func bindFirst(c syscall.RawConn, to netip.AddrPort) (netip.AddrPort, error) {
	var local netip.AddrPort
	var err error
	cerr := c.Control(func(fd uintptr) {
		var sa unix.Sockaddr = &unix.SockaddrInet4{Addr: to.Addr().Unmap().As4()}
		if to.Addr().Is6() && !to.Addr().Is4In6() {
			sa = &unix.SockaddrInet6{Addr: to.Addr().As16()}
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
