// Package spdu is SessionLab's X.225-inspired wire format: session protocol
// data units (SPDUs) framed for a TCP byte stream.
//
// A frame is the real X.225 SPDU identifier (SI) in one byte, the payload
// length as a 2-byte big-endian number, then parameters, each a 1-byte
// parameter identifier (PI), a 1-byte length and the value. Where X.225 has a
// parameter for the same purpose, its PI code is reused; SessionLab's own
// parameters use codes from 0xE0 up. The layout is deliberately simpler than
// X.225 (no PGI groups, no extended length octets, no TPKT/COTP), so
// Wireshark's "ses" dissector will not decode it.
//
// TCP keeps no message boundaries, so the length prefix is what lets a reader
// find frames: one read may hold two frames, or half of one.
package spdu
