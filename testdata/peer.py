#!/usr/bin/env python3
"""A session-layer client in a few lines, written from SessionLab's README
("The lab bench: your own peer") alone: RFC 1006 TPKT, ISO 8073 class 0,
X.225 SPDUs. It opens a transport connection (CR), a session (CN), sends
two data packets (GT+DT), asks for a minor sync point (GT+MIP 1), and
releases (FN). Run it against `sessionlab listen`:

    python3 testdata/peer.py 127.0.0.1 12345

It prints each message it sends and receives, and exits 0 only if every
answer is the one RFC 1006, ISO 8073 and X.225 prescribe.
"""
import socket
import sys


def tpkt(body):
    """Wrap a TPDU in a TPKT: version 3, 0, the whole length."""
    n = 4 + len(body)
    return bytes([3, 0, n >> 8, n & 0xFF]) + body


def data(tsdu):
    """A class 0 data TPDU (02 F0 80) carrying one TSDU."""
    return tpkt(bytes([0x02, 0xF0, 0x80]) + tsdu)


def recv_tpkt(s):
    """Read one TPKT: its 4-octet header says how long it is."""
    head = recv_exactly(s, 4)
    if head[0] != 3:
        raise SystemExit("not a TPKT: %r" % head)
    n = (head[2] << 8) | head[3]
    return head + recv_exactly(s, n - 4)


def recv_exactly(s, n):
    b = b""
    while len(b) < n:
        chunk = s.recv(n - len(b))
        if not chunk:
            raise SystemExit("the connection ended inside a message")
        b += chunk
    return b


def exchange(s, name, msg, want=None):
    """Send msg; if want is given, read the answer and check that its TSDU
    (after the 7 octets of TPKT and data TPDU) starts with want."""
    print("->", name, msg.hex(" "))
    s.sendall(msg)
    if want is None:
        return
    answer = recv_tpkt(s)
    print("<-", answer.hex(" "))
    if not answer[7:].startswith(want):
        raise SystemExit("expected %s, got %s" % (want.hex(" "), answer.hex(" ")))


def main():
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        raise SystemExit("usage: peer.py HOST PORT (a sessionlab listen)")
    host, port = sys.argv[1], int(sys.argv[2])
    with socket.create_connection((host, port), timeout=10) as s:
        # CR: LI 6, code E0, destination reference 0, our reference 7, class 0.
        cr = tpkt(bytes([0x06, 0xE0, 0, 0, 0, 7, 0]))
        print("-> CR", cr.hex(" "))
        s.sendall(cr)
        cc = recv_tpkt(s)
        print("<-", cc.hex(" "))
        if cc[5] != 0xD0:
            raise SystemExit("expected CC (code D0)")
        # CN: Connect/Accept Item (options 0, version 2, initial serial "1"),
        # Session User Requirements: duplex 0x0002 | minor synchronize 0x0008.
        params = bytes([0x05, 0x09, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02, 0x17, 0x01, 0x31,
                        0x14, 0x02, 0x00, 0x0A])
        exchange(s, "CN", data(bytes([0x0D, len(params)]) + params), bytes([0x0E]))  # AC
        for text in (b"data 0", b"data 1"):
            exchange(s, "GT+DT", data(bytes([0x01, 0x00, 0x01, 0x00]) + text))
        # GT, then MIP with Serial Number (PI 42) "1"; the answer: PT, MIA 1.
        exchange(s, "GT+MIP 1", data(bytes([0x01, 0x00, 0x31, 0x03, 0x2A, 0x01, 0x31])),
                 bytes([0x02, 0x00, 0x32, 0x03, 0x2A, 0x01, 0x31]))
        exchange(s, "FN", data(bytes([0x09, 0x00])), bytes([0x0A, 0x00]))  # DN
    print("session opened, confirmed and released")


if __name__ == "__main__":
    main()
