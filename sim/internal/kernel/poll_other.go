//go:build !unix

package kernel

import (
	"net/netip"
	"syscall"
)

// WaitReadable cannot wait without reading on this platform; reads then
// take their turn at the pacer before the data is there.
func WaitReadable(syscall.Conn) error { return nil }

// Readable cannot look without reading on this platform: it says no.
func Readable(syscall.Conn) bool { return false }

// DrainQueue does nothing here.
func DrainQueue(syscall.Conn) []netip.AddrPort { return nil }
