// Command sessionlab teaches the OSI session layer by running one: a real
// server and client on loopback TCP speaking the X.225 session protocol (a
// subset) over RFC 1006, shown as a terminal UI or, with --plain, as a
// transcript.
//
// Subcommands: "sessionlab transcript" runs lessons at full speed and
// writes a handout (text, Markdown or a Mermaid diagram); "sessionlab
// lessons export DIR" writes the lesson files for an instructor to edit,
// which --lessons DIR loads back.
//
// Exit status: 0 when the lessons ran to their end (an abort that a fault
// the learner asked for caused is an outcome of the lesson); 1 when
// SessionLab itself failed, with the reason on stderr; 2 for a bad
// command line; 128+N when signal N ended it.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
	"sessionlab/sim"
	"sessionlab/ui"
)

// defaultAddr is where lessons listen unless --addr says otherwise: any
// free port on loopback.
const defaultAddr = "127.0.0.1:0"

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // SessionLab failed: a scenario broke, output could not be written
	exitUsage  = 2 // bad flags or an address that cannot be used
)

// options are the command line, checked.
type options struct {
	plain  bool
	lesson *lessons.Lesson // nil: all lessons
	speed  float64
	addr   string
	faults []sim.FaultAt
	live   bool   // lessons start playing instead of guided
	theme  string // auto, dark, light or high-contrast
	// themeSet: --theme or SESSIONLAB_THEME chose it (--present picks
	// high-contrast otherwise).
	themeSet      bool
	present       bool   // presenter mode
	noQuestions   bool   // no predictions and no quiz
	configDir     string // where progress.json is kept ("": the user's config directory)
	resetProgress bool
	format        string // transcript: text, markdown or mermaid
	stable        bool   // transcript: placeholders for what differs between runs
}

// env is what a run of the program takes from the outside world, so that
// tests can put their own in its place.
type env struct {
	stdout, stderr io.Writer
	// terminal reports whether stdout is a terminal (else plain mode).
	terminal bool
	// newSim makes the engine for plain mode.
	newSim func(sim.Config) (engine, error)
	// debugLog is where DEBUG=1 writes the UI's log ("": no log).
	debugLog string
	// getenv reads the environment (SESSIONLAB_THEME, TERM, COLORFGBG).
	getenv func(string) string
	// stdin answers --reset-progress's question.
	stdin io.Reader
}

// engine is what plain mode needs of a *sim.Sim.
type engine interface {
	Start(ctx context.Context) (<-chan sim.Event, error)
	Port() uint16 // where the lessons' server listens, after Start
	Wait()
	Err() error
	Unfired() []sim.Unfired
}

func main() {
	e := env{stdout: os.Stdout, stderr: os.Stderr, terminal: isTerminal(os.Stdout),
		newSim: func(cfg sim.Config) (engine, error) { return sim.New(cfg) }, getenv: os.Getenv, stdin: os.Stdin}
	if os.Getenv("DEBUG") != "" {
		e.debugLog = filepath.Join(os.TempDir(), fmt.Sprintf("sessionlab-debug-%d.log", os.Getpid()))
	}
	os.Exit(run(os.Args[1:], e))
}

// run is the whole program; it returns the exit status.
func run(args []string, e env) int {
	if e.getenv == nil {
		e.getenv = func(string) string { return "" }
	}
	if e.stdin == nil {
		e.stdin = strings.NewReader("")
	}
	cmd, args := subcommand(args)
	if cmd == "lessons export" {
		return exportLessons(args, e)
	}
	book, err := loadBook(args)
	if err != nil {
		fmt.Fprintf(e.stderr, "sessionlab: %v\n", oneLine(err))
		return exitUsage
	}
	var opts options
	if cmd == "transcript" {
		opts, err = parseHandoutFlags(args, book, e.stdout)
	} else {
		opts, err = parseFlags(args, book, e.stdout, e.getenv)
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "sessionlab: %v\n", err)
		return exitUsage
	}
	if opts.resetProgress {
		return resetProgress(opts, e)
	}
	if !opts.plain && !e.terminal {
		opts.plain = true
	}

	// One goroutine owns the signals: it remembers which came, so that the
	// exit code can say so as a shell would (128 + its number), and
	// cancels everything; Bubble Tea then restores the terminal. Bubble
	// Tea's own handler is off: it would treat SIGTERM like q and does not
	// see SIGHUP, and Go's default for SIGQUIT would dump the goroutines
	// and leave the terminal raw.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got atomic.Int32
	go func() {
		select {
		case s := <-sigs:
			got.Store(int32(s.(syscall.Signal)))
			cancel()
		case <-ctx.Done():
		}
	}()

	var code int
	switch {
	case cmd == "transcript":
		code = runHandout(ctx, opts, book, e)
	case opts.plain:
		code = runPlain(ctx, opts, book, e)
	default:
		code = runTUI(ctx, opts, book, e)
	}
	cancel()
	if n := got.Load(); n != 0 && code != exitUsage {
		return 128 + int(n)
	}
	return code
}

// runTUI runs the terminal UI until the user quits or ctx is cancelled
// (a signal), which ends the program and restores the terminal either
// way. When the program has ended, every lesson run is cancelled and
// waited for, so no socket outlives it.
func runTUI(ctx context.Context, opts options, book *lessons.Book, e env) int {
	// Only an address the user chose can be unusable; say so before the
	// screen changes, as plain mode does.
	if opts.addr != defaultAddr {
		if err := checkAddr(opts.addr); err != nil {
			fmt.Fprintf(e.stderr, "sessionlab: %s\n", addrProblem(opts.addr, err))
			return exitUsage
		}
	}
	// The TUI's live heap is well under a megabyte, but with the default
	// GOGC the runtime lets garbage grow to its 4 MB minimum target before
	// collecting. Half that target cuts peak RSS by about 1 MB for a tenth
	// of a point of CPU. GOGC in the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	runsCtx, cancelRuns := context.WithCancel(context.Background())
	runs := sim.NewRuns(runsCtx)
	defer runs.Wait()  // second: every socket closed, every goroutine gone
	defer cancelRuns() // first: cancel every run
	start := func(cfg sim.Config, paused bool) (ui.Session, error) {
		cfg.Addr, cfg.ExactCadence = opts.addr, true // one learner's machine: exact cadence
		r, err := runs.Start(cfg, paused)
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	renderer := lipgloss.NewRenderer(e.stdout)
	theme := ui.ChooseTheme(opts.theme, renderer, e.getenv)
	renderer.SetHasDarkBackground(theme.Dark)
	var plans lessons.Plans
	deps := ui.Deps{Book: book, Start: start, Renderer: renderer, Theme: theme, Speed: opts.speed, Faults: opts.faults,
		Live: opts.live, Plan: plans.For, Present: opts.present, NoQuestions: opts.noQuestions}
	if !opts.present {
		store, warning := progress.Open(opts.configDir, time.Now())
		if warning != "" {
			fmt.Fprintf(e.stderr, "sessionlab: %s\n", warning)
		}
		deps.Progress = store
	}
	if opts.lesson != nil {
		deps.Lesson = opts.lesson.ID
	}
	if e.debugLog != "" {
		logger := log.New(io.Discard, "", log.LstdFlags|log.Lmicroseconds)
		f, err := tea.LogToFileWith(e.debugLog, "sessionlab", logger)
		if err != nil {
			fmt.Fprintf(e.stderr, "sessionlab: cannot write the debug log: %v\n", err)
			return exitFailed
		}
		defer func() {
			f.Close()
			fmt.Fprintf(e.stderr, "sessionlab: debug log written to %s\n", e.debugLog)
		}()
		deps.Log = logger
	}
	m, err := ui.New(deps)
	if err != nil {
		fmt.Fprintf(e.stderr, "sessionlab: %v\n", err)
		return exitFailed
	}
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithoutSignalHandler(), tea.WithContext(ctx))
	_, err = p.Run()
	switch {
	case errors.Is(err, tea.ErrInterrupted):
		return 130 // ctrl+c, as a shell reports SIGINT
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return exitOK // a signal: run() turns it into the exit code
	case err != nil:
		fmt.Fprintf(e.stderr, "sessionlab: %v\n", oneLine(err))
		return exitFailed
	}
	return exitOK
}

// subcommand splits off a subcommand: "transcript", "lessons export",
// or "" for the lessons themselves.
func subcommand(args []string) (string, []string) {
	switch {
	case len(args) > 0 && args[0] == "transcript":
		return "transcript", args[1:]
	case len(args) > 1 && args[0] == "lessons" && args[1] == "export":
		return "lessons export", args[2:]
	}
	return "", args
}

// loadBook reads the lessons: the built-in ones, or those of --lessons
// DIR (found before the other flags, which name its lessons).
func loadBook(args []string) (*lessons.Book, error) {
	for i, a := range args {
		v, ok := strings.CutPrefix(strings.TrimPrefix(a, "-"), "-lessons")
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(v, "="):
			return lessons.LoadDir(v[1:])
		case v == "" && i+1 < len(args):
			return lessons.LoadDir(args[i+1])
		case v == "":
			return nil, errors.New("flag -lessons needs a value (a directory of lesson files)")
		}
	}
	book, err := lessons.Builtin()
	if err != nil {
		return nil, fmt.Errorf("the built-in lesson content is broken: %w", err)
	}
	return book, nil
}

// exportLessons is "sessionlab lessons export DIR".
func exportLessons(args []string, e env) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(e.stderr, "sessionlab: lessons export takes one directory: sessionlab lessons export DIR\n")
		return exitUsage
	}
	wrote, err := lessons.Export(args[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "sessionlab: %v\n", oneLine(err))
		return exitFailed
	}
	fmt.Fprintf(e.stdout, "Wrote %d lesson files to %s; edit them, then: sessionlab --lessons %s\n", len(wrote), args[0], args[0])
	return exitOK
}

// parseHandoutFlags reads the transcript subcommand's flags.
func parseHandoutFlags(args []string, book *lessons.Book, stdout io.Writer) (options, error) {
	opts := options{format: lessons.FormatMarkdown}
	fs := flag.NewFlagSet("sessionlab transcript", flag.ContinueOnError)
	lesson := fs.String("lesson", "", "the lesson: "+strings.Join(book.IDs(), ", ")+" (all when not given)")
	fs.StringVar(&opts.format, "format", opts.format, "text, markdown or mermaid")
	fs.BoolVar(&opts.stable, "stable", false, "replace addresses, ports, references and times with placeholders, so that two runs can be compared")
	fs.String("lessons", "", "load lesson files from this directory")
	if err := parseOrHelp(fs, args, stdout, "Run lessons for real at full speed and write what happened, for a course page.\n\nUsage: sessionlab transcript [flags]\n\nFlags:\n"); err != nil {
		return opts, err
	}
	if !slices.Contains(lessons.Formats, opts.format) {
		return opts, fmt.Errorf("--format %q is not one of %s", opts.format, strings.Join(lessons.Formats, ", "))
	}
	var err error
	opts.lesson, err = book.Named(*lesson)
	return opts, err
}

// runHandout runs each lesson asked for on loopback at full speed (a
// manual clock: the pacing is counted, not waited) and writes its handout.
func runHandout(ctx context.Context, opts options, book *lessons.Book, e env) int {
	if err := lessons.WriteHandouts(ctx, e.stdout, book, opts.lesson, opts.format, opts.stable); err != nil {
		if ctx.Err() == nil { // else a signal: run() says which
			fmt.Fprintf(e.stderr, "sessionlab: %v\n", oneLine(err))
		}
		return exitFailed
	}
	return exitOK
}

// resetProgress forgets the learner's progress once they say yes.
func resetProgress(opts options, e env) int {
	store, warning := progress.Open(opts.configDir, time.Now())
	if warning != "" {
		fmt.Fprintf(e.stderr, "sessionlab: %s\n", warning)
	}
	fmt.Fprintf(e.stdout, "Forget every lesson finished and every score in %s? [y/N] ", store.Path())
	answer, _ := bufio.NewReader(e.stdin).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		fmt.Fprintln(e.stdout, "Nothing was changed.")
		return exitOK
	}
	if err := store.Reset(); err != nil {
		fmt.Fprintf(e.stderr, "sessionlab: cannot reset your progress: %v\n", oneLine(err))
		return exitFailed
	}
	fmt.Fprintln(e.stdout, "Your progress is forgotten.")
	return exitOK
}

// checkAddr tries to listen on addr.
func checkAddr(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return ln.Close()
}

// runPlain runs the chosen lessons and prints their transcript. The sim is
// cancelled and waited for before it returns, so every socket is closed.
func runPlain(ctx context.Context, opts options, book *lessons.Book, e env) int {
	scenarios := book.Scenarios(opts.lesson)
	s, err := e.newSim(sim.Config{Scenarios: scenarios, Addr: opts.addr, Speed: opts.speed, Faults: opts.faults, ExactCadence: true})
	if err != nil {
		fmt.Fprintf(e.stderr, "sessionlab: %v\n", err)
		return exitUsage
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, err := s.Start(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "sessionlab: %s\n", addrProblem(opts.addr, err))
		return exitUsage
	}
	tr := lessons.NewTranscript(e.stdout, book)
	var failed, writeErr error
	if port := s.Port(); port != 0 {
		writeErr = tr.Hint(port)
		if writeErr != nil {
			cancel()
		}
	}
	for ev := range events {
		if ctx.Err() != nil {
			continue // interrupted or stdout gone: drain quietly, print nothing half
		}
		if end, ok := ev.(sim.ScenarioEnded); ok && end.Err != nil && failed == nil {
			failed = fmt.Errorf("the %v scenario failed: %v", end.Scenario, end.Err)
		}
		if err := tr.Write(ev); err != nil {
			writeErr = err
			cancel() // stdout is gone; stop the sim
		}
	}
	s.Wait() // after the channel closed: every socket closed, every goroutine gone
	switch {
	case writeErr != nil:
		fmt.Fprintf(e.stderr, "sessionlab: cannot write the transcript: %v\n", writeErr)
		return exitFailed
	case failed != nil:
		fmt.Fprintf(e.stderr, "sessionlab: %v\n", oneLine(failed))
		return exitFailed
	case s.Err() != nil:
		fmt.Fprintf(e.stderr, "sessionlab: %v\n", oneLine(s.Err()))
		return exitFailed
	}
	if ctx.Err() == nil {
		for _, u := range s.Unfired() {
			fmt.Fprintf(e.stderr, "sessionlab: fault %v never fired: %s\n", u.Fault, u.Why)
		}
	}
	return exitOK
}

// oneLine keeps a message on one line.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// addrProblem says in one line why the address cannot be used.
func addrProblem(addr string, err error) string {
	reason := err.Error()
	var se *os.SyscallError
	if errors.As(err, &se) {
		reason = se.Err.Error()
	} else if i := strings.LastIndex(reason, ": "); i >= 0 {
		reason = reason[i+2:]
	}
	return fmt.Sprintf("cannot listen on %q: %s (--addr takes HOST:PORT on this machine, e.g. 127.0.0.1:0 for any free port)", addr, reason)
}

func parseFlags(args []string, book *lessons.Book, stdout io.Writer, getenv func(string) string) (options, error) {
	opts := options{speed: 1, addr: defaultAddr, theme: "auto"}
	if v := getenv("SESSIONLAB_THEME"); v != "" {
		opts.theme, opts.themeSet = v, true
	}
	fs := flag.NewFlagSet("sessionlab", flag.ContinueOnError)
	ids := strings.Join(book.IDs(), ", ")
	fs.BoolVar(&opts.plain, "plain", false, "print a plain transcript instead of the terminal UI (the default when output is not a terminal)")
	lesson := fs.String("lesson", "", "open this lesson directly: "+ids+" (plain mode: all lessons when not given)")
	speed := fs.String("speed", "1", fmt.Sprintf("pacing speed, from %g to %g", sim.MinSpeed, sim.MaxSpeed))
	fs.StringVar(&opts.addr, "addr", opts.addr, "HOST:PORT for the lesson's server to listen on")
	fs.BoolVar(&opts.live, "live", false, "start lessons playing, each step held long enough to read (default: paused, a step per key)")
	fs.Func("theme", "colours: "+strings.Join(ui.ThemeNames(), ", ")+" (auto: asks the terminal for its background; also SESSIONLAB_THEME)", func(v string) error {
		opts.theme, opts.themeSet = v, true
		return nil
	})
	fs.BoolVar(&opts.present, "present", false, "presenter mode: one idea per click for a room (high-contrast; space and PgDn step; nothing scored or saved)")
	fs.BoolVar(&opts.noQuestions, "no-questions", false, "run lessons without predictions and quizzes")
	fs.StringVar(&opts.configDir, "config-dir", "", "where progress.json is kept (default: your config directory's sessionlab/)")
	fs.BoolVar(&opts.resetProgress, "reset-progress", false, "forget your progress, after asking")
	fs.String("lessons", "", "load lesson files from this directory (see: sessionlab lessons export DIR)")
	fs.Func("fault", "break the lesson on purpose: "+sim.FaultForms+"; may be repeated", func(v string) error {
		f, err := sim.ParseFault(v)
		if err != nil {
			return err
		}
		opts.faults = append(opts.faults, f)
		return nil
	})
	if err := parseOrHelp(fs, args, stdout, "SessionLab: watch a real session layer at work.\n\nUsage:\n  sessionlab [flags]\n  sessionlab transcript [--lesson NAME] [--format text|markdown|mermaid] [--stable]\n  sessionlab lessons export DIR\n\nFlags:\n"); err != nil {
		return opts, err
	}
	var err error
	if opts.lesson, err = book.Named(*lesson); err != nil {
		return opts, err
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(*speed), 64)
	if err != nil || !sim.ValidSpeed(x) {
		return opts, fmt.Errorf("--speed %q is not a number from %g to %g", *speed, sim.MinSpeed, sim.MaxSpeed)
	}
	opts.speed = x
	if _, err := ui.ThemeFor(opts.theme, true); err != nil {
		return opts, fmt.Errorf("--theme: %v", err)
	}
	if opts.present && !opts.themeSet {
		opts.theme = "high-contrast" // a projector's theme
	}
	scenarios := book.Scenarios(opts.lesson)
	for _, f := range opts.faults {
		if err := f.Check(scenarios); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// parseOrHelp parses args with fs. --help prints intro and the flags on
// stdout (and returns flag.ErrHelp); a mistake is one line; arguments
// that are not flags are a mistake too.
func parseOrHelp(fs *flag.FlagSet, args []string, stdout io.Writer, intro string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // errors get one line, not the whole usage
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, intro)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return err
		}
		return flagProblem(err, args)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags only; see %s --help)", fs.Arg(0), fs.Name())
	}
	return nil
}

// flagProblem rewords the flag package's errors as one line, naming a
// flag as the user typed it.
func flagProblem(err error, args []string) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		for _, a := range args {
			if a == "-"+name || strings.HasPrefix(a, "-"+name+"=") {
				name, _, _ = strings.Cut(a, "=")
				break
			}
		}
		return fmt.Errorf("unknown flag %s (see sessionlab --help)", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("flag %s needs a value (see sessionlab --help)", name)
	}
	return fmt.Errorf("%s (see sessionlab --help)", msg)
}

// isTerminal reports whether f is a terminal, for choosing plain mode when
// output goes to a pipe or a file.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
