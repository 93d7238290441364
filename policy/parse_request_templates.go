package policy

// The wording of every version of the Data Review Request form
// (mozilla/data-review request.md, 2017 to 2022) and of glean_parser's
// generated skeleton, as the parser needs it: phrases that find a question,
// the full question sentences to strip before the answer, and the template
// text (examples, guidance, choices) that counts as unanswered when left in
// place.

// reqTopicOrder is the order of the questions; it is the same in every
// version, which only inserts or drops questions.
var reqTopicOrder = []Topic{
	TopicQuestions, TopicWhy, TopicAlternatives, TopicInstrumentation, TopicMeasurements,
	TopicDocumentation, TopicDuration, TopicPopulations, TopicOptOut, TopicAnalysis,
	TopicSharing, TopicThirdParty,
}

// reqVersionTopics lists each version's questions in order: question N is
// element N-1.
var reqVersionTopics = map[FormVersion][]Topic{
	FormRequest9Q: {
		TopicQuestions, TopicWhy, TopicAlternatives, TopicInstrumentation, TopicMeasurements,
		TopicDuration, TopicPopulations, TopicAnalysis, TopicSharing,
	},
	FormRequest10Q: {
		TopicQuestions, TopicWhy, TopicAlternatives, TopicInstrumentation, TopicMeasurements,
		TopicDuration, TopicPopulations, TopicOptOut, TopicAnalysis, TopicSharing,
	},
	FormRequest11Q: {
		TopicQuestions, TopicWhy, TopicAlternatives, TopicInstrumentation, TopicMeasurements,
		TopicDuration, TopicPopulations, TopicOptOut, TopicAnalysis, TopicSharing, TopicThirdParty,
	},
	FormRequest12Q: reqTopicOrder,
}

// reqVersionsNewestFirst is the order in which versions are tried; on a tie
// the newest wins.
var reqVersionsNewestFirst = [...]FormVersion{FormRequest12Q, FormRequest11Q, FormRequest10Q, FormRequest9Q}

// reqQuestionNumber returns the number of topic t in version v, 0 if absent.
func reqQuestionNumber(v FormVersion, t Topic) int {
	for i, x := range reqVersionTopics[v] {
		if x == t {
			return i + 1
		}
	}
	return 0
}

// reqTopicNumbers is reqQuestionNumber as a table, for the parser's loops:
// reqTopicNumbers[v][k] is the number of topic index k (in reqTopicOrder)
// in version v.
var reqTopicNumbers = func() map[FormVersion]*[16]int {
	out := map[FormVersion]*[16]int{}
	for v := range reqVersionTopics {
		var n [16]int
		for k, t := range reqTopicOrder {
			n[k] = reqQuestionNumber(v, t)
		}
		out[v] = &n
	}
	return out
}()

// reqTopicIndex returns t's index in reqTopicOrder.
func reqTopicIndex(t Topic) int {
	for i, x := range reqTopicOrder {
		if x == t {
			return i
		}
	}
	return -1
}

// reqPhrases find a question: a heading is a line (or, in a flattened form,
// a numbered sentence) that starts with one of these, compared by
// reqPhraseAt. They are the openings of the questions, which did not change
// between versions.
var reqPhrases = []struct {
	topic  Topic
	phrase string
}{
	{TopicQuestions, "what questions will you answer"},
	{TopicWhy, "why does mozilla need"},
	{TopicAlternatives, "what alternative methods"},
	{TopicInstrumentation, "can current instrumentation"},
	{TopicMeasurements, "list all proposed measurements"},
	{TopicDocumentation, "please provide a link to the documentation"},
	{TopicDocumentation, "provide a link to the documentation"},
	{TopicDuration, "how long will this data be collected"},
	{TopicPopulations, "what populations will you measure"},
	{TopicOptOut, "if this data collection is default on"},
	{TopicOptOut, "what is the opt out mechanism"},
	{TopicAnalysis, "please provide a general description of how you will analy"},
	{TopicAnalysis, "provide a general description of how you will analy"},
	{TopicSharing, "where do you intend to share"},
	{TopicThirdParty, "is there a third party tool"},
}

// reqQuestionText holds every known wording of each question, including the
// sentences that follow it on the same paragraph in the template. The
// longest one that matches is stripped before the answer.
var reqQuestionText = map[Topic][]string{
	TopicQuestions: {"What questions will you answer with this data?"},
	TopicWhy: {
		"Why does Mozilla need to answer these questions? Are there benefits for users? Do we need this information to address product or business requirements? Some example responses:",
	},
	TopicAlternatives: {
		"What alternative methods did you consider to answer these questions? Why were they not sufficient?",
	},
	TopicInstrumentation: {"Can current instrumentation answer these questions?"},
	TopicMeasurements: {
		// 2020-2022, and glean_parser
		"List all proposed measurements and indicate the category of data collection for each measurement, using the Firefox data collection categories found on the Mozilla wiki.",
		// 2019
		"List all proposed measurements and indicate the category of data collection for each measurement, using the Firefox data collection categories on the Mozilla wiki.",
		// 2017, whose link was split in three
		"List all proposed measurements and indicate the category of data collection for each measurement, using the Firefox [data c](https://wiki.mozilla.org/Firefox/Data_Collection)[ollection ](https://wiki.mozilla.org/Firefox/Data_Collection)[categories](https://wiki.mozilla.org/Firefox/Data_Collection) on the found on the Mozilla wiki.",
	},
	TopicDocumentation: {
		"Please provide a link to the documentation for this data collection which describes the ultimate data set in a public, complete, and accurate way.",
	},
	TopicDuration:    {"How long will this data be collected? Choose one of the following:"},
	TopicPopulations: {"What populations will you measure?"},
	TopicOptOut:      {"If this data collection is default on, what is the opt-out mechanism for users?"},
	TopicAnalysis:    {"Please provide a general description of how you will analyze this data."},
	TopicSharing:     {"Where do you intend to share the results of your analysis?"},
	TopicThirdParty: {
		"Is there a third-party tool (i.e. not Glean or Telemetry) that you are proposing to use for this data collection? If so:",
		"Is there a third-party tool (i.e. not Telemetry) that you are proposing to use for this data collection? If so:",
	},
}

// reqUnitText is the template text of each question that is not part of the
// question itself. A "choice" is one of a set the requester is meant to pick
// from: left all in place they are template, but a subset left in place (or
// one marked, or the others struck out) is the requester's answer.
var reqUnitText = map[Topic][]struct {
	text   string
	choice bool
}{
	TopicWhy: {
		{"Are there benefits for users?", false},
		{"Do we need this information to address product or business requirements?", false},
		{"Some example responses:", false},
		{"Establish baselines or measure changes in product or platform quality or performance.", true},
		{"Provide information essential for advancing a business objective such as supporting OKRs.", true},
		{"Determine whether a product or platform change has an effect on user or browser behavior.", true},
	},
	TopicAlternatives: {
		{"Why were they not sufficient?", false},
	},
	TopicMeasurements: {
		{"Note that the data steward reviewing your request will characterize your data collection based on the highest (and most sensitive) category.", false},
		{"using the Firefox data collection categories found on the Mozilla wiki.", false},
	},
	TopicDocumentation: {
		{"Often the Privacy Notice for your product will link to where the documentation is expected to be.", false},
		{"Common examples for Mozilla products/services:", false},
		{`If this collection is Telemetry you can state "This collection is documented in its definitions files Histograms.json, Scalars.yaml, and/or Events.yaml and in the Probe Dictionary at https://probes.telemetry.mozilla.org."`, false},
		{`If this data is collected using the Glean SDK you can state "This collection is documented in the Glean Dictionary at https://dictionary.telemetry.mozilla.org/"`, false},
		{`If this data is collected using the Glean SDK you can state "This collection is documented in its metrics.md document" and provide a link to where it is hosted.`, false},
		{"In some cases, documentation is included in the project's repository.", false},
	},
	TopicDuration: {
		{"Choose one of the following:", false},
		{"This is scoped to a time-limited experiment/project until date MM-DD-YYYY.", true},
		{"I want this data to be collected for 6 months initially (potentially renewable).", true},
		{"I want to permanently monitor this data. (put someone's name here)", true},
		{"(put someone's name here)", false},
	},
	TopicPopulations: {
		{"Which release channels?", false},
		{"Which countries?", false},
		{"Which locales?", false},
		{"Any other filters? Please describe in detail below.", false},
		{"Any other filters?", false},
		{"Please describe in detail below.", false},
	},
	TopicThirdParty: {
		{"Are you using that on the Mozilla backend? Or going directly to the third-party?", false},
		{"Are you using that on the Mozilla backend?", false},
		{"Or going directly to the third-party?", false},
	},
}

// reqCommonUnits are removed from every answer: glean_parser's placeholder.
var reqCommonUnits = []string{"TODO: Fill this in."}

// reqUnit is template text compiled to words.
type reqUnit struct {
	words  []string
	choice bool
	id     int // index among the topic's choices
}

type reqTopicTemplate struct {
	questions  [][]string // question wordings
	firstWords []int      // how many words of each wording its first sentence has
	shared     []int      // how many first words each wording shares with the one before
	units      []reqUnit  // longest first
	// unitFirst[c] has reqLenBit(n) set when a unit's first word starts
	// with byte c and is n bytes long: reqFindUnits tries the units only at
	// the words that may start one, not at every word of every answer
	unitFirst [256]uint64
	choices   int
	pickOne   bool // the question asks for one of its choices
}

// reqTemplates is the compiled template of every topic.
var reqTemplates = func() map[Topic]*reqTopicTemplate {
	m := map[Topic]*reqTopicTemplate{}
	for _, t := range reqTopicOrder {
		tt := &reqTopicTemplate{pickOne: t == TopicDuration}
		for _, q := range reqQuestionText[t] {
			words := reqSplitWords(q)
			shared := 0
			if k := len(tt.questions); k > 0 {
				for shared < min(len(words), len(tt.questions[k-1])) && words[shared] == tt.questions[k-1][shared] {
					shared++
				}
			}
			tt.questions = append(tt.questions, words)
			tt.firstWords = append(tt.firstWords, len(reqSplitWords(q[:reqQuestionSentenceEnd(q)])))
			tt.shared = append(tt.shared, shared)
		}
		for _, u := range reqUnitText[t] {
			unit := reqUnit{words: reqSplitWords(u.text), choice: u.choice, id: -1}
			if u.choice {
				unit.id = tt.choices
				tt.choices++
			}
			tt.units = append(tt.units, unit)
		}
		for _, u := range reqCommonUnits {
			tt.units = append(tt.units, reqUnit{words: reqSplitWords(u), id: -1})
		}
		for _, u := range tt.units {
			tt.unitFirst[u.words[0][0]] |= reqLenBit(len(u.words[0]))
		}
		// try longer units first, so "Any other filters? Please describe…"
		// wins over "Any other filters?"
		for i := 1; i < len(tt.units); i++ {
			for j := i; j > 0 && len(tt.units[j].words) > len(tt.units[j-1].words); j-- {
				tt.units[j], tt.units[j-1] = tt.units[j-1], tt.units[j]
			}
		}
		m[t] = tt
	}
	return m
}()

// reqHeaderWords are the words of measurement table headers and of the
// "Annotation description / Data collection category / Tracking bug" labels.
// A row or line made only of these is a header, not a measurement.
var reqHeaderWords = map[string]bool{
	"measurement": true, "measurements": true, "name": true, "names": true, "description": true,
	"descriptions": true, "data": true, "collection": true, "category": true, "categories": true,
	"tracking": true, "bug": true, "bugs": true, "number": true, "no": true, "probe": true,
	"probes": true, "metric": true, "metrics": true, "annotation": true, "annotations": true,
	"type": true, "sensitivity": true, "key": true, "notes": true, "note": true, "expiry": true,
	"expires": true, "expiration": true, "field": true, "fields": true, "event": true, "events": true,
	"extra": true, "extras": true, "link": true, "the": true, "of": true, "and": true, "id": true,
	"identifier": true, "details": true, "comment": true, "comments": true, "telemetry": true,
	"glean": true, "scalar": true, "histogram": true, "owner": true, "channel": true, "channels": true,
}
