package spdu

import "math/bits"

// Frame is one decoded SPDU. Has says which parameters are present; a field
// whose parameter is absent is zero and is not encoded.
type Frame struct {
	Kind          Kind
	Has           Set
	SessionID     uint64
	Disconnect    Disconnect
	Units         Units
	Version       uint8
	InitialSerial uint32
	Resync        ResyncType
	Serial        uint32
	Reason        Reason
	Seq           uint32
	Data          []byte // user data; with PUserData in Has, may be empty
}

// With adds ps to the frame's parameters and returns the frame, so that
// frames can be built in one expression.
func (f Frame) With(ps ...Param) Frame {
	f.Has |= SetOf(ps...)
	return f
}

// HeaderLen is the size of a frame's fixed header: SI and a 2-byte length.
const HeaderLen = 3

// MaxPayload is the longest payload a frame may declare. A peer that
// announces more is sending garbage or trying to make us allocate.
const MaxPayload = 1024

// EncodedLen returns how many bytes Append writes for f.
func (f *Frame) EncodedLen() int {
	n := HeaderLen
	for has := f.Has; has != 0; has &= has - 1 {
		n += 2 + f.valueLen(encodeOrder[bits.TrailingZeros16(uint16(has))])
	}
	return n
}

func (f *Frame) valueLen(p Param) int {
	if p == PUserData {
		return len(f.Data)
	}
	return params[p].size
}

// Label names the frame as the wire diagram, the event log and --fault
// do: "CN", "DT 3", "MIP 1". It is the one place a frame gets its label.
func (f Frame) Label() string {
	switch {
	case f.Has.Has(PSeq):
		return f.Kind.String() + " " + itoa(uint64(f.Seq))
	case f.Has.Has(PSerial):
		return f.Kind.String() + " " + itoa(uint64(f.Serial))
	}
	return f.Kind.String()
}
