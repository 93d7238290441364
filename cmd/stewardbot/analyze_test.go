package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stewardbot/stewardbot/internal/sharedtest"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/stewardbot/stewardbot/policy"
)

// cleanForm is a request that passes every check (for a fake parser: these
// tests are about the command, the policy package tests the parser).
func cleanForm() *policy.Request {
	topics := []policy.Topic{
		policy.TopicQuestions, policy.TopicWhy, policy.TopicAlternatives, policy.TopicInstrumentation,
		policy.TopicMeasurements, policy.TopicDocumentation, policy.TopicDuration, policy.TopicPopulations,
		policy.TopicOptOut, policy.TopicAnalysis, policy.TopicSharing, policy.TopicThirdParty,
	}
	r := &policy.Request{
		Version:        policy.FormRequest12Q,
		Measurements:   []policy.Measurement{{Name: "widget.opened", Category: 2}},
		Expiries:       []policy.Expiry{{Kind: policy.ExpiryDate, Value: "2026-06-01"}},
		Channels:       []string{"release"},
		Release:        policy.Yes,
		PreRelease:     policy.No,
		DefaultOn:      policy.Yes,
		OptOut:         "The telemetry preference.",
		DocLinks:       []string{"https://dictionary.telemetry.mozilla.org/"},
		ThirdParty:     policy.No,
		NewIdentifiers: policy.No,
	}
	for i, t := range topics {
		r.Answers = append(r.Answers, policy.Answer{Number: i + 1, Topic: t, Text: "yes", Answered: true})
	}
	return r
}

// fakeParser stands in for ParseRequestWith: "CLEAN" (in any encoding the
// command reads) is a clean form, "CAT3" one with a category 3 default-on
// measurement, anything else no form.
func fakeParser(text string, _ policy.ParseOptions) *policy.Request {
	first, _, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(text, "\ufeff")), " ")
	switch first {
	case "CLEAN":
		return cleanForm()
	case "CAT3":
		r := cleanForm()
		r.Measurements = append(r.Measurements, policy.Measurement{Name: "widget.hosts", Category: 3})
		return r
	}
	return &policy.Request{Version: policy.FormNone}
}

// utf16LE and utf16BEBytes write s as UTF-16 with a byte order mark.
func utf16LE(s string) []byte { return encodeUTF16(xunicode.LittleEndian, s) }

func utf16BEBytes(s string) []byte { return encodeUTF16(xunicode.BigEndian, s) }

func encodeUTF16(e xunicode.Endianness, s string) []byte {
	b, err := xunicode.UTF16(e, xunicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunAnalyze(t *testing.T) {
	saved := parseRequest
	parseRequest = fakeParser
	t.Cleanup(func() { parseRequest = saved })

	dir := t.TempDir()
	clean := writeFile(t, dir, "clean.md", []byte("CLEAN\n"))
	cat3 := writeFile(t, dir, "cat3.md", []byte("CAT3\n"))
	note := writeFile(t, dir, "note.md", []byte("Just a patch, no form here.\n"))
	review := writeFile(t, dir, "review.md", []byte("1) Documentation? yes\n2) Control? yes\n3) Permanent? no\n4) Category? 2\ndata-review+\n"))
	renewal := writeFile(t, dir, "renewal.md", []byte("1) Provide a link to the initial Data Collection Review Request for this collection.\nbug 123456\n2) When will this collection now expire?\n2027-01-01\n"))
	binary := writeFile(t, dir, "form.docx", []byte("PK\x03\x04\x00\x00binary"))
	latin1 := writeFile(t, dir, "latin1.md", []byte("CLEAN caf\xe9\n"))
	latin1Accent := writeFile(t, dir, "latin1-accent.md", []byte("caf\xe9 form\n"))
	win1252 := writeFile(t, dir, "win1252.md", []byte("CAT3 \x93quoted\x94\n"))
	utf16 := writeFile(t, dir, "utf16.md", utf16LE("CLEAN\n"))
	utf16BE := writeFile(t, dir, "utf16be.md", utf16BEBytes("CAT3\n"))
	undecodable := writeFile(t, dir, "undecodable.md", []byte("caf\xe9 \x81 form\n"))
	oversize := writeFile(t, dir, "big.md", append([]byte("CLEAN\n"), bytes.Repeat([]byte("x"), maxAnalyzeInput)...))
	atCap := writeFile(t, dir, "at-cap.md", append([]byte("CLEAN\n"), bytes.Repeat([]byte(" "), maxAnalyzeInput-6)...))
	empty := writeFile(t, dir, "empty.md", []byte(" \n\t\n"))
	badRules := writeFile(t, dir, "bad.yaml", []byte("default_on:\n  release:\n    3: maybe\n"))
	productRules := writeFile(t, dir, "product.yaml", []byte("products:\n  Example Browser:\n    default_on:\n      release: {3: not-allowed}\n"))

	tests := []struct {
		name       string
		args       []string
		stdin      string
		code       int
		stdout     []string // substrings
		stderr     []string
		noStdout   bool
		jsonReason []string // with --format json: the reasons
	}{
		{name: "clean form", args: []string{clean}, code: 0, stdout: []string{"No findings", "widget.opened"}},
		{name: "clean form as json", args: []string{"--format", "json", clean}, code: 0, jsonReason: []string{}},
		{name: "findings", args: []string{cat3}, code: 1, stdout: []string{"[category-3-default-on-release]", "Trust"}},
		{name: "flags after the file", args: []string{cat3, "--format", "json"}, code: 1, jsonReason: []string{policy.CodeCategory3DefaultOnRelease}},
		{name: "markdown", args: []string{"--format=markdown", cat3}, code: 1, stdout: []string{"**Findings (1)**", "| `widget.hosts` |"}},
		{name: "product override", args: []string{"--rules", productRules, "--product", "example browser", cat3}, code: 1, stdout: []string{"product rules: Example Browser", "not allowed"}},
		{name: "standard input", args: []string{"-"}, stdin: "CLEAN", code: 0, stdout: []string{"No findings"}},
		{name: "not a form", args: []string{"--format", "json", note}, code: 1, jsonReason: []string{policy.CodeNotADataReviewForm}},
		{name: "a review is not a request", args: []string{review}, code: 1, stderr: []string{"looks like a data review form (review-8q)"}},
		{name: "a renewal request", args: []string{renewal}, code: 1, stderr: []string{"renewal request"}},
		{name: "as of a date", args: []string{"--now", "2026-01-01", "--format", "json", clean}, code: 0, jsonReason: []string{}},
		{name: "expiry too far as of a date", args: []string{"--now", "2020-01-01", "--format", "json", clean}, code: 1, jsonReason: []string{policy.CodeExpiryTooFar}},
		{name: "after --, a name that looks like a flag", args: []string{"--", "-form.md"}, code: 2, stderr: []string{"-form.md: no such file"}, noStdout: true},

		{name: "missing file", args: []string{filepath.Join(dir, "nope.md")}, code: 2, stderr: []string{"nope.md: no such file or directory"}, noStdout: true},
		{name: "directory", args: []string{dir}, code: 2, stderr: []string{"is a directory"}, noStdout: true},
		{name: "binary", args: []string{binary}, code: 2, stderr: []string{"looks binary (application/zip)"}, noStdout: true},
		{name: "Latin-1 is read", args: []string{"--format", "json", latin1Accent}, code: 1, stderr: []string{"read it as ISO-8859-1 (Latin-1) text"}, jsonReason: []string{policy.CodeNotADataReviewForm}},
		{name: "Latin-1 form", args: []string{latin1}, code: 0, stdout: []string{"No findings"}},
		{name: "Windows-1252 form", args: []string{"--format", "json", win1252}, code: 1, stderr: []string{"read it as Windows-1252 text"}, jsonReason: []string{policy.CodeCategory3DefaultOnRelease}},
		{name: "UTF-16LE form", args: []string{utf16}, code: 0, stdout: []string{"No findings"}, stderr: []string{"read it as UTF-16LE text"}},
		{name: "UTF-16BE form on standard input", args: []string{"--format", "json", "-"}, stdin: string(utf16BEBytes("CAT3\n")), code: 1, stderr: []string{"standard input"}, jsonReason: []string{policy.CodeCategory3DefaultOnRelease}},
		{name: "UTF-16BE form", args: []string{"--format", "json", utf16BE}, code: 1, jsonReason: []string{policy.CodeCategory3DefaultOnRelease}},
		{name: "text in no encoding", args: []string{undecodable}, code: 2, stderr: []string{"not text in any encoding analyze reads", "bad byte at offset 3"}, noStdout: true},
		{name: "over the attachment cap", args: []string{oversize}, code: 2, stderr: []string{"larger than 1 MiB, the most the bot reads of an attachment"}, noStdout: true},
		{name: "over the cap on standard input", args: []string{"-"}, stdin: strings.Repeat("x", maxAnalyzeInput+1), code: 2, stderr: []string{"standard input is larger than 1 MiB"}, noStdout: true},
		{name: "at the cap", args: []string{atCap}, code: 0, stdout: []string{"No findings"}},
		{name: "empty", args: []string{empty}, code: 2, stderr: []string{"is empty"}, noStdout: true},
		{name: "empty standard input", args: []string{"-"}, code: 2, stderr: []string{"standard input is empty"}, noStdout: true},
		{name: "no file", args: nil, code: 2, stderr: []string{"want one FILE", "usage:"}, noStdout: true},
		{name: "two files", args: []string{clean, cat3}, code: 2, stderr: []string{"got 2"}, noStdout: true},
		{name: "bad format", args: []string{"--format", "yaml", clean}, code: 2, stderr: []string{`unknown --format "yaml"`}, noStdout: true},
		{name: "unknown flag", args: []string{"--colour", clean}, code: 2, stderr: []string{"flag provided but not defined"}, noStdout: true},
		{name: "bad rules", args: []string{"--rules", badRules, clean}, code: 2, stderr: []string{`default_on.release.3: unknown verdict "maybe"`}, noStdout: true},
		{name: "missing rules", args: []string{"--rules", filepath.Join(dir, "none.yaml"), clean}, code: 2, stderr: []string{"read rules"}, noStdout: true},
		{name: "unknown product", args: []string{"--product", "Nope", clean}, code: 2, stderr: []string{`no overrides for product "Nope" (products in the rules: none)`}, noStdout: true},
		{name: "bad date", args: []string{"--now", "01/02/2026", clean}, code: 2, stderr: []string{"want a date as YYYY-MM-DD"}, noStdout: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runAnalyze(context.Background(), tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout.String(), stderr.String())
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
				}
			}
			if tt.noStdout && stdout.Len() > 0 {
				t.Errorf("stdout for unusable input: %s", stdout.String())
			}
			if tt.jsonReason != nil {
				var rep policy.Report
				if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
					t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
				}
				if diff := cmp.Diff(rep.Reasons, tt.jsonReason); diff != "" {
					t.Errorf("reasons (-got +want):\n%s", diff)
				}
				if rep.Schema != policy.ReportSchema {
					t.Errorf("schema = %q", rep.Schema)
				}
			}
		})
	}
}

// TestRunAnalyzeRealParser runs the command with the real parser on the
// reference request template: whatever the parser makes of it, the
// command must not fail on it as unusable input.
func TestRunAnalyzeRealParser(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sharedtest.Dir(t, "ref", "data-review"), "request.md"))
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := runAnalyze(context.Background(), []string{"--format", "json", "-"}, bytes.NewReader(data), &stdout, &stderr)
	if code != 1 {
		t.Errorf("blank template: exit %d, want 1 (it has findings)\n%s", code, stderr.String())
	}
	var rep policy.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
}

// TestRunAnalyzeEndToEnd runs the command on request texts with the real
// parser, as a requester would.
func TestRunAnalyzeEndToEnd(t *testing.T) {
	tests := []struct {
		file    string
		code    int
		reasons []string
	}{
		{"clean-12q.md", 0, []string{}},
		{"web-activity-release.md", 1, []string{policy.CodeCategory3DefaultOnRelease}},
		{"old-9q-partial.md", 1, []string{policy.CodeOldFormVersion, policy.CodeMissingAnswers, policy.CodeDocumentationMissing}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("../../policy/testdata/analysis/text", tt.file)
			var stdout, stderr bytes.Buffer
			code := runAnalyze(context.Background(), []string{"--now", "2026-01-15", "--format", "json", path}, nil, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr.String())
			}
			var rep policy.Report
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, stdout.String())
			}
			if diff := cmp.Diff(rep.Reasons, tt.reasons); diff != "" {
				t.Errorf("reasons (-got +want):\n%s", diff)
			}
		})
	}
}

// TestRunAnalyzeEncodings: a real form saved as UTF-16 (either byte
// order) or Windows-1252 gives the same analysis as the UTF-8 file, as the
// bot's attachment reader gives.
func TestRunAnalyzeEncodings(t *testing.T) {
	src, err := os.ReadFile("../../policy/testdata/analysis/text/web-activity-release.md")
	if err != nil {
		t.Fatal(err)
	}
	run := func(data []byte) (string, string) {
		var stdout, stderr bytes.Buffer
		runAnalyze(context.Background(), []string{"--now", "2026-01-15", "--format", "json", "-"}, bytes.NewReader(data), &stdout, &stderr)
		return stdout.String(), stderr.String()
	}
	want, _ := run(src)
	win1252, err := charmap.Windows1252.NewEncoder().Bytes(append(append([]byte{}, src...), "\n\u201cquoted\u201d\n"...))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"UTF-16LE":     utf16LE(string(src)),
		"UTF-16BE":     utf16BEBytes(string(src)),
		"Windows-1252": win1252,
	} {
		t.Run(name, func(t *testing.T) {
			got, stderr := run(data)
			if !strings.Contains(stderr, "read it as "+name) {
				t.Errorf("stderr does not name the encoding: %s", stderr)
			}
			if diff := cmp.Diff(got, want); diff != "" && name != "Windows-1252" {
				t.Errorf("analysis differs from the UTF-8 file's (-got +want):\n%s", diff)
			}
			var rep policy.Report
			if err := json.Unmarshal([]byte(got), &rep); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, got)
			}
			if diff := cmp.Diff(rep.Reasons, []string{policy.CodeCategory3DefaultOnRelease}); diff != "" {
				t.Errorf("reasons (-got +want):\n%s", diff)
			}
		})
	}
}

// TestAnalyzeUsageNamesTheLimit keeps the usage text in step with the cap.
func TestAnalyzeUsageNamesTheLimit(t *testing.T) {
	if !strings.Contains(analyzeUsage, "up to "+sizeText(maxAnalyzeInput)) {
		t.Errorf("usage does not say the input limit %s:\n%s", sizeText(maxAnalyzeInput), analyzeUsage)
	}
	for n, want := range map[int]string{1 << 20: "1 MiB", 512 << 10: "512 KiB", 1000: "1000 bytes"} {
		if got := sizeText(n); got != want {
			t.Errorf("sizeText(%d) = %q, want %q", n, got, want)
		}
	}
}
