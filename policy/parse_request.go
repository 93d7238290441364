package policy

import "strings"

// ParseRequest reads a Data Review Request form as people really write it:
// any template version (9, 10, 11 or 12 questions), glean_parser's
// skeleton, Markdown in its many dialects, a form pasted as rendered HTML or
// flattened into one paragraph. It never fails and never panics; its
// running time is linear in len(text).
//
// A text that is not a form (a patch, a note quoting a question or two) has
// Version FormNone and no answers. Otherwise there is one Answer per
// question of the detected version; a question is answered when the
// requester wrote something of their own after it ("N/A", "No" and "None"
// are answers; nothing, "TODO", "TBD" and the template's own text left in
// place are not).
//
// It reads third-party tools with the built-in rules' vocabulary;
// ParseRequestWith takes another.
func ParseRequest(text string) *Request { return ParseRequestWith(text, ParseOptions{}) }

// ParseOptions are the optional inputs of ParseRequestWith.
type ParseOptions struct {
	// ThirdPartyTools is the vocabulary of known third-party tools
	// (Rules.ThirdPartyTools); nil means the built-in rules'.
	ThirdPartyTools []ThirdPartyTool
}

// ParseRequestWith is ParseRequest with options.
func ParseRequestWith(text string, opts ParseOptions) *Request {
	s := normalizeRequestText(text)
	if reqLooksLikePatch(s) {
		return newReqResult(FormNone)
	}
	// Markdown (possibly with an HTML table), or a form pasted as rendered
	// HTML: a text with a few block tags is read both ways, and the reading
	// that finds more of the form wins; a text that is plainly HTML is read
	// as HTML first.
	var doc string
	var heads, chain []reqHeading
	readMarkdown := func() {
		doc = reqDecodeEntities(s)
		heads = findReqHeadings(doc)
		chain = bestReqChain(heads)
	}
	tags := reqHTMLBlockTags(s)
	looksHTML := tags >= 5 || (tags >= 2 && strings.HasPrefix(strings.TrimSpace(s), "<"))
	if tags < 2 {
		readMarkdown()
	} else {
		h := normalizeRequestText(htmlToRequestText(s))
		hh := findReqHeadings(h)
		hc := bestReqChain(hh)
		if !looksHTML || len(hc) < reqMinHeadings {
			readMarkdown()
		}
		if len(hc) > len(chain) || (len(hc) == len(chain) && len(hc) > 0 && looksHTML) {
			doc, heads, chain = h, hh, hc
		}
	}
	v := detectReqVersion(chain)
	r := newReqResult(v)
	if v == FormNone {
		return r
	}
	r.Answers = make([]Answer, 0, len(reqVersionTopics[v]))

	var answers reqAnswers
	readReqAnswers(&answers, v, doc, heads, chain)
	// texts: the answered answers but the measurements (a table says
	// nothing about default-on, and can be most of the form), lower-cased
	// once for the signals that read them all
	texts := make([]string, 0, answers.n)
	var lower [16]string // texts by topic index, for the signals that read the lower case only
	for i, t := range reqVersionTopics[v] {
		a := Answer{Number: i + 1, Topic: t}
		if ra, ok := answers.get(t); ok {
			a.Text, a.Answered = reqTruncate(ra.text, reqMaxAnswerText), ra.answered
			if ra.answered && t != TopicMeasurements {
				texts = append(texts, reqLowerASCII(ra.text))
				lower[reqTopicIndex(t)] = texts[len(texts)-1]
			}
		} else {
			a.QuestionNotFound = true
		}
		r.Answers = append(r.Answers, a)
	}
	answered := func(t Topic) string {
		if ra, ok := answers.get(t); ok && ra.answered {
			return ra.text
		}
		return ""
	}

	if ra, ok := answers.get(TopicMeasurements); ok {
		if ms := parseReqMeasurements(ra.blocks); len(ms) > 0 {
			r.Measurements = ms
		}
		if ra.answered {
			r.Category = reqRequestCategory(r.Measurements, ra.prose)
		}
	}
	duration := answered(TopicDuration)
	r.Expiries = parseReqExpiries(lower[reqTopicIndex(TopicDuration)]) // reads the lower case only
	for _, x := range r.Expiries {
		if x.Kind == ExpiryNever {
			r.Permanent = true
		}
	}
	r.Owner = parseReqOwner(duration, r.Permanent)
	r.Channels, r.Release, r.PreRelease = reqChannels(reqPopulationsText(answers.at(TopicPopulations)))
	optOut := answered(TopicOptOut)
	lowerOptOut := lower[reqTopicIndex(TopicOptOut)]
	if reqDescribesOptOut(lowerOptOut) { // reads the lower case only
		r.OptOut = reqTruncate(optOut, reqMaxAnswerText)
	}
	r.DefaultOn = reqDefaultOn(texts, lowerOptOut)
	// the links of the documentation question when it is found, answered
	// or not, or when a current form goes on past it (its line edited or
	// removed: the other answers' design documents, spreadsheets and wikis
	// are no public documentation, and Q6's answer may say there is none);
	// else (a form without it, or cut short before it) the links that look
	// like documentation in the other answers
	if _, ok := answers.get(TopicDocumentation); ok || v == FormRequest12Q && reqFoundAfter(&answers, v, TopicDocumentation) {
		r.DocLinks = reqLinks(answered(TopicDocumentation), nil)
	} else {
		r.DocLinks = reqLinks(reqDocTexts(v, &answers), reqLooksLikeDocs)
	}
	tools := reqDefaultToolVocab()
	if opts.ThirdPartyTools != nil {
		tools = newReqToolVocab(opts.ThirdPartyTools)
	}
	tp := reqReadThirdParty(tools, answered, r.Measurements)
	r.ThirdParty, r.ThirdPartyTool, r.ThirdPartyToolTopic, r.ThirdPartyToolMeasurement = tp.tri, tp.tool, tp.topic, tp.measurement
	// the measurements' rows are read as measurements: only the prose of
	// the answer is read again
	r.NewIdentifiers = reqNewIdentifiers(r.Measurements, answers.at(TopicMeasurements).prose, texts)
	return r
}

// reqFoundAfter reports whether a question of v after t was found: t is
// then missing from a form that goes on past it (its line edited or
// removed), not cut short before it.
func reqFoundAfter(a *reqAnswers, v FormVersion, t Topic) bool {
	after := false
	for _, x := range reqVersionTopics[v] {
		if after {
			if _, ok := a.get(x); ok {
				return true
			}
		}
		after = after || x == t
	}
	return false
}

// newReqResult returns an empty request of version v, with every list
// empty rather than nil (for stable JSON) and every yes/no unknown.
func newReqResult(v FormVersion) *Request {
	return &Request{
		Version:        v,
		Answers:        []Answer{},
		Measurements:   []Measurement{},
		Expiries:       []Expiry{},
		Release:        Unknown,
		PreRelease:     Unknown,
		DefaultOn:      Unknown,
		ThirdParty:     Unknown,
		NewIdentifiers: Unknown,
	}
}

// readReqAnswers reads the answer to each question of version v found in
// the chain of headings. An answer runs from its question's wording to the
// next heading of the chain; the last one ends at the next question-like
// heading after it, if any (a second form, or a quoted question).
func readReqAnswers(out *reqAnswers, v FormVersion, doc string, heads, chain []reqHeading) {
	numbers := reqTopicNumbers[v]
	for k, h := range chain {
		t := reqTopicOrder[h.topic]
		end := len(doc)
		if k+1 < len(chain) {
			end = chain[k+1].start
		} else {
			for _, o := range heads {
				if o.start > h.phrase {
					end = o.start
					break
				}
			}
			end = reqExtraSection(doc, h, end)
		}
		end = max(end, h.phrase)
		if numbers[h.topic] == 0 {
			continue // a question of another version: its text is dropped
		}
		if h.body > 0 {
			// a question found by similarity ends at its first sentence,
			// or goes on over the lines it was hard-wrapped on
			body := reqWrappedQuestionEnd(reqTemplates[t], doc[:end], min(h.body, end))
			out.set(h.topic, readReqAnswer(t, doc[body:end]))
			continue
		}
		out.set(h.topic, readReqAnswer(t, doc[h.phrase:end]))
	}
}

// reqAnswers are the answers read, by topic index (in reqTopicOrder).
type reqAnswers struct {
	by    [16]reqAnswer
	found [16]bool
	n     int // how many were found
}

func (a *reqAnswers) set(k int, ra reqAnswer) {
	if !a.found[k] {
		a.n++
	}
	a.by[k], a.found[k] = ra, true
}

// get returns the answer to topic t and whether it was found.
func (a *reqAnswers) get(t Topic) (reqAnswer, bool) {
	k := reqTopicIndex(t)
	if k < 0 {
		return reqAnswer{}, false
	}
	return a.by[k], a.found[k]
}

// at returns the answer to topic t, zero when not found.
func (a *reqAnswers) at(t Topic) reqAnswer {
	ra, _ := a.get(t)
	return ra
}

// reqExtraSection returns where a section the requester added after the
// form's last question ("13. **What are the risks?**") begins, or end: a
// line below the last question's line, before end, with the same heading
// markup as that question's line (an ATX "#" heading, or a numbered line
// bold to its end) and at least three words. Without such markup on the
// question lines, an added section cannot be told from the answer's own
// lines.
func reqExtraSection(doc string, h reqHeading, end int) int {
	style := reqHeadingStyle(doc[h.start:reqLineEnd(doc, h.start)])
	if style == 0 {
		return end
	}
	for ls := reqLineEnd(doc, h.phrase) + 1; ls < end; {
		le := min(reqLineEnd(doc, ls), end)
		line := doc[ls:le]
		if reqHeadingStyle(line) == style && reqCountWords(line) >= 3 && (style == 1 || reqNumberedEmphasised(line)) {
			return ls
		}
		ls = le + 1
	}
	return end
}

// reqHeadingStyle tells the markup of a heading line: 1 for an ATX heading
// ("## 5) …"), 2 for bold or underlined wording ("**5) …**", "5. **…**"),
// 0 for none.
func reqHeadingStyle(line string) int {
	t := strings.TrimLeft(line, " \t>")
	if strings.HasPrefix(t, "#") {
		return 1
	}
	p, _ := reqSkipHeadingPrefix(line)
	if strings.HasPrefix(line[p:], "**") || strings.HasPrefix(line[p:], "__") {
		return 2
	}
	pre := line[:p]
	if strings.Contains(pre, "**") || strings.Contains(pre, "__") {
		return 2
	}
	return 0
}

// reqNumberedEmphasised reports a numbered line whose wording is bold or
// underlined to its end ("13. **What are the risks?**"), not an answer
// written in bold ("**No third-party tool is used.**") or one that starts
// with a bold word ("**Yes**, we use it").
func reqNumberedEmphasised(line string) bool {
	t := strings.TrimRight(line, " \t")
	_, num := reqSkipHeadingPrefix(line)
	return num > 0 && (strings.HasSuffix(t, "**") || strings.HasSuffix(t, "__"))
}

// reqDocTexts is where a form without a documentation question links its
// documentation: any answer, the measurements' prose first ("All data is
// listed in the Metrics document: ..."), but not the opt-out answer, whose
// links describe how to opt out (a help page on about:studies), not the data.
func reqDocTexts(v FormVersion, answers *reqAnswers) string {
	var b strings.Builder
	b.WriteString(answers.at(TopicMeasurements).prose)
	for _, t := range reqVersionTopics[v] {
		if ra := answers.at(t); ra.answered && t != TopicMeasurements && t != TopicOptOut {
			b.WriteByte('\n')
			b.WriteString(ra.text)
		}
	}
	return b.String()
}
