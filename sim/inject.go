package sim

import (
	"time"

	"sessionlab/sim/internal/pace"
)

// request asks for a fault without blocking; more than a few at once are
// dropped. A fault asked for counts as work from this moment (until the
// goroutine that applies it takes over the count): otherwise a manual
// clock, or a step, could move on before it is applied, or the scenario
// could even end with it unapplied.
func (r *run) request(kind FaultKind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dispatched {
		return // the scenario is over
	}
	w := r.sim.pacer.Reserve()
	select {
	case r.faults <- request{kind, w}:
	default:
		w.Release() // too many at once: dropped
	}
}

// dispatch runs for the whole scenario and starts a goroutine for each
// fault requested, which waits for its turn at the pacer like any step.
// Faults already asked for are always applied, even when the sides have
// just finished.
func (r *run) dispatch() {
	for {
		select {
		case req := <-r.faults:
			r.start(req)
			continue
		default:
		}
		select {
		case req := <-r.faults:
			r.start(req)
		case <-r.sidesDone:
		case <-r.ctx.Done():
		}
		if r.ctx.Err() != nil || isClosed(r.sidesDone) {
			r.mu.Lock()
			r.dispatched = true
			r.mu.Unlock()
			for {
				select {
				case req := <-r.faults:
					r.start(req)
				default:
					return
				}
			}
		}
	}
}

// request is a fault asked for, with the work it was counted in as.
type request struct {
	kind FaultKind
	work *pace.Work
}

// start applies a requested fault at its turn, on a goroutine that takes
// over the work request counted in.
func (r *run) start(req request) {
	r.mu.Lock()
	r.faulted, r.lastKind = true, req.kind
	r.mu.Unlock()
	r.group.GoWith(req.work, func() {
		if r.sim.pacer.Wait(r.ctx, r.sim.pacer.Now()) != nil {
			return
		}
		// Between two of the sides' actions, never inside one: a side
		// that wrote a frame has told it before the fault strikes, and a
		// stopped server does not go on to commit what it had read.
		release, err := r.sim.pacer.Quiet(r.ctx)
		if err != nil {
			return
		}
		defer release()
		faultTable[req.kind].apply(r)
	})
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// wasFaulted reports whether a fault was injected in this scenario.
func (r *run) wasFaulted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.faulted
}

// takeStall hands the stall waiting for the next frame, if any, to the
// caller, in pacing time.
func (r *run) takeStall() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.stall
	r.stall = 0
	return d
}

// scheduled injects the faults of Config.Faults that ev triggers.
func (s *Sim) scheduled(ev Event) {
	s.mu.Lock()
	id := ev.Head().ID
	s.last = id
	r := s.cur
	var due []FaultKind
	kept := s.pending[:0]
	for _, f := range s.pending {
		sent, isSent := ev.(Sent)
		// Between scenarios there is nothing to break: a fault due then
		// waits for the next scenario's first event.
		if r != nil && (f.After <= id && f.After > 0 || f.Frame != "" && isSent && sent.Name.Short() == f.Frame) {
			due = append(due, f.Kind)
		} else {
			kept = append(kept, f)
		}
	}
	s.pending = kept
	s.mu.Unlock()
	if r != nil {
		for _, k := range due {
			r.request(k)
		}
	}
}
