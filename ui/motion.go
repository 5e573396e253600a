package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"sessionlab/sim"
)

// What moves on the lesson screen: the frame of the stop on screen
// crossing the wire, and a kernel timer counting down. Both run on
// ticks that stop when nothing moves, so that a paused screen writes
// nothing.

// motion keeps the two tick loops: one for the frame crossing the wire,
// one for a countdown. Each is tagged, so that a loop left over from
// before (a restart, a jump) dies out instead of running twice.
type motion struct {
	frameTag int
	framing  bool
	countTag int
	counting bool
}

// stop lets both loops die out.
func (mo *motion) stop() { mo.framing, mo.counting = false, false }

// frame keeps the frame loop running while something moves.
func (mo *motion) frame(moving bool, travel time.Duration) tea.Cmd {
	if !moving {
		mo.framing = false
		return nil
	}
	if mo.framing {
		return nil // the running loop will pick it up
	}
	mo.framing = true
	mo.frameTag++
	return frameCmd(mo.frameTag, travel/travelSteps)
}

// framed takes a frame tick: the loop goes on while something moves.
func (mo *motion) framed(msg frameMsg, moving bool, travel time.Duration) tea.Cmd {
	if msg.tag != mo.frameTag || !mo.framing {
		return nil
	}
	if !moving {
		mo.framing = false
		return nil
	}
	return frameCmd(mo.frameTag, travel/travelSteps)
}

// count keeps the countdown loop running while a timer runs down.
func (mo *motion) count(wanted bool) tea.Cmd {
	if mo.counting || !wanted {
		return nil
	}
	mo.counting = true
	mo.countTag++
	return countdownCmd(mo.countTag)
}

// counted takes a countdown tick: the loop goes on while a timer runs
// down.
func (mo *motion) counted(msg countdownMsg, wanted bool) tea.Cmd {
	if msg.tag != mo.countTag || !mo.counting {
		return nil
	}
	mo.counting = false
	return mo.count(wanted)
}

// animate keeps the frame loop running while the stop's frame is
// crossing, and lets it stop when nothing moves.
func (m *lessonModel) animate() tea.Cmd { return m.motion.frame(m.moving(), m.travel()) }

// countdown keeps a once-a-second tick going while a kernel timer runs
// down on screen, and lets it stop otherwise.
func (m *lessonModel) countdown() tea.Cmd { return m.motion.count(m.countdownWanted()) }

// moving reports whether the frame of the stop on screen is still
// crossing the wire. A frame crosses during its own stop, live, stepped
// or replayed alike; afterwards it waits at the receiver until read.
func (m *lessonModel) moving() bool {
	if m.cursor < 0 || m.hist.puts(m.cursor) == sim.CarryNone {
		return false
	}
	return m.now.Sub(m.shownAt) < m.travel()
}

// crossing returns how far along the wire record i's frame is drawn at
// the cursor: 0 at the sender, 1 at the receiver, in whole animation
// steps, so that the glyph moves only when a frame is due. Only the
// step's own frame crosses; one sent at an earlier step is in the
// receiver's kernel already (loopback takes microseconds), so it is drawn
// there, also when TCP_INFO says everything is acknowledged.
func (m *lessonModel) crossing(i int) float64 {
	if i != m.cursor {
		return 1
	}
	steps := float64(m.now.Sub(m.shownAt)) / float64(m.travel()) * travelSteps
	return min(float64(int(steps))/travelSteps, 1)
}

// travel is how long a glyph takes to cross the wire at the current speed.
func (m *lessonModel) travel() time.Duration {
	t := m.c.deps.Travel
	if t == 0 {
		t = sim.DefaultPacing().Travel
	}
	return time.Duration(float64(t) / m.speed)
}

// timerLeft is what is left of a kernel timer reported by record at: at
// the newest record shown it runs down on the wall clock, as the kernel's
// does, even while the lesson is paused; in a replay it is shown as it was
// at that event.
func (m *lessonModel) timerLeft(t sim.TCPInfo, at int) time.Duration {
	if t.TimerLeft <= 0 {
		return 0
	}
	if m.replaying() {
		return t.TimerLeft
	}
	return max(t.TimerLeft-m.now.Sub(m.hist.recs[at].wall), 0)
}

// countdownWanted reports whether a kernel timer runs down on screen.
func (m *lessonModel) countdownWanted() bool {
	if m.replaying() {
		return false
	}
	for _, side := range []sim.Side{sim.Client, sim.Server} {
		if t, at, ok := m.hist.lastTCP(m.cursor, side); ok && m.timerLeft(t, at) > 0 {
			return true
		}
	}
	return false
}
