// Package logging builds the process logger from the log settings and writes
// Mozilla's MozLog format. It stands apart from the bot's duties: only the
// commands that start a process (run, once, demo) build a logger.
package logging

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// NewLogger builds the process logger at the level named (log.level, info
// when empty) in the format named (log.format): JSON lines, MozLog lines, or
// zerolog's console format when asked for or when w is a terminal. The API
// key is never a field of any message: the bot logs ids, logins and comment
// texts only.
func NewLogger(levelName, format string, w io.Writer) (zerolog.Logger, error) {
	level := zerolog.InfoLevel
	if levelName != "" {
		l, err := zerolog.ParseLevel(strings.ToLower(levelName))
		if err != nil || l == zerolog.NoLevel {
			return zerolog.Nop(), fmt.Errorf("log: unknown level %q", levelName)
		}
		level = l
	}
	out := w
	switch strings.ToLower(format) {
	case "", "json":
		if isTerminal(w) {
			out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
		}
	case "console":
		out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly, NoColor: !isTerminal(w)}
	case "mozlog":
		out = NewMozLogWriter(w)
	default:
		return zerolog.Nop(), fmt.Errorf("log: unknown format %q (json, console, mozlog)", format)
	}
	return zerolog.New(out).Level(level).With().Timestamp().Logger(), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
