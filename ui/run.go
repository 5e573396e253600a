package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"runtime/debug"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
	"sessionlab/sim"
)

// Options is how Run runs SessionLab on this terminal: the command line,
// resolved.
type Options struct {
	Book        *lessons.Book
	Lesson      string  // open this lesson at once; "": the picker
	Speed       float64 // the starting pacing speed
	Addr        string  // where the lessons' server listens
	Faults      []sim.FaultAt
	Live        bool
	Present     bool
	NoQuestions bool
	Theme       string // auto, or a theme's name (ThemeNames)
	ConfigDir   string // where progress is kept; "": the user's config directory
	// Out is the terminal; In, its keys (os.Stdin when nil).
	Out *os.File
	In  io.Reader
	// Notes gets the lines said once the screen is given back: a
	// progress file set aside, where the debug log went.
	Notes io.Writer
	// Getenv reads the environment (TERM, COLORFGBG, DEBUG).
	Getenv func(string) string
	// Class makes this terminal a class's teacher (sessionlab class).
	Class *Class
}

// Class is how a teacher's console is tied to its class: where it is goes
// to Publish, its runs are started through Record (which keeps them for
// the followers), and the class's state comes on Room.
type Class struct {
	Publish func(FollowState)
	Record  func(Starter) func(run int, cfg sim.Config, paused bool) (sim.Session, error)
	Room    <-chan Room
	Join    string // how students join: the ssh command and the host key's fingerprint
}

// Teach makes d a teacher's: presenter mode, where it is published, its
// runs recorded for the followers, the class's state brought to it.
func (c *Class) Teach(d Deps) Deps {
	d.Present, d.Publish, d.StartRun, d.Room, d.Join = true, c.Publish, c.Record(d.Start), c.Room, c.Join
	return d
}

// ErrInterrupted is what Run returns when the learner pressed ctrl+c.
var ErrInterrupted = tea.ErrInterrupted

// Run runs the terminal UI until the learner quits or ctx ends (a
// signal), and always gives the terminal back as it found it. When it
// returns, every lesson run has been cancelled and waited for: no socket
// outlives it.
func Run(ctx context.Context, o Options) error {
	// The TUI's live heap is well under a megabyte, but with the default
	// GOGC the runtime lets garbage grow to its 4 MB minimum target before
	// collecting. Half that target cuts peak RSS by about 1 MB for a tenth
	// of a point of CPU. GOGC in the environment still wins.
	// A class's console shares its process with a room of students,
	// whose screens allocate far more: there the runtime's default holds.
	if o.Getenv("GOGC") == "" && o.Class == nil {
		debug.SetGCPercent(50)
	}
	runsCtx, cancelRuns := context.WithCancel(context.Background())
	runs := sim.NewRuns(runsCtx)
	defer runs.Wait()  // second: every socket closed, every goroutine gone
	defer cancelRuns() // first: cancel every run
	renderer := lipgloss.NewRenderer(o.Out)
	theme := ChooseTheme(o.Theme, renderer, o.Getenv)
	renderer.SetHasDarkBackground(theme.Dark)
	var plans lessons.Plans
	deps := Deps{Book: o.Book, Renderer: renderer, Theme: theme, Speed: o.Speed, Faults: o.Faults, Lesson: o.Lesson,
		Live: o.Live, Plan: plans.For, Present: o.Present, NoQuestions: o.NoQuestions,
		Start: func(cfg sim.Config, paused bool) (sim.Session, error) {
			cfg.Addr, cfg.ExactCadence = o.Addr, true // one learner's machine: exact cadence
			return runs.Start(cfg, paused)
		}}
	if c := o.Class; c != nil {
		deps = c.Teach(deps)
	}
	if !o.Present { // a room's run is nobody's progress
		store, warning := progress.Open(o.ConfigDir, time.Now())
		deps.Progress, deps.Notice = store, warning
		if warning != "" {
			defer fmt.Fprintf(o.Notes, "sessionlab: %s\n", warning)
		}
	}
	if o.Getenv("DEBUG") != "" {
		f, err := debugLog()
		if err != nil {
			return fmt.Errorf("cannot write the debug log: %w", err)
		}
		defer func() {
			f.Close()
			fmt.Fprintf(o.Notes, "sessionlab: debug log written to %s\n", f.Name())
		}()
		deps.Log = log.New(f, "sessionlab ", log.LstdFlags|log.Lmicroseconds)
	}
	suspend := newSuspender()
	deps.Suspend = suspend.request
	m, err := New(deps)
	if err != nil {
		return err
	}
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithoutSignalHandler(), tea.WithContext(ctx), tea.WithOutput(o.Out)}
	if o.In != nil {
		opts = append(opts, tea.WithInput(o.In))
	}
	p := tea.NewProgram(m, opts...)
	stopSuspend := suspend.serve(p)
	defer stopSuspend()
	_, err = p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err() // a signal: the caller knows which
	}
	return err
}

// debugLog creates the DEBUG=1 log: a new file of the user's own, with a
// name nobody can guess or plant a link at.
func debugLog() (*os.File, error) {
	return os.CreateTemp("", "sessionlab-debug-*.log")
}
