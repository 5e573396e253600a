// Package pace is the virtual timeline SessionLab's engine paces its
// steps on, so that a person can follow them: it runs at a chosen speed,
// stands still while paused, and moves one action at a time when stepped.
// The clocks it runs on (the wall clock, or a ManualClock that tests and
// transcripts drive) are here too.
//
// # The pacing contract
//
// Pause, step and a ManualClock all depend on one count that the Pacer
// keeps: how many of the scenario's goroutines are at work. A goroutine is
// at work from the moment it starts, or is woken by another goroutine,
// until it blocks on something other than the Pacer. While paused, a step
// goes to the action due first only once nothing is at work (a goroutine
// still running may bring an earlier action); a ManualClock moves only
// once nothing is at work. The count must therefore never drop to zero
// while something is about to happen, and never stay above zero while
// everything waits. This package's helpers keep it, and nothing outside
// can touch it:
//
//   - Group.Go starts a goroutine counted at work until it returns
//     (Group.GoWith hands it work counted in earlier with Reserve, such as
//     a fault asked for from outside; Group.GoWaiter is for a goroutine
//     that only waits and hands work on, never counted);
//   - Idle brackets a wait on something that is not the Pacer and not
//     data on a socket;
//   - AwaitData is how a reader waits for data: not counted while it
//     waits, counted again as soon as the data is there;
//   - a Mailbox carries messages between two goroutines of a side: the
//     poster counts the waiting receiver in before waking it;
//   - Quiet is how an action from outside the scenario (a fault) waits
//     for a moment between two actions: every other goroutine at rest, and
//     kept there until it is done;
//   - the Pacer itself counts a waiter in before it wakes it to look
//     again (a step granted, the end of a Quiet, pause, resume, a change
//     of speed): until it has looked, it may be due before anything else.
//
// Writers announce a write, close or reset on a Flow (Writing) before
// the socket operation, so that a step is held back until the reader that
// will wake for it has arrived (see maxHold).
package pace
