// Package policy reads data review forms and checks a request against the
// data collection policy. It is pure: text and rules in, findings out; it
// does no I/O and never reads the clock (time is a parameter).
//
// # Forms
//
// ParseRequest reads a Data Review Request (every template version);
// ParseReview reads the steward's Data Review form (the 8- and 9-question
// versions) and its result (data-review+, r-, "Result: datareview+"...);
// ParseRenewalRequest and ParseRenewalReview read the renewal forms.
// Parsing never fails: a text that is not a form says so in its version.
//
// # Rules
//
// Rules are data: YAML (rules_default.yaml, embedded) with the default-on
// table per category and channel, the escalation triggers keyed by finding
// code, the expiry norms, optional category combinations that count as
// category 4, and per-product overrides. ParseRules merges a file over the
// defaults and Validate names every problem with its field path.
//
// # Evaluation
//
// Evaluate(request, rules, now) returns an Analysis: the highest category,
// the default-on verdict per channel, the findings (each with a stable
// code, the question or measurement it is about and a message a requester
// can act on), the escalations to Trust and Legal with the codes that cause
// them, and a draft of the steward's review. The codes are:
//
//	missing-answers                   a question is unanswered (one finding per question)
//	question-not-found                a question's line is not in the text (edited beyond recognition or removed)
//	measurement-without-category      a measurement has no category (or none could be read)
//	category-3-default-on-release     category 3 data default-on in release
//	category-3-prerelease-default-on  category 3 data default-on in pre-release only (eligible)
//	category-4                        a category 4 measurement, or a combination the rules count as 4
//	third-party-tool                  a third-party tool collects the data
//	new-identifier                    the request adds a new identifier
//	permanent-without-owner           permanent collection with no one named to monitor it
//	expiry-missing                    the duration is answered but no expiry can be read
//	expiry-too-far                    a dated expiry or duration beyond the norm (730 days)
//	default-on-without-opt-out        default-on with no opt-out described
//	documentation-missing             no link to public documentation
//	old-form-version                  an older request template
//	not-a-data-review-form            the text is not a request form
//	default-on-not-eligible           (custom rules only) category 1 or 2 default-on where the table says otherwise
//
// An Analysis marshals to JSON as a Report, the stable interface printed by
// "stewardbot analyze --format json" and documented field by field in
// docs/analyze-json.md (schema "stewardbot.analysis/v1"): fields may be
// added, none is renamed or removed, lists are never null.
//
// # Rendering
//
// RenderMarkdown (for a Bugzilla comment) and RenderText (for a terminal)
// show the findings, the measurements, the default-on verdict, the
// escalations and the draft review. Text that came from a form is shown
// only escaped or as code, so it cannot add links, headings, tables, HTML,
// mentions or #[markdown(off)] to a comment, nor control characters to a
// terminal.
package policy
