package policy

import (
	"strings"
	"testing"
)

// reqLowerASCIIByteByByte is reqLowerASCII's specification.
func reqLowerASCIIByteByByte(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = reqLowerByte(c)
	}
	return string(b)
}

func TestReqLowerASCII(t *testing.T) {
	for _, s := range []string{"", "a", "A", "ABC", "ABc d", "aBc", "Client_ID é É", "x\x00Y\xffZ", "lower only", "ENDS WITH CAP Z"} {
		if got, want := reqLowerASCII(s), reqLowerASCIIByteByByte(s); got != want {
			t.Errorf("reqLowerASCII(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzReqLowerASCII(f *testing.F) {
	f.Add("Client_ID é É")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := reqLowerASCII(s), reqLowerASCIIByteByByte(s); got != want {
			t.Errorf("reqLowerASCII(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestReqWordCursorMatchesMatchWords checks that matching a word list
// against the words read once gives reqMatchWords' result, on every
// question wording of the templates at the start of texts of the test data
// (and past the cursor's kept words).
func TestReqWordCursorMatchesMatchWords(t *testing.T) {
	var regions []string
	for _, tt := range reqTemplates {
		for _, q := range tt.questions {
			w := strings.Join(q, " ")
			regions = append(regions, w, strings.ToUpper(w)+"? the answer", w[:len(w)/2], "**"+w+"**\n\nyes")
		}
	}
	regions = append(regions, strings.Repeat("word ", 200), "", "  ")
	for _, tt := range reqTemplates {
		for _, region := range regions {
			c := reqWordCursor{s: region}
			for _, q := range append(tt.questions, strings.Fields(strings.Repeat("word ", 150))) {
				n, end := c.match(q)
				wn, wend := reqMatchWords(region, 0, q)
				if n != wn || end != wend {
					t.Fatalf("match(%q) on %.60q = %d, %d; reqMatchWords gives %d, %d", q, region, n, end, wn, wend)
				}
			}
		}
	}
}

// TestReqIsStopWord checks the shortcut of reqIsStopWord against the map.
func TestReqIsStopWord(t *testing.T) {
	for w := range reqStopWords {
		if !reqIsStopWord([]byte(w)) {
			t.Errorf("reqIsStopWord(%q) = false", w)
		}
	}
	for _, w := range []string{"", "x", "data", "measurement", "whom", "the1", "Ahe"} {
		if got := reqIsStopWord([]byte(w)); got != reqStopWords[w] {
			t.Errorf("reqIsStopWord(%q) = %v", w, got)
		}
	}
}

// TestReqTemplateChoicesFit checks that every choice id fits the bit sets
// of reqDecideChoices.
func TestReqTemplateChoicesFit(t *testing.T) {
	for topic, tt := range reqTemplates {
		for _, u := range tt.units {
			if u.choice && (u.id < 0 || u.id >= 64) {
				t.Errorf("%s: choice id %d does not fit in 64 bits", topic, u.id)
			}
		}
	}
}

// TestReqNextUpper checks the eight-byte test of reqNextUpper on every
// byte value at every position of a word, against a byte loop.
func TestReqNextUpper(t *testing.T) {
	byteLoop := func(s string) int {
		for i := 0; i < len(s); i++ {
			if 'A' <= s[i] && s[i] <= 'Z' {
				return i
			}
		}
		return len(s)
	}
	for v := 0; v < 256; v++ {
		for p := 0; p < 8; p++ {
			for _, fill := range []byte{'a', '@', '[', 0x80, 0xff} {
				b := []byte(strings.Repeat(string(fill), 17))
				b[p] = byte(v)
				s := string(b)
				if got, want := reqNextUpper(s, 0), byteLoop(s); got != want {
					t.Fatalf("reqNextUpper(%q, 0) = %d, want %d", s, got, want)
				}
			}
		}
	}
}

// TestReqPhrasesOpenWithTwoLetters keeps reqMatchPhrase's shortcut exact:
// the first two bytes of every phrase are lower-case letters.
func TestReqPhrasesOpenWithTwoLetters(t *testing.T) {
	for _, p := range reqPhrases {
		if len(p.phrase) < 2 || p.phrase[0] < 'a' || p.phrase[0] > 'z' || p.phrase[1] < 'a' || p.phrase[1] > 'z' {
			t.Errorf("phrase %q does not open with two lower-case letters", p.phrase)
		}
	}
}

// reqMatchWordingFromStart is reqMatchWording matching every wording from
// its start (as reqStripQuestion did before it skipped the words a wording
// shares with the one before): its specification.
func reqMatchWordingFromStart(tmpl *reqTopicTemplate, region string) (best int, full bool) {
	for _, q := range tmpl.questions {
		if n, end := reqMatchWords(region, 0, q); n > 0 && end > best {
			best, full = end, n == len(q)
		}
	}
	return best, full
}

// TestReqMatchWordingSharedWords checks reqMatchWording against its
// specification on each topic's wordings cut at every word.
func TestReqMatchWordingSharedWords(t *testing.T) {
	for topic, tmpl := range reqTemplates {
		for _, q := range tmpl.questions {
			for cut := 0; cut <= len(q); cut++ {
				for _, tail := range []string{"", " and more\nyes", "? zzz yes", "**\n\nNo."} {
					region := strings.Join(q[:cut], " ") + tail
					best, full := reqMatchWording(tmpl, region)
					wantBest, wantFull := reqMatchWordingFromStart(tmpl, region)
					if best != wantBest || full != wantFull {
						t.Errorf("%s, %q: %d %v, want %d %v", topic, region, best, full, wantBest, wantFull)
					}
				}
			}
		}
	}
}
