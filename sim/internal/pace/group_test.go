package pace

import (
	"context"
	"testing"
	"time"
)

func (p *Pacer) activeNow() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.active
}

func newTestPacer() *Pacer { return New(NewManualClock(time.Unix(0, 0)), 1, false, false) }

// TestWorkIsCountedUntilDone: reserved work is at work until the goroutine
// it is handed to returns, or until it is released; released twice, or
// after it was handed over, it gives nothing back twice.
func TestWorkIsCountedUntilDone(t *testing.T) {
	p := newTestPacer()
	w := p.Reserve()
	if n := p.activeNow(); n != 1 {
		t.Fatalf("reserved: %d at work", n)
	}
	w.Release()
	w.Release()
	if n := p.activeNow(); n != 0 {
		t.Fatalf("released: %d at work", n)
	}
	g := p.NewGroup(nil)
	release := make(chan struct{})
	w = p.Reserve()
	g.GoWith(w, func() { <-release })
	w.Release() // handed over already: nothing to give back
	if n := p.activeNow(); n != 1 {
		t.Fatalf("handed over: %d at work", n)
	}
	close(release)
	g.Wait()
	if n := p.activeNow(); n != 0 {
		t.Fatalf("done: %d at work", n)
	}
}

// TestGroupCountsAndRecovers: a counted goroutine is at work until it
// returns, a waiter never; a panic reaches the group's owner and the
// count is still given back.
func TestGroupCountsAndRecovers(t *testing.T) {
	p := newTestPacer()
	var got any
	g := p.NewGroup(func(v any) { got = v })
	block := make(chan struct{})
	g.Go(func() { <-block })
	g.GoWaiter(func() { <-block })
	if n := p.activeNow(); n != 1 {
		t.Fatalf("one counted, one waiter: %d at work", n)
	}
	close(block)
	g.Go(func() { panic("boom") })
	g.Wait()
	if got != "boom" {
		t.Fatalf("the owner got %v", got)
	}
	if n := p.activeNow(); n != 0 {
		t.Fatalf("after a panic: %d at work", n)
	}
}

// TestMailboxCountsTheReceiverIn: a receiver waiting in a mailbox is not
// at work; a post counts it in before it wakes.
func TestMailboxCountsTheReceiverIn(t *testing.T) {
	p := newTestPacer()
	m := NewMailbox[int](p)
	g := p.NewGroup(nil)
	got := make(chan int, 1)
	g.Go(func() {
		v, _ := m.Wait(context.Background())
		got <- v
	})
	deadline := time.Now().Add(10 * time.Second)
	for p.activeNow() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("a waiting receiver is still counted at work")
		}
		time.Sleep(time.Millisecond) // polling the count, not synchronisation
	}
	m.Post(7)
	if n := p.activeNow(); n != 1 {
		t.Fatalf("after the post, before the receiver ran: %d at work", n)
	}
	if v := <-got; v != 7 {
		t.Fatalf("received %d", v)
	}
	g.Wait()
}
