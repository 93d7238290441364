package policy

import "strings"

// A project's own template may lay an answer out as fields to fill in,
// "Annotation description:", "Data collection category:", "Tracking bug #:",
// under an instruction in parentheses ("(Use this template for each
// annotation.)"). Left as they are, those lines are the template, not an
// answer: reading them as one would report the question answered (and, for
// the measurements, answered without a category) on a form nobody filled in.

// reqMaxFieldLabelWords bounds a field's label: "Data collection category"
// is a label, a sentence ending in a colon ("We will collect the following:")
// is longer, and prose.
const reqMaxFieldLabelWords = 5

// reqIsEmptyFields reports an answer (its cleaned lines, one per line) made
// only of empty fields, maybe under instructions in brackets, with at least
// two empty fields (a template's fields come as a set; a lone "See below:"
// is the requester's). A template puts its instruction above its fields: a
// line in brackets below a field is the requester's, a value or a note
// ("Release channels:" / "(Include every channel)", "Source:" / "(https://…)"),
// and makes the text an answer. So does a field with a value
// ("Category: 2"), a value on the next line, any other line of the
// requester's, or "(N/A)". When unsure the text is an answer: a question
// wrongly reported unanswered is a false finding.
func reqIsEmptyFields(text string) bool {
	if !reqMayStartFields(text) {
		return false // the common case, told by the first line
	}
	var f reqFieldsScan
	for line := range strings.SplitSeq(text, "\n") {
		if !f.add(line) {
			return false
		}
	}
	return f.empty()
}

// reqIsEmptyFieldLines is reqIsEmptyFields on the lines of a text, not
// joined first.
func reqIsEmptyFieldLines(lines []string) bool {
	if len(lines) == 0 || !reqMayStartFields(lines[0]) {
		return false
	}
	var f reqFieldsScan
	for _, line := range lines {
		if !f.add(line) {
			return false
		}
	}
	return f.empty()
}

// reqFieldsScan reads an answer's lines one by one for reqIsEmptyFields.
type reqFieldsScan struct{ fields int }

// add reads one line and reports whether the lines so far may still be
// empty fields under their instructions.
func (f *reqFieldsScan) add(line string) bool {
	s := strings.TrimSpace(strings.TrimPrefix(line, "- "))
	switch {
	case s == "":
	case reqIsEmptyField(s):
		f.fields++
	case f.fields == 0 && reqIsBracketInstruction(s):
	default:
		return false
	}
	return true
}

// empty reports lines that were all empty fields, two or more, and
// instructions above them.
func (f *reqFieldsScan) empty() bool { return f.fields >= 2 }

// reqMayStartFields reports whether the first line of text may be an empty
// field (it ends in a colon, maybe under emphasis) or an instruction in
// brackets (it opens with one, maybe after a bullet): a quick test that
// spares most answers the reading of their lines.
func reqMayStartFields(text string) bool {
	end := strings.IndexByte(text, '\n')
	if end < 0 {
		end = len(text)
	}
	first := text[:end]
	if len(first) > 2 && first[0] == '-' && first[1] == ' ' {
		first = first[2:]
	}
	if first != "" && (first[0] == '(' || first[0] == '[') {
		return true
	}
	for i := len(first) - 1; i >= 0; i-- {
		switch first[i] {
		case ' ', '\t', '*', '_':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}

// reqIsEmptyField reports a label of a few words ending in a colon, with
// nothing after it: "Annotation description:", "**Tracking bug #:**".
func reqIsEmptyField(s string) bool {
	s = strings.Trim(s, "*_ ")
	label, ok := strings.CutSuffix(s, ":")
	if !ok || !reqHasLetter(label) || strings.Contains(label, "://") || strings.ContainsAny(label, ":.;?!") {
		return false
	}
	words := 0
	for i := 0; ; words++ {
		st, en := reqNextWord(label, i)
		if st >= len(label) {
			break
		}
		i = en
	}
	return words <= reqMaxFieldLabelWords
}

// reqIsBracketInstruction reports a line wholly in one pair of parentheses
// or brackets that is a template's placeholder, or an instruction to the
// person filling it in: "(Use this template for each proposed annotation.)",
// "(Copy these lines for every probe.)". A requester's own words in brackets,
// "(N/A)", "(no annotation is added yet)", are not one, nor is a line that
// holds a link: "(https://…/metrics.yaml#L10)" is a value, its "#" no blank.
func reqIsBracketInstruction(s string) bool {
	if strings.Contains(s, "://") {
		return false
	}
	if reqIsBracketPlaceholder(s) {
		return true
	}
	if len(s) < 2 || !(s[0] == '(' && s[len(s)-1] == ')' || s[0] == '[' && s[len(s)-1] == ']') {
		return false
	}
	inner := s[1 : len(s)-1]
	if strings.ContainsAny(inner, "()[]") {
		return false
	}
	st, en := reqNextWord(inner, 0)
	if st >= len(inner) {
		return false
	}
	_, ok := reqLookupFold(reqInstructionVerbs, inner[st:en])
	return ok
}

// reqInstructionVerbs open a template's instruction to the requester.
var reqInstructionVerbs = map[string]bool{
	"use": true, "copy": true, "repeat": true, "duplicate": true, "fill": true, "put": true,
	"include": true, "remove": true, "delete": true, "replace": true, "add": true, "enter": true,
	"insert": true, "list": true, "write": true,
}

// reqOnlyInstructions reports text whose every line is an instruction in
// brackets (reqIsBracketInstruction).
func reqOnlyInstructions(text string) bool {
	if t := strings.TrimPrefix(strings.TrimLeft(text, " \t"), "- "); t == "" || t[0] != '(' && t[0] != '[' {
		return false // the common case: the first line is no instruction
	}
	for line := range strings.SplitSeq(text, "\n") {
		if s := strings.TrimSpace(strings.TrimPrefix(line, "- ")); s != "" && !reqIsBracketInstruction(s) {
			return false
		}
	}
	return true
}
