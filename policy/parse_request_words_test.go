package policy

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// findReqHeadingsInLineSpec is findReqHeadingsInLine as it was before it
// read a line for the marks of an opening: it stops after every space of
// the line. It is the specification the faster reading must match.
func findReqHeadingsInLineSpec(out []reqHeading, s string, off, end int, opens bool) []reqHeading {
	line := s[off:end]
	p, num := reqSkipHeadingPrefix(line)
	from := p
	if t := reqMatchPhrase(s[off+p:]); t >= 0 {
		out = append(out, reqHeading{topic: t, number: num, start: off, phrase: off + p})
		from = p + 1
	} else if t, qe := reqSimilarHeading(opens || num > 0, line[p:], num > 0 || reqHasHeadingMarkup(line[:p])); t >= 0 {
		out = append(out, reqHeading{topic: t, number: num, start: off, phrase: off + p, body: off + p + qe})
		from = p + qe
	}
	// openings inside the line, after white space (and markup):
	// "… data? 2) Why does Mozilla …", "… (2) Why …", "… data. Why does …"
	for i := from; i < len(line); {
		k := strings.IndexByte(line[i:], ' ')
		if k < 0 {
			break
		}
		q := i + k
		for q < len(line) && (line[q] == ' ' || line[q] == '*' || line[q] == '_' || line[q] == '(') {
			q++
		}
		i = q
		if q >= len(line) {
			break
		}
		switch c := line[q]; {
		case reqIsDigit(c):
			n, next, ok := reqParseNumberMarker(line[q:], line[q-1] == '(')
			if !ok {
				continue
			}
			if t := reqMatchPhrase(s[off+q+next:]); t >= 0 {
				out = append(out, reqHeading{topic: t, number: n, start: off + reqBackOverMarkup(line, q), phrase: off + q + next})
				i = q + next
			}
		case (c == 'Q' || c == 'q') && q+1 < len(line) && reqIsDigit(line[q+1]):
			n, next, ok := reqParseNumberMarker(line[q+1:], false)
			if !ok {
				continue
			}
			if t := reqMatchPhrase(s[off+q+1+next:]); t >= 0 {
				out = append(out, reqHeading{topic: t, number: n, start: off + reqBackOverMarkup(line, q), phrase: off + q + 1 + next})
				i = q + 1 + next
			}
		case reqIsSentenceOpening(line, q):
			if t := reqMatchPhrase(s[off+q:]); t >= 0 {
				out = append(out, reqHeading{topic: t, start: off + reqBackOverMarkup(line, q), phrase: off + q})
			}
		}
	}
	return out
}

// reqEachLine calls fn with the bounds of each line of s and whether a
// sentence may open it, as findReqHeadings reads them.
func reqEachLine(s string, fn func(off, end int, opens bool)) {
	opens := true
	for ls := 0; ls < len(s); {
		le := reqLineEnd(s, ls)
		fn(ls, le, opens)
		opens = reqLineEndsSentence(s[ls:le])
		ls = le + 1
	}
}

// checkReqHeadingOpenings compares findReqHeadingsInLine with its
// specification on every line of s, as a line that opens a sentence and as
// one that does not.
func checkReqHeadingOpenings(t *testing.T, s string) {
	t.Helper()
	reqEachLine(s, func(off, end int, opens bool) {
		for _, o := range []bool{opens, !opens} {
			got := findReqHeadingsInLine(nil, s, off, end, o)
			want := findReqHeadingsInLineSpec(nil, s, off, end, o)
			if diff := cmp.Diff(got, want, cmp.AllowUnexported(reqHeading{})); diff != "" {
				t.Fatalf("line %q (opens %v): headings differ (-got +want):\n%s", s[off:end], o, diff)
			}
		}
	})
}

// reqHeadingOpeningLines are lines whose openings sit at the edges of what
// the reading by marks looks for: markup and brackets around numbers,
// sentence ends right before the scan starts, numbers glued to words.
var reqHeadingOpeningLines = []string{
	"1) What questions will you answer with this data? 2) Why does Mozilla need to answer these questions?",
	"What questions will you answer?** **Why does Mozilla need to answer these questions? (3) What alternative methods did you consider?",
	"Some answer. Can current instrumentation answer these questions? Yes.  List all proposed measurements",
	"answer:   *_What alternative methods did you consider_* text Q4: Can current instrumentation answer these questions",
	"x.5) Why does Mozilla need to answer these questions? a12) What alternative methods q7) How long will this data be collected",
	"What questions will you answer with this data?? ? (2)Why does Mozilla need (2) Why does Mozilla need",
	"e.g. What questions will you answer i.e. Why does Mozilla need: Please provide a link to the documentation",
	"5.What questions will you answer 5. What questions will you answer 5 - Why does Mozilla need 5 -Why does Mozilla need",
	"**1)** What questions will you answer **2)** Why does Mozilla need ** 3) ** What alternative methods",
	"end.\tWhat questions will you answer. (What alternative methods. ( What alternative methods",
	"What questoins will you answr with this data? Why does Mozilla need to answer these questions?",
	"Q10: Where do you intend to share the results of your analysis? Q 11: Is there a third-party tool",
}

// TestReqHeadingOpeningsMatchSpec checks the reading by marks against the
// word-by-word specification on the lines above and every file of the test
// data, as written and with CRLF line ends.
func TestReqHeadingOpeningsMatchSpec(t *testing.T) {
	for _, l := range reqHeadingOpeningLines {
		checkReqHeadingOpenings(t, l)
		checkReqHeadingOpenings(t, strings.ToLower(l))
	}
	reqEachTestdataText(t, func(text string) {
		s := normalizeRequestText(text)
		checkReqHeadingOpenings(t, s)
		checkReqHeadingOpenings(t, strings.ReplaceAll(s, "\n", " "))
	})
}

// reqEachTestdataText calls fn with the text of every file of the test
// data.
func reqEachTestdataText(t *testing.T, fn func(text string)) {
	t.Helper()
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fn(string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func FuzzReqHeadingOpenings(f *testing.F) {
	for _, l := range reqHeadingOpeningLines {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkReqHeadingOpenings(t, s)
	})
}

// reqWordsPhraseLists are the lists that read answers by their words.
var reqWordsPhraseLists = []*reqPhraseList{
	reqDefaultOnPhrases, reqDefaultOffPhrases, reqNewIdentifierPhrases, reqNoIdentifierPhrases, reqGenericToolPhrases,
}

type reqPhraseHit struct{ st, en, p int }

// checkReqPhraseListEachIn compares eachIn over the words of s with each
// over s, for every list, reading all hits and stopping after the first.
func checkReqPhraseListEachIn(t *testing.T, s string) {
	t.Helper()
	w := reqWordsOf([]string{s})[0]
	for li, pl := range reqWordsPhraseLists {
		for _, stopAt := range []int{1, -1} {
			var got, want []reqPhraseHit
			pl.eachIn(w, func(st, en, p int) bool {
				got = append(got, reqPhraseHit{st, en, p})
				return len(got) != stopAt
			})
			pl.each(w.ls, func(st, en, p int) bool {
				want = append(want, reqPhraseHit{st, en, p})
				return len(want) != stopAt
			})
			if diff := cmp.Diff(got, want, cmp.AllowUnexported(reqPhraseHit{})); diff != "" {
				t.Fatalf("list %d on %q: hits differ (-got +want):\n%s", li, s, diff)
			}
		}
	}
}

// TestReqPhraseListEachInMatchesEach checks the lists' reading of words
// found once against their reading of the text, on every file of the test
// data.
func TestReqPhraseListEachInMatchesEach(t *testing.T) {
	checkReqPhraseListEachIn(t, "Default-on in Nightly, not on by default on release; a new client id, no new identifiers; Sentry, a third-party tool")
	reqEachTestdataText(t, func(text string) { checkReqPhraseListEachIn(t, text) })
}

func FuzzReqPhraseListEachIn(f *testing.F) {
	f.Add("it is on by default; opt-in on release; a new uuid")
	f.Fuzz(func(t *testing.T, s string) {
		checkReqPhraseListEachIn(t, s)
	})
}
