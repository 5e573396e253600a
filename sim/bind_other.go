//go:build !unix

package sim

import (
	"errors"
	"net/netip"
	"syscall"
)

// bindFirst is not available here: the client numbers its connection
// after the handshake instead.
func bindFirst(syscall.RawConn, netip.AddrPort) (netip.AddrPort, error) {
	return netip.AddrPort{}, errors.ErrUnsupported
}
