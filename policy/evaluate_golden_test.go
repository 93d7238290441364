package policy

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The -update flag rewrites golden files. Another test file of the package
// may define it first; then this one uses that.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// golden compares got with the file, or rewrites the file under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updating() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(got), string(want)); diff != "" {
		t.Errorf("%s differs (-got +want); run go test -update if the change is right:\n%s", path, diff)
	}
}

// analysisCase is one fixture in testdata/analysis: a hand-written Request
// (so that these tests do not depend on the parser), optionally with a
// rules file and a product.
type analysisCase struct {
	Product string   `json:"product"`
	Rules   string   `json:"rules"` // relative to testdata/analysis
	Request *Request `json:"request"`
}

func loadAnalysisCases(t *testing.T) map[string]*Analysis {
	t.Helper()
	files, err := filepath.Glob("testdata/analysis/*.request.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in testdata/analysis: %v", err)
	}
	out := map[string]*Analysis{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c analysisCase
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rules := DefaultRules()
		if c.Rules != "" {
			rd, err := os.ReadFile(filepath.Join("testdata/analysis", c.Rules))
			if err != nil {
				t.Fatal(err)
			}
			if rules, err = ParseRules(rd); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		name := strings.TrimSuffix(filepath.Base(f), ".request.json")
		out[name] = EvaluateWith(c.Request, rules, testNow, EvalOptions{Product: c.Product})
	}
	return out
}

func TestAnalysisGolden(t *testing.T) {
	for name, a := range loadAnalysisCases(t) {
		t.Run(name, func(t *testing.T) {
			checkExplained(t, a)
			got, err := json.MarshalIndent(a, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata/analysis", name+".json"), append(got, '\n'))
		})
	}
}

func TestRenderGolden(t *testing.T) {
	for name, a := range loadAnalysisCases(t) {
		t.Run(name, func(t *testing.T) {
			golden(t, filepath.Join("testdata/render", name+".md"), []byte(RenderMarkdown(a, RenderOptions{})))
			golden(t, filepath.Join("testdata/render", name+".txt"), []byte(RenderText(a, RenderOptions{})))
		})
	}
}

// TestReportInterface holds the documented JSON interface: these keys are
// always present, with these JSON types, whatever the request.
func TestReportInterface(t *testing.T) {
	required := map[string]string{
		"schema": "string", "form_version": "string", "product": "string",
		"answered": "array", "missing": "array", "measurements": "array",
		"highest_category": "number", "default_on": "string", "default_on_verdict": "object",
		"channels": "array", "release": "string", "prerelease": "string",
		"expiry": "array", "permanent": "bool", "owner": "string", "opt_out": "string",
		"documentation_links": "array", "third_party_tool": "string", "third_party_tool_name": "string",
		"new_identifiers": "string", "needs_trust_escalation": "bool", "needs_legal_escalation": "bool",
		"escalations": "array", "reasons": "array", "findings": "array",
		"draft_review_version": "string", "draft_review": "array",
	}
	nested := map[string][]string{
		"measurements": {"name", "category"},
		"escalations":  {"to", "reasons"},
		"findings":     {"code", "question", "measurement", "message"},
		"draft_review": {"number", "topic", "question", "answer", "needs_human"},
		"expiry":       {"kind", "value"},
	}
	cases := loadAnalysisCases(t)
	cases["nil request"] = Evaluate(nil, nil, testNow)
	cases["zero analysis"] = &Analysis{}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			for key, typ := range required {
				if got := jsonType(m[key]); got != typ {
					t.Errorf("%s is %s, want %s", key, got, typ)
				}
			}
			for key, fields := range nested {
				items, _ := m[key].([]any)
				for i, item := range items {
					obj, _ := item.(map[string]any)
					for _, f := range fields {
						if _, ok := obj[f]; !ok {
							t.Errorf("%s[%d] lacks %s", key, i, f)
						}
					}
				}
			}
			// The Report decodes back into itself.
			var rep Report
			if err := json.Unmarshal(data, &rep); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(rep, a.Report()); diff != "" {
				t.Errorf("round trip (-got +want):\n%s", diff)
			}
		})
	}
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null or missing"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "?"
}

// TestReportDocumented keeps docs/analyze-json.md in step with the code:
// it names every JSON field of Report and every finding code.
func TestReportDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/analyze-json.md")
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(Evaluate(cleanRequest(), nil, testNow))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for key := range m {
		if !bytes.Contains(doc, []byte("| `"+key+"` |")) {
			t.Errorf("docs/analyze-json.md does not document field %q", key)
		}
	}
	for _, code := range Codes() {
		if !bytes.Contains(doc, []byte("| `"+code+"` |")) {
			t.Errorf("docs/analyze-json.md does not document code %q", code)
		}
	}
	pkgDoc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range Codes() {
		if !bytes.Contains(pkgDoc, []byte("//\t"+code+" ")) {
			t.Errorf("doc.go does not list code %q", code)
		}
	}
}
