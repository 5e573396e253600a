//go:build unix

package ui

import (
	"os"
	"os/signal"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"golang.org/x/sys/unix"
)

// suspender hands the terminal back to the shell and takes it again, as
// a shell's job control expects: on ctrl+z in the app, and on SIGTSTP from
// outside (kill -TSTP, a shell). Bubble Tea's own tea.Suspend cannot do
// the second: the program would be stopped with the terminal still raw
// and in the alternate screen.
type suspender struct{ asked chan struct{} }

func newSuspender() *suspender { return &suspender{asked: make(chan struct{}, 1)} }

// request asks for a suspension (ctrl+z); it never blocks.
func (s *suspender) request() {
	select {
	case s.asked <- struct{}{}:
	default:
	}
}

// controlled reports whether a shell's job control can resume this
// process once it is stopped: its parent is in the same session and in
// another process group (the shell that started it as a job). Otherwise
// the process group is orphaned, and a stop would last for ever: the
// kernel drops SIGTSTP for such a group, and so does this.
func controlled() bool {
	ppid := os.Getppid()
	psid, err1 := unix.Getsid(ppid)
	sid, err2 := unix.Getsid(0)
	ppg, err3 := unix.Getpgid(ppid)
	return err1 == nil && err2 == nil && err3 == nil && psid == sid && ppg != unix.Getpgrp()
}

// serve suspends p whenever asked or sent SIGTSTP, until the returned
// function is called.
func (s *suspender) serve(p *tea.Program) (stop func()) {
	tstp := make(chan os.Signal, 1)
	signal.Notify(tstp, syscall.SIGTSTP)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-tstp:
			case <-s.asked:
			case <-done:
				return
			}
			if !controlled() {
				continue
			}
			// The terminal goes back first: cooked, out of the alternate
			// screen, the cursor shown. Then the stop, as the shell would
			// have done; on SIGCONT (fg) the screen is taken and drawn
			// again. SIGSTOP, because Go never gives SIGTSTP its default
			// action back once a program has asked for it.
			if p.ReleaseTerminal() != nil {
				continue
			}
			cont := make(chan os.Signal, 1)
			signal.Notify(cont, syscall.SIGCONT)
			_ = syscall.Kill(0, syscall.SIGSTOP)
			select {
			case <-cont:
			case <-done:
				signal.Stop(cont)
				return // the program ended meanwhile, and gave the terminal back
			}
			signal.Stop(cont)
			_ = p.RestoreTerminal()
		}
	}()
	return func() {
		signal.Stop(tstp)
		close(done)
		<-finished
	}
}
