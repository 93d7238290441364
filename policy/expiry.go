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

var (
	reqMonthNames = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)`

	reqISODateRE   = regexp.MustCompile(`\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b`)
	reqUSDateRE    = regexp.MustCompile(`\b(\d{1,2})([-/.])(\d{1,2})[-/.](\d{4})\b`)
	reqMonthDayRE  = regexp.MustCompile(`\b` + reqMonthNames + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
	reqDayMonthRE  = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + reqMonthNames + `\.?,?\s+(\d{4})\b`)
	reqMonthYearRE = regexp.MustCompile(`\b` + reqMonthNames + `\.?,?\s+(\d{4})\b`)
	reqVersionRE   = regexp.MustCompile(`\b(?:firefox|fx|ff|version|v|release|gecko|fenix|focus|nightly|beta|esr)\s*(?:version\s*)?(\d{2,3})(?:\.\d+)*\b`)
	reqExpiresAtRE = regexp.MustCompile(`\bexpir\w*\s*(?:at|in|on|after|with|by)?\s*:?\s*(\d{2,3})\b`)
	reqDurationRE  = regexp.MustCompile(`\b(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty[\s-]four)(?:\s*\(\d{1,3}\))?\s*-?\s*(day|week|month|year)s?\b`)
	reqNeverRE     = regexp.MustCompile(`\b(?:never|permanent|permanently|indefinite|indefinitely|forever|no\s+(?:expiry|expiration|end\s+date)|(?:does\s+not|doesn't|won't|will\s+not)\s+expire)\b`)
	reqGleanListRE = regexp.MustCompile(`expire at different times:\s*([^\n]*)`)
)

var reqNumberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty four": 24, "twenty-four": 24,
}

// reqExpiryAt is an expiry with the offset where it was written.
type reqExpiryAt struct {
	at int
	x  Expiry
}

// parseReqExpiries reads the expiries in the answer to the duration
// question, in the order written and without repeats.
func parseReqExpiries(text string) []Expiry {
	ls := reqLowerASCII(text)
	var found []reqExpiryAt
	taken := make([]bool, len(ls)) // bytes inside a date already read
	add := func(st, en int, x Expiry) {
		for k := st; k < en; k++ {
			if taken[k] {
				return
			}
		}
		for k := st; k < en; k++ {
			taken[k] = true
		}
		found = append(found, reqExpiryAt{st, x})
	}
	date := func(y, m, d int) (Expiry, bool) {
		if !reqValidDate(y, m, d) {
			return Expiry{}, false
		}
		return Expiry{Kind: ExpiryDate, Value: fmt.Sprintf("%04d-%02d-%02d", y, m, d)}, true
	}

	for _, m := range reqISODateRE.FindAllStringSubmatchIndex(ls, -1) {
		if x, ok := date(reqAtoi(ls[m[2]:m[3]]), reqAtoi(ls[m[4]:m[5]]), reqAtoi(ls[m[6]:m[7]])); ok {
			add(m[0], m[1], x)
		}
	}
	for _, m := range reqUSDateRE.FindAllStringSubmatchIndex(ls, -1) {
		a, sep, b, y := reqAtoi(ls[m[2]:m[3]]), ls[m[4]:m[5]], reqAtoi(ls[m[6]:m[7]]), reqAtoi(ls[m[8]:m[9]])
		month, day := a, b
		if sep == "." || a > 12 {
			month, day = b, a
		}
		x, ok := date(y, month, day)
		if !ok {
			x, ok = date(y, day, month)
		}
		if ok {
			add(m[0], m[1], x)
		}
	}
	for _, m := range reqMonthDayRE.FindAllStringSubmatchIndex(ls, -1) {
		if x, ok := date(reqAtoi(ls[m[6]:m[7]]), reqMonthNumber(ls[m[2]:m[3]]), reqAtoi(ls[m[4]:m[5]])); ok {
			add(m[0], m[1], x)
		}
	}
	for _, m := range reqDayMonthRE.FindAllStringSubmatchIndex(ls, -1) {
		if x, ok := date(reqAtoi(ls[m[6]:m[7]]), reqMonthNumber(ls[m[4]:m[5]]), reqAtoi(ls[m[2]:m[3]])); ok {
			add(m[0], m[1], x)
		}
	}
	for _, m := range reqMonthYearRE.FindAllStringSubmatchIndex(ls, -1) {
		y, mo := reqAtoi(ls[m[4]:m[5]]), reqMonthNumber(ls[m[2]:m[3]])
		if x, ok := date(y, mo, reqDaysIn(y, mo)); ok { // "until June 2027": its last day
			add(m[0], m[1], x)
		}
	}
	for _, m := range reqGleanListRE.FindAllStringSubmatchIndex(ls, -1) {
		list := ls[m[2]:m[3]]
		if i := strings.Index(list, ". "); i >= 0 {
			list = list[:i]
		}
		off := m[2]
		for _, item := range strings.Split(list, ",") {
			it := strings.TrimRight(strings.TrimSpace(item), ".")
			st := off + strings.Index(ls[off:], it)
			off += len(item) + 1
			if n, err := strconv.Atoi(it); err == nil && n > 0 && n < 10000 {
				add(st, st+len(it), Expiry{Kind: ExpiryVersion, Value: "version " + it})
			}
		}
	}
	for _, re := range []*regexp.Regexp{reqVersionRE, reqExpiresAtRE} {
		for _, m := range re.FindAllStringSubmatchIndex(ls, -1) {
			if reqFollowedByUnit(ls, m[1]) {
				continue
			}
			n := strings.TrimLeft(ls[m[2]:m[3]], "0")
			if n == "" {
				continue
			}
			add(m[2], m[3], Expiry{Kind: ExpiryVersion, Value: "version " + n})
		}
	}
	for _, m := range reqDurationRE.FindAllStringSubmatchIndex(ls, -1) {
		num := ls[m[2]:m[3]]
		n, err := strconv.Atoi(num)
		if err != nil {
			n = reqNumberWords[strings.Join(strings.Fields(num), " ")]
		}
		if n <= 0 {
			continue
		}
		unit := ls[m[4]:m[5]]
		if n != 1 {
			unit += "s"
		}
		add(m[0], m[1], Expiry{Kind: ExpiryDuration, Value: strconv.Itoa(n) + " " + unit})
	}
	for _, m := range reqNeverRE.FindAllStringIndex(ls, -1) {
		if reqNegatedBefore(ls, m[0]) {
			continue
		}
		add(m[0], m[1], Expiry{Kind: ExpiryNever, Value: "never"})
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

// reqNegatedBefore reports "not", "non" or "never" among the two words
// before offset i ("not permanent", "non-permanent").
func reqNegatedBefore(ls string, i int) bool {
	before := ls[max(0, i-20):i]
	words := strings.FieldsFunc(before, func(r rune) bool { return r == ' ' || r == '-' || r == '\t' || r == '\n' })
	if len(words) > 2 {
		words = words[len(words)-2:]
	}
	for _, w := range words {
		switch w {
		case "not", "non", "no", "isn't", "aren't", "won't":
			return true
		}
	}
	return false
}

func reqAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func reqMonthNumber(name string) int {
	for i, p := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.HasPrefix(name, p) {
			return i + 1
		}
	}
	return 0
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
	reqOwnerLabelRE = regexp.MustCompile(`(?i)\b(?:owner|owned\s+by|monitored\s+by|responsible(?:\s+(?:person|party|individual|team))?|point\s+of\s+contact|contact)\s*(?:is|will\s+be|:|-)\s*([^\n;()]{1,120})`)
	reqEmailRE      = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
)

// parseReqOwner reads who will monitor a permanent collection from the
// duration answer: the name put in the template's "(put someone's name
// here)", glean_parser's "X will be responsible for the permanent
// collections", an "Owner: X" label, or (for a permanent collection) an
// e-mail address.
func parseReqOwner(text string, permanent bool) string {
	for _, m := range reqOwnerParenRE.FindAllStringSubmatch(text, -1) {
		if o := reqCleanOwner(m[1] + m[2]); o != "" {
			return o
		}
	}
	for _, re := range []*regexp.Regexp{reqOwnerWillRE, reqOwnerLabelRE} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			if o := reqCleanOwner(m[1]); o != "" {
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
