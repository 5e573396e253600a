package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

var binary string // the sessionlab binary, built once for the tests that run it

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sessionlab-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "sessionlab")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("go build: " + err.Error() + "\n" + string(out))
	}
	code := func() int {
		defer os.RemoveAll(dir)
		return m.Run()
	}()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// TestBadInput checks that every kind of bad command line gets one line on
// stderr, nothing on stdout, and exit status 2.
func TestBadInput(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag --bogus"},
		{[]string{"--lesson", "nope"}, `unknown lesson "nope" (choose establish, synchronize, recover, terminate)`},
		{[]string{"--lesson"}, "flag -lesson needs a value"},
		{[]string{"--speed", "9"}, `--speed "9" is not a number from 0.25 to 4`},
		{[]string{"--speed", "0.1"}, "is not a number from 0.25 to 4"},
		{[]string{"--speed", "fast"}, "is not a number from 0.25 to 4"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--plain", "--addr", busy.Addr().String()}, "address already in use"},
		{[]string{"--plain", "--addr", "127.0.0.1:99999"}, "invalid port"},
		{[]string{"--plain", "--addr", "192.0.2.1:0"}, "cannot listen on"},
		{[]string{"--plain", "--addr", "nonsense"}, "--addr takes HOST:PORT"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, &stdout, &stderr)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d", tt.args, code, exitUsage)
		}
		if stdout.Len() != 0 {
			t.Errorf("%v: printed %q on stdout", tt.args, stdout.String())
		}
		msg := stderr.String()
		if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "sessionlab: ") || !strings.Contains(msg, tt.want) {
			t.Errorf("%v: stderr %q, want one line with %q", tt.args, msg, tt.want)
		}
	}
}

func TestHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--help"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("--help exit %d", code)
	}
	for _, flag := range []string{"-plain", "-lesson", "-speed", "-addr"} {
		if !strings.Contains(stdout.String(), flag) {
			t.Errorf("help lacks %s", flag)
		}
	}
}

// TestPlainWhenNotATerminal runs the binary with stdout on a pipe and no
// --plain: it must print the transcript and exit 0.
func TestPlainWhenNotATerminal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, binary, "--lesson", "establish", "--speed", "4").Output()
	if err != nil {
		t.Fatalf("exit: %v", err)
	}
	for _, want := range []string{"== Establish ==", "Waiting for a connection...", "Connection established with: 127.0.0.1:",
		"Received data: Hello from the client!", "Welcome to the session!", "Closing the connection..."} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestSignals interrupts a plain run in the middle: the exit status must
// say which signal, and the output must end with a whole line.
func TestSignals(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, binary, "--plain", "--lesson", "synchronize", "--speed", "4")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(stdout)
		var out strings.Builder
		for !strings.Contains(out.String(), "Sending data packet 0") {
			line, err := r.ReadString('\n')
			out.WriteString(line)
			if err != nil {
				t.Fatalf("%v: output ended before DT 0: %v\n%s", tt.sig, err, out.String())
			}
		}
		if err := cmd.Process.Signal(tt.sig); err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(r)
		out.Write(rest)
		err = cmd.Wait()
		cancel()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != tt.code {
			t.Errorf("%v: %v, want exit status %d", tt.sig, err, tt.code)
		}
		if s := out.String(); !strings.HasSuffix(s, "\n") || strings.Contains(s, "Closing the connection") {
			t.Errorf("%v: output does not end cleanly mid-run:\n%s", tt.sig, s)
		}
	}
}
