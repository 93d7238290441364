package bot

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// Log field names every message about a request uses, so that one grep or
// one query follows a request through the logs.
const (
	LogBugID        = "bug_id"
	LogAttachmentID = "attachment_id"
	LogFlagID       = "flag_id"
	LogAction       = "action"
)

// NewLogger builds the process logger: JSON lines, MozLog lines, or
// zerolog's console format when asked for or when w is a terminal. The API
// key is never a field of any message: the bot logs ids, logins and comment
// texts only.
func NewLogger(cfg LogConfig, w io.Writer) (zerolog.Logger, error) {
	level := zerolog.InfoLevel
	if cfg.Level != "" {
		l, err := zerolog.ParseLevel(strings.ToLower(cfg.Level))
		if err != nil || l == zerolog.NoLevel {
			return zerolog.Nop(), fmt.Errorf("log: unknown level %q", cfg.Level)
		}
		level = l
	}
	out := w
	switch strings.ToLower(cfg.Format) {
	case "", "json":
		if isTerminal(w) {
			out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
		}
	case "console":
		out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly, NoColor: !isTerminal(w)}
	case "mozlog":
		out = NewMozLogWriter(w)
	default:
		return zerolog.Nop(), fmt.Errorf("log: unknown format %q (json, console, mozlog)", cfg.Format)
	}
	return zerolog.New(out).Level(level).With().Timestamp().Logger(), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
