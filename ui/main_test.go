package ui

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The bubbles list draws a few parts with the default renderer; the
	// Models under test get their own Ascii renderer.
	lipgloss.SetColorProfile(termenv.Ascii)
	goleak.VerifyTestMain(m, teatestSignal)
}
