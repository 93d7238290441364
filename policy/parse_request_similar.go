package policy

import (
	"strings"

	"github.com/agnivade/levenshtein"
)

// Recognising a question line that was edited: a typo ("List all proposed
// measurments"), a shortened or reworded question ("What questions will
// this data answer?"), a line pasted without its number. The exact openings
// of reqPhrases find the template's own lines fast; a line they miss is
// compared with every known wording of every question (all template
// versions, reqQuestionText) by similarity.
//
// The measure is the Sørensen–Dice coefficient, 2·m / (|L| + |W|), over
// the content words of the line's first sentence (L) and of a passage of
// the wording (W). Words are lower-cased, plurals folded ("categories" is
// "category") and function words dropped ("the", "will", "you", "what"…);
// a word of the line equals a word of the wording when they are one typo
// apart (reqWordID), so a misspelt word still counts. W is the run of |L|
// consecutive words of the wording (or all of it), starting at its first
// or second word, that matches best: a shortened question compares with
// the part of the question it kept. A question is known by its opening: a
// line that only repeats the end of one ("Data collection category:", the
// second line of a hard-wrapped question) is not one. A line is a question
// when its best coefficient reaches reqSimilarThreshold with at least two
// words in common (parse_request_similar_test.go pins the threshold).

// reqSimilarThreshold is the least Dice coefficient of a question line.
// In TestReqSimilarThreshold, edited question lines (typos, shortened,
// reworded) score 0.75 or more, and answer lines and the review form's
// questions 0.70 or less (the review form's documentation question, a
// close paraphrase of the request's); the threshold sits between.
const reqSimilarThreshold = 0.72

// reqSimilarMaxWords is the most content words a question sentence has
// (the longest wording, question 5 of 2017, has 17): a longer sentence is
// prose, not a question line.
const reqSimilarMaxWords = 30

// reqSimilarMaxSkip is how many opening words of a wording a line may
// drop ("Please provide a link…" written "Link…").
const reqSimilarMaxSkip = 1

// reqStopWords carry no meaning of their own in a question line.
var reqStopWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "to": true, "for": true, "and": true, "or": true,
	"is": true, "are": true, "be": true, "will": true, "would": true, "you": true, "your": true,
	"we": true, "our": true, "this": true, "that": true, "these": true, "those": true, "with": true,
	"on": true, "in": true, "do": true, "does": true, "did": true, "what": true, "which": true,
	"how": true, "why": true, "where": true, "can": true, "if": true, "so": true, "it": true,
	"all": true, "any": true, "there": true, "i": true, "e": true, "please": true, "by": true,
	"from": true, "at": true, "as": true, "each": true, "not": true, "could": true, "should": true,
	"may": true, "might": true, "shall": true, "has": true, "have": true, "been": true,
}

// reqWording is one known wording of a question as vocabulary word ids.
type reqWording struct {
	topic int // index in reqTopicOrder
	ids   []int
}

type reqSimilarIndex struct {
	vocab    map[string]int
	words    []string // by id
	wordings []reqWording
	// deletes maps each vocabulary word with one letter deleted to the
	// words it comes from (the symmetric-delete index of SymSpell): a typo
	// is found by a few lookups instead of a distance to every word
	deletes map[string][]int
	// shapes[c] has reqLenBit(n) set when a vocabulary word starts with c
	// and is n bytes long: most words of a line need no map lookup
	shapes [256]uint64
}

// exactID returns the vocabulary id of tok as written, or -1.
func (ix *reqSimilarIndex) exactID(tok []byte) int {
	if len(tok) == 0 || ix.shapes[tok[0]]&reqLenBit(len(tok)) == 0 {
		return -1
	}
	if id, ok := ix.vocab[string(tok)]; ok {
		return id
	}
	return -1
}

// reqSimilar is compiled once from reqQuestionText: the first sentence of
// every wording, because the rest (Q2's examples, Q7's "Choose one of the
// following:") is what requesters cut first.
var reqSimilar = func() *reqSimilarIndex {
	ix := &reqSimilarIndex{vocab: map[string]int{}}
	for ti, t := range reqTopicOrder {
		for _, q := range reqQuestionText[t] {
			q = q[:reqQuestionSentenceEnd(q)]
			w := reqWording{topic: ti}
			reqEachContentWord(q, func(tok []byte, _, _ int) bool {
				id, seen := ix.vocab[string(tok)]
				if !seen {
					id = len(ix.words)
					ix.vocab[string(tok)] = id
					ix.words = append(ix.words, string(tok))
					ix.shapes[tok[0]] |= reqLenBit(len(tok))
				}
				w.ids = append(w.ids, id)
				return true
			})
			ix.wordings = append(ix.wordings, w)
		}
	}
	ix.deletes = map[string][]int{}
	for id, w := range ix.words {
		for i := range len(w) {
			d := w[:i] + w[i+1:]
			if k := ix.deletes[d]; len(k) == 0 || k[len(k)-1] != id {
				ix.deletes[d] = append(k, id)
			}
		}
	}
	return ix
}()

// reqMaxWordLen is the longest word compared; longer ones are not question
// words.
const reqMaxWordLen = 24

// reqContentWord lower-cases w into buf and folds a plural; ok is false for
// a function word, a number or a word too long or short to compare.
func reqContentWord(buf []byte, w string) ([]byte, bool) {
	if len(w) > reqMaxWordLen || len(w) < 2 {
		return nil, false
	}
	digits := true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 0x80 {
			return nil, false // no question word is written outside ASCII
		}
		digits = digits && reqIsDigit(c)
		buf = append(buf, reqLowerByte(c))
	}
	if digits || reqIsStopWord(buf) {
		return nil, false
	}
	switch n := len(buf); {
	case n > 4 && string(buf[n-3:]) == "ies":
		buf = append(buf[:n-3], 'y')
	case n > 3 && buf[n-1] == 's' && buf[n-2] != 's':
		buf = buf[:n-1]
	default:
		return buf, true // unchanged: not a stop word, as seen above
	}
	if reqIsStopWord(buf) {
		return nil, false
	}
	return buf, true
}

// reqIsStopWord reports a lower-case word of reqStopWords; most words are
// told apart by their length and first letter, without the map.
func reqIsStopWord(w []byte) bool {
	if len(w) == 0 || len(w) >= len(reqStopWordShapes) || w[0] < 'a' || w[0] > 'z' ||
		reqStopWordShapes[len(w)]&(1<<(w[0]-'a')) == 0 {
		return false
	}
	return reqStopWords[string(w)]
}

// reqStopWordShapes[n] has bit c-'a' set when a stop word of n bytes starts
// with the letter c.
var reqStopWordShapes = func() (t [8]uint32) {
	for w := range reqStopWords {
		if len(w) >= len(t) || w[0] < 'a' || w[0] > 'z' {
			panic("policy: stop word " + w + " does not fit reqStopWordShapes")
		}
		t[len(w)] |= 1 << (w[0] - 'a')
	}
	return t
}()

// reqEachContentWord calls fn with each content word of s (lower-cased and
// folded by reqContentWord, in a buffer valid for the call) and its bounds
// in s, until fn returns false.
func reqEachContentWord(s string, fn func(tok []byte, st, en int) bool) {
	var buf [reqMaxWordLen]byte
	for i := 0; ; {
		st, en := reqNextWord(s, i)
		if st >= len(s) {
			return
		}
		i = en
		if tok, ok := reqContentWord(buf[:0], s[st:en]); ok && !fn(tok, st, en) {
			return
		}
	}
}

// reqWordID returns the vocabulary id of a content word, allowing one typo
// in a word of five letters or more: a letter missing, added or changed, or
// two letters swapped ("measurments", "colected", "anwser"). Candidates
// come from the delete index; among them the nearest by Levenshtein
// distance wins (at most 1, or 2 for a swap). It returns -1 for a word of
// no question.
func (ix *reqSimilarIndex) reqWordID(tok []byte) int {
	if id := ix.exactID(tok); id >= 0 {
		return id
	}
	if len(tok) < 5 {
		return -1
	}
	best, bestD := -1, 3
	try := func(ids []int) {
		for _, id := range ids {
			if d := levenshtein.ComputeDistance(string(tok), ix.words[id]); d < bestD {
				best, bestD = id, d
			}
		}
	}
	try(ix.deletes[string(tok)]) // a letter missing from tok
	var buf [reqMaxWordLen]byte
	for i := range tok {
		d := append(append(buf[:0], tok[:i]...), tok[i+1:]...)
		if id, ok := ix.vocab[string(d)]; ok { // a letter added to tok
			try([]int{id})
		}
		try(ix.deletes[string(d)]) // a letter changed, or two swapped
	}
	if bestD > 2 || (bestD == 2 && len(tok) < 6) {
		return -1
	}
	return best
}

// reqQuestionSentenceEnd returns where the question that s starts with
// ends: after its first "?", or a "." that ends a sentence, or at the end of
// the line.
func reqQuestionSentenceEnd(s string) int {
	le := reqLineEnd(s, 0)
	for i := 0; i < le; i++ {
		switch s[i] {
		case '?':
			return i + 1
		case '.':
			if i+1 == le || (s[i+1] == ' ' && i+2 < le && 'A' <= s[i+2] && s[i+2] <= 'Z') {
				return i + 1
			}
		}
	}
	return le
}

// reqSimilarQuestion compares the sentence s (a question line without its
// number and markup) with every known wording and returns the topic index
// of the best one at or above the threshold, or -1, and its score.
func reqSimilarQuestion(s string) (int, float64) {
	ix := reqSimilar
	var ids [reqSimilarMaxWords]int
	var at [reqSimilarMaxWords][2]int
	var buf [reqMaxWordLen]byte
	// (the loop of reqEachContentWord, written out: a closure here would
	// move the arrays to the heap)
	n, exact := 0, 0
	for i := 0; ; {
		st, en := reqNextWord(s, i)
		if st >= len(s) {
			break
		}
		i = en
		tok, ok := reqContentWord(buf[:0], s[st:en])
		if !ok {
			continue
		}
		if n == len(ids) {
			return -1, 0 // prose
		}
		ids[n], at[n] = ix.exactID(tok), [2]int{st, en}
		if ids[n] >= 0 {
			exact++
		}
		n++
	}
	// a line without one word of any question as it is written is not
	// one: the search for typos (the costly part) is spared most lines
	if n < 2 || exact == 0 {
		return -1, 0
	}
	for k := 0; k < n; k++ {
		if ids[k] < 0 {
			tok, _ := reqContentWord(buf[:0], s[at[k][0]:at[k][1]])
			ids[k] = ix.reqWordID(tok)
		}
	}
	// the line's words as counts by vocabulary id, so that a passage of a
	// wording is compared in one pass over it
	var have [reqSimilarMaxVocab]uint8
	for _, id := range ids[:n] {
		if id >= 0 && id < reqSimilarMaxVocab {
			have[id]++
		}
	}
	best, bestScore := -1, 0.0
	for _, w := range ix.wordings {
		wn := min(len(w.ids), n)
		for at := 0; at <= reqSimilarMaxSkip && at+wn <= len(w.ids); at++ {
			m := reqCountCommon(&have, w.ids[at:at+wn])
			if m < 2 {
				continue
			}
			if score := 2 * float64(m) / float64(n+wn); score > bestScore {
				best, bestScore = w.topic, score
			}
		}
	}
	if bestScore < reqSimilarThreshold {
		return -1, bestScore
	}
	return best, bestScore
}

// reqSimilarTo reports whether sentence s reads as a wording of topic
// index t.
func reqSimilarTo(s string, t int) bool {
	got, _ := reqSimilarQuestion(s)
	return got == t
}

// reqCountCommon counts the words of w that the line has (have: the line's
// words counted by id), each word of the line matched at most once.
func reqCountCommon(have *[reqSimilarMaxVocab]uint8, w []int) int {
	var used [reqSimilarMaxVocab]uint8
	m := 0
	for _, y := range w {
		if y < reqSimilarMaxVocab && used[y] < have[y] {
			used[y]++
			m++
		}
	}
	return m
}

// reqSimilarMaxVocab bounds the vocabulary of the question wordings (54
// words; TestReqSimilarVocabFits keeps it under the bound).
const reqSimilarMaxVocab = 128

// reqSimilarHeading reads the line after its heading prefix (rest) as an
// edited question line, when a sentence may start there (opens). Only a
// line shaped as a heading is compared: one with a number or heading markup
// before it (prefixed), or whose first sentence ends with "?", or whose
// line ends with ":"; a line of prose never is. It returns the topic index
// and the length of the question sentence, or -1.
func reqSimilarHeading(opens bool, rest string, prefixed bool) (int, int) {
	if !opens || rest == "" || !reqIsASCIILetterOrDigit(rest[0]) {
		return -1, 0
	}
	se := reqQuestionSentenceEnd(rest)
	if !prefixed && rest[se-1] != '?' && !strings.HasSuffix(strings.TrimRight(rest[:se], " \t*_"), ":") {
		return -1, 0
	}
	if se > 400 {
		return -1, 0
	}
	t, _ := reqSimilarQuestion(rest[:se])
	return t, se
}
