package serve

// The class's hub: the teacher's runs, each recorded as it happens so
// that a follower (a late one too) mirrors it from its first event; and
// the teacher's newest state, handed to every follower as what is
// current, never as a backlog, so that a slow student cannot hold back
// the teacher or anyone else.

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"sessionlab/sim"
	"sessionlab/ui"
)

// hub is one class.
type hub struct {
	stepped atomic.Int64 // unix nanoseconds of the teacher's last step: a watching student is active
	mu      sync.Mutex
	runs    map[int]*record
	state   ui.FollowState
	subs    map[chan ui.FollowState]struct{}
	answers map[string]map[chan ui.FollowState]int // by question, each follower's choice
	away    map[chan ui.FollowState]bool           // followers exploring on their own
	names   map[chan ui.FollowState]string         // a named class (--named): who each follower is
	rooms   chan ui.Room                           // to the teacher: the newest only
}

// newHub makes a class's hub; named, the teacher sees who answered what.
func newHub(named bool) *hub {
	h := &hub{runs: map[int]*record{}, subs: map[chan ui.FollowState]struct{}{},
		answers: map[string]map[chan ui.FollowState]int{}, away: map[chan ui.FollowState]bool{}, rooms: make(chan ui.Room, 1)}
	if named {
		h.names = map[chan ui.FollowState]string{}
	}
	return h
}

// room is what the teacher's console reads.
func (h *hub) room() <-chan ui.Room { return h.rooms }

// tellLocked hands the teacher the class as it is now, in place of a
// state it has not taken yet. h.mu is held.
func (h *hub) tellLocked() {
	r := ui.Room{Connected: len(h.subs), Exploring: len(h.away), Answers: map[string][]int{}}
	if h.names != nil {
		r.Names = map[string][][]string{}
	}
	for q, by := range h.answers {
		for ch, c := range by {
			for len(r.Answers[q]) <= c {
				r.Answers[q] = append(r.Answers[q], 0)
			}
			r.Answers[q][c]++
			if r.Names != nil {
				for len(r.Names[q]) <= c {
					r.Names[q] = append(r.Names[q], nil)
				}
				r.Names[q][c] = append(r.Names[q][c], h.names[ch])
			}
		}
	}
	for _, by := range r.Names {
		for _, names := range by {
			slices.Sort(names)
		}
	}
	select {
	case <-h.rooms:
	default:
	}
	h.rooms <- r
}

// record is one of the teacher's runs: its events so far.
type record struct {
	mu      sync.Mutex
	events  []sim.Event
	done    bool
	port    uint16
	changed chan struct{} // closed and replaced at each change
}

func (h *hub) record(run int) *record {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.runs[run]
	if r == nil {
		r = &record{changed: make(chan struct{})}
		h.runs[run] = r
	}
	return r
}

func (r *record) add(ev sim.Event, port uint16) {
	r.mu.Lock()
	r.events, r.port = append(r.events, ev), port
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

func (r *record) finish() {
	r.mu.Lock()
	r.done = true
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// startRun starts the teacher's run number run with start, and records
// its events as the teacher's screen takes them.
func (h *hub) startRun(start ui.Starter) func(run int, cfg sim.Config, paused bool) (sim.Session, error) {
	return func(run int, cfg sim.Config, paused bool) (sim.Session, error) {
		rec := h.record(run)
		s, err := start(cfg, paused)
		if err != nil {
			rec.finish()
			return nil, err
		}
		t := &teed{Session: s, events: make(chan sim.Event), stopped: make(chan struct{})}
		go func() {
			defer close(t.events)
			defer rec.finish()
			for ev := range s.Events() {
				rec.add(ev, s.Port())
				select {
				case t.events <- ev: // the teacher's own screen reads every event, as without a class
				case <-t.stopped: // a screen that let the run go reads no more: the rest is only recorded
				}
			}
		}()
		return t, nil
	}
}

// teed is the teacher's run, its events passing through the hub.
type teed struct {
	sim.Session
	events  chan sim.Event
	stopped chan struct{}
	once    sync.Once
}

func (t *teed) Events() <-chan sim.Event { return t.events }

// Stop stops the run; what it still reports is recorded, not sent.
func (t *teed) Stop() {
	t.once.Do(func() { close(t.stopped) })
	t.Session.Stop()
}

// publish is the teacher's Deps.Publish: every follower gets the newest
// state in place of one it has not taken yet.
func (h *hub) publish(st ui.FollowState) {
	h.stepped.Store(time.Now().UnixNano())
	h.mu.Lock()
	defer h.mu.Unlock()
	h.state = st
	for ch := range h.subs {
		select {
		case <-ch: // drop what the follower had not taken: only the current state counts
		default:
		}
		ch <- st
	}
}

// follow subscribes a follower, who: it gets the current state at once,
// then each new one, and mirrors the teacher's runs with mirror; leave
// ends the subscription (their answers no longer count) and lets go of
// every mirror it made.
func (h *hub) follow(who string) (states <-chan ui.FollowState, mirror func(run int) (sim.Session, error),
	answer func(question string, choice int), exploring func(bool), leave func()) {
	ch := make(chan ui.FollowState, 1)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	if h.names != nil {
		h.names[ch] = who
	}
	if h.state.Lesson != "" {
		ch <- h.state
	}
	h.tellLocked()
	h.mu.Unlock()
	answer = func(q string, choice int) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[ch]; !ok {
			return
		}
		if h.answers[q] == nil {
			h.answers[q] = map[chan ui.FollowState]int{}
		}
		h.answers[q][ch] = choice // a student's last answer counts
		h.tellLocked()
	}
	var mu sync.Mutex
	var made []*mirrored
	left := false
	mirror = func(run int) (sim.Session, error) {
		m := h.mirror(run)
		mu.Lock()
		defer mu.Unlock()
		if left {
			m.Stop()
		}
		made = append(made, m)
		return m, nil
	}
	exploring = func(on bool) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[ch]; !ok {
			return
		}
		if on {
			h.away[ch] = true
		} else {
			delete(h.away, ch)
		}
		h.tellLocked()
	}
	return ch, mirror, answer, exploring, func() {
		h.mu.Lock()
		if _, ok := h.subs[ch]; ok {
			delete(h.subs, ch)
			delete(h.away, ch)
			delete(h.names, ch)
			for _, by := range h.answers {
				delete(by, ch)
			}
			close(ch)      // the follower's wait for the next state ends
			h.tellLocked() // a student who left is no longer counted, nor are their answers
		}
		h.mu.Unlock()
		mu.Lock()
		left = true
		all := made
		mu.Unlock()
		for _, m := range all {
			m.Stop()
		}
	}
}

// mirror is a follower's view of the teacher's run number run: every
// event it has had and will have, as its own run. Nothing on it reaches
// the teacher's sockets.
func (h *hub) mirror(run int) *mirrored {
	m := &mirrored{rec: h.record(run), events: make(chan sim.Event), stop: make(chan struct{}), done: make(chan struct{})}
	go m.pump()
	return m
}

type mirrored struct {
	rec    *record
	events chan sim.Event
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
}

func (m *mirrored) pump() {
	defer close(m.done)
	defer close(m.events)
	for i := 0; ; {
		m.rec.mu.Lock()
		evs, finished, changed := m.rec.events, m.rec.done, m.rec.changed
		m.rec.mu.Unlock()
		for ; i < len(evs); i++ {
			select {
			case m.events <- evs[i]:
			case <-m.stop:
				return
			}
		}
		if finished {
			return
		}
		select {
		case <-changed:
		case <-m.stop:
			return
		}
	}
}

func (m *mirrored) Events() <-chan sim.Event { return m.events }
func (m *mirrored) Pause()                   {}
func (m *mirrored) Resume()                  {}
func (m *mirrored) Step()                    {}
func (m *mirrored) SetSpeed(float64) error   { return nil }
func (m *mirrored) Inject(sim.FaultKind)     {}
func (m *mirrored) Err() error               { return nil }
func (m *mirrored) Unfired() []sim.Unfired   { return nil }

func (m *mirrored) Port() uint16 {
	m.rec.mu.Lock()
	defer m.rec.mu.Unlock()
	return m.rec.port
}

// Stop lets the mirror go; the teacher's run goes on.
func (m *mirrored) Stop() {
	m.once.Do(func() { close(m.stop) })
	<-m.done
}
