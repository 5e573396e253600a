//go:build !unix

package kernel

import (
	"errors"
	"net/netip"
	"syscall"
)

// BindsFirst: here the client learns its own address only after
// its handshake, so the server cannot tell its own client from another
// program's connection, and takes the first that comes.
const BindsFirst = false

// BindFirst is not available here: the client numbers its connection
// after the handshake instead.
func BindFirst(syscall.RawConn, netip.AddrPort) (netip.AddrPort, error) {
	return netip.AddrPort{}, errors.ErrUnsupported
}
