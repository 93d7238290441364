package policy

// reqWords is a lower-case text with the bounds of its words (the runs of
// ASCII letters and digits that reqPhraseList reads), found once. Each
// answer is read by several phrase lists one after another (default on,
// default off; new identifiers, no identifiers); finding its words once
// for each pair and handing them to both lists spares a pass over its
// bytes, which was most of what a list cost.
type reqWords struct {
	ls string
	at []int32 // start and end of each word, in pairs
}

// reqWordsOnStack is how many word bounds the readers of reqWords keep
// in an array of their own (512 words, 4 KB of stack): an answer that long
// or shorter costs no allocation.
const reqWordsOnStack = 1024

// reqWordsOf lower-cases each text and finds its words.
func reqWordsOf(texts []string) []reqWords {
	out := make([]reqWords, len(texts))
	for i, t := range texts {
		ls := reqLowerASCII(t)
		out[i] = reqWords{ls: ls, at: reqAppendWords(nil, ls)}
	}
	return out
}

// reqAppendWords appends the start and end of each word of ls to at (the
// loop of reqPhraseList.each).
func reqAppendWords(at []int32, ls string) []int32 {
	for st := 0; st < len(ls); {
		if !reqLetterOrDigit[ls[st]] {
			st++
			continue
		}
		en := st + 1
		for en < len(ls) && reqLetterOrDigit[ls[en]] {
			en++
		}
		at = append(at, int32(st), int32(en))
		st = en
	}
	return at
}

// eachIn is each over words already found: the same phrases, in the same
// order, with the same bounds.
func (pl *reqPhraseList) eachIn(w reqWords, fn func(start, end, phrase int) bool) {
	ls := w.ls
	for k := 0; k+1 < len(w.at); k += 2 {
		st, en := int(w.at[k]), int(w.at[k+1])
		if pl.shapes[ls[st]]&reqLenBit(en-st) == 0 {
			continue
		}
		for _, p := range pl.first[ls[st:en]] {
			if end, ok := pl.matchRest(ls, en, pl.phrases[p][1:]); ok {
				if !fn(st, end, p) {
					return
				}
				break
			}
		}
	}
}

// anyIn is any over words already found.
func (pl *reqPhraseList) anyIn(w reqWords, keep func(start, end, phrase int) bool) bool {
	found := false
	pl.eachIn(w, func(st, en, p int) bool {
		if keep == nil || keep(st, en, p) {
			found = true
			return false
		}
		return true
	})
	return found
}
