package policy

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The template's measurements table is plain HTML: tags without attributes
// and text without entities. golang.org/x/net/html's tokenizer, which copies
// every byte through its buffer, was a fifth of the parse of a form with a
// long table; the plain reader below reads that subset straight from the
// string, and gives up at the first byte it does not read, so that the
// caller reads the table again with the tokenizer. On what it accepts it
// gives the same tokens as the tokenizer (TestReqPlainHTMLTokensMatch,
// FuzzReqPlainHTMLTokens).
//
// It reads: "<name>", "<name/>" and "</name>" with a name of ASCII letters
// and digits that starts with a letter, and runs of text without '<', '&',
// '\r' or NUL. It gives up on anything else: attributes, comments, doctypes,
// entities, a '<' that opens no such tag, and the tags after which the
// tokenizer reads raw text (<script>, <style>, <title>, <textarea>, ...).

// newReqPlainHTMLTokens returns a plain reader of s.
func newReqPlainHTMLTokens(s string) *reqHTMLTokens {
	return &reqHTMLTokens{s: s}
}

// reqPlainTextStop marks the bytes that end a plain run of text.
var reqPlainTextStop = [256]bool{'<': true, '&': true, '\r': true, 0: true}

// nextPlain reads the next token of t.s; after what it does not read it sets
// t.unsupported and returns html.ErrorToken.
func (t *reqHTMLTokens) nextPlain() html.TokenType {
	s := t.s[t.n:]
	if s == "" || t.unsupported {
		return html.ErrorToken
	}
	if s[0] != '<' {
		k := 0
		for k < len(s) && !reqPlainTextStop[s[k]] {
			k++
		}
		if k < len(s) && !reqOpensPlainTag(s[k:]) {
			return t.giveUp() // or the tokenizer's text goes on
		}
		t.raw = s[:k]
		t.n += k
		return html.TextToken
	}
	tt, i := html.StartTagToken, 1
	if len(s) > 1 && s[1] == '/' {
		tt, i = html.EndTagToken, 2
	}
	if i >= len(s) || !reqIsASCIILetter(s[i]) {
		return t.giveUp()
	}
	j := i
	for j < len(s) && reqIsASCIILetterOrDigit(s[j]) {
		j++
	}
	switch {
	case j < len(s) && s[j] == '>':
		j++
	case tt == html.StartTagToken && j+1 < len(s) && s[j] == '/' && s[j+1] == '>':
		tt, j = html.SelfClosingTagToken, j+2
	default:
		return t.giveUp()
	}
	t.raw, t.atom = s[:j], reqTagAtom(s[:j])
	if tt != html.EndTagToken {
		switch t.atom {
		case atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext,
			atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp:
			return t.giveUp() // the tokenizer reads the text after it raw
		}
	}
	t.n += j
	return tt
}

// reqOpensPlainTag reports whether s starts with "<" or "</" and a letter,
// where the tokenizer ends a text token and reads a tag.
func reqOpensPlainTag(s string) bool {
	i := 1
	if len(s) > 1 && s[1] == '/' {
		i = 2
	}
	return s[0] == '<' && i < len(s) && reqIsASCIILetter(s[i])
}

func (t *reqHTMLTokens) giveUp() html.TokenType {
	t.unsupported = true
	t.raw = ""
	return html.ErrorToken
}

// reqIsASCIILetter reports an ASCII letter.
func reqIsASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
