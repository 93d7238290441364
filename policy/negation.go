package policy

import "strings"

// One rule decides, for every prose signal (channels, third-party tools,
// identifiers, default-on, permanence), whether a phrase is denied rather
// than stated: a phrase is negated when a negation cue stands before it in
// the same clause, or when its own clause goes on to deny it within a few
// words ("Release builds will not ..."). A clause ends at sentence and
// clause punctuation (. ; : ! ? parentheses, a line break) and at a
// contrast ("but", "however", "although", "though", "whereas", "yet"), so
// "not on release but on Beta" denies release only. A comma does not end
// it: "we do not use Google Analytics, Sentry or Adjust" denies all three,
// and a wrong denial costs a missing finding where a wrong reading would
// cost a wrong one.

// reqNegationLookBack bounds how many words before a phrase are read for a
// cue: a clause longer than that is not one a requester negates at its
// start.
const reqNegationLookBack = 12

// reqNegationCues are the words that deny the rest of their clause: "we do
// not use Google Analytics, Sentry or Adjust".
var reqNegationCues = map[string]bool{
	"not": true, "no": true, "never": true, "none": true, "nor": true, "neither": true, "cannot": true,
	"nothing": true,
}

// reqNegationPreps deny only the phrase they introduce, which a comma
// ends: "instead of Telemetry, we use Sentry" denies Telemetry, not
// Sentry.
var reqNegationPreps = map[string]bool{
	"without": true, "except": true, "excluding": true, "exclude": true, "excludes": true, "excluded": true,
	"non": true, "instead": true, "rather": true, "unlike": true, "disabled": true,
}

// reqOutVerbs make "out of" a cue: "compiled out of Release builds".
var reqOutVerbs = map[string]bool{
	"compiled": true, "built": true, "kept": true, "left": true, "ifdefed": true, "ifdef'd": true,
	"stripped": true, "taken": true, "held": true, "ruled": true, "opted": true, "opt": true,
}

// reqFromVerbs make "from" a cue: "removed from release".
var reqFromVerbs = map[string]bool{
	"removed": true, "stripped": true, "dropped": true, "hidden": true, "exempt": true, "exempted": true,
}

// reqClauseEnds are the words that start a new clause.
var reqClauseEnds = map[string]bool{
	"but": true, "however": true, "although": true, "though": true, "whereas": true, "yet": true,
}

// reqNegationAux may stand between a phrase and the "not" that denies it:
// "Release builds will not", "Sentry is not used".
var reqNegationAux = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "will": true, "would": true, "does": true, "do": true,
	"did": true, "be": true, "been": true, "should": true, "must": true, "can": true, "could": true,
	"shall": true, "has": true, "have": true, "builds": true, "build": true, "channel": true, "channels": true,
	"users": true, "itself": true, "data": true, "sdk": true,
}

// reqIsClauseBreak reports the bytes that end a clause.
func reqIsClauseBreak(c byte) bool {
	switch c {
	case '.', ';', ':', '!', '?', '(', ')', '[', ']', '\n', '|':
		return true
	}
	return false
}

// reqIsNegationWordByte reports the bytes of a word for the negation
// reader: letters, digits and the apostrophe of "don't".
func reqIsNegationWordByte(c byte) bool { return reqIsASCIILetterOrDigit(c) || c == '\'' }

// reqNegated reports whether the phrase at ls[st:en] (lower-case text) is
// denied in its clause.
func reqNegated(ls string, st, en int) bool {
	return reqNegatedBeforeAt(ls, st) || reqNegatedAfter(ls, en)
}

// reqIsCue reports a negation cue word; next and prev are the words after
// and before it, comma whether a comma stands between it and the phrase.
func reqIsCue(w, next, prev string, comma bool) bool {
	switch {
	case reqNegationCues[w]:
		// "not only", "not just" widen rather than deny
		return !(w == "not" && (next == "only" || next == "just" || next == "merely" || next == "necessarily"))
	case strings.HasSuffix(w, "n't"):
		return true
	case comma:
		return false
	case reqNegationPreps[w]:
		return true
	case w == "out" && reqOutVerbs[prev]:
		return true
	case w == "from" && reqFromVerbs[prev]:
		return true
	}
	return false
}

// reqNegatedBeforeAt reports a negation cue before offset i in its clause.
func reqNegatedBeforeAt(ls string, i int) bool {
	// read the words backwards up to the clause start
	next, cur := "", ""
	comma := false
	j := i
	for n := 0; n <= reqNegationLookBack; n++ {
		// skip separators back to the end of the previous word
		for j > 0 && !reqIsNegationWordByte(ls[j-1]) {
			if reqIsClauseBreak(ls[j-1]) && !(ls[j-1] == '.' && j >= 2 && j < len(ls) && reqIsDigit(ls[j-2]) && reqIsDigit(ls[j])) {
				return false
			}
			comma = comma || ls[j-1] == ','
			j--
		}
		if j == 0 {
			return false
		}
		k := j
		for k > 0 && reqIsNegationWordByte(ls[k-1]) {
			k--
		}
		next, cur = cur, strings.Trim(ls[k:j], "'")
		if reqClauseEnds[cur] {
			return false
		}
		prev := ""
		if p := k; p > 0 {
			q := p
			for q > 0 && !reqIsNegationWordByte(ls[q-1]) && !reqIsClauseBreak(ls[q-1]) {
				q--
			}
			r := q
			for r > 0 && reqIsNegationWordByte(ls[r-1]) {
				r--
			}
			prev = ls[r:q]
		}
		// "No, it is on by default": "no" set off by a comma answers the
		// question before it rather than denying what follows (but "we do
		// not, at any point, use it" denies)
		interjection := (cur == "no" || cur == "none" || cur == "nope") && j < len(ls) && ls[j] == ','
		if !interjection && reqIsCue(cur, next, prev, comma) {
			return true
		}
		j = k
	}
	return false
}

// reqLabelAnswersNo reports a phrase used as a label answered no:
// "Release: no", "Third party - none".
func reqLabelAnswersNo(ls string, i int) bool {
	j := i
	for j < len(ls) && (ls[j] == ' ' || ls[j] == '\t' || ls[j] == '*' || ls[j] == '_') {
		j++
	}
	if j >= len(ls) || (ls[j] != ':' && ls[j] != '=' && ls[j] != '-') {
		return false
	}
	w, _ := reqNextASCIIWordAt(ls, j+1)
	if w == "" || !strings.HasPrefix(strings.TrimLeft(ls[j+1:], " \t*_"), w) {
		return false // the word is not right after the label
	}
	switch w {
	case "no", "none", "not", "never", "excluded", "n":
		return true
	}
	return false
}

// reqNegatedAfter reports a denial that follows a phrase in its clause:
// "not" or "excluded" right after it, or after auxiliary words ("Release
// builds will not", "Sentry isn't used").
func reqNegatedAfter(ls string, i int) bool {
	if reqLabelAnswersNo(ls, i) {
		return true
	}
	for n := 0; n < 4; n++ {
		for i < len(ls) && !reqIsNegationWordByte(ls[i]) {
			if reqIsClauseBreak(ls[i]) || ls[i] == ',' {
				return false
			}
			i++
		}
		k := i
		for k < len(ls) && reqIsNegationWordByte(ls[k]) {
			k++
		}
		if k == i {
			return false
		}
		w := ls[i:k]
		switch {
		case w == "not" || w == "never" || w == "excluded" || w == "exempt" || w == "cannot" || strings.HasSuffix(w, "n't"):
			return true
		case !reqNegationAux[w]:
			return false
		}
		i = k
	}
	return false
}

// reqClauseAround returns the bounds of the clause holding ls[st:en], at
// most reqNegationLookBack words on each side; with commas, a comma ends it
// too (a list item: "default on in Nightly, opt-in on Release").
func reqClauseAround(ls string, st, en int, commas bool) (int, int) {
	isBreak := func(c byte) bool { return reqIsClauseBreak(c) || commas && c == ',' }
	from := st
	for n, j := 0, st; n < reqNegationLookBack; n++ {
		k := j
		for k > 0 && !reqIsNegationWordByte(ls[k-1]) && !isBreak(ls[k-1]) {
			k--
		}
		if k == 0 || isBreak(ls[k-1]) {
			from = k
			break
		}
		w := k
		for w > 0 && reqIsNegationWordByte(ls[w-1]) {
			w--
		}
		if reqClauseEnds[ls[w:k]] {
			from = k
			break
		}
		from, j = w, w
	}
	to := en
	for n, i := 0, en; n < reqNegationLookBack; n++ {
		for i < len(ls) && !reqIsNegationWordByte(ls[i]) && !isBreak(ls[i]) {
			i++
		}
		if i >= len(ls) || isBreak(ls[i]) {
			to = i
			break
		}
		k := i
		for k < len(ls) && reqIsNegationWordByte(ls[k]) {
			k++
		}
		if reqClauseEnds[ls[i:k]] {
			to = i
			break
		}
		to, i = k, k
	}
	for from < st && (ls[from] == ' ' || ls[from] == '\t') {
		from++
	}
	for to > en && (ls[to-1] == ' ' || ls[to-1] == '\t') {
		to--
	}
	return from, to
}
