package bot

import (
	"time"

	"github.com/stewardbot/stewardbot/policy"
)

// formAnalyzer reads forms and writes analyses. It is policy's parser,
// evaluation and rendering behind an interface so that the planner's tests
// can run without depending on every parser detail.
type formAnalyzer interface {
	Parse(text string) *policy.Request
	// Evaluate applies the rules, with the overrides of product (the
	// bug's Bugzilla product; "" for the base rules).
	Evaluate(r *policy.Request, product string, now time.Time) *policy.Analysis
	// Render writes the analysis as markdown, or as plain text when
	// markdown is false (see textFormat), with note (text of the bot's, in
	// that format) after the summary and before the long draft review.
	Render(a *policy.Analysis, markdown bool, note string) string
}

// policyAnalyzer is the real formAnalyzer.
type policyAnalyzer struct{ rules *policy.Rules }

// Parse reads a form with the rules' vocabulary of third-party tools.
func (p policyAnalyzer) Parse(text string) *policy.Request {
	if p.rules == nil {
		return policy.ParseRequest(text)
	}
	return policy.ParseRequestWith(text, policy.ParseOptions{ThirdPartyTools: p.rules.ThirdPartyTools})
}

func (p policyAnalyzer) Evaluate(r *policy.Request, product string, now time.Time) *policy.Analysis {
	return policy.EvaluateWith(r, p.rules, now, policy.EvalOptions{Product: product})
}

func (p policyAnalyzer) Render(a *policy.Analysis, markdown bool, note string) string {
	// The escalate task posts the notices the analysis lists.
	opts := policy.RenderOptions{BotEscalates: true, Note: note}
	if markdown {
		return policy.RenderMarkdown(a, opts)
	}
	return policy.RenderText(a, opts)
}

// isForm reports whether a parsed text is a Data Review Request form.
func isForm(r *policy.Request) bool {
	return r != nil && r.Version != "" && r.Version != policy.FormNone
}
