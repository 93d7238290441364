package policy

// Finding codes are a stable interface: the bot, the analyze command's JSON and
// the rules file (escalations are keyed by code) all use them. Never rename one;
// add new codes instead.
const (
	CodeMissingAnswers               = "missing-answers"
	CodeQuestionNotFound             = "question-not-found"
	CodeMeasurementWithoutCategory   = "measurement-without-category"
	CodeCategory3DefaultOnRelease    = "category-3-default-on-release"
	CodeCategory3PreReleaseDefaultOn = "category-3-prerelease-default-on"
	CodeCategory4                    = "category-4"
	CodeThirdPartyTool               = "third-party-tool"
	CodeNewIdentifier                = "new-identifier"
	CodePermanentWithoutOwner        = "permanent-without-owner"
	CodeExpiryMissing                = "expiry-missing"
	CodeExpiryTooFar                 = "expiry-too-far"
	CodeDefaultOnWithoutOptOut       = "default-on-without-opt-out"
	CodeDocumentationMissing         = "documentation-missing"
	CodeOldFormVersion               = "old-form-version"
	CodeNotADataReviewForm           = "not-a-data-review-form"
	// CodeDefaultOnNotEligible is raised only by custom rules: a default-on
	// collection of category 1 or 2 in a channel whose verdict is not "allowed".
	CodeDefaultOnNotEligible = "default-on-not-eligible"
)

// Codes lists every finding code, in the order the documentation gives them.
func Codes() []string {
	return []string{
		CodeMissingAnswers,
		CodeQuestionNotFound,
		CodeMeasurementWithoutCategory,
		CodeCategory3DefaultOnRelease,
		CodeCategory3PreReleaseDefaultOn,
		CodeCategory4,
		CodeThirdPartyTool,
		CodeNewIdentifier,
		CodePermanentWithoutOwner,
		CodeExpiryMissing,
		CodeExpiryTooFar,
		CodeDefaultOnWithoutOptOut,
		CodeDocumentationMissing,
		CodeOldFormVersion,
		CodeNotADataReviewForm,
		CodeDefaultOnNotEligible,
	}
}

// IsCode reports whether code is one of the stable finding codes.
func IsCode(code string) bool {
	for _, c := range Codes() {
		if c == code {
			return true
		}
	}
	return false
}

// Finding is one thing a steward would point out.
type Finding struct {
	Code        string `json:"code"`        // stable code, e.g. "missing-answers"
	Question    int    `json:"question"`    // question number in the form's version; 0 when about no single question
	Measurement string `json:"measurement"` // measurement name when about one measurement, else ""
	Message     string `json:"message"`     // words a requester can act on
}

// topicLabel says in a few words what a request question asks, for messages
// such as "Q10 (how you will analyse the data) is not answered".
var topicLabel = map[Topic]string{
	TopicQuestions:       "the questions this data will answer",
	TopicWhy:             "why Mozilla needs to answer them",
	TopicAlternatives:    "the alternatives you considered",
	TopicInstrumentation: "whether current instrumentation can answer them",
	TopicMeasurements:    "the measurements and their categories",
	TopicDocumentation:   "the link to public documentation",
	TopicDuration:        "how long the data will be collected",
	TopicPopulations:     "the populations and release channels",
	TopicOptOut:          "the opt-out mechanism",
	TopicAnalysis:        "how you will analyse the data",
	TopicSharing:         "where you will share the results",
	TopicThirdParty:      "whether a third-party tool is used",
}

// topicHint tells a requester what an answer to the question should contain.
var topicHint = map[Topic]string{
	TopicQuestions:       "state the questions this data will answer",
	TopicWhy:             "explain why Mozilla needs the answers and how users or the product benefit",
	TopicAlternatives:    "say which other ways of answering the questions you considered and why they were not enough",
	TopicInstrumentation: "say whether existing telemetry already answers the questions",
	TopicMeasurements:    "list every measurement with its data collection category (1 technical, 2 interaction, 3 stored content & communications, 4 highly sensitive)",
	TopicDocumentation:   "link to the public documentation of the data (for Glean, the Glean Dictionary)",
	TopicDuration:        "give an expiry date (YYYY-MM-DD), a version, a number of months, or for a permanent collection the person who will monitor it",
	TopicPopulations:     "name the release channels (release, beta, nightly...), countries, locales and any other filters",
	TopicOptOut:          "describe how users turn the collection off (for example the telemetry preference); write \"N/A\" if it is default-off",
	TopicAnalysis:        "describe how you will analyse the data",
	TopicSharing:         "say where you will share the results of the analysis",
	TopicThirdParty:      "say whether a third-party tool (not Glean or Telemetry) collects the data, and which; \"No\" is an answer",
}

// categoryName is the short name of each data collection category.
var categoryName = map[int]string{
	1: "technical",
	2: "interaction",
	3: "stored content & communications",
	4: "highly sensitive",
}

// CategoryName returns the short name of a data collection category, or "" for 0.
func CategoryName(c int) string { return categoryName[c] }
