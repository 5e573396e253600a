package sim

// The transfer the client sends: five data packets and the sync points
// between them, the same in every lesson that moves data.

import "slices"

// Packets is how many data packets a transfer sends: DT 0 to DT 4.
const Packets = 5

// planItem is one step of the client's transfer: a data packet, or a sync
// point after the packets before it.
type planItem struct {
	seq   uint32
	point bool
	major bool
}

// transferPlan is DT 0 to DT 4 with minor sync points after DT 1 and DT 3
// and a major one after DT 4. Sync point k gets serial number k.
var transferPlan = []planItem{{seq: 0}, {seq: 1}, {point: true}, {seq: 2}, {seq: 3}, {point: true}, {seq: 4}, {point: true, major: true}}

// afterPoint returns the plan position just after sync point k (0: the
// start).
func afterPoint(k uint32) int {
	n := uint32(0)
	for i, it := range transferPlan {
		if n == k {
			return i
		}
		if it.point {
			n++
		}
	}
	return len(transferPlan)
}

// confirmUpTo moves the data packets up to and including last from
// Pending to Confirmed, keeping their order.
func confirmUpTo(s *state, last uint32) {
	s.log.Pending = slices.DeleteFunc(s.log.Pending, func(seq uint32) bool {
		if seq <= last {
			if !slices.Contains(s.log.Confirmed, seq) {
				s.log.Confirmed = append(s.log.Confirmed, seq)
			}
			return true
		}
		return false
	})
}
