package policy

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// golang.org/x/net/html's tokenizer copies every byte through its buffer and
// allocates for every attribute of every tag: it was a fifth of the parse of
// a form with a long table and half of that of a form pasted as HTML. The
// plain reader below reads the HTML that forms hold straight from the
// string, token by token, as the tokenizer does; at the first token it does
// not read it hands the rest of the input to the tokenizer, which then reads
// it from that token on. The tokenizer keeps no state between tokens but the
// raw-text element it is in, and the plain reader never hands off inside
// one, so the tokens are the tokenizer's, whatever the input
// (TestReqPlainHTMLTokensMatch, FuzzReqPlainHTMLTokens).
//
// It reads:
//   - text, with entities decoded as the tokenizer decodes them;
//   - start, end and self-closing tags with any name, and attributes quoted,
//     unquoted or bare, whose values hold no '&' but in "&amp;", "&lt;",
//     "&gt;", "&quot;", "&apos;" and numeric references (the tokenizer
//     decodes the others differently in attributes and in text), at most
//     reqPlainMaxAttrs of them;
//   - comments ("<!-- … -->") and doctypes;
//   - the raw text of <style>, <title>, <textarea>, <iframe>, <noembed>,
//     <noframes>, <noscript> and <xmp>.
//
// It hands off at anything else: a '\r' or NUL byte (the request text has
// none), a <script> or <plaintext> element, "<?", "<!" that opens neither a
// comment nor a doctype, "</" not followed by a letter, and input that ends
// inside a tag, comment or doctype.

// newReqPlainHTMLTokens returns a plain reader of s.
func newReqPlainHTMLTokens(s string) *reqHTMLTokens {
	return &reqHTMLTokens{s: s}
}

// reqPlainMaxAttrs bounds the attributes of a tag the plain reader reads
// (it finds repeated names by comparing each with the ones before).
const reqPlainMaxAttrs = 16

// reqPlainTextStop marks the bytes the text scanner stops at.
var reqPlainTextStop = [256]bool{'<': true, '&': true, '\r': true, 0: true}

// nextPlain reads the token at t.n; ok is false, and nothing is consumed,
// when it is one the plain reader does not read.
func (t *reqHTMLTokens) nextPlain() (tt html.TokenType, ok bool) {
	t.raw, t.atom, t.decode, t.attrsAt = "", 0, false, 0
	s := t.s[t.n:]
	if t.rawEnd > 0 {
		// the raw text after a <style>, <title>, ... up to its end tag
		k, rcdata := t.rawEnd, t.rawRCDATA
		t.rawEnd = 0
		t.raw, t.decode = s[:k], rcdata && strings.IndexByte(s[:k], '&') >= 0
		t.n += k
		return html.TextToken, true
	}
	if s == "" {
		return html.ErrorToken, true
	}
	if !reqOpensHTMLToken(s) {
		return t.plainText(s)
	}
	switch c := s[1]; {
	case reqIsASCIILetter(c):
		return t.plainTag(s, html.StartTagToken)
	case c == '/' && len(s) > 2 && reqIsASCIILetter(s[2]):
		return t.plainTag(s, html.EndTagToken)
	case c == '!':
		if end := reqPlainComment(s); end > 0 {
			t.raw = s[:end]
			t.n += end
			return html.CommentToken, true
		}
		if end := reqPlainDoctype(s); end > 0 {
			t.raw = s[:end]
			t.n += end
			return html.DoctypeToken, true
		}
	}
	return html.ErrorToken, false
}

// reqOpensHTMLToken reports whether s starts with a '<' that opens a tag, a
// comment or a doctype for the tokenizer: followed by a letter, '/', '!' or
// '?'. Any other '<' is text.
func reqOpensHTMLToken(s string) bool {
	if len(s) < 2 || s[0] != '<' {
		return false
	}
	c := s[1]
	return reqIsASCIILetter(c) || c == '/' || c == '!' || c == '?'
}

// plainText reads the text that starts s, up to the next '<' that opens a
// token or the end.
func (t *reqHTMLTokens) plainText(s string) (html.TokenType, bool) {
	k, amp := 0, false
	for {
		for k < len(s) && !reqPlainTextStop[s[k]] {
			k++
		}
		if k == len(s) {
			break
		}
		switch c := s[k]; {
		case c == '&':
			amp = true
		case c == '<':
			if reqOpensHTMLToken(s[k:]) {
				goto done
			}
		default:
			return html.ErrorToken, false // '\r' (made '\n' by the tokenizer), NUL
		}
		k++
	}
done:
	t.raw, t.decode = s[:k], amp
	t.n += k
	return html.TextToken, true
}

// plainTag reads the start or end tag that starts s.
func (t *reqHTMLTokens) plainTag(s string, tt html.TokenType) (html.TokenType, bool) {
	name := 1
	if tt == html.EndTagToken {
		name = 2
	}
	end, selfClosing, ok := reqScanPlainTag(s, name, nil)
	if !ok {
		return html.ErrorToken, false
	}
	a := reqTagAtom(s[:end])
	if tt == html.StartTagToken {
		if selfClosing {
			tt = html.SelfClosingTagToken
		}
		// the tokenizer reads the text after these raw, up to their end
		// tag, even after "<title/>"
		switch a {
		case atom.Script, atom.Plaintext:
			return html.ErrorToken, false
		case atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Style, atom.Textarea, atom.Title, atom.Xmp:
			k := reqRawTextEnd(s[end:], a.String())
			if strings.IndexByte(s[end:end+k], '\r') >= 0 || strings.IndexByte(s[end:end+k], 0) >= 0 {
				return html.ErrorToken, false
			}
			t.rawEnd, t.rawRCDATA = k, a == atom.Textarea || a == atom.Title
		}
	}
	t.raw, t.atom, t.attrsAt = s[:end], a, name
	t.n += end
	return tt, true
}

// reqRawTextEnd returns where the raw text at the start of s ends: at "</"
// and name (any case) followed by white space, '/' or '>', or at the end of
// s.
func reqRawTextEnd(s, name string) int {
	for i := 0; ; {
		k := strings.Index(s[i:], "</")
		if k < 0 {
			return len(s)
		}
		j := i + k + 2
		if j+len(name) < len(s) && reqEqualFoldASCII(s[j:j+len(name)], name) {
			switch s[j+len(name)] {
			case ' ', '\n', '\r', '\t', '\f', '/', '>':
				return i + k
			}
		}
		i = j
	}
}

// reqEqualFoldASCII compares a and b ignoring the case of ASCII letters only,
// as the tokenizer does.
func reqEqualFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if reqLowerByte(a[i]) != reqLowerByte(b[i]) {
			return false
		}
	}
	return true
}

// reqIsHTMLTagSpace reports the white space the tokenizer skips inside tags.
func reqIsHTMLTagSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

func reqSkipHTMLTagSpace(s string, i int) int {
	for i < len(s) && reqIsHTMLTagSpace(s[i]) {
		i++
	}
	return i
}

// reqScanPlainTag reads a tag as the tokenizer's readTag does: the name from
// s[name] up to white space, '/' or '>', then attributes up to '>'. It calls
// each (when not nil) with the key and raw value of each attribute the
// tokenizer keeps: a non-empty key not seen before in the tag. It returns
// the tag's length and whether it is self-closing; ok is false for what the
// plain reader does not read (the end of s inside the tag, a NUL, a value
// with '\r' or with an entity not read alike in attributes and text, more
// than reqPlainMaxAttrs attributes).
func reqScanPlainTag(s string, name int, each func(key, val string)) (end int, selfClosing, ok bool) {
	j := name
	for j < len(s) && !reqIsHTMLTagSpace(s[j]) && s[j] != '/' && s[j] != '>' {
		if s[j] == 0 {
			return 0, false, false
		}
		j++
	}
	switch {
	case j < len(s) && s[j] == '>': // "<td>", "</td>": most tags
		return j + 1, false, true
	case j+1 < len(s) && s[j] == '/' && s[j+1] == '>': // "<br/>"
		return j + 2, true, true
	}
	var keys [reqPlainMaxAttrs]string
	nKeys, lastValEnd := 0, -1
	for j = reqSkipHTMLTagSpace(s, j); ; j = reqSkipHTMLTagSpace(s, j) {
		if j >= len(s) {
			return 0, false, false
		}
		if s[j] == '>' {
			j++
			break
		}
		// the key: up to '=' (but a leading one), white space, '/' or '>'
		ks := j
		for j < len(s) {
			c := s[j]
			if c == 0 {
				return 0, false, false
			}
			if (c == '=' && j > ks) || reqIsHTMLTagSpace(c) || c == '/' || c == '>' {
				break
			}
			j++
		}
		key := s[ks:j]
		// the value: "= v", "='v'", "=\"v\"", or none
		vs, ve := j, j
		if j = reqSkipHTMLTagSpace(s, j); j >= len(s) {
			return 0, false, false
		}
		switch s[j] {
		case '/':
			j++
		case '=':
			if j = reqSkipHTMLTagSpace(s, j+1); j >= len(s) {
				return 0, false, false
			}
			switch q := s[j]; q {
			case '>':
			case '\'', '"':
				k := strings.IndexByte(s[j+1:], q)
				if k < 0 {
					return 0, false, false
				}
				vs, ve = j+1, j+1+k
				j = ve + 1
			default:
				vs = j
				for j < len(s) && !reqIsHTMLTagSpace(s[j]) && s[j] != '>' {
					j++
				}
				if j >= len(s) {
					return 0, false, false
				}
				ve = j
				if s[j] != '>' {
					j++
				}
			}
		}
		if key == "" {
			continue
		}
		if !reqPlainAttrValue(s[vs:ve]) {
			return 0, false, false
		}
		seen := false
		for _, k := range keys[:nKeys] {
			seen = seen || reqEqualFoldASCII(k, key)
		}
		if seen {
			continue
		}
		if nKeys == len(keys) {
			return 0, false, false
		}
		keys[nKeys] = key
		nKeys++
		lastValEnd = ve
		if each != nil {
			each(key, s[vs:ve])
		}
	}
	// "<br/>" is self-closing, "<p a=/>" is not: the '/' ends the value
	selfClosing = j >= 2 && s[j-2] == '/' && (nKeys == 0 || j-2 != lastValEnd-1)
	return j, selfClosing, true
}

// reqPlainAttrValue reports an attribute value the plain reader reads: no
// '\r' or NUL, and every '&' opening a reference that the tokenizer decodes
// the same way in an attribute as in text.
func reqPlainAttrValue(v string) bool {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\r', 0:
			return false
		case '&':
			n := reqSafeEntityLen(v[i:])
			if n == 0 {
				return false
			}
			i += n - 1
		}
	}
	return true
}

// reqSafeEntityLen returns the length of the reference at the start of s
// ("&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#38;", "&#x26;"), or 0.
func reqSafeEntityLen(s string) int {
	for _, e := range [...]string{"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"} {
		if strings.HasPrefix(s, e) {
			return len(e)
		}
	}
	if !strings.HasPrefix(s, "&#") {
		return 0
	}
	i, hex := 2, false
	if i < len(s) && (s[i] == 'x' || s[i] == 'X') {
		i, hex = i+1, true
	}
	d := i
	for i < len(s) && (reqIsDigit(s[i]) || hex && ('a' <= reqLowerByte(s[i]) && reqLowerByte(s[i]) <= 'f')) {
		i++
	}
	if i == d || i >= len(s) || s[i] != ';' {
		return 0
	}
	return i + 1
}

// reqPlainComment returns the length of the comment that starts s ("<!--"),
// ended as the tokenizer's readComment ends it, or 0 (no comment, or one
// the input ends inside).
func reqPlainComment(s string) int {
	if !strings.HasPrefix(s, "<!--") {
		return 0
	}
	dashes, beginning := 0, true
	for i := 4; i < len(s); i++ {
		switch s[i] {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return i + 1
			}
		case '!':
			if dashes >= 2 {
				if i++; i >= len(s) {
					return 0
				}
				switch s[i] {
				case '>':
					return i + 1
				case '-':
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return 0
}

// reqPlainDoctype returns the length of the doctype that starts s
// ("<!DOCTYPE", any case, up to '>'), or 0.
func reqPlainDoctype(s string) int {
	if len(s) < 9 || !reqEqualFoldASCII(s[2:9], "doctype") {
		return 0
	}
	k := strings.IndexByte(s[9:], '>')
	if k < 0 {
		return 0
	}
	return 9 + k + 1
}

// plainAttrs calls each with the key (in the input's case) and the decoded
// value of each of the current tag's attributes that the tokenizer's
// TagAttr gives.
func (t *reqHTMLTokens) plainAttrs(each func(key, val string)) {
	if t.attrsAt == 0 {
		return
	}
	reqScanPlainTag(t.raw, t.attrsAt, func(key, val string) {
		if strings.IndexByte(val, '&') >= 0 {
			val = html.UnescapeString(val)
		}
		each(key, val)
	})
}

// reqIsASCIILetter reports an ASCII letter.
func reqIsASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
