package sim_test

import (
	"net"
	"runtime"
	. "sessionlab/sim"
	"sessionlab/sim/simtest"
	"testing"
)

// TestWildcardAndIPv6Addresses: the server can listen on any address a
// learner may give (--addr): the IPv4 and IPv6 wildcards, IPv6 loopback.
// The client reaches a wildcard on loopback, and the lesson, its TIME_WAIT
// read from the kernel included, runs as on 127.0.0.1.
func TestWildcardAndIPv6Addresses(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::1]:0", "[::]:0"} {
		t.Run(addr, func(t *testing.T) {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				t.Skipf("this machine cannot listen on %s: %v", addr, err)
			}
			ln.Close()
			evs := simtest.Paced(t, Config{Scenarios: []Scenario{Establish, TerminateOrderly}, Addr: addr})
			endedClean(t, evs)
			if _, ok := simtest.Find(evs, func(e Closed) bool { return e.After.Known && e.After.State == StateTimeWait }); !ok && runtime.GOOS == "linux" {
				t.Errorf("no close found the connection in TIME_WAIT: %v", simtest.Labels(evs))
			}
		})
	}
}
