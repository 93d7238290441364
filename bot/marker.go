package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Kinds of marked bot comments.
const (
	kindAnalysis  = "analysis"   // the preliminary analysis of one form revision
	kindNeedsForm = "needs-form" // the one-time request to attach the form
)

// Marker names one thing the bot did on a bug. Every bot comment carries it
// twice: as the comment tag "<prefix>-<kind>" (BMO applies comment_tags
// atomically with the comment) and as the comment's last line,
// "<prefix>:<kind> bug=1 attachment=2 rev=0123abcd4567", for servers that
// drop tags. Before writing, the bot re-reads the bug and skips any action
// whose marker is already there.
type Marker struct {
	Kind       string
	Bug        int
	Attachment int    // the form's attachment; 0 when none
	Comment    int    // the comment the form was pasted in; 0 when none
	Flag       int    // the flag the action is about; 0 when the action is per form or per bug
	Rev        string // content hash of the form revision
	// Teams are the teams an escalation notice names ("legal,trust":
	// sorted, comma-separated), so that a later "escalate legal" can tell
	// whether the revision's notice already asked Legal, whatever the rules
	// say by then. Not part of the key: a revision has one notice, whoever
	// it names. "" on other kinds and on notices of earlier versions.
	Teams string
}

// Key is the stable journal key of the action the marker names.
func (m Marker) Key() string {
	switch m.Kind {
	case kindAnalysis:
		src := strconv.Itoa(m.Attachment)
		if m.Attachment == 0 {
			src = "c" + strconv.Itoa(m.Comment)
		}
		return fmt.Sprintf("%s:%d:%s:%s", m.Kind, m.Bug, src, m.Rev)
	case kindNeedsForm:
		return fmt.Sprintf("%s:%d", m.Kind, m.Bug)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d", m.Kind, m.Bug)
	for _, v := range []int{m.Attachment, m.Comment, m.Flag} {
		fmt.Fprintf(&b, ":%d", v)
	}
	if m.Rev != "" {
		b.WriteString(":" + m.Rev)
	}
	return b.String()
}

// Tag is the comment tag for the marker's kind. Bugzilla limits tags to 24
// characters without spaces; the default prefix leaves room for every kind.
func (m Marker) Tag(prefix string) string { return prefix + "-" + m.Kind }

// Footer is the visible marker line that ends every bot comment.
func (m Marker) Footer(prefix string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%s bug=%d", prefix, m.Kind, m.Bug)
	if m.Attachment != 0 {
		fmt.Fprintf(&b, " attachment=%d", m.Attachment)
	}
	if m.Comment != 0 {
		fmt.Fprintf(&b, " comment=%d", m.Comment)
	}
	if m.Flag != 0 {
		fmt.Fprintf(&b, " flag=%d", m.Flag)
	}
	if m.Rev != "" {
		fmt.Fprintf(&b, " rev=%s", m.Rev)
	}
	if m.Teams != "" {
		fmt.Fprintf(&b, " teams=%s", m.Teams)
	}
	return b.String()
}

// markerTeams normalises a list of teams for Marker.Teams: sorted, without
// repeats, "" when any name is not a plain lower-case word (a value the bot
// never wrote is as good as none: the notice's teams are then unknown).
func markerTeams(teams []string) string {
	out := slices.Clone(teams)
	for _, t := range out {
		if !markerTeamRe.MatchString(t) {
			return ""
		}
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ",")
}

var (
	markerKindRe = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`) // digits: remind-1, remind-2, ...
	// A recheck ("stewardbot: recheck" in comment N) analyses a revision
	// again under the revision "REV-recheckN".
	markerRevRe = regexp.MustCompile(`^[0-9a-f]{4,64}(-recheck[0-9]{1,12})?$`)
	// An escalation team, as policy names them ("trust", "legal").
	markerTeamRe = regexp.MustCompile(`^[a-z]{1,20}$`)
)

// parseFooter reads the marker from the last non-blank line of a comment.
// Only the last line counts, so form text quoted earlier in a comment can
// never pass for a marker. Unknown key=value pairs are ignored so that older
// binaries read newer markers; a malformed known value rejects the line.
func parseFooter(prefix, text string) (Marker, bool) {
	text = strings.TrimRight(text, " \t\r\n")
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		text = text[i+1:]
	}
	fields := strings.Fields(text)
	if len(fields) < 2 {
		return Marker{}, false
	}
	kind, ok := strings.CutPrefix(fields[0], prefix+":")
	if !ok || !markerKindRe.MatchString(kind) {
		return Marker{}, false
	}
	m := Marker{Kind: kind}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return Marker{}, false
		}
		var dst *int
		switch k {
		case "bug":
			dst = &m.Bug
		case "attachment":
			dst = &m.Attachment
		case "comment":
			dst = &m.Comment
		case "flag":
			dst = &m.Flag
		case "rev":
			if !markerRevRe.MatchString(v) {
				return Marker{}, false
			}
			m.Rev = v
			continue
		case "teams":
			m.Teams = markerTeams(strings.Split(v, ","))
			continue
		default:
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return Marker{}, false
		}
		*dst = n
	}
	if m.Bug == 0 {
		return Marker{}, false
	}
	return m, true
}
