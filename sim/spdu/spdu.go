package spdu

import (
	"encoding/binary"
	"math/bits"
)

// SPDU is one session protocol data unit. Has says which parameters are
// present; a field whose parameter is absent is zero and is not encoded.
type SPDU struct {
	Kind Kind
	Has  Set

	// The Connection Identifier (CN, AC, RF), or in AR the Linking
	// Information's references to the old session connection.
	CalledRef, CallingRef, CommonRef, AdditionalRef []byte

	// The Connect/Accept Item (CN, AC); Versions is also RF's Version
	// Number.
	Options       byte
	Versions      Versions
	InitialSerial uint32
	TokenSetting  byte

	Units      Units // Session User Requirements
	Tokens     byte  // Token Item: the tokens a GT gives
	SyncType   byte
	Disconnect Disconnect
	Resync     ResyncType
	Serial     uint32 // in AR: the serial number to resume from (Linking Information)
	Reason     Reason
	// Activity is the Activity Identifier: AS's, or the new one in AR;
	// OldActivity is, in AR, the interrupted activity.
	Activity, OldActivity []byte

	UserData []byte // the User Data parameter
	Info     []byte // DT: the user information field, after the parameters
}

// With adds ps to the SPDU's parameters and returns it, so that SPDUs can
// be built in one expression.
func (s SPDU) With(ps ...Param) SPDU {
	s.Has |= SetOf(ps...)
	return s
}

// liLen is how many octets a length indicator for n takes (X.225 8.2.5):
// one up to 254, else 0xFF and two more.
func liLen(n int) int {
	if n < 255 {
		return 1
	}
	return 3
}

func appendLI(b []byte, n int) []byte {
	if n < 255 {
		return append(b, byte(n))
	}
	return binary.BigEndian.AppendUint16(append(b, 0xFF), uint16(n))
}

// valueLen is the length of p's value.
func (s *SPDU) valueLen(p Param) int {
	if o := s.octets(p); o != nil {
		return len(*o)
	}
	switch p {
	case PInitialSerial:
		return serialLen(s.InitialSerial)
	case PSerial:
		return serialLen(s.Serial)
	case PRequirements:
		return 2
	}
	return 1
}

// octets is the field that holds p's value when that value is an octet
// string (references, activity ids, user data), nil for any other p: the
// one place that pairs those parameters with their fields.
func (s *SPDU) octets(p Param) *[]byte {
	switch p {
	case PCalledRef:
		return &s.CalledRef
	case PCallingRef:
		return &s.CallingRef
	case PCommonRef:
		return &s.CommonRef
	case PAdditionalRef:
		return &s.AdditionalRef
	case PActivity:
		return &s.Activity
	case POldActivity:
		return &s.OldActivity
	case PUserData:
		return &s.UserData
	}
	return nil
}

func (s *SPDU) appendValue(b []byte, p Param) []byte {
	if o := s.octets(p); o != nil {
		return append(b, *o...)
	}
	switch p {
	case POptions:
		return append(b, s.Options)
	case PVersion:
		return append(b, byte(s.Versions))
	case PInitialSerial:
		return appendSerial(b, s.InitialSerial)
	case PTokenSetting:
		return append(b, s.TokenSetting)
	case PTokenItem:
		return append(b, s.Tokens)
	case PSyncType:
		return append(b, s.SyncType)
	case PDisconnect:
		return append(b, byte(s.Disconnect))
	case PRequirements:
		return binary.BigEndian.AppendUint16(b, uint16(s.Units))
	case PResync:
		return append(b, byte(s.Resync))
	case PSerial:
		return appendSerial(b, s.Serial)
	case PReason:
		return append(b, byte(s.Reason))
	}
	return b
}

// unitLen returns the length of u's value (for a group, its members
// together) and whether u is present at all.
func (s *SPDU) unitLen(u unit) (int, bool) {
	n, present := 0, false
	for _, p := range u.params {
		if s.Has.Has(p) {
			v := s.valueLen(p)
			n += 1 + liLen(v) + v
			present = true
		}
	}
	if u.pgi == 0 && present {
		n = s.valueLen(u.params[0])
	}
	return n, present
}

// paramLen returns the length of the SPDU's parameter field.
func (s *SPDU) paramLen() int {
	if s.Has == 0 {
		return 0
	}
	n := 0
	for _, u := range kinds[s.Kind].units {
		if v, ok := s.unitLen(u); ok {
			n += 1 + liLen(v) + v
		}
	}
	return n
}

// Len returns the number of octets the SPDU takes.
func (s *SPDU) Len() int {
	p := s.paramLen()
	return 1 + liLen(p) + p + len(s.Info)
}

// check applies the rules decoding enforces, so that an SPDU is never
// encoded that would not decode to itself.
func (s *SPDU) check() error {
	if !s.Kind.Valid() {
		return errorf(ErrUnknownKind, 0, "cannot encode SPDU kind %d", s.Kind)
	}
	k := &kinds[s.Kind]
	if extra := s.Has &^ allowed[s.Kind]; extra != 0 {
		return errorf(ErrBadParam, 0, "%v does not carry %v", s.Kind, firstParam(extra))
	}
	if missing := k.required &^ s.Has; missing != 0 {
		return errorf(ErrBadParam, 0, "%v needs %v", s.Kind, firstParam(missing))
	}
	if len(s.Info) > 0 && s.Kind != DT {
		return errorf(ErrBadParam, 0, "%v has no user information field", s.Kind)
	}
	if s.Kind == MAP && s.SyncType&SyncActivityGoesOn == 0 {
		return errorf(ErrBadParam, 0, "a MAP's Sync Type Item says the activity goes on, or it is an AE")
	}
	for has := s.Has; has != 0; has &= has - 1 {
		if err := s.checkValue(Param(bits.TrailingZeros32(uint32(has))), 0); err != nil {
			return err
		}
	}
	return nil
}

// checkValue checks p's value; off is reported in errors.
func (s *SPDU) checkValue(p Param, off int) error {
	info := params[p]
	if n := s.valueLen(p); n < info.min || n > info.max {
		return errorf(ErrBadParam, off, "%v is %d octets, from %d to %d allowed", p, n, info.min, info.max)
	}
	switch {
	case p == PSerial && s.Serial > MaxSerial, p == PInitialSerial && s.InitialSerial > MaxSerial:
		return errorf(ErrBadParam, off, "%v above %d", p, MaxSerial)
	case p == PResync && s.Resync > SetTo:
		return errorf(ErrBadParam, off, "resync type %d unknown", s.Resync)
	case p == PVersion && s.Versions == 0:
		return errorf(ErrBadParam, off, "a Version Number naming no version")
	}
	return nil
}

func firstParam(s Set) Param {
	for p := range numParams {
		if s.Has(p) {
			return p
		}
	}
	return numParams
}

// appendTo encodes the SPDU after b; check it first.
func (s *SPDU) appendTo(b []byte) []byte {
	b = append(b, s.Kind.SI())
	if s.Has == 0 {
		return append(append(b, 0), s.Info...)
	}
	b = appendLI(b, s.paramLen())
	for _, u := range kinds[s.Kind].units {
		v, ok := s.unitLen(u)
		if !ok {
			continue
		}
		if u.pgi == 0 {
			p := u.params[0]
			b = s.appendValue(appendLI(append(b, p.Code()), v), p)
			continue
		}
		b = appendLI(append(b, u.pgi), v)
		for _, p := range u.params {
			if s.Has.Has(p) {
				b = s.appendValue(appendLI(append(b, p.Code()), s.valueLen(p)), p)
			}
		}
	}
	return append(b, s.Info...)
}

// readLI reads a length indicator at b[i]; it returns the length and the
// octets it took, or ok false when b ends first.
func readLI(b []byte, i int) (n, size int, ok bool) {
	if i >= len(b) {
		return 0, 0, false
	}
	if b[i] != 0xFF {
		return int(b[i]), 1, true
	}
	if i+3 > len(b) {
		return 0, 0, false
	}
	return int(binary.BigEndian.Uint16(b[i+1:])), 3, true
}

// decode reads the SPDU at the start of b, of the given category, into
// s (which must be zero) and returns its length; off is where b starts in
// the frame. A DT's user information field is the rest of b.
func (s *SPDU) decode(b []byte, category, off int) (int, error) {
	k, ok := kindOf(b[0], category)
	if !ok {
		return 0, errorf(ErrUnknownKind, off, "SPDU identifier %d is not one of category %d SessionLab knows", b[0], category)
	}
	s.Kind = k
	pl, size, ok := readLI(b, 1)
	if !ok {
		return 0, errorf(ErrTruncated, off+1, "%v's LI is cut short", k)
	}
	if 1+size+pl > len(b) {
		return 0, errorf(ErrTruncated, off+1, "%v's LI says %d octets follow, but the TSDU has %d", k, pl, len(b)-1-size)
	}
	end := 1 + size + pl
	if pl > 0 {
		if err := s.decodeUnits(b[1+size:end], off+1+size); err != nil {
			return 0, err
		}
	}
	if s.Kind == MAP && (!s.Has.Has(PSyncType) || s.SyncType&SyncActivityGoesOn == 0) {
		// SI 41 without "the activity goes on" ends the activity.
		s.Kind, s.Has = AE, s.Has&^SetOf(PSyncType)
		s.SyncType = 0
	}
	if missing := kinds[s.Kind].required &^ s.Has; missing != 0 {
		return 0, errorf(ErrBadParam, off+end, "%v needs %v", s.Kind, firstParam(missing))
	}
	if s.Kind == DT {
		if end < len(b) {
			s.Info = append([]byte(nil), b[end:]...)
		}
		end = len(b)
	}
	return end, nil
}

// decodeUnits reads a parameter field; off is where it starts in the
// frame.
func (s *SPDU) decodeUnits(b []byte, off int) error {
	for i := 0; i < len(b); {
		code := b[i]
		n, size, ok := readLI(b, i+1)
		if !ok || i+1+size+n > len(b) {
			return errorf(ErrBadParam, off+i, "parameter %d is cut short", code)
		}
		v := b[i+1+size : i+1+size+n]
		u, ok := s.unitFor(code)
		if !ok {
			return errorf(ErrBadParam, off+i, "%v does not carry parameter %d", s.Kind, code)
		}
		var err error
		if u.pgi == 0 {
			err = s.setValue(u.params[0], v, off+i)
		} else {
			err = s.decodeGroup(u, v, off+i+1+size)
		}
		if err != nil {
			return err
		}
		i += 1 + size + n
	}
	return nil
}

// unitFor finds the unit with the given code in the SPDU's layout.
func (s *SPDU) unitFor(code byte) (unit, bool) {
	for _, u := range kinds[s.Kind].units {
		if (u.pgi != 0 && u.pgi == code) || (u.pgi == 0 && u.params[0].Code() == code) {
			return u, true
		}
	}
	return unit{}, false
}

// decodeGroup reads the PIs of a group.
func (s *SPDU) decodeGroup(u unit, b []byte, off int) error {
	for i := 0; i < len(b); {
		code := b[i]
		n, size, ok := readLI(b, i+1)
		if !ok || i+1+size+n > len(b) {
			return errorf(ErrBadParam, off+i, "parameter %d in group %d is cut short", code, u.pgi)
		}
		p, found := numParams, false
		for _, m := range u.params {
			if m.Code() == code {
				p, found = m, true
			}
		}
		if !found {
			return errorf(ErrBadParam, off+i, "group %d does not hold parameter %d", u.pgi, code)
		}
		if err := s.setValue(p, b[i+1+size:i+1+size+n], off+i); err != nil {
			return err
		}
		i += 1 + size + n
	}
	return nil
}

// setValue decodes v as p's value.
func (s *SPDU) setValue(p Param, v []byte, off int) error {
	if s.Has.Has(p) {
		return errorf(ErrBadParam, off, "%v given twice", p)
	}
	info := params[p]
	if len(v) < info.min || len(v) > info.max {
		return errorf(ErrBadParam, off, "%v is %d octets, from %d to %d allowed", p, len(v), info.min, info.max)
	}
	switch o := s.octets(p); {
	case o != nil:
		*o = append([]byte{}, v...)
	case p == PInitialSerial, p == PSerial:
		n, ok := parseSerial(v)
		if !ok {
			return errorf(ErrBadParam, off, "%v must be 1 to 6 decimal digits up to %d, got %q", p, MaxSerial, v)
		}
		if p == PSerial {
			s.Serial = n
		} else {
			s.InitialSerial = n
		}
	case p == PRequirements:
		s.Units = Units(binary.BigEndian.Uint16(v))
	default:
		s.setByte(p, v[0])
	}
	s.Has |= SetOf(p)
	return s.checkValue(p, off)
}

// setByte sets a one-octet parameter.
func (s *SPDU) setByte(p Param, v byte) {
	switch p {
	case POptions:
		s.Options = v
	case PVersion:
		s.Versions = Versions(v)
	case PTokenSetting:
		s.TokenSetting = v
	case PTokenItem:
		s.Tokens = v
	case PSyncType:
		s.SyncType = v
	case PDisconnect:
		s.Disconnect = Disconnect(v)
	case PResync:
		s.Resync = ResyncType(v)
	case PReason:
		s.Reason = Reason(v)
	}
}
