package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Contradiction is a place where a steward's review says one thing and
// the request it reviews says another, such as a review that calls a
// collection default-off while the request describes its opt-out.
type Contradiction struct {
	Topic    ReviewTopic `json:"topic"`    // the review question
	Question int         `json:"question"` // its number in the review's version
	Review   string      `json:"review"`   // what the review says, in a few words of ours
	Request  string      `json:"request"`  // what the request says, in a few words of ours
}

// Message says the contradiction in words a steward can act on.
func (c Contradiction) Message() string {
	return fmt.Sprintf("the review says %s, but the request %s", c.Review, c.Request)
}

// ReviewContradictions compares a parsed review with the parsed request it
// reviews, on what both state plainly: default-on or default-off (and an
// opt-out described), the category, a permanent collection and its owner,
// and a third-party tool, in the review's question order. Where either side is unclear it says nothing. It
// is pure; nil or non-form inputs give none.
func ReviewContradictions(req *Request, rev *Review) []Contradiction {
	out := []Contradiction{}
	if req == nil || rev == nil || !isForm(req.Version) || rev.Version == ReviewNone {
		return out
	}
	add := func(a FormAnswer, review, request string) {
		out = append(out, Contradiction{Topic: a.Topic, Question: a.Number, Review: review, Request: request})
	}
	if a, ok := rev.Answer(ReviewDefaultOn); ok && a.Answered {
		switch says := reqDefaultOn([]string{a.Text}, ""); {
		case says == No && tri(req.DefaultOn) == Yes && reqDescribesOptOut(req.OptOut):
			add(a, "default-off", "describes an opt-out, so it is default-on")
		case says == No && tri(req.DefaultOn) == Yes:
			add(a, "default-off", "says default-on")
		case says == Yes && tri(req.DefaultOn) == No:
			add(a, "default-on", "says default-off")
		}
	}
	if a, ok := rev.Answer(ReviewCategory); ok && a.Answered {
		highest := 0
		for _, m := range req.Measurements {
			highest = max(highest, m.Category)
		}
		if rc := ParseCategory(a.Text); rc > 0 && highest > 0 && rc != highest {
			add(a, "category "+categoryWords(rc), "lists measurements up to category "+categoryWords(highest))
		}
	}
	if a, ok := rev.Answer(ReviewPermanent); ok && a.Answered {
		switch says := permanentAnswer(a.Text); {
		case says == No && req.Permanent:
			add(a, "the collection is not permanent", "asks for a permanent collection")
		case says == Yes && !req.Permanent && len(req.Expiries) > 0:
			add(a, "the collection is permanent", "gives an expiry")
		}
	}
	if a, ok := rev.Answer(ReviewThirdParty); ok && a.Answered {
		says, _ := reqThirdParty(a.Text)
		switch got := tri(req.ThirdParty); {
		case says == No && got == Yes:
			add(a, "no third-party tool is used", "says a third-party tool collects the data")
		case says == Yes && got == No:
			add(a, "a third-party tool is used", "says none is")
		}
	}
	slices.SortStableFunc(out, func(x, y Contradiction) int { return cmp.Compare(x.Question, y.Question) })
	return out
}

// permanentAnswer reads a review's answer about a permanent collection:
// "No", "N/A", "Not permanent" say no; "Yes" says yes (someone monitors
// it); anything else is unknown.
func permanentAnswer(text string) Tri {
	ls := strings.ToLower(strings.TrimSpace(cleanText(text, 200)))
	ls = strings.TrimLeft(ls, "*_-> ")
	switch {
	case ls == "":
		return Unknown
	case strings.HasPrefix(ls, "not permanent"), strings.HasPrefix(ls, "n/a"), strings.HasPrefix(ls, "na "),
		ls == "na", strings.HasPrefix(ls, "not applicable"), strings.HasPrefix(ls, "no"):
		if strings.HasPrefix(ls, "nobody") || strings.HasPrefix(ls, "no one") {
			return Unknown // "No one yet" is about the monitor, not permanence
		}
		return No
	case strings.HasPrefix(ls, "yes"):
		return Yes
	}
	return Unknown
}
