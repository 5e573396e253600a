package ui

import (
	"fmt"
	"os"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestMain(m *testing.M) {
	// Every Model under test draws with a renderer of its own. The
	// default one is set to full colour, so that a style drawn through it
	// by mistake shows up as escape codes in the plain goldens.
	lipgloss.SetColorProfile(termenv.TrueColor)
	code := m.Run()
	if code == 0 {
		if err := leftover(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
