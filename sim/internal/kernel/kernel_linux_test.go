//go:build linux

package kernel

import (
	"net"
	"net/netip"
	"testing"
	"time"
)

// TestKernelStateSources checks that sock_diag and /proc/net/tcp agree on a
// connection's state, including TIME_WAIT and its timer, and on a
// connection the kernel no longer holds.
func TestKernelStateSources(t *testing.T) {
	c, s := loopbackPair(t)
	local := c.LocalAddr().(*net.TCPAddr).AddrPort()
	remote := c.RemoteAddr().(*net.TCPAddr).AddrPort()
	for _, f := range []func(a, b netip.AddrPort) TCPInfo{Lookup, procState} {
		if got := f(local, remote); got.State != StateEstablished {
			t.Fatalf("open connection: %+v", got)
		}
	}
	// The client closes first. Its read of the server's FIN returns only
	// once its kernel has processed that FIN, so the connection is then in
	// TIME_WAIT.
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1)
	if _, err := s.Read(buf); err == nil {
		t.Fatal("server read data, want EOF")
	}
	s.Close()
	if _, err := c.Read(buf); err == nil {
		t.Fatal("client read data, want EOF")
	}
	c.Close()
	got := Lookup(local, remote)
	if got.State != StateTimeWait || got.TimerLeft <= 50*time.Second || got.TimerLeft > 60*time.Second {
		t.Fatalf("sock_diag after close: %+v", got)
	}
	if p := procState(local, remote); p.State != StateTimeWait || (p.TimerLeft-got.TimerLeft).Abs() > 2*time.Second {
		t.Fatalf("/proc/net/tcp says %+v, sock_diag %+v", p, got)
	}
	// The server's side of it, which closed second, is gone.
	server := s.LocalAddr().(*net.TCPAddr).AddrPort()
	if k := Lookup(server, local); k.State != StateClose {
		t.Fatalf("server side after close: %+v", k)
	}
}

// loopbackPair returns both ends of a new loopback TCP connection, and
// closes them (again) when the test ends.
func loopbackPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	return client, server
}
