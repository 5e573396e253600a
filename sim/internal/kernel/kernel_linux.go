//go:build linux

package kernel

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Info reads TCP_INFO from a connected or listening socket.
func Info(c syscall.Conn) TCPInfo {
	rc, err := c.SyscallConn()
	if err != nil {
		return TCPInfo{}
	}
	var ti *unix.TCPInfo
	var gerr error
	if err := rc.Control(func(fd uintptr) {
		ti, gerr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); err != nil || gerr != nil {
		return TCPInfo{}
	}
	return TCPInfo{Known: true, Source: "TCP_INFO", State: TCPState(ti.State),
		RTT: time.Duration(ti.Rtt) * time.Microsecond, Unacked: ti.Unacked, Retrans: ti.Total_retrans}
}

// AcceptQueue returns how many finished connections wait in a listener's
// accept queue: for a LISTEN socket, Linux reports it as tcpi_unacked.
func AcceptQueue(ln *net.TCPListener) int {
	ti := Info(ln)
	if !ti.Known || ti.State != StateListen {
		return -1
	}
	return int(ti.Unacked)
}

// StampReceives asks the kernel to stamp received segments. On a
// listener it is inherited by every connection accepted from it, so that
// data that arrives before accept() is stamped too.
func StampReceives(c syscall.Conn) {
	if rc, err := c.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) {
			_ = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
		})
	}
}

// ReadStamped reads what is available into buf and returns the kernel's
// receive time of the last segment read (zero if it gave none).
func ReadStamped(c *net.TCPConn, buf []byte) (int, time.Time, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0, time.Time{}, err
	}
	var oob [64]byte
	var n, oobn int
	var rerr error
	err = rc.Read(func(fd uintptr) bool {
		n, oobn, _, _, rerr = unix.Recvmsg(int(fd), buf, oob[:], 0)
		return !errors.Is(rerr, unix.EAGAIN)
	})
	if err != nil {
		return 0, time.Time{}, &net.OpError{Op: "read", Net: "tcp", Err: err}
	}
	if rerr != nil {
		return 0, time.Time{}, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: os.NewSyscallError("recvmsg", rerr)}
	}
	if n == 0 && len(buf) > 0 {
		return 0, time.Time{}, io.EOF
	}
	var at time.Time
	if msgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil {
		for _, m := range msgs {
			if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SO_TIMESTAMPNS && len(m.Data) >= int(unsafe.Sizeof(unix.Timespec{})) {
				ts := (*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
				at = time.Unix(ts.Unix())
			}
		}
	}
	return n, at, nil
}

// Lookup asks the kernel about a connection whose descriptor may be
// gone: with sock_diag, or where that is not allowed from /proc/net/tcp.
// When the kernel holds nothing for it, the state is CLOSE. A TIME_WAIT
// connection carries the time left on its timer.
func Lookup(local, remote netip.AddrPort) TCPInfo {
	info, found, err := sockDiag(local, remote)
	switch {
	case err != nil:
		return procState(local, remote)
	case !found:
		return TCPInfo{Known: true, Source: "sock_diag", State: StateClose}
	}
	return info
}

// procState looks a connection up in /proc/net/tcp (or tcp6).
func procState(local, remote netip.AddrPort) TCPInfo {
	file := "/proc/net/tcp"
	if local.Addr().Is6() && !local.Addr().Is4In6() {
		file = "/proc/net/tcp6"
	}
	f, err := os.Open(file)
	if err != nil {
		return TCPInfo{}
	}
	defer f.Close()
	want := procAddr(local) + " " + procAddr(remote)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1]+" "+fields[2] != want {
			continue
		}
		st, err := strconv.ParseUint(fields[3], 16, 8)
		if err != nil {
			continue
		}
		info := TCPInfo{Known: true, Source: "/proc/net/tcp", State: TCPState(st)}
		// fields[5] is "tr:when": timer kind and clock ticks (USER_HZ, 100 on Linux) left.
		if tr, when, ok := strings.Cut(fields[5], ":"); ok && tr == "03" {
			if ticks, err := strconv.ParseUint(when, 16, 32); err == nil {
				info.TimerLeft = time.Duration(ticks) * 10 * time.Millisecond
			}
		}
		return info
	}
	if sc.Err() != nil {
		return TCPInfo{}
	}
	return TCPInfo{Known: true, Source: "/proc/net/tcp", State: StateClose}
}

// procAddr formats an address as /proc/net/tcp does on a little-endian
// host: the address as 32-bit words in host byte order, in hex, a colon,
// the port in hex.
func procAddr(ap netip.AddrPort) string {
	a := ap.Addr().Unmap()
	var out []byte
	if a.Is4() {
		b := a.As4()
		out = binary.LittleEndian.AppendUint32(nil, binary.BigEndian.Uint32(b[:]))
	} else {
		b := a.As16()
		for i := 0; i < 16; i += 4 {
			out = binary.LittleEndian.AppendUint32(out, binary.BigEndian.Uint32(b[i:]))
		}
	}
	return fmt.Sprintf("%s:%04X", strings.ToUpper(hex.EncodeToString(out)), ap.Port())
}
