package web

import (
	"os"
	"strings"
	"testing"
)

// docs/webhooks.md and the example configuration say what the handler
// does: every outcome is in the docs' table, an oversize or unusable
// delivery is answered 202 "dropped" (never 413: BMO would queue every
// later delivery behind it), as TestWebhook checks of the code.
func TestWebhookDocsAgreeWithTheCode(t *testing.T) {
	read := func(path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	docs := read("../../docs/webhooks.md")
	rows := map[string]string{}
	for line := range strings.Lines(docs) {
		for _, o := range WebhookOutcomes {
			if strings.HasPrefix(line, "| `"+o+"` |") {
				rows[o] = line
			}
		}
	}
	want := map[string]string{
		WebhookAccepted: "| 202 |", WebhookIgnoredSelf: "| 202 |", WebhookUnauthorized: "| 401 |",
		WebhookTooLarge: "| 202 `dropped, ...` |", WebhookBadRequest: "| 202 `dropped, ...`; 405 |", WebhookError: "| 503 |",
	}
	for _, o := range WebhookOutcomes {
		if !strings.Contains(rows[o], want[o]) {
			t.Errorf("docs/webhooks.md: the row of %s is %q, want it to say %q", o, rows[o], want[o])
		}
	}
	for path, text := range map[string]string{"docs/webhooks.md": docs, "deploy/config.example.yaml": read("../../deploy/config.example.yaml")} {
		for line := range strings.Lines(text) {
			if strings.Contains(line, "413") && !strings.Contains(line, "not 413") && !strings.Contains(line, "never 413") {
				t.Errorf("%s says an answer the handler never gives: %s", path, strings.TrimSpace(line))
			}
		}
	}
}
