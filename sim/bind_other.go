//go:build !unix

package sim

import (
	"errors"
	"net/netip"
	"syscall"
)

// clientNumbersFirst: here the client learns its own address only after
// its handshake, so the server cannot tell its own client from another
// program's connection, and takes the first that comes.
const clientNumbersFirst = false

// bindFirst is not available here: the client numbers its connection
// after the handshake instead.
func bindFirst(syscall.RawConn, netip.AddrPort) (netip.AddrPort, error) {
	return netip.AddrPort{}, errors.ErrUnsupported
}
