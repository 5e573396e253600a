package pace

import (
	"context"
	"testing"
	"time"
)

// TestQuietFallsBetweenActions: an outside action waits while a goroutine
// of the scenario is in the middle of one, and while it holds the
// timeline no waiter goes, even one long due; released, they go.
func TestQuietFallsBetweenActions(t *testing.T) {
	p := New(realClock{}, 1, false, false)
	ctx := context.Background()
	g := p.NewGroup(nil)
	midAction := make(chan struct{})
	g.Go(func() { <-midAction }) // at work: between its socket call and its event, say
	quiet := make(chan func())
	outside := p.Reserve()
	g.GoWith(outside, func() {
		release, err := p.Quiet(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		quiet <- release
	})
	select {
	case <-quiet:
		t.Fatal("Quiet returned while another goroutine was at work")
	case <-time.After(20 * time.Millisecond): // a negative check: nothing may come
	}
	close(midAction)
	var release func()
	select {
	case release = <-quiet:
	case <-time.After(5 * time.Second):
		t.Fatal("Quiet did not return once the other goroutine was done")
	}
	went := make(chan struct{})
	g.Go(func() {
		if err := p.Wait(ctx, 0); err == nil { // due at once
			close(went)
		}
	})
	select {
	case <-went:
		t.Fatal("a waiter went while the timeline was held")
	case <-time.After(20 * time.Millisecond):
	}
	release()
	select {
	case <-went:
	case <-time.After(5 * time.Second):
		t.Fatal("the waiter did not go once the timeline was released")
	}
	g.Wait()
}
