package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// reqSimilarPositives are question lines as requesters edit them: typos,
// shortened, reworded. Each must be recognised as its topic.
var reqSimilarPositives = []struct {
	line  string
	topic Topic
}{
	{"What questions will you answer with this data?", TopicQuestions},
	{"What questions will this data answer?", TopicQuestions},
	{"What questions will you answer?", TopicQuestions},
	{"What questions will you anwser with this data?", TopicQuestions},
	{"Which questions do you want to answer with this data?", TopicQuestions},
	{"Why does Mozila need to answer these questions?", TopicWhy},
	{"Why does Mozilla need these answers?", TopicWhy},
	{"What alternative methods did you consider?", TopicAlternatives},
	{"What alternatives did you consider to answer these questions?", TopicAlternatives},
	{"Can current instrumentation answer these questions?", TopicInstrumentation},
	{"Can the current instrumentation answer the questions?", TopicInstrumentation},
	{"Could existing instrumentation answer these questions?", TopicInstrumentation},
	{"List all proposed measurments and indicate the category of data collection for each measurement", TopicMeasurements},
	{"List all proposed measurements and their categories.", TopicMeasurements},
	{"List all proposed measurments:", TopicMeasurements},
	{"List the proposed measurements and indicate their data collection category", TopicMeasurements},
	{"Please provide a link to the documentation for this data collection.", TopicDocumentation},
	{"Link to the documentation for this data collection", TopicDocumentation},
	{"How long will this data be collected?", TopicDuration},
	{"How long will the data be collected for?", TopicDuration},
	{"How long will this data be colected?", TopicDuration},
	{"What populations will you measure?", TopicPopulations},
	{"Which populations will you measure?", TopicPopulations},
	{"What population will be measured?", TopicPopulations},
	{"If this data collection is default on, what is the opt-out mechanism?", TopicOptOut},
	{"If this collection is default-on, what is the opt out mechanism for users?", TopicOptOut},
	{"Please provide a general description of how you will analyze this data.", TopicAnalysis},
	{"Provide a general description of how you will analyse this data.", TopicAnalysis},
	{"Where do you intend to share the results of your analysis?", TopicSharing},
	{"Where will you share the results of your analysis?", TopicSharing},
	{"Where do you intend to share the results?", TopicSharing},
	{"Is there a third-party tool that you are proposing to use for this data collection?", TopicThirdParty},
	{"Is there a third party tool (i.e. not Glean or Telemetry) you propose to use?", TopicThirdParty},
	{"Are you using a third-party tool?", TopicThirdParty},
}

// reqSimilarNegatives are sentences shaped as questions that are not the
// request's: the review form's questions, questions asked inside answers,
// and lines of answers that use the questions' words.
var reqSimilarNegatives = []string{
	"Is there or will there be documentation that describes the schema for the ultimate data set available publicly, complete and accurate?",
	"Is there a control mechanism that allows the user to turn the data collection on and off?",
	"If the request is for permanent data collection, is there someone who will monitor the data over time?",
	"Using the category system of data types on the Mozilla wiki, what collection type of data do the requested measurements fall under?",
	"Is the data collection request for default-on or default-off?",
	"Does the instrumentation include the addition of any new identifiers?",
	"Is the data collection covered by the existing Firefox privacy notice?",
	"Does there need to be a check-in in the future to determine whether to renew the data?",
	"How many users open the panel every day?",
	"Do people who use the sidebar come back to it?",
	"Which release channels?",
	"Which countries?",
	"Any other filters?",
	"Does the new onboarding flow increase retention?",
	"How long do users keep the panel open?",
	"What share of users change the default search engine?",
	"Is the feature used more on mobile or on desktop?",
	"Data collection category:",
	"Tracking bug:",
	"Are you using that on the Mozilla backend?",
	"Or going directly to the third-party?",
	"What is the distribution of page load times?",
	"How often do users answer the survey?",
}

// TestReqSimilarThreshold pins reqSimilarThreshold: every edited question
// line scores at or above it as its own topic, every negative below it.
// The margins printed with -v show how much room the threshold has.
func TestReqSimilarThreshold(t *testing.T) {
	minPos, maxNeg := 1.0, 0.0
	for _, c := range reqSimilarPositives {
		got, score := reqSimilarQuestion(c.line)
		minPos = min(minPos, score)
		if got < 0 || reqTopicOrder[got] != c.topic {
			name := "none"
			if got >= 0 {
				name = string(reqTopicOrder[got])
			}
			t.Errorf("%q: got %s (%.2f), want %s", c.line, name, score, c.topic)
		}
	}
	for _, line := range reqSimilarNegatives {
		got, score := reqSimilarQuestion(line)
		maxNeg = max(maxNeg, score)
		if got >= 0 {
			t.Errorf("%q: read as %s (%.2f), want no question", line, reqTopicOrder[got], score)
		}
	}
	t.Logf("lowest positive %.2f, highest negative %.2f, threshold %.2f", minPos, maxNeg, reqSimilarThreshold)
}

// TestReqSimilarFixtureLines: no line of an answer in the request fixtures
// (testdata/requests) that is shaped as a heading reads as a question by
// similarity unless an exact opening also finds it.
func TestReqSimilarFixtureLines(t *testing.T) {
	for _, f := range reqFixtures(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := normalizeRequestText(string(src))
		for line := range strings.SplitSeq(s, "\n") {
			p, _ := reqSkipHeadingPrefix(line)
			rest := line[p:]
			if reqMatchPhrase(rest) >= 0 || rest == "" {
				continue
			}
			if got, se := reqSimilarHeading(true, rest, true); got >= 0 {
				t.Errorf("%s: %q read as %s", filepath.Base(f), rest[:se], reqTopicOrder[got])
			}
		}
	}
}

// TestParseRequestEditedQuestionLines: a form whose question lines carry a
// typo, are shortened or reworded, keeps every answer and its measurements.
func TestParseRequestEditedQuestionLines(t *testing.T) {
	edits := map[int]string{
		1:  "What questions will this data answer?",
		4:  "Can the current instrumentation answer the questions?",
		5:  "List all proposed measurments and indicate their category",
		7:  "How long will this data be colected?",
		11: "Where will you share the results?",
	}
	for n, edit := range edits {
		t.Run(fmt.Sprintf("Q%d", n), func(t *testing.T) {
			form := reqTestForm(func(k int, q string) string {
				if k == n {
					q = edit
				}
				return fmt.Sprintf("%d) %s\n", k, q)
			}, reqAnswerNumber)
			reqWantAll(t, ParseRequest(form))
		})
	}
}

// TestParseRequestTypoKeepsEscalation: a typo in the measurement question
// of a category 3 default-on form keeps the measurements, and so the
// escalation (it used to drop both).
func TestParseRequestTypoKeepsEscalation(t *testing.T) {
	form := reqTestForm(func(k int, q string) string {
		if k == 5 {
			q = "List all proposed measurments and indicate the category of data collection for each measurement."
		}
		return fmt.Sprintf("%d) %s\n", k, q)
	}, func(n int) string {
		switch n {
		case 5:
			return "* `browser.history.visited_domains` - the domains of visited pages, category 3 (web activity)"
		case 8:
			return "Release, all locales."
		case 9:
			return "It is on by default; users can opt out in the preferences."
		}
		return reqAnswerNumber(n)
	})
	r := ParseRequest(form)
	if len(r.Measurements) != 1 || r.Measurements[0].Category != 3 {
		t.Fatalf("measurements = %+v, want one of category 3", r.Measurements)
	}
	a := Evaluate(r, DefaultRules(), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if !a.NeedsEscalation(EscalateTrust) || !a.NeedsEscalation(EscalateLegal) {
		t.Errorf("escalation lost, findings %+v", a.Findings)
	}
}

// TestParseRequestShortenedQuestionStripped: the rest of a shortened
// question line is not taken for its answer.
func TestParseRequestShortenedQuestionStripped(t *testing.T) {
	form := reqTestForm(func(k int, q string) string {
		if k == 5 {
			q = "List all proposed measurements and their categories."
		}
		return fmt.Sprintf("%d) %s\n", k, q)
	}, func(n int) string {
		if n == 5 {
			return ""
		}
		return reqAnswerNumber(n)
	})
	r := ParseRequest(form)
	if a, _ := r.Answer(TopicMeasurements); a.Answered || a.Text != "" {
		t.Errorf("Q5 = %v %q, want unanswered", a.Answered, a.Text)
	}
}

// TestParseRequestEditedQuestionKeepsTemplateTail: an edited question whose
// template sentences after the first were kept ("If so:") leaves no answer
// behind when nothing was written.
func TestParseRequestEditedQuestionKeepsTemplateTail(t *testing.T) {
	form := reqTestForm(func(k int, q string) string {
		if k == 12 {
			q = "Is there a third-party tool (i.e. not Glean or not Telemetry) that you are proposing to use for this data collection? If so:"
		}
		return fmt.Sprintf("## %d) %s\n", k, q)
	}, func(n int) string {
		if n == 12 {
			return ""
		}
		return reqAnswerNumber(n)
	})
	r := ParseRequest(form)
	if a, _ := r.Answer(TopicThirdParty); a.Answered || a.Text != "" {
		t.Errorf("Q12 = %v %q, want unanswered", a.Answered, a.Text)
	}
}

// TestReqSimilarVocabFits: the words of every question wording fit the
// fixed-size counts reqSimilarQuestion keeps.
func TestReqSimilarVocabFits(t *testing.T) {
	if n := len(reqSimilar.words); n > reqSimilarMaxVocab {
		t.Errorf("%d words in the question wordings, more than reqSimilarMaxVocab (%d)", n, reqSimilarMaxVocab)
	}
}
