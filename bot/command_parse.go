package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Verbs of the comment commands.
const (
	cmdSnooze   = "snooze"
	cmdRecheck  = "recheck"
	cmdEscalate = "escalate"
	cmdStop     = "stop"
	cmdResume   = "resume"
	cmdHelp     = "help"
)

// Bounds of "stewardbot: snooze DURATION".
const (
	minSnooze = time.Hour
	maxSnooze = 60 * 24 * time.Hour
)

// maxCommandsPerComment bounds the commands read from one comment.
const maxCommandsPerComment = 10

// command is one "stewardbot: VERB [ARG]" line of a comment.
type command struct {
	Verb   string        // lower case, as written (an unknown verb too)
	Known  bool          // one of the verbs above
	Snooze time.Duration // for snooze
	Team   string        // for escalate: "trust" or "legal"
	Err    string        // why a known verb's argument is not understood; "" when fine
}

// parseCommands reads the command lines of a comment: lines that start with
// "stewardbot:" (or "@stewardbot:"), outside block quotes ("> ...") and
// code (fenced with ``` or ~~~, or indented four spaces). It is pure and
// linear in the text; it never fails, it returns what it read.
func parseCommands(text string) []command {
	var out []command
	var fence string // the open fence, "" when outside one
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		indent := len(line) - len(strings.TrimLeft(line, " "))
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if indent < 4 && strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if indent < 4 {
			if f := fenceOf(trimmed); f != "" {
				fence = f
				continue
			}
		}
		if indent >= 4 || strings.HasPrefix(trimmed, ">") || strings.HasPrefix(line, "\t") {
			continue
		}
		if c, ok := parseCommandLine(trimmed); ok {
			out = append(out, c)
			if len(out) == maxCommandsPerComment {
				break
			}
		}
	}
	return out
}

// fenceOf returns the fence a line opens: three or more backticks or tildes.
func fenceOf(trimmed string) string {
	for _, ch := range []string{"`", "~"} {
		n := len(trimmed) - len(strings.TrimLeft(trimmed, ch))
		if n >= 3 {
			return strings.Repeat(ch, n)
		}
	}
	return ""
}

// parseCommandLine reads one trimmed line.
func parseCommandLine(line string) (command, bool) {
	rest, ok := cutPrefixFold(strings.TrimPrefix(line, "@"), "stewardbot:")
	if !ok {
		return command{}, false
	}
	fields := strings.FieldsFunc(strings.ToLower(rest), func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ';'
	})
	if len(fields) == 0 {
		return command{Verb: "", Known: false}, true
	}
	verb := strings.TrimRight(fields[0], ".!")
	c := command{Verb: verb}
	args := fields[1:]
	switch verb {
	case cmdRecheck, cmdStop, cmdResume, cmdHelp:
		c.Known = true
	case cmdSnooze:
		c.Known = true
		if len(args) == 0 {
			c.Err = "say for how long, such as `stewardbot: snooze 5d`"
			break
		}
		d, err := parseSnooze(strings.Join(args, " "))
		if err != nil {
			c.Err = err.Error()
		}
		c.Snooze = d
	case cmdEscalate:
		c.Known = true
		if len(args) == 0 {
			c.Err = "say to whom: `stewardbot: escalate legal` or `stewardbot: escalate trust`"
			break
		}
		switch team := strings.TrimRight(args[0], ".!"); team {
		case "legal", "trust":
			c.Team = team
		default:
			c.Err = "escalate goes to legal or trust"
		}
	}
	return c, true
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// parseSnooze reads a snooze length: a number and a unit, "5d", "5 days",
// "2w", "36h", within an hour and sixty days.
func parseSnooze(s string) (time.Duration, error) {
	s = strings.TrimRight(strings.TrimSpace(s), ".!")
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i <= 0 || i > 4 {
		return 0, fmt.Errorf("say for how long with a number and a unit, such as 5d, 2w or 36h")
	}
	n, _ := strconv.Atoi(s[:i])
	var unit time.Duration
	switch strings.TrimSpace(s[i:]) {
	case "h", "hour", "hours":
		unit = time.Hour
	case "d", "day", "days":
		unit = 24 * time.Hour
	case "w", "week", "weeks":
		unit = 7 * 24 * time.Hour
	default:
		return 0, fmt.Errorf("say for how long with a number and a unit, such as 5d, 2w or 36h")
	}
	d := time.Duration(n) * unit
	if d < minSnooze || d > maxSnooze {
		return 0, fmt.Errorf("a snooze lasts from an hour to 60 days")
	}
	return d, nil
}
