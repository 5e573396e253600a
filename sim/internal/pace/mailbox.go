package pace

import (
	"context"
	"sync"
)

// Mailbox carries messages between two goroutines of one side (the
// client's reader tells its sender what arrived). A goroutine waiting in
// wait is not counted at work; Post counts it in before it wakes it, so
// that the side is never counted idle while a message is on its way:
// otherwise a step, or a ManualClock, could move on in between.
type Mailbox[T any] struct {
	p       *Pacer
	mu      sync.Mutex
	q       []T
	waiting bool          // the receiver waits, not counted at work
	wake    chan struct{} // poked by post
}

// NewMailbox returns an empty mailbox whose receiver p counts.
func NewMailbox[T any](p *Pacer) *Mailbox[T] {
	return &Mailbox[T]{p: p, wake: make(chan struct{}, 1)}
}

// Post leaves v for the receiver and wakes it if it waits. It never
// blocks.
func (m *Mailbox[T]) Post(v T) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.q = append(m.q, v)
	if m.waiting {
		m.waiting = false
		m.p.adjust(+1) // the receiver is at work from this moment
		select {
		case m.wake <- struct{}{}:
		default:
		}
	}
}

// Take returns the next message if there is one, without waiting.
func (m *Mailbox[T]) Take() (T, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var v T
	if len(m.q) == 0 {
		return v, false
	}
	v, m.q = m.q[0], m.q[1:]
	return v, true
}

// Wait returns the next message, waiting for one if need be, or ctx's
// error once ctx is done and nothing is left.
func (m *Mailbox[T]) Wait(ctx context.Context) (T, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for len(m.q) == 0 {
		m.waiting = true
		m.p.adjust(-1)
		m.mu.Unlock()
		select {
		case <-m.wake:
		case <-ctx.Done():
		}
		m.mu.Lock()
		if m.waiting { // not woken by post: count back in
			m.waiting = false
			m.p.adjust(+1)
		}
		if len(m.q) == 0 && ctx.Err() != nil {
			var zero T
			return zero, ctx.Err()
		}
	}
	v := m.q[0]
	m.q = m.q[1:]
	return v, nil
}
