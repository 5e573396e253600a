package spdu

import (
	"encoding/hex"
	"strings"
	"testing"
)

// TestDescribeCoversEveryOctet: for every hand-written vector, the fields
// at each depth tile their parent without gap or overlap, the headers
// tile the whole frame, and every field says something.
func TestDescribeCoversEveryOctet(t *testing.T) {
	for _, v := range vectors {
		raw, err := hex.DecodeString(strings.ReplaceAll(v.hex, " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		fields, err := Describe(raw)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		// A group's field spans its members, which describe its contents;
		// so every octet is described exactly once.
		seen := make([]int, len(raw))
		for i, f := range fields {
			if f.Value == "" || f.Name == "" {
				t.Errorf("%s: the field at octet %d says nothing: %+v", v.name, f.Offset, f)
			}
			end := f.Offset + f.Len
			if i+1 < len(fields) && fields[i+1].Depth > f.Depth && fields[i+1].Depth > 1 {
				end = fields[i+1].Offset // a PGI: its code and length; its members follow
			}
			for o := f.Offset; o < end; o++ {
				if o >= len(raw) {
					t.Fatalf("%s: %s runs past the frame's %d octets", v.name, f.Name, len(raw))
				}
				seen[o]++
			}
		}
		for o, n := range seen {
			if n != 1 {
				t.Errorf("%s: octet %d is described %d times", v.name, o, n)
			}
		}
	}
}
