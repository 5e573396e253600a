package pace

import "sync"

// Group is the goroutines of one scenario: each is counted at work from
// the moment it starts until it returns (see the package documentation),
// and a panic in one is handed to the group's owner instead of ending the
// process.
type Group struct {
	p       *Pacer
	wg      sync.WaitGroup
	onPanic func(any)
}

// NewGroup returns an empty group; onPanic gets what a goroutine of it
// panicked with.
func (p *Pacer) NewGroup(onPanic func(any)) *Group { return &Group{p: p, onPanic: onPanic} }

// Go runs fn on a new goroutine, counted at work from this moment until fn
// returns.
func (g *Group) Go(fn func()) { g.GoWith(g.p.Reserve(), fn) }

// GoWith is Go for work already counted in (Reserve): the new goroutine
// takes the count over.
func (g *Group) GoWith(w *Work, fn func()) {
	w.take()
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer g.p.adjust(-1)
		defer g.recover()
		fn()
	}()
}

// GoWaiter runs fn, which only waits and hands work on to counted
// goroutines, on a goroutine that is never counted at work.
func (g *Group) GoWaiter(fn func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer g.recover()
		fn()
	}()
}

// Wait waits for every goroutine of the group.
func (g *Group) Wait() { g.wg.Wait() }

func (g *Group) recover() {
	if v := recover(); v != nil && g.onPanic != nil {
		g.onPanic(v)
	}
}

// Work is one unit of work counted in before a goroutine exists to do it:
// something asked for from outside (a fault) that must not let a step, or
// a manual clock, move on before it is done. Hand it to a goroutine with
// GoWith, or give it back with Release.
type Work struct {
	p    *Pacer
	once sync.Once
}

// Reserve counts one unit of work in, from this moment.
func (p *Pacer) Reserve() *Work {
	p.adjust(+1)
	return &Work{p: p}
}

// Release gives back work that will not be done. It does nothing once the
// work was handed to a goroutine.
func (w *Work) Release() { w.once.Do(func() { w.p.adjust(-1) }) }

// take hands the count to the goroutine that does the work.
func (w *Work) take() { w.once.Do(func() {}) }
