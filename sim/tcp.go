package sim

import "sessionlab/sim/internal/kernel"

// TCPInfo is what the operating system reports about one connection.
// Known is false where it reports nothing (not Linux, or no socket); the
// other fields are then zero and must not be shown.
type TCPInfo = kernel.TCPInfo

// TCPState is a TCP connection state as the Linux kernel numbers it.
type TCPState = kernel.TCPState

// TCP states (include/net/tcp_states.h).
const (
	StateUnknown     = kernel.StateUnknown
	StateEstablished = kernel.StateEstablished
	StateSynSent     = kernel.StateSynSent
	StateSynRecv     = kernel.StateSynRecv
	StateFinWait1    = kernel.StateFinWait1
	StateFinWait2    = kernel.StateFinWait2
	StateTimeWait    = kernel.StateTimeWait
	StateClose       = kernel.StateClose
	StateCloseWait   = kernel.StateCloseWait
	StateLastAck     = kernel.StateLastAck
	StateListen      = kernel.StateListen
	StateClosing     = kernel.StateClosing
)
