//go:build linux

package sim_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	. "sessionlab/sim"
)

// TestWiresharkReadsTheBench: a whole session between connect and
// listen, captured on loopback, is what each side reported writing,
// octet for octet, and Wireshark's dissectors read every frame of it
// (PT+MIA and PT+MAA included) with no malformed packet or warning.
func TestWiresharkReadsTheBench(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		cannotJudge(t, "tshark is not installed (apt-get install tshark): Wireshark cannot judge the bench's frames here")
	}
	pcap := filepath.Join(t.TempDir(), "bench.pcapng")
	stop := startCapture(t, pcap)
	cl, sl := connectToListen(t)
	sl.await(t, 1, kind(BenchClosed))
	stop()

	ws := decodeCapture(t, pcap)
	var sent [2]bytes.Buffer // client's, server's
	var client, server uint16
	for i, log := range []*benchLog{cl, sl} {
		for _, ev := range log.all() {
			if ev.Kind == BenchFrameOut {
				sent[i].Write(ev.Raw)
			}
			client, server = ev.Local.Port(), ev.Remote.Port()
			if i == 1 {
				client, server = ev.Remote.Port(), ev.Local.Port()
			}
		}
	}
	streams := ws.byPorts[[2]uint16{client, server}]
	if len(streams) != 1 {
		t.Fatalf("%d captured streams on ports %d-%d", len(streams), client, server)
	}
	for i, k := range []flowKey{{client, server}, {server, client}} {
		fl := ws.flows[streams[0]][k]
		if fl == nil || !bytes.Equal(fl.payload, sent[i].Bytes()) {
			t.Fatalf("direction %d: the capture is not what the bench wrote", i)
		}
		if len(fl.problems) > 0 {
			t.Fatalf("direction %d: Wireshark says %v", i, fl.problems)
		}
		if i == 1 && !strings.Contains(strings.Join(fl.types, " "), "2 50") {
			t.Fatalf("Wireshark read the server's SPDUs as %v, with no PT+MIA (2, 50)", fl.types)
		}
	}
}
