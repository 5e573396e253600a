//go:build !unix

package sim

import "syscall"

// waitReadable cannot wait without reading on this platform; reads then
// take their turn at the pacer before the data is there.
func waitReadable(syscall.Conn) error { return nil }

func drainQueue(syscall.Conn) {}
