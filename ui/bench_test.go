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

// BenchmarkView draws the lesson screen at 200×60, where the wire, the
// ladder, the log and the inspector all show, with half of Synchronize on
// it, guided and playing.
func BenchmarkView(b *testing.B) {
	evs := recorded(b, sim.Synchronize)
	for _, playing := range []bool{false, true} {
		name := "guided"
		if playing {
			name = "playing"
		}
		b.Run(name, func(b *testing.B) {
			hs := colourHarness(b, 200, 60)
			hs.open("synchronize")
			hs.play(evs[:len(evs)/2]...)
			if playing {
				hs.key("space")
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = hs.m.View()
			}
		})
	}
}

// BenchmarkStep is what one press of → costs before the screen shows the
// next step: Update with the key, then View, at 100×30, with the step's
// record already arrived (a step of the run answers in microseconds; the
// probe measures the whole way).
func BenchmarkStep(b *testing.B) {
	evs := recorded(b, sim.Synchronize)
	hs := colourHarness(b, 100, 30)
	hs.open("synchronize")
	hs.play(evs[:10]...)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		hs.key("left") // back one, so that → has a record to show
		b.StartTimer()
		hs.key("right")
		_ = hs.m.View()
	}
}

// BenchmarkRedrawBytes plays Synchronize at speed 1 as the screen shows
// it: each step appears, its frame crosses the wire in travelSteps moves,
// and it stays for its reading time. It reports the bytes a 100×30
// terminal would receive per second, by the renderer's rule (a line is
// written again only when it changed). The probe measures the real
// figure; this one is repeatable.
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
	hs.m.c.deps.NoQuestions = true // played straight through, as a demonstration
	hs.open("synchronize")
	last := strings.Split(hs.m.View(), "\n")
	total := 0
	draw := func() {
		cur := strings.Split(hs.m.View(), "\n")
		changed := 0
		for i, l := range cur {
			if i >= len(last) || last[i] != l {
				changed += len(l) + 3 // the line, erase to its end, CR LF
			}
		}
		if changed > 0 {
			total += changed + len(cur) + 10 // cursor home, a newline per row, cursor back
		}
		last = cur
	}
	// Played in real time: each event comes at its time on the lesson
	// clock, and the screen draws it then, its frame crossing after it.
	hs.key("space")
	start, elapsed := hs.clock.t, time.Duration(0)
	for _, ev := range evs {
		at := start.Add(ev.Head().Paced)
		for step := hs.m.lesson.travel() / travelSteps; hs.m.lesson.moving() && hs.clock.t.Add(step).Before(at); {
			hs.at(hs.clock.t.Add(step))
			draw()
		}
		if at.After(hs.clock.t) {
			hs.clock.t = at
		}
		hs.feed(ev)
		draw()
		elapsed = ev.Head().Paced
	}
	return float64(total) / elapsed.Seconds()
}
