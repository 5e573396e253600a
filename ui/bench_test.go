package ui

import (
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"sessionlab/sim"
)

// colourHarness is a harness whose renderer writes 256 colours, as on a
// student's terminal, so that escape codes count.
func colourHarness(b *testing.B, w, h int) *harness {
	hs := newHarness(b, w, h)
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	r.SetHasDarkBackground(true)
	hs.m = newModel(b, Deps{Book: testBook(b), Start: hs.starter.start, Renderer: r, Now: hs.clock.now})
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// BenchmarkView draws the lesson screen at 200×60 with all of Synchronize
// on it, live and paused (the paused screen shows a whole frame).
func BenchmarkView(b *testing.B) {
	evs := recorded(b, sim.Synchronize)
	for _, paused := range []bool{false, true} {
		name := "live"
		if paused {
			name = "paused"
		}
		b.Run(name, func(b *testing.B) {
			hs := colourHarness(b, 200, 60)
			hs.open("synchronize")
			hs.play(evs[:len(evs)/2]...)
			if paused {
				hs.key("space")
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = hs.m.View()
			}
		})
	}
}

// BenchmarkRedrawBytes replays the data packet phase of Synchronize at
// speed 1 through the renderer's rule (a line is written again only when
// it changed; events within a 16 ms frame are drawn once) and reports the
// bytes a 100×30 terminal would receive per second. The probe measures the
// real figure; this one is repeatable.
func BenchmarkRedrawBytes(b *testing.B) {
	evs := recorded(b, sim.Synchronize)
	var perSec float64
	for b.Loop() {
		perSec = redrawBytes(b, evs, 100, 30)
	}
	b.ReportMetric(perSec, "B/s")
}

func redrawBytes(b *testing.B, evs []sim.Event, w, h int) float64 {
	hs := colourHarness(b, w, h)
	hs.open("synchronize")
	start := evs[0].Head().At
	from, to := start.Add(3200*time.Millisecond), start.Add(8300*time.Millisecond)
	last := strings.Split(hs.m.View(), "\n")
	total := 0
	draw := func() {
		cur := strings.Split(hs.m.View(), "\n")
		inWindow := !hs.clock.t.Before(from) && !hs.clock.t.After(to)
		changed := 0
		for i, l := range cur {
			if i >= len(last) || last[i] != l {
				changed += len(l) + 3 // the line, erase to its end, CR LF
			}
		}
		if inWindow && changed > 0 {
			total += changed + len(cur) + 10 // cursor home, a newline per row, cursor back
		}
		last = cur
	}
	for i, ev := range evs {
		at := ev.Head().At
		for step := hs.m.lesson.travel() / travelSteps; hs.m.lesson.framing && hs.clock.t.Add(step).Before(at); {
			hs.at(hs.clock.t.Add(step))
			draw()
		}
		hs.play(ev)
		if i+1 < len(evs) && evs[i+1].Head().At.Sub(at) < 16*time.Millisecond {
			continue
		}
		draw()
	}
	return float64(total) / to.Sub(from).Seconds()
}
