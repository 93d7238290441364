package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestParseCommands(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name string
		text string
		want []command
	}{
		{"snooze", "stewardbot: snooze 5d", []command{{Verb: cmdSnooze, Known: true, Snooze: 5 * day}}},
		{"snooze words", "Thanks!\nStewardBot: Snooze 2 weeks.\n", []command{{Verb: cmdSnooze, Known: true, Snooze: 14 * day}}},
		{"snooze hours", "@stewardbot: snooze 36h", []command{{Verb: cmdSnooze, Known: true, Snooze: 36 * time.Hour}}},
		{"snooze without length", "stewardbot: snooze", []command{{Verb: cmdSnooze, Known: true,
			Err: "say for how long, such as `stewardbot: snooze 5d`"}}},
		{"snooze too long", "stewardbot: snooze 90d", []command{{Verb: cmdSnooze, Known: true,
			Err: "a snooze lasts from an hour to 60 days"}}},
		{"snooze nonsense", "stewardbot: snooze forever", []command{{Verb: cmdSnooze, Known: true,
			Err: "say for how long with a number and a unit, such as 5d, 2w or 36h"}}},
		{"recheck", "  stewardbot: recheck", []command{{Verb: cmdRecheck, Known: true}}},
		{"escalate legal", "stewardbot: escalate Legal", []command{{Verb: cmdEscalate, Known: true, Team: "legal"}}},
		{"escalate trust", "stewardbot: escalate trust.", []command{{Verb: cmdEscalate, Known: true, Team: "trust"}}},
		{"escalate nobody", "stewardbot: escalate", []command{{Verb: cmdEscalate, Known: true,
			Err: "say to whom: `stewardbot: escalate legal` or `stewardbot: escalate trust`"}}},
		{"escalate elsewhere", "stewardbot: escalate security", []command{{Verb: cmdEscalate, Known: true,
			Err: "escalate goes to legal or trust"}}},
		{"stop resume help", "stewardbot: stop\nstewardbot: resume\nstewardbot: help", []command{
			{Verb: cmdStop, Known: true}, {Verb: cmdResume, Known: true}, {Verb: cmdHelp, Known: true}}},
		{"unknown", "stewardbot: dance", []command{{Verb: "dance"}}},
		{"empty", "stewardbot:", []command{{}}},
		{"quoted", "> stewardbot: stop\n>> stewardbot: recheck", nil},
		{"fenced", "```\nstewardbot: stop\n```\n~~~~\nstewardbot: recheck\n~~~\n~~~~\nstewardbot: help", []command{{Verb: cmdHelp, Known: true}}},
		{"unclosed fence", "````text\nstewardbot: stop\n```\nstewardbot: stop", nil},
		{"indented code", "    stewardbot: stop\n\tstewardbot: stop", nil},
		{"mid-line", "please stewardbot: stop", nil},
		{"other bots", "otherbot: stop", nil},
		{"crlf", "stewardbot: recheck\r\n", []command{{Verb: cmdRecheck, Known: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseCommands(tt.text)
			if d := cmp.Diff(got, tt.want); d != "" {
				t.Errorf("parseCommands(%q) (-got +want):\n%s", tt.text, d)
			}
		})
	}
}

func TestParseCommandsCapped(t *testing.T) {
	got := parseCommands(strings.Repeat("stewardbot: help\n", 50))
	if len(got) != maxCommandsPerComment {
		t.Errorf("%d commands read, want the cap %d", len(got), maxCommandsPerComment)
	}
}

func FuzzParseCommands(f *testing.F) {
	for _, s := range []string{"stewardbot: snooze 5d", "> stewardbot: stop", "```\nstewardbot: x\n```",
		"stewardbot: escalate legal\nstewardbot: snooze 9999999999999999999d", "@STEWARDBOT: recheck"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmds := parseCommands(text)
		if len(cmds) > maxCommandsPerComment {
			t.Fatalf("%d commands", len(cmds))
		}
		for _, c := range cmds {
			if c.Snooze != 0 && (c.Snooze < minSnooze || c.Snooze > maxSnooze) {
				t.Fatalf("snooze %v out of bounds", c.Snooze)
			}
			if c.Team != "" && c.Team != "legal" && c.Team != "trust" {
				t.Fatalf("team %q", c.Team)
			}
			if c.Known && c.Err == "" && c.Verb == cmdSnooze && c.Snooze == 0 {
				t.Fatalf("accepted snooze without a length: %+v", c)
			}
			if !utf8.ValidString(c.Err) {
				t.Fatalf("invalid error text")
			}
		}
		if !strings.Contains(strings.ToLower(text), "stewardbot:") && len(cmds) > 0 {
			t.Fatalf("commands read from a text without the prefix: %+v", cmds)
		}
	})
}
