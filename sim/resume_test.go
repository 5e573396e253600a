package sim_test

import (
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"testing"

	"sessionlab/sim/spdu"
)

// TestResumeFacts: X.225 Table A-4, AR: sending it (the client) and
// receiving it (the server) set V(A) = V(M) = sn + 1 and V(R) = 1, where
// sn is the serial number AR carries: the last point the client saw
// confirmed, 1 (the MIA of point 2 was lost with the connection).
func TestResumeFacts(t *testing.T) {
	evs := simtest.Paced(t, Config{Scenarios: []Scenario{RecoverReconnect}})
	want := SyncVars{Known: true, VA: 2, VM: 2, VR: 1}
	sent, ok := simtest.Find(evs, func(e Sent) bool { return MainOf(e.Frame).Kind == spdu.AR })
	if !ok || MainOf(sent.Frame).Serial != 1 {
		t.Fatalf("no AR resuming after point 1: %v", simtest.Labels(evs))
	}
	if sent.Sync != want {
		t.Errorf("client after sending AR: %+v, want %+v", sent.Sync, want)
	}
	got, ok := simtest.Find(evs, func(e Received) bool { return MainOf(e.Frame).Kind == spdu.AR })
	if !ok || got.Sync != want {
		t.Errorf("server after receiving AR: %+v (found %v), want %+v", got.Sync, ok, want)
	}
}

// TestClientChecksAcknowledgements: an MIA, MAA or AEA confirms serial
// numbers from V(A) up to V(M) - 1 (X.225 Table A-4); one outside that
// range is a protocol error, and changes nothing.
func TestClientChecksAcknowledgements(t *testing.T) {
	for _, tt := range []struct {
		kind   spdu.Kind
		serial uint32
		ok     bool
	}{
		{spdu.MIA, 1, false}, // below V(A)
		{spdu.MIA, 2, true},  // V(A)
		{spdu.MIA, 4, true},  // V(M) - 1
		{spdu.MIA, 5, false}, // V(M): no such point yet
		{spdu.MAA, 5, false},
		{spdu.AEA, 1, false},
	} {
		before := SyncVars{Known: true, VA: 2, VM: 5, VR: 1}
		after, err := ClientConfirm(before, map[uint32]uint32{2: 1, 3: 3, 4: 4}, WithSerial(tt.kind, tt.serial))
		if (err == nil) != tt.ok {
			t.Errorf("%v %d with V(A)=2 V(M)=5: %v, want ok %v", tt.kind, tt.serial, err, tt.ok)
		}
		if !tt.ok && after != before {
			t.Errorf("%v %d was refused but changed the variables to %+v", tt.kind, tt.serial, after)
		}
	}
}
