//go:build !unix

package ui

import tea "github.com/charmbracelet/bubbletea"

// suspender does nothing where there is no job control.
type suspender struct{}

func newSuspender() *suspender                      { return &suspender{} }
func (*suspender) request()                         {}
func (*suspender) serve(*tea.Program) (stop func()) { return func() {} }
