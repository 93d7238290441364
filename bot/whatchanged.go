package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stewardbot/stewardbot/policy"
)

// whatChanged describes, in the comments' format ft, how a form's analysis differs from the
// analysis of the form it replaced: measurements added, removed or
// recategorised, the highest category, default-on verdicts, and findings
// resolved or new. Nothing from a private old form reaches a public comment:
// then the section only says that details are left out.
func whatChanged(prev *foundForm, prevA *policy.Analysis, cur *foundForm, curA *policy.Analysis, ft textFormat) string {
	if prev == nil || prevA == nil {
		return ""
	}
	var s strings.Builder
	s.WriteString(ft.heading("What changed since "+formPlace(prev)) + "\n\n")
	if prev.Private && !cur.Private {
		s.WriteString("The earlier form is private, so its details are left out of this public comment.")
		return s.String()
	}
	var lines []string
	if prevA.HighestCategory != curA.HighestCategory {
		lines = append(lines, fmt.Sprintf("Highest category: %d → %d.", prevA.HighestCategory, curA.HighestCategory))
	}
	for _, ch := range policy.Channels() {
		if p, c := prevA.DefaultOn[ch], curA.DefaultOn[ch]; p != c {
			lines = append(lines, fmt.Sprintf("Default-on in %s: %s → %s.", ch, verdictText(p), verdictText(c)))
		}
	}
	lines = append(lines, listed(measurementChanges(prevA.Request, curA.Request, ft), maxChangedMeasurements,
		"measurement change(s)")...)
	resolved, added := findingChanges(prevA.Findings, curA.Findings)
	var fl []string
	for _, f := range resolved {
		fl = append(fl, "No longer found: "+findingLabel(f, ft)+".")
	}
	for _, f := range added {
		fl = append(fl, "New finding: "+findingLabel(f, ft)+" (see above).")
	}
	lines = append(lines, listed(fl, maxChangedFindings, "finding change(s)")...)
	if len(lines) == 0 {
		s.WriteString("No change in measurements, categories, default-on verdicts or findings.")
		return s.String()
	}
	for _, l := range lines {
		s.WriteString("- " + l + "\n")
	}
	return strings.TrimRight(s.String(), "\n")
}

// A replaced glean_parser form can change thousands of measurements: the
// section lists this many of each kind of change and counts the rest, so
// that the analysis above it keeps its room in the comment.
const (
	maxChangedMeasurements = 50
	maxChangedFindings     = 30
)

// listed keeps the first max lines and, when there are more, one line
// that counts those left out.
func listed(lines []string, max int, what string) []string {
	if len(lines) <= max {
		return lines
	}
	return append(lines[:max:max], fmt.Sprintf("… and %d more %s, not listed here.", len(lines)-max, what))
}

func measurementChanges(prev, cur *policy.Request, ft textFormat) []string {
	if prev == nil || cur == nil {
		return nil
	}
	old := map[string]int{}
	for _, m := range prev.Measurements {
		old[m.Name] = m.Category
	}
	var lines []string
	seen := map[string]bool{}
	for _, m := range cur.Measurements {
		seen[m.Name] = true
		c, ok := old[m.Name]
		switch {
		case !ok:
			lines = append(lines, fmt.Sprintf("Added measurement %s (category %d).", ft.name(m.Name), m.Category))
		case c != m.Category:
			lines = append(lines, fmt.Sprintf("Measurement %s: category %d → %d.", ft.name(m.Name), c, m.Category))
		}
	}
	for _, m := range prev.Measurements {
		if !seen[m.Name] {
			seen[m.Name] = true
			lines = append(lines, fmt.Sprintf("Removed measurement %s.", ft.name(m.Name)))
		}
	}
	return lines
}

// findingLabel names a finding by its code and what it is about.
func findingLabel(f policy.Finding, ft textFormat) string {
	s := ft.name(f.Code)
	switch {
	case f.Question > 0 && f.Measurement != "":
		s += fmt.Sprintf(" (Q%d, %s)", f.Question, ft.name(f.Measurement))
	case f.Question > 0:
		s += fmt.Sprintf(" (Q%d)", f.Question)
	case f.Measurement != "":
		s += " (" + ft.name(f.Measurement) + ")"
	}
	return s
}

// verdictText says a default-on verdict in words.
func verdictText(v policy.Verdict) string {
	switch v {
	case policy.VerdictAllowed:
		return "allowed"
	case policy.VerdictNeedsTrust:
		return "needs prior Trust approval"
	case policy.VerdictNotAllowed:
		return "not allowed"
	}
	return "unknown"
}

// findingChanges compares findings by what they are about (code, question,
// measurement), not by wording.
func findingChanges(prev, cur []policy.Finding) (resolved, added []policy.Finding) {
	key := func(f policy.Finding) string { return fmt.Sprintf("%s|%d|%s", f.Code, f.Question, f.Measurement) }
	has := func(fs []policy.Finding, k string) bool {
		return slices.ContainsFunc(fs, func(f policy.Finding) bool { return key(f) == k })
	}
	for _, f := range prev {
		if !has(cur, key(f)) {
			resolved = append(resolved, f)
		}
	}
	for _, f := range cur {
		if !has(prev, key(f)) {
			added = append(added, f)
		}
	}
	return resolved, added
}
