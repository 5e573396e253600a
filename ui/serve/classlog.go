package serve

import (
	"log/slog"
	"os"
	"path/filepath"

	charmlog "github.com/charmbracelet/log"
)

// LogToFile sends the room's log to name in the config dir, appended to
// (a class after a class leaves no files about), for when the terminal
// is the teacher's console. The SSH library's own lines go there too:
// wish logs through charmbracelet/log's default logger, to stderr, and a
// line there (a student's ctrl+c is one) would be drawn across the
// console. The caller closes the file once the room is closed.
func (o *Options) LogToFile(name string) (*os.File, error) {
	if err := os.MkdirAll(o.ConfigDir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(o.ConfigDir, name), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	o.Log = slog.New(slog.NewTextHandler(f, nil))
	charmlog.SetOutput(f)
	return f, nil
}
