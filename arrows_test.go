package main

import (
	"go/build"
	"slices"
	"strings"
	"testing"
)

// TestImportArrows holds the shape of the program: main → ui → lessons →
// sim, never back up. sim uses the standard library and golang.org/x/sys
// only; lessons no terminal library; nothing imports main.
func TestImportArrows(t *testing.T) {
	rules := []struct {
		pkg     string
		mayNot  []string // import path prefixes it must not reach
		allowed func(path string) bool
	}{
		{"sessionlab/sim", []string{"sessionlab/lessons", "sessionlab/ui", "github.com/"}, func(p string) bool {
			return isStd(p) || strings.HasPrefix(p, "golang.org/x/sys/") || strings.HasPrefix(p, "sessionlab/sim")
		}},
		{"sessionlab/sim/spdu", []string{"sessionlab/lessons", "sessionlab/ui", "github.com/"}, isStd},
		{"sessionlab/lessons", []string{"sessionlab/ui", "github.com/charmbracelet/"}, nil},
		{"sessionlab/ui", nil, nil},
	}
	for _, r := range rules {
		deps := importsOf(t, r.pkg, map[string]bool{})
		for _, d := range deps {
			for _, bad := range r.mayNot {
				if strings.HasPrefix(d, bad) {
					t.Errorf("%s reaches %s", r.pkg, d)
				}
			}
			if r.allowed != nil && !r.allowed(d) {
				t.Errorf("%s imports %s, outside what it may use", r.pkg, d)
			}
		}
		if slices.Contains(deps, "sessionlab") {
			t.Errorf("%s imports main", r.pkg)
		}
	}
}

// importsOf returns every package path pkg reaches, its own module's
// packages followed down, others listed as they are named.
func importsOf(t *testing.T, pkg string, seen map[string]bool) []string {
	t.Helper()
	dir := "." + strings.TrimPrefix(pkg, "sessionlab")
	p, err := build.Default.ImportDir(dir, 0)
	if err != nil {
		t.Fatalf("%s: %v", pkg, err)
	}
	var out []string
	for _, imp := range p.Imports {
		if seen[imp] {
			continue
		}
		seen[imp] = true
		out = append(out, imp)
		if imp == "sessionlab" || strings.HasPrefix(imp, "sessionlab/") {
			out = append(out, importsOf(t, imp, seen)...)
		}
	}
	return out
}

func isStd(path string) bool { return !strings.Contains(strings.Split(path, "/")[0], ".") }
