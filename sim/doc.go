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
// # The pacing contract
//
// Pause, step and a ManualClock all depend on one count that the pacer
// keeps: how many of the scenario's goroutines are at work. A goroutine is
// at work from the moment it starts, or is woken by another goroutine,
// until it blocks on something other than the pacer. While paused, a step
// goes to the action due first only once nothing is at work (a goroutine
// still running may bring an earlier action); a ManualClock moves only
// once nothing is at work. The count must therefore never drop to zero
// while something is about to happen, and never stay above zero while
// everything waits. Four helpers keep it, and nothing else calls
// pacer.adjust:
//
//   - run.goCounted starts a goroutine counted at work until it returns
//     (run.goHolding when the caller already counted it in; run.goWaiter
//     for one that only waits and hands work on, never counted);
//   - pacer.idle brackets a wait on something that is not the pacer and
//     not data on a socket;
//   - pacer.awaitData is how a reader waits for data: not counted while it
//     waits, counted again as soon as the data is there;
//   - a mailbox carries messages between two goroutines of a side: the
//     poster counts the waiting receiver in before waking it.
//
// A look at the kernel (observe) keeps its turn while it waits, up to
// ackWaitLimit of real time, for an ACK the peer's kernel delays: on a
// manual clock no real time passes between a send and the look after it.
//
// Writers announce a write, close or reset on a flow (pacer.writing)
// before the socket operation, so that a step is held back until the
// reader that will wake for it has arrived (see maxHold).
//
// # Adding a paced action
//
// A new step of a scenario is a method on endpoint that:
//
//  1. waits for its turn with e.pace(due), or through a socket operation
//     that does (send, recv, dial, accept, close, closeWrite, observe);
//  2. performs exactly one real socket operation, announcing a write first
//     (pacer.writing) and recording what it puts on the wire (wire.put,
//     then settle with the event's ID, or withdraw if the operation
//     failed);
//  3. emits exactly one event, also when the operation fails (connError):
//     a step must never be used up unseen.
//
// New goroutines start with run.goCounted (or goWaiter); anything they
// wait on besides the pacer goes through pacer.idle, awaitData or a
// mailbox.
package sim
