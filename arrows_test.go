package main

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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
		{"sessionlab/ui", []string{"sessionlab/ui/serve"}, nil},
		{"sessionlab/ui/serve", nil, nil}, // serve builds on ui, never the other way
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

// TestOpenSetsAreTables: a new fault kind is a row of sim's fault table,
// its narration and the census, nothing more: no code outside sim names
// one kind of fault, and sim names each only in its table.
func TestOpenSetsAreTables(t *testing.T) {
	kind := regexp.MustCompile(`\bsim\.Fault(Reset|Stall|Stop|[A-Z][a-z]+)\b`)
	allowed := map[string]bool{"sim.FaultKind": true, "sim.FaultKinds": true, "sim.FaultAt": true, "sim.FaultForms": true}
	for _, dir := range []string{".", "ui", "lessons", "lessons/progress"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range kind.FindAllString(string(src), -1) {
				if !allowed[m] {
					t.Errorf("%s names a fault kind (%s): let the fault table say it", f, m)
				}
			}
		}
	}
}

// TestSimtestOnlyInTests: sim/simtest is a helper for tests; no program
// code imports it.
func TestSimtestOnlyInTests(t *testing.T) {
	var pkgs []string
	_ = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" || path == "sim/simtest" {
			if d != nil && d.IsDir() && path != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if code, _ := filepath.Glob(filepath.Join(path, "*.go")); len(code) > 0 {
			pkgs = append(pkgs, strings.TrimSuffix("sessionlab/"+filepath.ToSlash(path), "/."))
		}
		return nil
	})
	if len(pkgs) < 8 {
		t.Fatalf("found only %v", pkgs)
	}
	for _, pkg := range pkgs {
		if slices.Contains(importsOf(t, pkg, map[string]bool{}), "sessionlab/sim/simtest") {
			t.Errorf("%s imports sim/simtest outside its tests", pkg)
		}
	}
}
