package spdu

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// Field is one part of an encoded frame: where it is, its bytes, and what
// they mean. A frame inspector shows the bytes beside the meaning.
type Field struct {
	Offset int
	Bytes  []byte // aliases the frame given to Describe
	Name   string // "SI", "length", or the parameter's name
	Value  string // the meaning, for people
}

// Describe splits an encoded frame into its fields: the identifier, the
// length, then each parameter (its PI and length bytes with its value).
func Describe(raw []byte) ([]Field, error) {
	f, n, err := Decode(raw)
	if err != nil {
		return nil, err
	}
	fields := []Field{
		{Offset: 0, Bytes: raw[0:1], Name: "SI", Value: fmt.Sprintf("%d = %v, %s", raw[0], f.Kind, f.Kind.Name())},
		{Offset: 1, Bytes: raw[1:3], Name: "length", Value: fmt.Sprintf("%d bytes follow", binary.BigEndian.Uint16(raw[1:]))},
	}
	for i := HeaderLen; i < n; {
		p, size := Param(raw[i]), int(raw[i+1])
		fields = append(fields, Field{Offset: i, Bytes: raw[i : i+2+size], Name: p.String(), Value: describeValue(&f, p)})
		i += 2 + size
	}
	return fields, nil
}

func describeValue(f *Frame, p Param) string {
	switch p {
	case PSessionID:
		return fmt.Sprintf("%016x", f.SessionID)
	case PDisconnect:
		s := "keep the transport connection"
		if f.Disconnect&ReleaseTransport != 0 {
			s = "release the transport connection"
		}
		if f.Disconnect&UserAbort != 0 {
			s += ", user abort"
		}
		return s
	case PRequirements:
		return f.Units.String()
	case PVersion:
		return "version " + strconv.Itoa(int(f.Version))
	case PInitialSerial:
		return strconv.FormatUint(uint64(f.InitialSerial), 10)
	case PResync:
		return f.Resync.String()
	case PSerial:
		return strconv.FormatUint(uint64(f.Serial), 10)
	case PReason:
		return fmt.Sprintf("%d, %v", f.Reason, f.Reason)
	case PSeq:
		return strconv.FormatUint(uint64(f.Seq), 10)
	case PResume:
		return "resume an earlier session"
	case PUserData:
		return strconv.Quote(string(f.Data))
	}
	return ""
}
