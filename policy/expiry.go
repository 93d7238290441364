package policy

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Expiries as requesters write them, normalised: dates to YYYY-MM-DD (the
// form asks for MM-DD-YYYY; day-first is read when the month cannot be
// first, and with dots, the European way), versions to "version N"
// ("Firefox 140", "Fx140", "v140", glean_parser's bare "140"), durations to
// "N months" ("six months", "1 year"), and "never" for permanent
// collection ("permanently", "indefinitely", "no expiry").

// reqExpiryWord is one word of an expiry text: a run of ASCII letters and
// digits in the lower-cased text, with the separator that follows it.
type reqExpiryWord struct {
	w          string
	start, end int
	digits     bool
}

var reqMonths = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
	"jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var reqNumberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
}

var reqVersionWords = map[string]bool{
	"firefox": true, "fx": true, "ff": true, "version": true, "v": true, "release": true, "gecko": true,
	"fenix": true, "focus": true, "nightly": true, "beta": true, "esr": true,
}

var reqDurationUnits = map[string]string{
	"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
	"year": "year", "years": "year",
	// as people abbreviate them
	"wk": "week", "wks": "week", "mo": "month", "mos": "month", "mth": "month", "mths": "month",
	"yr": "year", "yrs": "year",
}

// reqExpiryAt is an expiry with the offset where it was written.
type reqExpiryAt struct {
	at int
	x  Expiry
}

// parseReqExpiries reads the expiries in the answer to the duration
// question, in the order written and without repeats. It is one pass over
// the words of the text.
func parseReqExpiries(text string) []Expiry {
	ls := reqLowerASCII(text)
	ws := make([]reqExpiryWord, 0, len(ls)/6+1) // about a word per six bytes
	for i := 0; ; {
		st, en := reqNextASCIIWord(ls, i)
		if st >= len(ls) {
			break
		}
		digits := true
		for k := st; k < en && digits; k++ {
			digits = reqIsDigit(ls[k])
		}
		ws = append(ws, reqExpiryWord{ls[st:en], st, en, digits})
		i = en
	}
	// sep returns the text between words k and k+1.
	sep := func(k int) string {
		if k+1 >= len(ws) {
			return ls[ws[k].end:]
		}
		return ls[ws[k].end:ws[k+1].start]
	}
	num := func(k int) int {
		n, _ := strconv.Atoi(ws[k].w)
		return n
	}
	var found []reqExpiryAt
	add := func(k int, x Expiry) { found = append(found, reqExpiryAt{ws[k].start, x}) }
	date := func(k, y, m, d int) bool {
		if !reqValidDate(y, m, d) {
			return false
		}
		add(k, Expiry{Kind: ExpiryDate, Value: fmt.Sprintf("%04d-%02d-%02d", y, m, d)})
		return true
	}
	// glean_parser's "Parts of this collection expire at different times:
	// 140, never, 2030-01-01." lists bare versions up to the end of its line
	glean, gleanEnd := -1, -1
	for k := 0; k+4 < len(ws); k++ {
		if ws[k].w == "expire" && ws[k+1].w == "at" && ws[k+2].w == "different" && ws[k+3].w == "times" {
			glean, gleanEnd = k+4, reqLineEnd(ls, ws[k+3].end)
			break
		}
	}

	for k := 0; k < len(ws); k++ {
		w, from := ws[k], k
		switch {
		case w.digits && k+2 < len(ws) && ws[k+1].digits && ws[k+2].digits && len(sep(k)) == 1 && sep(k) == sep(k+1) &&
			strings.Contains("-/.", sep(k)):
			// three numbers: YYYY-MM-DD, or the form's MM-DD-YYYY (DD.MM.YYYY with dots)
			a, b, c := num(k), num(k+1), num(k+2)
			ok := false
			switch {
			case len(w.w) == 4 && len(ws[k+1].w) <= 2 && len(ws[k+2].w) <= 2:
				ok = date(k, a, b, c)
			case len(w.w) <= 2 && len(ws[k+1].w) <= 2 && len(ws[k+2].w) == 4:
				month, day := a, b
				if sep(k) == "." || a > 12 {
					month, day = b, a
				}
				ok = date(k, c, month, day) || date(k, c, day, month)
			}
			if ok {
				k += 2
			}
		case reqMonths[w.w] > 0 && k+1 < len(ws):
			// "March 31, 2027", "March 31st 2027", "June 2027"
			m := reqMonths[w.w]
			if d, ok := reqDayWord(ws[k+1].w); ok && k+2 < len(ws) && reqYearWord(ws[k+2]) && date(k, num(k+2), m, d) {
				k += 2
			} else if reqYearWord(ws[k+1]) && date(k, num(k+1), m, reqDaysIn(num(k+1), m)) { // "until June 2027": its last day
				k++
			}
		case k+2 < len(ws) && reqMonths[ws[k+1].w] > 0 && reqYearWord(ws[k+2]):
			// "31 March 2027", "1st June 2027"
			if d, ok := reqDayWord(w.w); ok && date(k, num(k+2), reqMonths[ws[k+1].w], d) {
				k += 2
			}
		case w.digits && glean >= 0 && k >= glean && w.start < gleanEnd && len(w.w) <= 4 && !reqThreeNumbers(ws, k):
			if n := num(k); n > 0 {
				add(k, Expiry{Kind: ExpiryVersion, Value: "version " + strconv.Itoa(n)})
			}
		case reqVersionWords[w.w] || strings.HasPrefix(w.w, "expir"):
			// "Firefox 140", "version 140", "expires in 140", "expiry: 152"
			j := k + 1
			for j < len(ws) && j <= k+2 && (ws[j].w == "version" || ws[j].w == "at" || ws[j].w == "in" || ws[j].w == "on" || ws[j].w == "after" || ws[j].w == "with" || ws[j].w == "by") {
				j++
			}
			if j < len(ws) && ws[j].digits && len(ws[j].w) >= 2 && len(ws[j].w) <= 3 && num(j) > 0 &&
				!reqThreeNumbers(ws, j) && !reqFollowedByUnit(ls, ws[j].end) {
				add(j, Expiry{Kind: ExpiryVersion, Value: "version " + strconv.Itoa(num(j))})
				k = j
			}
		case reqVersionPrefixed(w.w) > 0:
			// "v140", "fx140", "firefox140"
			add(k, Expiry{Kind: ExpiryVersion, Value: "version " + strconv.Itoa(reqVersionPrefixed(w.w))})
		}
		if k != from {
			continue // the words were read as a date or a version
		}
		// durations: "6 months", "six months", "a year", "12-month", "six
		// (6) months"; not "once a day" or "every 6 months"
		n := 0
		if w.digits && len(w.w) <= 3 {
			n = num(k)
		} else if v, ok := reqNumberWords[w.w]; ok {
			n = v
		}
		if k > 0 {
			switch ws[k-1].w {
			case "once", "twice", "per", "every", "each", "times":
				n = 0
			}
		}
		if n > 0 && k+1 < len(ws) {
			j := k + 1
			if ws[j].digits && strings.HasSuffix(strings.TrimSpace(sep(k)), "(") && j+1 < len(ws) {
				j++ // "six (6) months"
			}
			if unit, ok := reqDurationUnits[ws[j].w]; ok && !reqThreeNumbers(ws, k) {
				if n != 1 {
					unit += "s"
				}
				add(k, Expiry{Kind: ExpiryDuration, Value: strconv.Itoa(n) + " " + unit})
				k = j
				continue
			}
		}
		// never
		switch w.w {
		case "never", "permanent", "permanently", "indefinite", "indefinitely", "forever":
			if !reqNegated(ls, w.start, w.end) {
				add(k, Expiry{Kind: ExpiryNever, Value: "never"})
			}
		case "no":
			if k+1 < len(ws) && (ws[k+1].w == "expiry" || ws[k+1].w == "expiration" || ws[k+1].w == "end" && k+2 < len(ws) && ws[k+2].w == "date") {
				add(k, Expiry{Kind: ExpiryNever, Value: "never"})
			}
		case "expire":
			if k >= 1 && (ws[k-1].w == "not" || ws[k-1].w == "t" && k >= 2 && (ws[k-2].w == "doesn" || ws[k-2].w == "won")) {
				add(k, Expiry{Kind: ExpiryNever, Value: "never"})
			}
		}
	}

	sort.SliceStable(found, func(i, j int) bool { return found[i].at < found[j].at })
	out := []Expiry{}
	seen := map[Expiry]bool{}
	for _, f := range found {
		if !seen[f.x] {
			seen[f.x] = true
			out = append(out, f.x)
		}
	}
	return out
}

// reqThreeNumbers reports word k as part of a date written with numbers.
func reqThreeNumbers(ws []reqExpiryWord, k int) bool {
	isDate := func(i int) bool {
		if i < 0 || i+2 >= len(ws) || !ws[i].digits || !ws[i+1].digits || !ws[i+2].digits {
			return false
		}
		return ws[i].end+1 == ws[i+1].start && ws[i+1].end+1 == ws[i+2].start
	}
	return isDate(k) || isDate(k-1) || isDate(k-2)
}

// reqDayWord reads a day of the month: "3", "03", "3rd", "31st".
func reqDayWord(w string) (int, bool) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		w = strings.TrimSuffix(w, suf)
	}
	if len(w) == 0 || len(w) > 2 || !reqAllDigits(w) {
		return 0, false
	}
	n, err := strconv.Atoi(w)
	return n, err == nil
}

func reqYearWord(w reqExpiryWord) bool { return w.digits && len(w.w) == 4 }

// reqVersionPrefixed reads "v140", "fx140", "ff140", "firefox140".
func reqVersionPrefixed(w string) int {
	for _, p := range []string{"firefox", "fx", "ff", "v"} {
		if len(w) >= len(p)+2 && len(w) <= len(p)+3 && strings.HasPrefix(w, p) && reqAllDigits(w[len(p):]) {
			n, err := strconv.Atoi(w[len(p):])
			if err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}

// reqAllDigits reports a word made of ASCII digits only. The day and
// version readers test it before strconv.Atoi, whose error for every other
// word ("very", "ffmpeg") is an allocation.
func reqAllDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if !reqIsDigit(w[i]) {
			return false
		}
	}
	return w != ""
}

// reqFollowedByUnit reports "140 days" and the like, which are durations.
func reqFollowedByUnit(ls string, i int) bool {
	rest := strings.TrimLeft(ls[i:min(len(ls), i+12)], " -")
	for _, u := range []string{"day", "week", "month", "year", "%"} {
		if strings.HasPrefix(rest, u) {
			return true
		}
	}
	return false
}

func reqDaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// reqValidDate accepts real calendar dates from 1990 to 2200.
func reqValidDate(y, m, d int) bool {
	return y >= 1990 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= reqDaysIn(y, m)
}

var (
	reqOwnerParenRE = regexp.MustCompile(`(?i)permanently\s+monitor\s+this\s+data\.?[ \t]*(?:\(([^)\n]{1,200})\)|[-:,]?[ \t]*([^\n(]{1,200}))`)
	reqOwnerWillRE  = regexp.MustCompile(`(?im)^[\s>*\-]*([^\n]{1,120}?)\s+(?:will\s+be|is|are)\s+(?:the\s+)?(?:responsible|owner|owners|monitoring|in\s+charge)\b`)
	reqOwnerLabelRE = regexp.MustCompile(`(?i)\b(?:owned|monitored|maintained)\s+by\s*:?\s*([^\n;()]{1,120})|\b(?:owner|responsible(?:\s+(?:person|party|individual|team))?|point\s+of\s+contact|contact)\s*(?:is|will\s+be|:|-)\s*([^\n;()]{1,120})`)
	reqEmailRE      = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
)

// parseReqOwner reads who will monitor a permanent collection from the
// duration answer: the name put in the template's "(put someone's name
// here)", glean_parser's "X will be responsible for the permanent
// collections", an "Owner: X" label, or (for a permanent collection) an
// e-mail address.
func parseReqOwner(text string, permanent bool) string {
	ls := reqLowerASCII(text)
	if strings.Contains(ls, "monitor") {
		for _, m := range reqOwnerParenRE.FindAllStringSubmatch(text, -1) {
			if o := reqCleanOwner(m[1] + m[2]); o != "" {
				return o
			}
		}
	}
	for _, re := range []*regexp.Regexp{reqOwnerWillRE, reqOwnerLabelRE} {
		if !(strings.Contains(ls, "responsib") || strings.Contains(ls, "owne") || strings.Contains(ls, "monitor") ||
			strings.Contains(ls, "charge") || strings.Contains(ls, "contact")) {
			break
		}
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			if o := reqCleanOwner(strings.Join(m[1:], "")); o != "" {
				return o
			}
		}
	}
	if permanent {
		return reqEmailRE.FindString(text)
	}
	return ""
}

// reqCleanOwner trims markup and sentence ends from an owner and rejects
// placeholders.
func reqCleanOwner(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i]
	}
	s = strings.Trim(strings.TrimSpace(s), "*_`[]()<>\"'.,:;- ")
	s = reqCollapseSpaces(s)
	l := strings.ToLower(s)
	if !reqHasLetter(s) || len(s) > 120 {
		return ""
	}
	for _, p := range []string{"put someone", "name here", "someone's name", "tbd", "todo", "n/a", "nobody", "no one", "none"} {
		if strings.Contains(l, p) {
			return ""
		}
	}
	switch l {
	case "someone", "name", "it", "this", "this data", "we", "i", "they", "the data", "data":
		return ""
	}
	return s
}
