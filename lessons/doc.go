// Package lessons holds SessionLab's lesson content and ties it to the
// engine: which scenarios a lesson runs, and what to say about each event.
//
// The words live in Markdown files under content/, embedded at build time,
// so that an instructor can read and edit them without touching Go. Each
// file starts with a small header (id, title, summary, scenarios), then an
// introduction, then one "## key" section per kind of event, such as
// "## server received CN" or "## client observed half-closed", or per note
// on any event, such as "## note resend". A section's
// "line:" is the one-line transcript sentence; the paragraph after it is
// the narration the TUI shows. Text in braces, {remote}, is filled in from
// the event; text in square brackets is left out when a fact in it is
// unknown, so that nothing the OS did not report is ever printed.
package lessons
