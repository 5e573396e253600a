// Package ui is SessionLab's Bubble Tea front end: a lesson picker and a
// lesson screen on which a live session, run by package sim, happens frame
// by frame.
//
// The UI never touches a socket. It starts and stops lessons through a
// Starter given in Deps, in commands, and reads their events through one
// "wait for the next event" command re-armed after each event. Everything
// per user lives in the Model; styles come from the *lipgloss.Renderer in
// Deps, so that many Models can run at once, one per terminal.
package ui
