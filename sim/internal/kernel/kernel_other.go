//go:build !linux

package kernel

import (
	"net"
	"net/netip"
	"syscall"
	"time"
)

// Outside Linux the OS facts SessionLab shows are not available in a
// portable way, so they are reported as unknown rather than guessed.

// Info reports nothing here.
func Info(syscall.Conn) TCPInfo { return TCPInfo{} }

// AcceptQueue cannot tell here: -1.
func AcceptQueue(*net.TCPListener) int { return -1 }

// StampReceives does nothing here.
func StampReceives(syscall.Conn) {}

// ReadStamped reads, without a receive time.
func ReadStamped(c *net.TCPConn, buf []byte) (int, time.Time, error) {
	n, err := c.Read(buf)
	return n, time.Time{}, err
}

// Lookup reports nothing here.
func Lookup(local, remote netip.AddrPort) TCPInfo { return TCPInfo{} }
