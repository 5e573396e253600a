// Package sim runs a real session between a server and a client in
// goroutines, over loopback TCP, speaking SessionLab's X.225-inspired session
// protocol (package spdu), and reports every step as a typed Event.
//
// Nothing is simulated below the session layer: every event is emitted after
// the socket operation it describes has returned. What is slowed down for
// human eyes is pacing, and package sim keeps it apart: a virtual timeline
// that runs at a chosen speed, stops while paused, and moves one event at a
// time when stepped. Facts only the operating system knows (TCP state, RTT,
// the accept queue, TIME_WAIT) are read from it where it can tell (Linux) and
// left out elsewhere.
//
// Many Sims can run at once; a Sim holds no package-level state.
package sim
