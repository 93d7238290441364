package policy

import (
	"fmt"
	"strings"
)

// RenderOptions shape RenderMarkdown and RenderText. The zero value renders
// everything with the default limits.
type RenderOptions struct {
	OmitDraft       bool // leave out the draft review
	MaxFindings     int  // findings shown; 0 means 50
	MaxMeasurements int  // measurement rows shown; 0 means 50
	// BotEscalates says that stewardbot itself posts the escalation
	// notices (the daemon), rather than the steward (the offline analyze).
	BotEscalates bool
	// Note is the caller's own text, already in the output format, put
	// after the summary and before the draft review: the draft, the
	// longest part, always comes last.
	Note string
}

// escalationLead opens the list of escalations.
func (o RenderOptions) escalationLead() string {
	if o.BotEscalates {
		return "stewardbot follows this analysis with one notice to"
	}
	return "the steward will ask"
}

func (o RenderOptions) maxFindings() int {
	if o.MaxFindings > 0 {
		return o.MaxFindings
	}
	return 50
}

func (o RenderOptions) maxMeasurements() int {
	if o.MaxMeasurements > 0 {
		return o.MaxMeasurements
	}
	return 50
}

// renderTitle heads both renderings.
const renderTitle = "stewardbot: preliminary data review analysis"

// renderIntro says what the analysis is, for requester and steward alike.
const renderIntro = "Automatic checks of the request form against the data collection policy; a data steward confirms or corrects them."

// verdictWords says a verdict in words.
func verdictWords(v Verdict) string {
	switch v {
	case VerdictAllowed:
		return "allowed"
	case VerdictNeedsTrust:
		return "needs prior Trust approval"
	case VerdictNotAllowed:
		return "not allowed (must be default-off)"
	}
	return "unknown (no measurement has a category)"
}

// categoryWords says a category in words: "3 (stored content & communications)".
func categoryWords(c int) string {
	if name := categoryName[c]; name != "" {
		return fmt.Sprintf("%d (%s)", c, name)
	}
	return "none"
}

// findingWhere says what a finding is about: "Q5, measurement …"; value
// quotes the measurement name for the output format.
func findingWhere(f Finding, value func(string) string) string {
	var parts []string
	if f.Question > 0 {
		parts = append(parts, fmt.Sprintf("Q%d", f.Question))
	}
	if f.Measurement != "" {
		parts = append(parts, "measurement "+value(cleanText(f.Measurement, 80)))
	}
	return strings.Join(parts, ", ")
}

// requestSays summarises what the request asks for about default-on.
func requestSays(r *Request) string {
	s := "default-on: " + string(tri(r.DefaultOn))
	if len(r.Channels) > 0 {
		var cs []string
		for _, c := range r.Channels {
			cs = append(cs, cleanText(c, 40))
		}
		s += "; channels: " + strings.Join(cs, ", ")
	}
	return s
}

func teamName(team string) string {
	switch team {
	case EscalateTrust:
		return "Trust"
	case EscalateLegal:
		return "Legal"
	}
	return cleanText(team, 20)
}

func requestOf(a *Analysis) *Request {
	if a.Request == nil {
		return &Request{Version: FormNone}
	}
	return a.Request
}
