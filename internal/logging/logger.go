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

// The log formats (log.format). Auto, the default, is what a person at a
// terminal and a log collector each want: zerolog's console format when the
// logs go to a terminal, JSON lines otherwise. JSON is JSON lines always.
const (
	FormatAuto    = "auto"
	FormatJSON    = "json"
	FormatConsole = "console"
	FormatMozLog  = "mozlog"
)

// NewLogger builds the process logger at the level named (log.level, info
// when empty) in the format named (log.format; see FormatAuto, the default
// when empty). The API key is never a field of any message: the bot logs
// ids, logins and comment texts only.
func NewLogger(levelName, format string, w io.Writer) (zerolog.Logger, error) {
	return newLogger(levelName, format, w, isTerminal)
}

// newLogger is NewLogger with the terminal test as a parameter, for tests.
func newLogger(levelName, format string, w io.Writer, isTerminal func(io.Writer) bool) (zerolog.Logger, error) {
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
	case "", FormatAuto:
		if isTerminal(w) {
			out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
		}
	case FormatJSON:
	case FormatConsole:
		out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly, NoColor: !isTerminal(w)}
	case FormatMozLog:
		out = NewMozLogWriter(w)
	default:
		return zerolog.Nop(), fmt.Errorf("log: unknown format %q (auto, json, console, mozlog)", format)
	}
	return zerolog.New(out).Level(level).With().Timestamp().Logger(), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
