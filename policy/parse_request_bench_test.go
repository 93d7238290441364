package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reqBenchForm builds a realistic filled 12-question form of about size
// bytes: long answers and a measurement table with as many rows as fit.
func reqBenchForm(size int) string {
	var b strings.Builder
	para := "We want to know how people use the new panel, how often they come back to it, and whether it replaces the old menu entry. "
	q := func(n int, question string, answer string) {
		fmt.Fprintf(&b, "%d) %s\n\n%s\n\n", n, question, answer)
	}
	q(1, "What questions will you answer with this data?", strings.Repeat(para, 8))
	q(2, "Why does Mozilla need to answer these questions?  Are there benefits for users? Do we need this information to address product or business requirements? Some example responses:", strings.Repeat(para, 8))
	q(3, "What alternative methods did you consider to answer these questions? Why were they not sufficient?", strings.Repeat(para, 6))
	q(4, "Can current instrumentation answer these questions?", "No.")
	b.WriteString("5) List all proposed measurements and indicate the category of data collection for each measurement, using the [Firefox data collection categories](https://wiki.mozilla.org/Data_Collection) found on the Mozilla wiki.\n\n")
	b.WriteString("<table>\n  <tr>\n    <td>Measurement Description</td>\n    <td>Data Collection Category</td>\n    <td>Tracking Bug #</td>\n  </tr>\n")
	tail := strings.Repeat(para, 20)
	for i := 0; b.Len() < size-len(tail)-2500; i++ {
		fmt.Fprintf(&b, "  <tr>\n    <td>panel_feature.measure_%d: how often step %d happens</td>\n    <td>Category %d</td>\n    <td>Bug %d</td>\n  </tr>\n", i, i, 1+i%3, 1900000+i)
	}
	b.WriteString("</table>\n\n")
	q(6, "Please provide a link to the documentation for this data collection which describes the ultimate data set in a public, complete, and accurate way.", "https://dictionary.telemetry.mozilla.org/apps/firefox_desktop?search=panel_feature")
	q(7, "How long will this data be collected?  Choose one of the following:", "* This is scoped to a time-limited experiment/project until date 09-30-2027.")
	q(8, "What populations will you measure?", "* Which release channels?\n\n* Which countries?\n\n* Which locales?\n\n* Any other filters?  Please describe in detail below.\n\nRelease and Beta, all locales.")
	q(9, "If this data collection is default on, what is the opt-out mechanism for users?", "The telemetry preference in Settings.")
	q(10, "Please provide a general description of how you will analyze this data.", tail)
	q(11, "Where do you intend to share the results of your analysis?", "Team wiki.")
	q(12, "Is there a third-party tool (i.e. not Glean or Telemetry) that you are proposing to use for this data collection? If so:", "No.")
	return b.String()
}

// BenchmarkParseRequest measures realistic forms (target: at least 50 MB/s
// on one core, under 1 ms for 30 KB).
func BenchmarkParseRequest(b *testing.B) {
	inputs := []struct{ name, text string }{
		{"form-30KB", reqBenchForm(30 << 10)},
		{"form-300KB", reqBenchForm(300 << 10)},
	}
	for _, name := range []string{"glean-filled.txt", "rendered.html", "flattened.txt", "filled-12q.md"} {
		if s, err := os.ReadFile(filepath.Join("testdata", "requests", name)); err == nil {
			inputs = append(inputs, struct{ name, text string }{name, string(s)})
		}
	}
	// real-size samples (1-5 KB) of the shapes real forms take
	realworld, _ := filepath.Glob(filepath.Join("testdata", "realworld", "p*"))
	for _, f := range realworld {
		if strings.HasSuffix(f, ".json") {
			continue
		}
		if s, err := os.ReadFile(f); err == nil {
			inputs = append(inputs, struct{ name, text string }{filepath.Base(f), string(s)})
		}
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.text)))
			b.ReportAllocs()
			for b.Loop() {
				ParseRequest(in.text)
			}
		})
	}
}

type reqHostileInput struct{ name, text string }

// reqHostileInputs builds inputs of about size bytes meant to make a
// careless parser quadratic: deep nesting, huge tables, one giant line,
// unclosed tags, a million question-like lines, pathological Markdown.
func reqHostileInputs(size int) []reqHostileInput {
	rep := func(s string) string { return strings.Repeat(s, max(1, size/len(s))) }
	part := func(s string) string { return strings.Repeat(s, max(1, size/4/len(s))) }
	form := func(q5 string) string {
		return "1) What questions will you answer with this data?\nx\n2) Why does Mozilla need to answer these questions?\nx\n" +
			"3) What alternative methods did you consider?\nx\n4) Can current instrumentation answer these questions?\nx\n" +
			"5) List all proposed measurements and indicate the category\n" + q5 +
			"\n7) How long will this data be collected?\n" + strings.Repeat("6 months, never, 2027-01-01, Firefox 140. ", 100) + "\n"
	}
	var topics strings.Builder
	for i := 0; topics.Len() < size; i++ {
		k := i % len(reqPhrases)
		fmt.Fprintf(&topics, "%d) %s?\n", i%13, reqPhrases[k].phrase)
	}
	return []reqHostileInput{
		{"nested-html", "<html><body>" + rep("<ol><li><div><table><tr><td><p>")},
		{"unclosed-tags", rep("<table><td><p><a href='https://x'><b><li><ol start=3>")},
		{"unclosed-attr", "<p>1) What questions will you answer with this data?<p>2) <a href=\"" + rep("x")},
		{"html-table-rows", form("<table>" + rep("<tr><td>a.b_c</td><td>Category 2</td><td>1</td></tr>") + "</table>")},
		{"pipe-table-rows", form("name | cat\n--- | ---\n" + rep("`a.b#c | [a]( | Category 3 | **x** |\n"))},
		{"giant-line", rep("1) What questions will you answer with this data? a.b_c (Category 2), ")},
		{"question-lines", topics.String()},
		{"flattened-repeats", rep("1) What questions will you answer with this data? x. 2) Why does Mozilla need to answer these questions? y. ")},
		{"signals", "1) What questions will you answer with this data?\nx\n2) Why does Mozilla need to answer these questions?\nx\n" +
			"5) List all proposed measurements\nx\n7) How long will this data be collected?\n" +
			part("6 months, never, 2027-01-01, 03/04/2028, June 2029, Firefox 140, permanently monitor this data (x) owner: y. ") +
			"\n8) What populations will you measure?\n" + part("all channels, release, not release, nightly only, pre-release; ") +
			"\n9) If this data collection is default on, what is the opt-out mechanism for users?\n" +
			part("default on, not default on, opt-in only when the user agrees to a new identifier; the existing client id, ") +
			"\n12) Is there a third-party tool (i.e. not Glean or Telemetry)?\n" + part("Yes Adjust Leanplum Google Analytics, ") + "\n" +
			"10) Please provide a general description of how you will analyze this data.\n" +
			part("we do not use Sentry, compiled out of Release, not on release but Beta, a third-party SDK, ") + "\n"},
		{"negations", form(rep("not " + strings.Repeat(", ", 50) + "release Sentry "))},
		{"markdown-brackets", form(rep("[a]("))},
		{"link-targets", form("* " + rep("](a.bcd,"))},
		{"backticks", form(rep("`` ` ``` `"))},
		{"entities", rep("&amp;&lt;&#x41;&rsquo;&#0;&bogus;")},
		{"choices", form("") + rep("* I want this data to be collected for 6 months initially (potentially renewable).\n* ~~This is scoped to a time-limited experiment/project until date 01-01-2027.~~\n")},
		{"labels", form(rep("Annotation description\nData collection category\nTracking bug\n"))},
		{"bullets", form(rep("* a.b_c, d.e_f; g.h_i and j.k_l - category 2\n  * deeper\n"))},
		{"blank-lines", form(rep("\n"))},
		{"aligned-prose", form(rep("one two three four  five six seven eight\n"))},
		{"question-like-lines", form(rep("**List all proposed measurments and their categories?**\nWhat questions will this data answer?\n"))},
		{"invalid-utf8", rep("\xff\xe2\x80\x99\xc3")},
	}
}

// BenchmarkParseRequestHostile runs each hostile shape at 1 MB and 10 MB:
// linear time shows as the same MB/s at both sizes.
func BenchmarkParseRequestHostile(b *testing.B) {
	for _, size := range []int{1 << 20, 10 << 20} {
		for _, h := range reqHostileInputs(size) {
			b.Run(fmt.Sprintf("%s/%dMB", h.name, size>>20), func(b *testing.B) {
				b.SetBytes(int64(len(h.text)))
				for b.Loop() {
					ParseRequest(h.text)
				}
			})
		}
	}
}
