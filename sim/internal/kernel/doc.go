// Package kernel asks the operating system what it knows about a
// socket: TCP's state and round-trip time (TCP_INFO), a connection the
// descriptor of which is gone (sock_diag, or /proc/net/tcp), the accept
// queue, when a segment arrived; and it waits for readability without
// reading. Where the OS cannot tell (not Linux), the answers say Known:
// false rather than guess.
package kernel
