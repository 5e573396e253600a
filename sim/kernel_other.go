//go:build !linux

package sim

import (
	"io"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// Outside Linux the OS facts SessionLab shows are not available in a
// portable way, so they are reported as unknown rather than guessed.

func tcpInfo(syscall.Conn) TCPInfo { return TCPInfo{} }

func acceptQueue(*net.TCPListener) int { return -1 }

func enableRxTimestamps(syscall.Conn) {}

func readStamped(c *net.TCPConn, buf []byte) (int, time.Time, error) {
	n, err := c.Read(buf)
	if err == io.EOF {
		err = errEOF
	}
	return n, time.Time{}, err
}

func kernelState(local, remote netip.AddrPort) TCPInfo { return TCPInfo{} }
