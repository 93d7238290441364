package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stewardbot/stewardbot/internal/textdecode"
	"github.com/stewardbot/stewardbot/policy"
)

const analyzeUsage = `usage: stewardbot analyze [--format text|json|markdown] [--rules FILE] [--product NAME] [--now YYYY-MM-DD] FILE|-

Lints a Data Review Request form offline, for requesters before they attach
it and for stewards: reads the form from FILE (or standard input for "-"),
checks it against the data collection policy and prints the findings, the
measurements and their categories, the default-on verdict, the escalations
that will follow and a draft of the steward's review.

  --format   text (default), json (the stable interface of docs/analyze-json.md)
             or markdown (what the bot would post)
  --rules    a policy rules YAML file, merged over the built-in rules
  --product  apply this product's overrides from the rules
  --now      evaluate as of this date instead of today (expiry checks)

FILE may be UTF-8, UTF-16 with a byte order mark, Latin-1 or Windows-1252
text (as the bot reads attachments), up to 1 MiB (the bot's default cap).

Exit status: 0 when there is no finding, 1 when there are findings,
2 when the input or the options cannot be used.
`

// maxAnalyzeInput bounds what analyze reads: the bot's default attachment
// cap, so that a form analyze accepts is one the bot reads too.
const maxAnalyzeInput = textdecode.DefaultMaxBytes

// parseRequest is the request parser; tests may replace it.
var parseRequest = policy.ParseRequestWith

// runAnalyze is "stewardbot analyze"; it returns the exit status.
func runAnalyze(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), analyzeUsage) }
	format := fs.String("format", "text", "")
	rulesPath := fs.String("rules", "", "")
	product := fs.String("product", "", "")
	nowFlag := fs.String("now", "", "")
	var files []string
	if code, stop := parseFlags(fs, stdout, stderr, func() (err error) {
		files, err = parseInterspersed(fs, args)
		return err
	}); stop {
		return code
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "analyze: "+format+"\n", args...)
		return 2
	}
	if len(files) != 1 {
		fmt.Fprintf(stderr, "analyze: want one FILE (or - for standard input), got %d\n\n", len(files))
		fs.Usage()
		return 2
	}
	switch *format {
	case "text", "json", "markdown":
	default:
		return fail("unknown --format %q: want text, json or markdown", *format)
	}
	rules, err := loadRules(*rulesPath)
	if err != nil {
		return fail("%v", err)
	}
	opts := policy.EvalOptions{Product: *product}
	if *product != "" {
		if _, ok := rules.ForProduct(*product); !ok {
			known := "none"
			if names := rules.ProductNames(); len(names) > 0 {
				known = strings.Join(names, ", ")
			}
			return fail("the rules have no overrides for product %q (products in the rules: %s)", *product, known)
		}
	}
	now := time.Now()
	if *nowFlag != "" {
		if now, err = time.Parse(time.DateOnly, *nowFlag); err != nil {
			return fail("--now %q: want a date as YYYY-MM-DD", *nowFlag)
		}
	}
	text, encoding, err := readForm(ctx, files[0], stdin)
	if err != nil {
		return fail("%v", err)
	}
	if encoding != "" {
		name := files[0]
		if name == "-" {
			name = "standard input"
		}
		fmt.Fprintf(stderr, "analyze: note: %s is not UTF-8; read it as %s text\n", name, encoding)
	}

	req := parseRequest(text, policy.ParseOptions{ThirdPartyTools: rules.ThirdPartyTools})
	a := policy.EvaluateWith(req, rules, now, opts)
	var out []byte
	switch *format {
	case "json":
		if out, err = json.MarshalIndent(a, "", "  "); err != nil {
			return fail("encode the analysis: %v", err)
		}
		out = append(out, '\n')
	case "markdown":
		out = []byte(policy.RenderMarkdown(a, policy.RenderOptions{}))
	default:
		out = []byte(policy.RenderText(a, policy.RenderOptions{}))
	}
	if _, err := stdout.Write(out); err != nil {
		return fail("write the analysis: %v", err)
	}
	if req == nil || req.Version == policy.FormNone || req.Version == "" {
		if hint := otherForm(text); hint != "" {
			fmt.Fprintf(stderr, "analyze: note: %s; analyze checks data review requests\n", hint)
		}
	}
	if len(a.Findings) > 0 {
		return 1
	}
	return 0
}

// parseInterspersed parses flags that may come before or after the file
// argument ("analyze form.md --format json").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil // after "--" nothing is a flag
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// readForm reads the form text as the bot reads an attachment
// (textdecode): UTF-8, UTF-16 with a byte order mark, Latin-1 or
// Windows-1252, up to the bot's default attachment cap. It returns the
// encoding it read ("" for UTF-8) and refuses what is not a text form: a
// missing or unreadable file, an empty, oversized or binary input, or bytes
// that are text in no encoding it reads.
func readForm(ctx context.Context, path string, stdin io.Reader) (text, encoding string, err error) {
	if err := ctx.Err(); err != nil {
		return "", "", err
	}
	name := path
	var r io.Reader
	if path == "-" {
		name, r = "standard input", stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", "", err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return "", "", fmt.Errorf("%s is a directory, not a form", path)
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxAnalyzeInput+1))
	if err != nil {
		return "", "", fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxAnalyzeInput {
		return "", "", fmt.Errorf("%s is larger than %s, the most the bot reads of an attachment (bugzilla.max_attachment_bytes "+
			"by default); a form is a few kilobytes", name, sizeText(maxAnalyzeInput))
	}
	d := textdecode.Decode(data)
	switch {
	case d.Binary || (d.Encoding == "" && bytes.IndexByte(data, 0) >= 0):
		if looksLike, binary := textdecode.BinaryKind(data); looksLike != "" {
			return "", "", fmt.Errorf("%s looks binary (%s), not a text form", name, looksLike)
		} else if binary {
			return "", "", fmt.Errorf("%s looks binary (it contains NUL bytes), not a text form", name)
		}
		return "", "", fmt.Errorf("%s is not text in any encoding analyze reads (UTF-8, UTF-16 with a byte order mark, "+
			"Windows-1252 or Latin-1; bad byte at offset %d); save it as UTF-8", name, firstInvalid(data))
	case strings.Trim(d.Text, " \t\r\n\v\f\ufeff") == "":
		return "", "", fmt.Errorf("%s is empty", name)
	}
	return d.Text, d.Encoding, nil
}

// sizeText writes a byte count for people: "1 MiB", "512 KiB", "1000 bytes".
func sizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// otherForm says which steward-side form a text that is not a request
// follows, if any.
func otherForm(text string) string {
	if v := policy.ParseReview(text).Version; v != policy.ReviewNone {
		return fmt.Sprintf("this looks like a data review form (%s), not a request", v)
	}
	if policy.ParseRenewalRequest(text).Version != policy.ReviewNone {
		return "this looks like a renewal request, not a request for a new collection"
	}
	if policy.ParseRenewalReview(text).Version != policy.ReviewNone {
		return "this looks like a renewal review, not a request"
	}
	return ""
}
