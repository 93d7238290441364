package bot

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

// TestE2EDryRunNeverLogsPrivateText: in dry run a public comment is logged
// word for word, a private one (which may quote a private form) only by
// kind, ids, length and hash.
func TestE2EDryRunNeverLogsPrivateText(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			e := newE2E(t, d, func(c *Config) { c.DryRun = true })
			privBug, privAtt := e.request("Embargoed telemetry", string(mustReadDemoForm(t, "private.md")), true, "steward1@example.test")
			pubBug, _ := e.request("Public telemetry", string(mustReadDemoForm(t, "clean-12q.md")), false, "steward1@example.test")
			e.mustCycle()
			if n := len(e.srv.Writes()); n != 0 {
				t.Fatalf("dry run wrote %d times", n)
			}
			texts := map[int]string{}
			for _, p := range e.posted {
				texts[p.BugID] = p.Comment.Text
				if p.BugID == privBug && !p.Comment.IsPrivate {
					t.Fatalf("the private form's analysis would be public")
				}
			}
			if texts[privBug] == "" || texts[pubBug] == "" {
				t.Fatalf("dry run planned %d comments, want both analyses", len(e.posted))
			}
			logs := e.logs.String()
			for _, leak := range []string{"clock_advice", texts[privBug]} {
				if strings.Contains(logs, leak) || strings.Contains(logs, jsonString(leak)) {
					t.Errorf("the log holds private text %.40q", leak)
				}
			}

			lines := dryRunLines(t, logs)
			priv, pub := lines[privBug], lines[pubBug]
			if priv == nil || pub == nil {
				t.Fatalf("dry-run log lines: %v", lines)
			}
			sum := sha256.Sum256([]byte(texts[privBug]))
			want := map[string]any{
				"kind": kindAnalysis, LogBugID: float64(privBug), LogAttachmentID: float64(privAtt), "private": true,
				"length": float64(len(texts[privBug])), "sha256": hex.EncodeToString(sum[:6]),
			}
			for k, v := range want {
				if priv[k] != v {
					t.Errorf("private dry-run line: %s = %v, want %v", k, priv[k], v)
				}
			}
			if _, ok := priv["comment"]; ok {
				t.Errorf("private dry-run line has the comment's text")
			}
			if pub["comment"] != texts[pubBug] || pub["private"] != false {
				t.Errorf("public dry-run line: comment %.60q, private %v; want the exact text", pub["comment"], pub["private"])
			}
		})
	}
}

// dryRunLines returns the dry-run log lines by bug.
func dryRunLines(t *testing.T, logs string) map[int]map[string]any {
	t.Helper()
	out := map[int]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %.80q: %v", sc.Text(), err)
		}
		if msg, _ := m["message"].(string); strings.HasPrefix(msg, "dry run:") {
			id, _ := m[LogBugID].(float64)
			out[int(id)] = m
		}
	}
	return out
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}
