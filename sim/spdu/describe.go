package spdu

import (
	"fmt"
	"strconv"
	"strings"
)

// Field is one part of an encoded frame: where it is, how deep it is
// nested, and what its octets mean. A frame inspector shows the octets
// beside the meaning.
type Field struct {
	Offset, Len int    // its octets in the frame
	Depth       int    // 0: a header (TPKT, COTP, SPDU); 1: a parameter; 2: one inside a group
	Name        string // "TPKT", "COTP DT", "GT", "Connection Identifier", "Serial Number"
	Value       string // the meaning, for people, with the SI, PGI or PI code
}

// Describe splits an encoded frame into its fields: the TPKT header, the
// TPDU header and its parameters, then each SPDU with its parameter units.
func Describe(raw []byte) ([]Field, error) {
	f, n, err := DecodeFrame(raw)
	if err != nil {
		return nil, err
	}
	raw = raw[:n]
	fields := []Field{{Offset: 0, Len: TPKTHeaderLen, Name: "TPKT",
		Value: fmt.Sprintf("version %d, %d octets in all (RFC 1006)", raw[0], n)}}
	li := int(raw[TPKTHeaderLen])
	fields = append(fields, Field{Offset: TPKTHeaderLen, Len: li + 1, Name: "COTP " + f.TPDU.Code.String(),
		Value: describeTPDU(&f.TPDU, li)})
	at := TPKTHeaderLen + li + 1
	for i := range f.N {
		s := &f.SPDUs[i]
		pl, size, _ := readLI(raw, at+1)
		value := fmt.Sprintf("SPDU, SI %d: %s; LI %d", raw[at], strings.ToLower(s.Kind.Name()), pl)
		if i == 0 && f.N == 2 && pl == 0 {
			// Why an SPDU that gives or asks for nothing is there at all.
			value += fmt.Sprintf("; empty: X.225 6.3.7 puts a %v before the %v", s.Kind, f.SPDUs[1].Kind)
		}
		fields = append(fields, Field{Offset: at, Len: 1 + size, Name: s.Kind.String(), Value: value})
		fields = append(fields, describeUnits(raw, at+1+size, pl, 1, s)...)
		at += 1 + size + pl
		if s.Kind == DT && len(s.Info) > 0 {
			fields = append(fields, Field{Offset: at, Len: len(s.Info), Depth: 1, Name: "user information",
				Value: strconv.Quote(string(s.Info))})
			at += len(s.Info)
		}
	}
	return fields, nil
}

func describeTPDU(t *TPDU, li int) string {
	s := fmt.Sprintf("%s, LI %d (ISO 8073)", strings.ToLower(t.Code.Name()), li)
	switch t.Code {
	case CodeDT:
		if t.EOT {
			s += "; EOT: the TSDU ends here"
		}
	case CodeCR, CodeCC:
		s += fmt.Sprintf("; class %d, to ref 0x%04x from ref 0x%04x", t.Class>>4, t.Dst, t.Src)
		if t.Size != 0 {
			s += fmt.Sprintf(", TPDU size %d", SizeOf(t.Size))
		}
	case CodeDR:
		s += fmt.Sprintf("; to ref 0x%04x from ref 0x%04x, reason %d", t.Dst, t.Src, t.Reason)
	case CodeER:
		s += fmt.Sprintf("; to ref 0x%04x, reject cause %d", t.Dst, t.Reason)
	}
	return s
}

// describeUnits describes the n octets of parameter units at raw[at:].
func describeUnits(raw []byte, at, n, depth int, s *SPDU) []Field {
	var out []Field
	for end := at + n; at < end; {
		code := raw[at]
		v, size, _ := readLI(raw, at+1)
		u, group := s.unitFor(code)
		if depth > 1 {
			group = false
		}
		name, value := "unknown parameter", fmt.Sprintf("PI %d", code)
		if group && u.pgi != 0 {
			name = groupName(code)
			value = fmt.Sprintf("PGI %d, %d octets", code, v)
		} else if p, ok := paramAt(s, code, depth); ok {
			unit := "PI"
			name = p.String()
			if p == PUserData {
				unit = "PGI" // a group with no parameters inside, its value the user's octets
			}
			value = fmt.Sprintf("%s %d: %s", unit, code, describeValue(s, p))
		}
		out = append(out, Field{Offset: at, Len: 1 + size + v, Depth: depth, Name: name, Value: value})
		if group && u.pgi != 0 {
			out = append(out, describeUnits(raw, at+1+size, v, depth+1, s)...)
		}
		at += 1 + size + v
	}
	return out
}

// paramAt finds the parameter a PI code stands for at a depth of an SPDU.
func paramAt(s *SPDU, code byte, depth int) (Param, bool) {
	for _, u := range kinds[s.Kind].units {
		if (depth > 1) != (u.pgi != 0) {
			continue
		}
		for _, p := range u.params {
			if p.Code() == code {
				return p, true
			}
		}
	}
	return 0, false
}

func groupName(code byte) string {
	switch code {
	case PGIConnectionID:
		return "Connection Identifier"
	case PGIConnectAccept:
		return "Connect/Accept Item"
	case PGILinking:
		return "Linking Information"
	}
	return "User Data"
}

func describeValue(s *SPDU, p Param) string {
	if o := s.octets(p); o != nil {
		return strconv.Quote(string(*o))
	}
	switch p {
	case POptions:
		if s.Options&1 != 0 {
			return "can receive extended concatenated SPDUs"
		}
		return "none"
	case PVersion:
		return fmt.Sprintf("0x%02x = %v", byte(s.Versions), s.Versions)
	case PInitialSerial:
		return fmt.Sprintf("%q = %d", strconv.Itoa(int(s.InitialSerial)), s.InitialSerial)
	case PSerial:
		return fmt.Sprintf("%q = %d", strconv.Itoa(int(s.Serial)), s.Serial)
	case PTokenSetting:
		return TokenSetting(s.TokenSetting)
	case PTokenItem:
		return fmt.Sprintf("0x%02x", s.Tokens)
	case PSyncType:
		return describeSync(s)
	case PDisconnect:
		return s.Disconnect.String()
	case PRequirements:
		return fmt.Sprintf("0x%04x = %v", uint16(s.Units), s.Units)
	case PResync:
		return s.Resync.String()
	case PReason:
		return fmt.Sprintf("%d = %v", s.Reason, s.Reason)
	}
	return ""
}

func describeSync(s *SPDU) string {
	if s.Kind == MAP {
		return "end of activity not indicated: a major sync point (MAP), not an activity end (AE)"
	}
	if s.SyncType&SyncNoConfirm != 0 {
		return "no explicit confirmation asked"
	}
	return "explicit confirmation asked"
}
