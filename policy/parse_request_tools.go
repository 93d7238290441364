package policy

import (
	"regexp"
	"strings"
	"sync"
)

// Third-party collection tools are read from the whole request, not only
// from the third-party question (which the 9- and 10-question forms do not
// ask): a known tool of the rules' vocabulary (Rules.ThirdPartyTools) or
// generic wording ("a third-party SDK", "an analytics vendor") named in an
// answer that describes the collection or in a measurement row, and not
// denied in its clause (negation.go), is a third-party tool (reqToolTopics
// says which answers are read).

// reqToolVocab is the rules' tool vocabulary, compiled for one pass over a
// text.
type reqToolVocab struct {
	tools []ThirdPartyTool
	words [][]string     // each tool's name as ASCII words, in its own case
	list  *reqPhraseList // phrase i is tools[i], lower case
}

// newReqToolVocab compiles a vocabulary; names without an ASCII letter or
// digit (which Validate refuses) are skipped.
func newReqToolVocab(tools []ThirdPartyTool) *reqToolVocab {
	v := &reqToolVocab{}
	var phrases []string
	for _, t := range tools {
		var ws []string
		for i := 0; ; {
			st, en := reqNextASCIIWordAnyCase(t.Name, i)
			if st >= len(t.Name) {
				break
			}
			ws, i = append(ws, t.Name[st:en]), en
		}
		if len(ws) == 0 {
			continue
		}
		v.tools = append(v.tools, t)
		v.words = append(v.words, ws)
		phrases = append(phrases, strings.ToLower(strings.Join(ws, " ")))
	}
	v.list = newReqPhraseList(phrases...)
	return v
}

// reqDefaultToolVocab is the built-in rules' vocabulary.
var reqDefaultToolVocab = sync.OnceValue(func() *reqToolVocab {
	return newReqToolVocab(DefaultRules().ThirdPartyTools)
})

// reqNextASCIIWordAnyCase is reqNextASCIIWord for text in any case.
func reqNextASCIIWordAnyCase(s string, i int) (start, end int) {
	isWord := func(c byte) bool { return reqIsASCIILetterOrDigit(reqLowerByte(c)) }
	for i < len(s) && !isWord(s[i]) {
		i++
	}
	j := i
	for j < len(s) && isWord(s[j]) {
		j++
	}
	return i, j
}

// reqToolNouns are the words that make a name or a qualifier a collection
// tool: "Adjust SDK", "third-party analytics", "survey vendor".
var reqToolNouns = map[string]bool{
	"tool": true, "tools": true, "sdk": true, "sdks": true, "analytics": true, "vendor": true, "vendors": true,
	"provider": true, "providers": true, "service": true, "services": true, "platform": true, "library": true,
	"integration": true, "api": true, "dashboard": true, "dashboards": true, "token": true, "account": true,
}

var (
	// reqGenericToolPhrases name a third-party collection tool without
	// naming which; longer phrases first.
	reqGenericToolPhrases = newReqPhraseList(
		"third|3rd party|parties tool|tools|sdk|sdks|analytics|vendor|vendors",
		"external|outside tool|tools|sdk|sdks|vendor|vendors",
		"analytics|survey|marketing|attribution|advertising vendor|vendors|sdk|sdks|provider|providers",
		"third|3rd party|parties",
	)
	// reqBareThirdPartyNext may follow a bare "third party" that is a
	// tool ("sent to a third party for analysis"); any other word makes it
	// an adjective ("third-party cookies", "third-party trackers").
	reqBareThirdPartyNext = map[string]bool{
		"": true, "for": true, "is": true, "are": true, "will": true, "would": true, "and": true, "or": true,
		"that": true, "which": true, "to": true, "via": true, "such": true, "like": true, "with": true, "at": true,
		"on": true, "in": true, "directly": true, "server": true, "servers": true, "backend": true,
	}
	// reqFirstPartyBefore, right before a generic phrase, make it Mozilla's
	// own: "Glean analytics SDK", "our internal analytics tools".
	reqFirstPartyBefore = map[string]bool{
		"glean": true, "telemetry": true, "mozilla": true, "internal": true, "our": true, "own": true,
		"first": true, "mozilla's": true, "inhouse": true, "house": true,
	}
)

// reqToolMention is a tool named in a text.
type reqToolMention struct {
	name    string // the vocabulary's name, or the generic words as written
	negated bool
}

// mentions calls fn for each tool named in text, in order, until fn
// returns false. Words inside a link do not count.
func (v *reqToolVocab) mentions(text string, fn func(reqToolMention) bool) {
	if strings.TrimSpace(text) == "" {
		return
	}
	ls := reqLowerASCII(text)
	type hit struct {
		st int
		m  reqToolMention
	}
	var hits []hit
	v.list.each(ls, func(st, en, p int) bool {
		if reqInLink(ls, st) {
			return true
		}
		t := v.tools[p]
		if t.MatchCase && !v.caseMatches(text, st, p, en) {
			return true
		}
		hits = append(hits, hit{st, reqToolMention{name: t.Name, negated: reqNegated(ls, st, en)}})
		return true
	})
	reqGenericToolPhrases.each(ls, func(st, en, p int) bool {
		if reqInLink(ls, st) || reqFirstPartyBefore[reqWordBefore(ls, st)] {
			return true
		}
		if p == 3 { // a bare "third party"
			if !reqBareThirdPartyNext[reqWordAfter(ls, en)] {
				return true
			}
		}
		hits = append(hits, hit{st, reqToolMention{name: reqCollapseSpaces(text[st:en]), negated: reqNegated(ls, st, en)}})
		return true
	})
	// known names first in text order, then generic wording: a text that
	// names Sentry and "a third-party tool" is about Sentry
	for _, h := range hits {
		if !fn(h.m) {
			return
		}
	}
}

// caseMatches checks a match_case name as written at st: its own
// capitals, and not a sentence's first word unless a tool word follows
// ("Adjust the threshold" is a verb, "Adjust SDK" the tool).
func (v *reqToolVocab) caseMatches(text string, st, p, en int) bool {
	i := st
	for _, w := range v.words[p] {
		s, e := reqNextASCIIWordAnyCase(text, i)
		if text[s:e] != w {
			return false
		}
		i = e
	}
	if !reqSentenceStart(text, st) {
		return true
	}
	return reqToolNouns[reqWordAfter(reqLowerASCII(text[en:min(len(text), en+40)]), 0)]
}

// reqSentenceStart reports a word that opens a sentence, a line, a list
// item or a table cell.
func reqSentenceStart(text string, i int) bool {
	for i > 0 {
		c := text[i-1]
		switch c {
		case ' ', '\t', '*', '-', '>', '#', '"', '\'', '`', '_':
			i--
			continue
		case '.', '!', '?', '\n', '|', ':':
			return true
		}
		return false
	}
	return true
}

// reqWordBefore returns the word before offset i in ls, "" at a clause
// break.
func reqWordBefore(ls string, i int) string {
	j := i
	for j > 0 && !reqIsNegationWordByte(ls[j-1]) {
		if reqIsClauseBreak(ls[j-1]) {
			return ""
		}
		j--
	}
	k := j
	for k > 0 && reqIsNegationWordByte(ls[k-1]) {
		k--
	}
	return strings.ReplaceAll(ls[k:j], "-", "")
}

// reqWordAfter returns the word after offset i in ls when only spaces and
// hyphens stand between, else "".
func reqWordAfter(ls string, i int) string {
	for i < len(ls) && (ls[i] == ' ' || ls[i] == '-' || ls[i] == '\t') {
		i++
	}
	j := i
	for j < len(ls) && reqIsASCIILetterOrDigit(ls[j]) {
		j++
	}
	return ls[i:j]
}

// reqInLink reports an offset inside a URL ("https://docs.sentry.io/").
func reqInLink(ls string, i int) bool {
	k := i
	for k > 0 && ls[k-1] != ' ' && ls[k-1] != '\n' && ls[k-1] != '\t' && ls[k-1] != '(' && ls[k-1] != '<' && i-k < 2048 {
		k--
	}
	tok := ls[k:i]
	return strings.Contains(tok, "://") || strings.HasPrefix(tok, "www.") || strings.Contains(tok, "@")
}

// proseTool reads the texts for a tool: Yes, the first tool named and not
// denied, and the index of the text that names it; No when every mention
// denies one ("we do not use any third-party tool"); Unknown when none is
// named. The index is -1 unless the answer is Yes.
func (v *reqToolVocab) proseTool(texts ...string) (Tri, string, int) {
	got, tool := Unknown, ""
	for i, t := range texts {
		v.mentions(t, func(m reqToolMention) bool {
			if m.negated {
				got = No
				return true
			}
			got, tool = Yes, m.name
			return false
		})
		if got == Yes {
			return Yes, tool, i
		}
	}
	return got, "", -1
}

var reqFirstPartyRE = regexp.MustCompile(`\b(?:glean|telemetry|first[\s-]party|in[\s-]house|mozilla'?s\s+own|our\s+own|mozilla\s+(?:infrastructure|backend|servers?))\b`)

// thirdParty reads the third-party question's answer: "No", "None",
// "N/A" say no; "Yes" or a tool named and not denied say yes (and which);
// a tool only denied, or Glean or Telemetry alone, say no.
func (v *reqToolVocab) thirdParty(text string) (Tri, string) {
	ls := strings.TrimSpace(reqLowerASCII(text))
	if ls == "" {
		return Unknown, ""
	}
	said, tool, _ := v.proseTool(text)
	st, en := reqNextWord(ls, 0)
	first := ""
	if st < len(ls) {
		first = ls[st:en]
	}
	switch first {
	case "no", "none", "nope", "na", "not", "n":
		return No, ""
	case "yes", "yep", "yeah", "y":
		if said != Yes {
			tool = reqToolAfterYes(text[en:])
		}
		return Yes, tool
	}
	if said != Unknown {
		return said, tool
	}
	// "…, but nothing goes through it: no."
	last := ""
	for i := 0; ; {
		st, en := reqNextWord(ls, i)
		if st >= len(ls) {
			break
		}
		last, i = ls[st:en], en
	}
	switch {
	case last == "no" || last == "none":
		return No, ""
	case last == "yes":
		return Yes, reqToolAfterYes("")
	case reqFirstPartyRE.MatchString(ls):
		return No, ""
	}
	return Unknown, ""
}

// reqThirdParty reads a third-party answer with the built-in vocabulary.
func reqThirdParty(text string) (Tri, string) { return reqDefaultToolVocab().thirdParty(text) }

// reqToolAfterYes returns the words after "Yes," up to the end of the
// sentence, as the tool when no known vendor is named.
func reqToolAfterYes(rest string) string {
	rest = strings.TrimLeft(rest, " ,.:;-!*_\t\n")
	if i := strings.IndexAny(rest, ".\n;"); i >= 0 {
		rest = rest[:i]
	}
	for _, p := range []string{"we use ", "we are using ", "we're using ", "using ", "we will use ", "via "} {
		if reqHasPrefixFold(rest, p) {
			rest = rest[len(p):]
			break
		}
	}
	return reqTruncate(reqCollapseSpaces(rest), 80)
}

// reqToolTopics are the answers read for a tool named in prose: those that
// describe the collection and its use. The questions and the reasons for
// them, the alternatives considered, the current instrumentation and the
// documentation links are not read (a tool named there is context, "today
// this comes from Google Analytics", or one compared with); the
// third-party question is read on its own.
var reqToolTopics = []Topic{
	TopicMeasurements, TopicDuration, TopicPopulations, TopicOptOut, TopicAnalysis, TopicSharing,
}

// reqToolSource is where a third-party tool was read.
type reqToolSource struct {
	tri         Tri
	tool        string
	topic       Topic  // the answer that names it, when read from prose
	measurement string // or the measurement row that names it
}

// reqReadThirdParty decides the request's third-party tool: the
// third-party question's answer when it says yes or no, else the
// measurement rows and the prose of the other answers.
func reqReadThirdParty(v *reqToolVocab, answered func(Topic) string, ms []Measurement) reqToolSource {
	if tp := answered(TopicThirdParty); tp != "" {
		if said, tool := v.thirdParty(tp); said != Unknown {
			return reqToolSource{tri: said, tool: tool}
		}
	}
	texts := make([]string, 0, len(ms)+len(reqToolTopics))
	for _, m := range ms {
		texts = append(texts, m.Name+": "+m.Description+".")
	}
	for _, t := range reqToolTopics {
		texts = append(texts, answered(t))
	}
	said, tool, at := v.proseTool(texts...)
	src := reqToolSource{tri: said, tool: tool}
	switch {
	case at < 0:
	case at < len(ms):
		src.measurement = ms[at].Name
	default:
		src.topic = reqToolTopics[at-len(ms)]
	}
	return src
}
