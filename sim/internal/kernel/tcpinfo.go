package kernel

import (
	"fmt"
	"time"
)

// TCPState is a TCP connection state as the Linux kernel numbers it.
type TCPState uint8

// TCP states (include/net/tcp_states.h).
const (
	StateUnknown     TCPState = 0
	StateEstablished TCPState = 1
	StateSynSent     TCPState = 2
	StateSynRecv     TCPState = 3
	StateFinWait1    TCPState = 4
	StateFinWait2    TCPState = 5
	StateTimeWait    TCPState = 6
	StateClose       TCPState = 7
	StateCloseWait   TCPState = 8
	StateLastAck     TCPState = 9
	StateListen      TCPState = 10
	StateClosing     TCPState = 11
)

var stateNames = [...]string{"UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
	"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"}

// String returns the state's name as ss and netstat print it.
func (s TCPState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("STATE(%d)", uint8(s))
}

// TCPInfo is what the operating system reports about one connection.
// Known is false where it reports nothing (not Linux, or no socket); the
// other fields are then zero and must not be shown.
type TCPInfo struct {
	Known     bool
	Source    string // "TCP_INFO" or "/proc/net/tcp"
	State     TCPState
	RTT       time.Duration // smoothed round-trip time
	Unacked   uint32        // segments sent and not yet acknowledged by the peer's kernel
	Retrans   uint32        // retransmissions so far
	TimerLeft time.Duration // for TIME_WAIT from /proc: time until the kernel forgets the connection
}
