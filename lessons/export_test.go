package lessons

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportAndLoad: the exported files load back as the built-in lessons,
// an edit shows, a second export refuses to overwrite, and a broken edit
// names its file and line.
func TestExportAndLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mine")
	wrote, err := Export(dir)
	if err != nil || len(wrote) < 6 {
		t.Fatalf("export: %v, %d files", err, len(wrote))
	}
	b, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(b.IDs(), " ") != "establish synchronize recover terminate" || len(b.Glossary()) != len(book(t).Glossary()) {
		t.Fatalf("loaded back %v", b.IDs())
	}
	if _, err := Export(dir); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("a second export: %v", err)
	}
	path := filepath.Join(dir, "02-synchronize.md")
	raw, _ := os.ReadFile(path)
	edited := strings.Replace(string(raw), "title: Synchronize", "title: Checkpoints", 1)
	os.WriteFile(path, []byte(edited), 0o644)
	if b, err := LoadDir(dir); err != nil {
		t.Fatal(err)
	} else if l, _ := b.Lesson("synchronize"); l.Title != "Checkpoints" {
		t.Fatalf("the edit does not show: %q", l.Title)
	}
	broken := strings.Replace(edited, "## client sent MIP\n", "## client sent MPI\n", 1)
	os.WriteFile(path, []byte(broken), 0o644)
	line := 1 + strings.Count(broken[:strings.Index(broken, "## client sent MPI")], "\n")
	_, err = LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("02-synchronize.md:%d: ## client sent MPI matches no event", line)) {
		t.Fatalf("a broken edit: %v (want line %d)", err, line)
	}
	if _, err := LoadDir(filepath.Join(dir, "nope")); err == nil {
		t.Fatal("a missing directory loaded")
	}
}
