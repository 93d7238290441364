package bot

import (
	"time"

	"github.com/stewardbot/stewardbot/policy"
)

// The bot reads, judges and writes forms with policy's pure functions, under
// the rules it was given (WithRules; policy.DefaultRules otherwise).

// parseForm reads a form with the rules' vocabulary of third-party tools
// (nil rules: policy's own).
func parseForm(rules *policy.Rules, text string) *policy.Request {
	if rules == nil {
		return policy.ParseRequest(text)
	}
	return policy.ParseRequestWith(text, policy.ParseOptions{ThirdPartyTools: rules.ThirdPartyTools})
}

// evaluateForm applies the rules, with the overrides of product (the bug's
// Bugzilla product; "" for the base rules).
func evaluateForm(rules *policy.Rules, r *policy.Request, product string, now time.Time) *policy.Analysis {
	return policy.EvaluateWith(r, rules, now, policy.EvalOptions{Product: product})
}

// renderAnalysis writes the analysis as markdown, or as plain text when
// markdown is false (see textFormat), with note (text of the bot's, in that
// format) after the summary and before the long draft review.
func renderAnalysis(a *policy.Analysis, markdown bool, note string) string {
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
