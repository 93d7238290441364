package e2e

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// Footer is the visible marker that ends a bot comment:
// "PREFIX:KIND bug=1 attachment=2 rev=abc" (see bot.Marker.Footer).
type Footer struct {
	Kind   string
	Bug    int
	Fields map[string]string // every key=value after the kind
	Line   string
}

// ParseFooter reads the marker from the last non-blank line of a comment,
// as the bot does: only the last line counts.
func ParseFooter(prefix, text string) (Footer, bool) {
	text = strings.TrimRight(text, " \t\r\n")
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		text = text[i+1:]
	}
	fields := strings.Fields(text)
	if len(fields) < 2 {
		return Footer{}, false
	}
	kind, ok := strings.CutPrefix(fields[0], prefix+":")
	if !ok || kind == "" {
		return Footer{}, false
	}
	f := Footer{Kind: kind, Fields: map[string]string{}, Line: text}
	for _, kv := range fields[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return Footer{}, false
		}
		f.Fields[k] = v
	}
	n, err := strconv.Atoi(f.Fields["bug"])
	if err != nil || n <= 0 {
		return Footer{}, false
	}
	f.Bug = n
	return f, true
}

// BugTally is what the bot wrote on one bug.
type BugTally struct {
	Bug      int
	Kinds    map[string]int // marked comments per kind
	Unmarked int            // bot comments without a readable footer
	Private  map[string]int // private marked comments per kind
}

// Report is the audit of every expected bug.
type Report struct {
	Bugs     int
	Totals   map[string]int // marked comments per kind, all bugs
	Wanted   map[string]int // what the expectations owe per kind
	Problems []string
}

// Summary is one line with the counts, for the test log.
func (r Report) Summary() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(mergeKeys(r.Totals, r.Wanted))) {
		if _, ok := r.Wanted[k]; ok || slices.Contains(StrictKinds, k) {
			parts = append(parts, fmt.Sprintf("%s %d/%d", k, r.Totals[k], r.Wanted[k]))
		} else {
			parts = append(parts, fmt.Sprintf("%s %d (not checked)", k, r.Totals[k]))
		}
	}
	return fmt.Sprintf("%d bugs audited; marked bot comments by kind (got/want): %s; %d problems",
		r.Bugs, strings.Join(parts, ", "), len(r.Problems))
}

func mergeKeys(ms ...map[string]int) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		for k := range m {
			out[k] = 0
		}
	}
	return out
}

// Tally reads the bug's comments in the fake and counts those written by
// login (the bot) by the kind their footer names.
func Tally(srv *bugzillatest.Server, bug int, login, prefix string) (BugTally, []string) {
	t := BugTally{Bug: bug, Kinds: map[string]int{}, Private: map[string]int{}}
	var problems []string
	seen := map[string]int{}
	for _, c := range srv.Comments(bug) {
		if !strings.EqualFold(c.Creator, login) {
			continue
		}
		f, ok := ParseFooter(prefix, c.Text)
		if !ok {
			t.Unmarked++
			problems = append(problems, fmt.Sprintf("bug %d: bot comment %d has no marker footer", bug, c.ID))
			continue
		}
		if f.Bug != bug {
			problems = append(problems, fmt.Sprintf("bug %d: comment %d carries the marker of bug %d", bug, c.ID, f.Bug))
		}
		t.Kinds[f.Kind]++
		if c.IsPrivate {
			t.Private[f.Kind]++
		}
		if seen[f.Line]++; seen[f.Line] == 2 {
			problems = append(problems, fmt.Sprintf("bug %d: duplicate comment %q", bug, f.Line))
		}
	}
	return t, problems
}

// StrictKinds are the kinds whose counts Audit checks exactly: a kind
// missing from an Expect's Want is then owed zero times. A kind outside
// them (reminders, escalations: their expectations depend on clocks and
// rules) is checked exactly where a Want names it, zero included, as a
// corpus seeded for Duties does; elsewhere it is counted in the Report and
// must never repeat a footer, but its number is not checked.
var StrictKinds = []string{KindAnalysis, KindNeedsForm}

// Audit checks every expected bug: exactly the owed number of marked
// comments of each strict kind (none of those not owed), no comment of any
// kind twice, analyses private where the form is private and public
// otherwise.
func Audit(srv *bugzillatest.Server, login, prefix string, exps []Expect) Report {
	r := Report{Bugs: len(exps), Totals: map[string]int{}, Wanted: map[string]int{}}
	for _, e := range exps {
		t, problems := Tally(srv, e.Bug, login, prefix)
		r.Problems = append(r.Problems, problems...)
		for k, n := range e.Want {
			r.Wanted[k] += n
		}
		for _, k := range slices.Sorted(maps.Keys(mergeKeys(t.Kinds, e.Want))) {
			r.Totals[k] += t.Kinds[k]
			_, owed := e.Want[k]
			if !owed && !slices.Contains(StrictKinds, k) {
				continue
			}
			if got, want := t.Kinds[k], e.Want[k]; got != want {
				r.Problems = append(r.Problems, fmt.Sprintf("bug %d (%s): %d %s comments, want %d", e.Bug, e.Shows, got, k, want))
			}
		}
		if n := t.Kinds[KindAnalysis]; n > 0 {
			if e.Private && t.Private[KindAnalysis] != n {
				r.Problems = append(r.Problems, fmt.Sprintf("bug %d (%s): analysis of a private form is public", e.Bug, e.Shows))
			}
			if !e.Private && t.Private[KindAnalysis] != 0 {
				r.Problems = append(r.Problems, fmt.Sprintf("bug %d (%s): analysis of a public form is private", e.Bug, e.Shows))
			}
		}
	}
	return r
}
