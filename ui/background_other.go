//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package ui

import "os"

// DetectDark reports whether the terminal has a dark background: here
// from COLORFGBG only, else dark.
func DetectDark(_ *os.File, getenv func(string) string) (dark bool, source string) {
	if d, ok := darkFromColorFGBG(getenv("COLORFGBG")); ok {
		return d, "COLORFGBG"
	}
	return true, "default"
}
