// Package spdu is SessionLab's wire codec: what it puts on a socket is
// the ISO session protocol (ITU-T X.225 / ISO 8327-1) carried the way
// OSI stacks still run on TCP (IEC 61850/MMS, ICCP): each SPDU in a TSDU,
// each TSDU in an ISO 8073 class 0 DT TPDU, each TPDU in an RFC 1006
// TPKT. Wireshark's own dissectors (tpkt, cotp, ses) decode every frame.
//
// An SPDU is its identifier (SI), a length indicator (one octet up to
// 254, else 0xFF and two more), a parameter field of PGI and PI units
// with X.225's codes and encodings (serial numbers as IA5 digits, the
// version number as a bit mask), and for DT the user data after it.
// Category 2 SPDUs (DT, MIP, MIA, MAP, MAA, RS, RA, AS, AR, AE, AEA) go
// after a GIVE TOKENS in the same TSDU, as basic concatenation requires.
//
// TCP keeps no message boundaries; the TPKT's length is how a reader
// finds frames: one read may hold two frames, or half of one.
//
// SessionLab implements a subset: the Kernel with Duplex, Minor and
// Major synchronize, Resynchronize (restart), Negotiated release and
// Activity management; the SPDUs listed by Kinds; and of class 0 the
// TPDUs CR, CC, DT, DR and ER (a TSDU always fits one DT).
package spdu
