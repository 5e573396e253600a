// Command sessionlab teaches the OSI session layer by running one: a real
// server and client on loopback TCP speaking the X.225 session protocol (a
// subset) over RFC 1006, shown as a terminal UI or, with --plain, as a
// transcript.
//
// Subcommands: "sessionlab transcript" runs lessons at full speed and
// writes a handout (text, Markdown or a Mermaid diagram); "sessionlab
// lessons export DIR" writes the lesson files for an instructor to edit,
// which --lessons DIR loads back; "sessionlab listen" and "sessionlab
// connect HOST:PORT" put SessionLab on the lab bench against any peer;
// "sessionlab serve" gives a whole room its own SessionLab each, over SSH.
//
// This file is the command line only: flags, which mode runs, the order
// things shut down in, and exit codes. The modes live in their packages:
// ui.Run (the terminal UI), lessons.Transcribe (--plain),
// lessons.WriteHandouts (transcript).
//
// Exit status: 0 when the lessons ran to their end (an abort that a fault
// the learner asked for caused is an outcome of the lesson); 1 when
// SessionLab itself failed, with the reason on stderr; 2 for a bad
// command line; 128+N when signal N ended it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"sessionlab/lessons"
	"sessionlab/lessons/progress"
	"sessionlab/sim"
	"sessionlab/ui"
	"sessionlab/ui/serve"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // SessionLab failed: a scenario broke, output could not be written
	exitUsage  = 2 // bad flags or an address that cannot be used
)

// env is what a run of the program takes from the outside world, so that
// tests can put their own in its place.
type env struct {
	stdout, stderr io.Writer
	// tty is the terminal the UI draws on; nil when stdout is not one
	// (then the lessons print a plain transcript).
	tty *os.File
	// start starts a lesson's run for plain mode.
	start func(ctx context.Context, cfg sim.Config) (sim.Session, error)
	// getenv reads the environment (SESSIONLAB_THEME, TERM, COLORFGBG,
	// DEBUG).
	getenv func(string) string
	// stdin answers --reset-progress's question.
	stdin io.Reader
}

func main() {
	e := env{stdout: os.Stdout, stderr: os.Stderr, start: startRun, getenv: os.Getenv, stdin: os.Stdin}
	if isTerminal(os.Stdout) {
		e.tty = os.Stdout
	}
	os.Exit(run(os.Args[1:], e))
}

// startRun starts a run on the real engine; it ends with ctx.
func startRun(ctx context.Context, cfg sim.Config) (sim.Session, error) {
	return sim.NewRuns(ctx).Start(cfg, false)
}

// run is the whole program; it returns the exit status.
func run(args []string, e env) int {
	o, code := parseCommandLine(args, e)
	if o == nil {
		return code
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

	var err error
	switch {
	case o.cmd == cmdExport:
		var wrote []string
		if wrote, err = lessons.Export(o.exportDir); err == nil {
			err = printed(e, "Wrote %d lesson files to %s; edit them, then: sessionlab --lessons %s\n", len(wrote), o.exportDir, o.exportDir)
		}
	case o.resetProgress:
		err = progress.AskToReset(o.ConfigDir, time.Now(), e.stdin, e.stdout, e.stderr)
	case o.cmd == cmdTranscript:
		err = lessons.WriteHandouts(ctx, e.stdout, o.Book, o.lesson, o.format, o.stable)
	case o.cmd == cmdListen || o.cmd == cmdConnect:
		err = runBench(ctx, o, e)
	case o.cmd == cmdServe:
		o.serve.Book, o.serve.Theme, o.serve.Out = o.Book, o.Theme, e.stdout
		o.serve.Log = slog.New(slog.NewTextHandler(e.stderr, nil))
		if err = serve.Run(ctx, o.serve); err == nil {
			return exitOK // a signal ends a class: not a failure
		}
	case o.cmd == cmdClass:
		if err = runClass(ctx, o, e); err == nil || errors.Is(err, ui.ErrInterrupted) {
			return exitOK // the teacher ended the class
		}
	case o.plain || e.tty == nil:
		err = runPlain(ctx, o, e)
	default:
		o.Out, o.Notes, o.Getenv = e.tty, e.stderr, e.getenv
		err = ui.Run(ctx, o.Options)
	}
	cancel()
	switch n := got.Load(); {
	case n != 0:
		return 128 + int(n) // a signal, as a shell reports it; nothing else to say
	case errors.Is(err, ui.ErrInterrupted):
		return 130 // ctrl+c, as a shell reports SIGINT
	case err != nil:
		fmt.Fprintf(e.stderr, "sessionlab: %s\n", shorten(oneLine(err)))
		return exitFailed
	}
	return exitOK
}

// runPlain runs the lessons asked for and prints their transcript as
// they go; every socket is closed when it returns.
func runPlain(ctx context.Context, o *options, e env) error {
	s, err := e.start(ctx, sim.Config{Scenarios: o.Book.Scenarios(o.lesson), Addr: o.Addr, Speed: o.Speed, Faults: o.Faults, ExactCadence: true})
	if err != nil {
		return fmt.Errorf("cannot start the lessons: %w", err)
	}
	unfired, err := lessons.Transcribe(ctx, e.stdout, o.Book, s)
	for _, u := range unfired {
		fmt.Fprintf(e.stderr, "sessionlab: fault %v never fired: %s\n", u.Fault, u.Why)
	}
	return err
}

// runBench runs listen or connect until the bench ends (connect) or the
// user quits; the bench is stopped and waited for before it returns.
func runBench(ctx context.Context, o *options, e env) error {
	bctx, stop := context.WithCancel(ctx)
	defer stop()
	cfg := sim.BenchConfig{Addr: o.Addr}
	start := sim.Listen
	if o.cmd == cmdConnect {
		start = sim.Connect
	}
	b, err := start(bctx, cfg)
	if err != nil {
		return err
	}
	if o.plain || e.tty == nil {
		err = lessons.PrintBench(ctx, e.stdout, b.Events())
	} else {
		o.Out, o.Notes, o.Getenv = e.tty, e.stderr, e.getenv
		err = ui.RunBench(ctx, o.Options, b.Events())
	}
	stop()
	b.Wait()
	if err == nil {
		err = b.Err()
	}
	return err
}

// runClass serves the room as a class and runs the teacher's console on
// this terminal: presenter mode, whose every step the students follow.
// The server's log goes to a file: the console has the terminal.
func runClass(ctx context.Context, o *options, e env) error {
	o.serve.Book, o.serve.Theme, o.serve.Out = o.Book, o.Theme, e.stdout
	if o.serve.TeacherKey != "" { // the teacher logs in over SSH; this terminal shows the log
		o.serve.Log = slog.New(slog.NewTextHandler(e.stderr, nil))
		return serve.RunClass(ctx, o.serve, func(ctx context.Context, _ *ui.Class) error {
			fmt.Fprintf(e.stdout, "The teacher's console: ssh with a key from %s. Ctrl+C here ends the class.\n", o.serve.TeacherKey)
			<-ctx.Done()
			return nil
		})
	}
	if e.tty == nil {
		return errors.New("class needs a terminal for the teacher's console, or --teacher-key to teach over SSH")
	}
	logf, err := o.serve.LogToFile("class.log")
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(e.stdout, "The class's log: %s\n", logf.Name())
	return serve.RunClass(ctx, o.serve, func(ctx context.Context, class *ui.Class) error {
		o.Out, o.Notes, o.Getenv, o.Present, o.NoQuestions, o.Class = e.tty, e.stderr, e.getenv, true, o.serve.NoQuestions, class
		return ui.Run(ctx, o.Options)
	})
}

// printed writes to stdout; a message nobody can read is a failure, not
// a success.
func printed(e env, format string, args ...any) error {
	if _, err := fmt.Fprintf(e.stdout, format, args...); err != nil {
		return fmt.Errorf("cannot write to standard output: %w", err)
	}
	return nil
}

// isTerminal reports whether f is a terminal, for choosing plain mode when
// output goes to a pipe or a file.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Subcommands.
const (
	cmdLessons    = ""
	cmdTranscript = "transcript"
	cmdExport     = "lessons export"
	cmdListen     = "listen"
	cmdConnect    = "connect"
	cmdServe      = "serve"
	cmdClass      = "class"
)

// options are the command line, read once and checked: the lessons and
// how to run them (ui.Options, which plain mode reads too), and what the
// other modes take.
type options struct {
	ui.Options
	cmd                          string
	lesson                       *lessons.Lesson // nil: all lessons
	plain, resetProgress, stable bool
	format, exportDir            string
	serve                        serve.Options
}

const usage = `SessionLab: watch a real session layer at work.

Usage:
  sessionlab [flags]
  sessionlab transcript [--lesson NAME] [--format text|markdown|mermaid] [--stable]
  sessionlab lessons export DIR
  sessionlab listen [--addr HOST:PORT] [--plain]
  sessionlab connect HOST:PORT [--plain]
  sessionlab serve [--listen 127.0.0.1:2222] [--max-sessions N] [--idle-timeout D] ...
  sessionlab class [serve's flags] [--teacher-key FILE] [--named] [--no-questions]

Flags:
`

// parseCommandLine reads the command line once. It returns the options,
// or nil and the exit status when the program ends at once: --help was
// printed, or a mistake was said in one line.
func parseCommandLine(args []string, e env) (*options, int) {
	builtin, err := lessons.Builtin()
	if err != nil {
		fmt.Fprintf(e.stderr, "sessionlab: the built-in lesson content is broken: %v\n", oneLine(err))
		return nil, exitFailed
	}
	o := &options{Options: ui.Options{Speed: 1, Addr: "127.0.0.1:0", Theme: "auto"}, format: lessons.FormatMarkdown}
	name, intro := "sessionlab", usage
	switch {
	case len(args) > 1 && args[0] == "lessons" && args[1] == "export":
		o.cmd, args, name, intro = cmdExport, args[2:], "sessionlab lessons export", "Write the lesson files into DIR, to edit and load with --lessons DIR.\n\nUsage: sessionlab lessons export DIR\n"
	case len(args) > 0 && args[0] == cmdListen:
		o.cmd, args, name, intro = cmdListen, args[1:], "sessionlab listen", "Play the server for any TCP client, one connection after another, and show what it speaks.\n\nUsage: sessionlab listen [--addr HOST:PORT] [--plain]\n\nFlags:\n"
		o.Addr = "127.0.0.1:12345"
	case len(args) > 0 && args[0] == cmdConnect:
		o.cmd, args, name, intro = cmdConnect, args[1:], "sessionlab connect", "Play the client of the server at HOST:PORT, and show what it speaks.\n\nUsage: sessionlab connect HOST:PORT [--plain]\n\nFlags:\n"
	case len(args) > 0 && args[0] == cmdClass:
		o.cmd, args, name, intro = cmdClass, args[1:], "sessionlab class", "Teach a class over SSH: this terminal is your console, and every student who logs in follows your steps.\n\nUsage: sessionlab class [flags]\n\nFlags:\n"
	case len(args) > 0 && args[0] == cmdServe:
		o.cmd, args, name, intro = cmdServe, args[1:], "sessionlab serve", "Serve a whole room over SSH: each student runs ssh -p PORT HOST and gets their own SessionLab.\n\nUsage: sessionlab serve [flags]\n\nFlags:\n"
	case len(args) > 0 && args[0] == "transcript":
		o.cmd, args, name, intro = cmdTranscript, args[1:], "sessionlab transcript", "Run lessons for real at full speed and write what happened, for a course page.\n\nUsage: sessionlab transcript [flags]\n\nFlags:\n"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	ids := strings.Join(builtin.IDs(), ", ")
	var lesson, speed, dir string
	if v := e.getenv("SESSIONLAB_THEME"); v != "" {
		o.Theme = v
	}
	switch o.cmd {
	case cmdServe, cmdClass:
		o.serve.Flags(fs)
		fs.StringVar(&dir, "lessons", "", "load lesson files from this directory")
		o.themeFlag(fs, " (auto: each student's terminal decides)")
		if o.cmd == cmdClass {
			o.serve.ClassFlags(fs)
		}
	case cmdListen, cmdConnect:
		fs.BoolVar(&o.plain, "plain", false, "print what happens as lines instead of the terminal UI (the default when output is not a terminal)")
		o.themeFlag(fs, "")
		if o.cmd == cmdListen {
			fs.StringVar(&o.Addr, "addr", o.Addr, "HOST:PORT to listen on")
		}
		args = flagsFirst(fs, args)
	case cmdTranscript:
		fs.StringVar(&lesson, "lesson", "", "the lesson: "+ids+" (all when not given)")
		fs.StringVar(&o.format, "format", o.format, "text, markdown or mermaid")
		fs.BoolVar(&o.stable, "stable", false, "replace addresses, ports, references and times with placeholders, so that two runs can be compared")
		fs.StringVar(&dir, "lessons", "", "load lesson files from this directory")
	case cmdLessons:
		fs.BoolVar(&o.plain, "plain", false, "print a plain transcript instead of the terminal UI (the default when output is not a terminal)")
		fs.StringVar(&lesson, "lesson", "", "open this lesson directly: "+ids+" (plain mode: all lessons when not given)")
		fs.StringVar(&speed, "speed", "1", fmt.Sprintf("pacing speed, from %g to %g", sim.MinSpeed, sim.MaxSpeed))
		fs.StringVar(&o.Addr, "addr", o.Addr, "HOST:PORT for the lesson's server to listen on")
		fs.BoolVar(&o.Live, "live", false, "start lessons playing in real time, each step as it happens (default: paused, a step per key)")
		o.themeFlag(fs, " (auto: asks the terminal for its background; also SESSIONLAB_THEME)")
		fs.BoolVar(&o.Present, "present", false, "presenter mode for a room: large narration, the state panels and the sequence diagram; PgDn steps, space plays in real time; nothing scored or saved")
		fs.BoolVar(&o.NoQuestions, "no-questions", false, "run lessons without predictions and quizzes")
		fs.StringVar(&o.ConfigDir, "config-dir", "", "where progress.json is kept (default: your config directory's sessionlab/)")
		fs.BoolVar(&o.resetProgress, "reset-progress", false, "forget your progress, after asking")
		fs.StringVar(&dir, "lessons", "", "load lesson files from this directory (see: sessionlab lessons export DIR)")
		fs.Func("fault", "break the lesson on purpose: "+sim.FaultForms()+"; may be repeated", func(v string) error {
			f, err := sim.ParseFault(v)
			o.Faults = append(o.Faults, f)
			return err
		})
	}
	if code, done := parseFlags(fs, args, e, intro); done {
		return nil, code
	}
	if err := o.check(builtin, dir, lesson, speed, fs.Args()); err != nil {
		fmt.Fprintf(e.stderr, "sessionlab: %s\n", shorten(oneLine(err)))
		return nil, exitUsage
	}
	return o, exitOK
}

// check resolves what the flags name (the lessons, the lesson, the
// faults, the theme) and refuses what cannot be used.
func (o *options) check(builtin *lessons.Book, dir, lesson, speed string, rest []string) (err error) {
	switch o.cmd {
	case cmdExport:
		if len(rest) != 1 || rest[0] == "" {
			return errors.New("lessons export takes one directory: sessionlab lessons export DIR")
		}
		o.exportDir = rest[0]
		return nil
	case cmdServe, cmdClass:
		if len(rest) > 0 {
			return fmt.Errorf("unexpected argument %q (see sessionlab %s --help)", rest[0], o.cmd)
		}
		return o.checkServe(builtin, dir)
	case cmdConnect:
		if len(rest) != 1 {
			return errors.New("connect takes the server's address: sessionlab connect HOST:PORT")
		}
		o.Addr, rest = rest[0], nil
		fallthrough
	case cmdListen:
		if len(rest) > 0 {
			return fmt.Errorf("unexpected argument %q (see sessionlab %s --help)", rest[0], o.cmd)
		}
		if err := o.checkTheme(); err != nil {
			return err
		}
		if o.cmd == cmdConnect {
			return sim.CheckPeerAddr(o.Addr)
		}
		return sim.CheckAddr(o.Addr)
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected argument %q (flags only; see sessionlab --help)", rest[0])
	}
	if err := o.loadBook(builtin, dir); err != nil {
		return err
	}
	if o.lesson, err = o.Book.Named(lesson); o.lesson != nil {
		o.Lesson = o.lesson.ID
	}
	if err != nil || o.cmd == cmdTranscript {
		if err == nil && !slices.Contains(lessons.Formats, o.format) {
			err = fmt.Errorf("--format %q is not one of %s", o.format, strings.Join(lessons.Formats, ", "))
		}
		return err
	}
	if o.Speed, err = strconv.ParseFloat(strings.TrimSpace(speed), 64); err != nil || !sim.ValidSpeed(o.Speed) {
		return fmt.Errorf("--speed %q is not a number from %g to %g", speed, sim.MinSpeed, sim.MaxSpeed)
	}
	if err := o.checkTheme(); err != nil {
		return err
	}
	for _, f := range o.Faults {
		if err := f.Check(o.Book.Scenarios(o.lesson)); err != nil {
			return err
		}
	}
	if o.resetProgress {
		return nil
	}
	if err := sim.CheckAddr(o.Addr); err != nil {
		return fmt.Errorf("%w (--addr takes HOST:PORT on this machine, e.g. 127.0.0.1:0 for any free port)", err)
	}
	return nil
}

// checkServe checks serve's flags and fills in the config dir.
func (o *options) checkServe(builtin *lessons.Book, dir string) error {
	if err := o.loadBook(builtin, dir); err != nil {
		return err
	}
	if err := o.checkTheme(); err != nil {
		return err
	}
	return o.serve.Check()
}

// themeFlag defines --theme; note says what auto means for the command.
func (o *options) themeFlag(fs *flag.FlagSet, note string) {
	fs.Func("theme", "colours: "+strings.Join(ui.ThemeNames(), ", ")+note, func(v string) error {
		o.Theme = v
		return nil
	})
}

// checkTheme refuses a theme that is not one.
func (o *options) checkTheme() error {
	if _, err := ui.ThemeFor(o.Theme, true); err != nil {
		return fmt.Errorf("--theme: %v", err)
	}
	return nil
}

// loadBook takes the lessons from dir, or the built-in ones.
func (o *options) loadBook(builtin *lessons.Book, dir string) (err error) {
	if o.Book = builtin; dir != "" {
		o.Book, err = lessons.LoadDir(dir)
	}
	return err
}

// parseFlags parses args with fs. --help prints intro and the flags on
// stdout; a mistake is one line on stderr. done says the program ends
// with code.
func parseFlags(fs *flag.FlagSet, args []string, e env, intro string) (code int, done bool) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // errors get one line, not the whole usage
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		var help strings.Builder
		help.WriteString(intro)
		fs.SetOutput(&help)
		fs.PrintDefaults()
		if err := printed(e, "%s", help.String()); err != nil {
			fmt.Fprintf(e.stderr, "sessionlab: %v\n", err)
			return exitFailed, true
		}
		return exitOK, true
	case err != nil:
		fmt.Fprintf(e.stderr, "sessionlab: %s (see %s --help)\n", shorten(flagProblem(err, args)), fs.Name())
		return exitUsage, true
	}
	return exitOK, false
}

// flagsFirst moves the arguments that are not flags (an address) after
// the flags, so that flags may come before or after them: the flag
// package stops at the first argument that is not a flag.
func flagsFirst(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		// A flag that takes a value takes the next argument.
		if f := fs.Lookup(name); f != nil && i+1 < len(args) {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	return append(flags, rest...)
}

// flagProblem rewords the flag package's errors, naming a flag as the
// user typed it (--lesson, not -lesson).
func flagProblem(err error, args []string) string {
	msg := err.Error()
	typed := func(name string) string {
		for _, a := range args {
			if a == "-"+name || a == "--"+name || strings.HasPrefix(a, "-"+name+"=") || strings.HasPrefix(a, "--"+name+"=") {
				name, _, _ = strings.Cut(a, "=")
				return name
			}
		}
		return "-" + name
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag " + typed(name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "flag " + typed(name) + " needs a value"
	}
	return msg
}

// oneLine keeps a message on one line.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// quoted finds the values a message quotes back.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// shorten cuts every value a message quotes back to its first 40
// characters: a bad value of 100 KB is named, not echoed whole.
func shorten(msg string) string {
	return quoted.ReplaceAllStringFunc(msg, func(q string) string {
		if r := []rune(q); len(r) > 60 {
			return fmt.Sprintf("%s…\" (%d bytes)", string(r[:41]), len(q)-2)
		}
		return q
	})
}
