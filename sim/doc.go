// Package sim runs a real session between a server and a client in
// goroutines, over loopback TCP, and reports every step as a typed Event.
//
// Nothing is simulated below the session layer: every event is emitted after
// the socket operation it describes has returned. What is slowed down for
// human eyes is pacing, and package sim keeps it apart: a virtual timeline
// that runs at a chosen speed, stops while paused, and moves one event at a
// time when stepped. Facts only the operating system knows (TCP state, RTT,
// the accept queue, TIME_WAIT) are read from it where it can tell (Linux) and
// left out elsewhere. What crossed the wire (each frame, FIN and RST, and
// which event took it off) is recorded by the engine itself and travels
// on the events (Header.Wire).
//
// Many Sims can run at once; a Sim holds no package-level state, and a
// panic in one of its goroutines ends that Sim's scenario with an error
// instead of the process.
//
// # Pacing
//
// Package sim/internal/pace keeps the timeline and the count of the
// scenario's goroutines at work that pause, step and a ManualClock depend
// on; its documentation is the pacing contract. The compiler keeps it:
// only pace can change the count. In this package, run.goCounted (and
// goWaiter), pace's Idle, AwaitData and Mailbox, and Reserve for a fault
// asked for from outside, are the only ways to start or wait.
//
// A look at the kernel (observe) keeps its turn while it waits, up to
// ackWaitLimit of real time, for an ACK the peer's kernel delays: on a
// manual clock no real time passes between a send and the look after it.
//
// # Adding a paced action
//
// A new step of a scenario is a method on endpoint that:
//
//  1. waits for its turn with e.pace(due), or through a socket operation
//     that does (send, recv, dial, accept, close, closeWrite, observe);
//  2. performs exactly one real socket operation, announcing a write first
//     (pacer.Writing) and recording what it puts on the wire (wire.put,
//     then settle with the event's ID, or withdraw if the operation
//     failed);
//  3. emits exactly one event, also when the operation fails (connError):
//     a step must never be used up unseen.
//
// A new step of the protocol is a method of the script that takes it
// (clientSession, serverSession), made of those primitives: the scripts
// decide, the endpoint acts and reports.
//
// New goroutines start with run.goCounted (or goWaiter); anything they
// wait on besides the pacer goes through the pacer's Idle or AwaitData, or
// a pace.Mailbox.
package sim
