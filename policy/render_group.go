package policy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// findingGroup is the findings of one code, rendered together: what their
// messages share (explain) said once, then what each says of its own item.
// A code with one finding, or whose messages share no sentence, has no
// explanation and its items keep their whole messages.
type findingGroup struct {
	code    string
	explain string
	items   []groupItem
}

// groupItem is one finding of a group and the part of its message that is
// its own.
type groupItem struct {
	f    Finding
	text string
}

// minShared is the shortest shared text worth saying once: below it, the
// findings are listed as they are.
const minShared = 30

// groupFindings groups findings by code, in the order each code first
// appears, so that what nine findings say alike is said once ("Every
// question is mandatory; ...") with the nine questions listed under it.
// The analysis keeps one finding per item (the JSON of analyze); only the
// renderings group them. Messages are cleaned (cleanText) here.
func groupFindings(fs []Finding) []findingGroup {
	var groups []findingGroup
	at := map[string]int{}
	for _, f := range fs {
		i, ok := at[f.Code]
		if !ok {
			i = len(groups)
			at[f.Code] = i
			groups = append(groups, findingGroup{code: f.Code})
		}
		groups[i].items = append(groups[i].items, groupItem{f: f, text: cleanText(f.Message, 1000)})
	}
	for i := range groups {
		groups[i].share()
	}
	return groups
}

// share moves the sentences every message of the group ends with into
// explain: the longest common ending that starts after ". ", "; " or ": ".
func (g *findingGroup) share() {
	if len(g.items) < 2 || g.shareMeasurements() {
		return
	}
	common := g.items[0].text
	for _, it := range g.items[1:] {
		common = commonSuffix(common, it.text)
	}
	start := -1
	for _, sep := range []string{". ", "; ", ": "} {
		if j := strings.Index(common, sep); j >= 0 && (start < 0 || j+len(sep) < start) {
			start = j + len(sep)
		}
	}
	if start < 0 || len(common)-start < minShared {
		return
	}
	shared := strings.TrimSpace(common[start:])
	for i := range g.items {
		t := g.items[i].text
		own := strings.TrimSpace(t[:len(t)-len(common)+start])
		own = strings.TrimRight(own, ";:")
		if own == "" {
			return // a message that is all shared: nothing of its own to list
		}
		g.items[i].text = own
	}
	g.explain = upperFirst(shared)
}

// shareMeasurements handles the findings whose messages differ only by
// the measurement they open with ("Measurement "a" is category 4 ..."):
// the message is said once about "each of these measurements", and the
// items are the measurements themselves.
func (g *findingGroup) shareMeasurements() bool {
	rest := ""
	for i, it := range g.items {
		if it.f.Measurement == "" {
			return false
		}
		r, ok := strings.CutPrefix(it.text, `Measurement "`+cleanText(it.f.Measurement, 80)+`"`)
		if !ok || (i > 0 && r != rest) {
			return false
		}
		rest = r
	}
	g.explain = "Each of these measurements" + rest
	for i := range g.items {
		g.items[i].text = ""
	}
	return true
}

// commonSuffix is the longest ending a and b share, whole runes only.
func commonSuffix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	s := a[len(a)-n:]
	for len(s) > 0 && !utf8.RuneStart(s[0]) {
		s = s[1:]
	}
	return s
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// itemWhere says what an item of a group is about, unless its own text
// already does (it starts with its question, or quotes its measurement).
func (it groupItem) where(value func(string) string) string {
	f := it.f
	if f.Measurement != "" && strings.Contains(it.text, `"`+cleanText(f.Measurement, 80)+`"`) {
		return ""
	}
	if f.Measurement == "" && f.Question > 0 && strings.HasPrefix(it.text, fmt.Sprintf("Q%d ", f.Question)) {
		return ""
	}
	return findingWhere(f, value)
}

// joinNonEmpty writes an item's place and text, "where: text", leaving out
// either when empty.
func joinNonEmpty(where, text string) string {
	switch {
	case where == "":
		return text
	case text == "":
		return where
	}
	return where + ": " + text
}
