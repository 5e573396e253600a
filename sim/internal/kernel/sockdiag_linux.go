//go:build linux

package kernel

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// sockDiag asks the kernel, over netlink sock_diag (what ss uses), for one
// TCP connection by its addresses. Unlike reading /proc/net/tcp, which
// walks every connection the kernel holds, this is a single hash lookup.
// found is false when the kernel holds nothing for the connection; err is
// set when the question could not be asked.
func sockDiag(local, remote netip.AddrPort) (info TCPInfo, found bool, err error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return info, false, err
	}
	defer unix.Close(fd)

	const hdrLen, reqLen = 16, 56
	msg := make([]byte, hdrLen+reqLen)
	ne := binary.NativeEndian
	ne.PutUint32(msg[0:], uint32(len(msg)))
	ne.PutUint16(msg[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(msg[6:], unix.NLM_F_REQUEST)
	ne.PutUint32(msg[8:], 1) // sequence number
	req := msg[hdrLen:]
	req[0] = unix.AF_INET
	if local.Addr().Is6() && !local.Addr().Is4In6() {
		req[0] = unix.AF_INET6
	}
	req[1] = unix.IPPROTO_TCP
	ne.PutUint32(req[4:], 0xFFFFFFFF) // every state
	putSockID(req[8:56], local, remote)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return info, false, err
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return info, false, err
	}
	if n < hdrLen {
		return info, false, errors.New("sock_diag: short answer")
	}
	switch ne.Uint16(buf[4:]) {
	case unix.NLMSG_ERROR:
		if n >= hdrLen+4 && int32(ne.Uint32(buf[hdrLen:])) == -int32(unix.ENOENT) {
			return info, false, nil
		}
		return info, false, errors.New("sock_diag: lookup refused")
	case unix.SOCK_DIAG_BY_FAMILY:
	default:
		return info, false, errors.New("sock_diag: unexpected answer")
	}
	m := buf[hdrLen:n]
	if len(m) < 72 {
		return info, false, errors.New("sock_diag: short message")
	}
	// A lookup that finds no connection may find the listener on the same
	// port instead: that is not this connection.
	if binary.BigEndian.Uint16(m[6:]) != remote.Port() {
		return info, false, nil
	}
	info = TCPInfo{Known: true, Source: "sock_diag", State: TCPState(m[1]), Retrans: uint32(m[3])}
	if m[2] == 3 { // the TIME_WAIT timer; expires is in milliseconds
		info.TimerLeft = time.Duration(ne.Uint32(m[52:])) * time.Millisecond
	}
	return info, true, nil
}

// putSockID writes struct inet_diag_sockid: ports and addresses in network
// byte order, any interface, no cookie.
func putSockID(b []byte, local, remote netip.AddrPort) {
	binary.BigEndian.PutUint16(b[0:], local.Port())
	binary.BigEndian.PutUint16(b[2:], remote.Port())
	putAddr(b[4:20], local.Addr())
	putAddr(b[20:36], remote.Addr())
	binary.NativeEndian.PutUint32(b[36:], 0)
	binary.NativeEndian.PutUint32(b[40:], 0xFFFFFFFF)
	binary.NativeEndian.PutUint32(b[44:], 0xFFFFFFFF)
}

func putAddr(b []byte, a netip.Addr) {
	if a.Is4() || a.Is4In6() {
		v4 := a.Unmap().As4()
		copy(b, v4[:])
		return
	}
	v6 := a.As16()
	copy(b, v6[:])
}
