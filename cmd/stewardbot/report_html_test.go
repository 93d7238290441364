package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --format html writes the survey page as one file: charts, the tables
// behind them, the stylesheet inline, no script, no form; private bugs
// counted but hidden unless --show-private; --output makes it 0600.
func TestReportHTML(t *testing.T) {
	config := surveyStore(t)
	var out, errOut bytes.Buffer
	if code := runReport(context.Background(), []string{"--config", config, "--format", "html"}, &out, &errOut, noEnv); code != 0 {
		t.Fatalf("exit status %d\n%s", code, errOut.String())
	}
	page := out.String()
	for _, want := range []string{"<!DOCTYPE html>", `<meta http-equiv="Content-Security-Policy"`, "<style>", `<svg`, `id="by-year"`,
		`class="bar"`, `id="by-year-table"`, "tab_groups.onboarding_opened", "Jane *Doe*"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<form", `href="/`, "certificate error", "cert_error.clock_advice_shown"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}

	file := filepath.Join(t.TempDir(), "survey.html")
	out.Reset()
	if code := runReport(context.Background(), []string{"--config", config, "--format", "html", "--show-private", "--output", file}, &out, &errOut, noEnv); code != 0 {
		t.Fatalf("exit status %d\n%s", code, errOut.String())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 || out.Len() != 0 {
		t.Errorf("mode %v, stdout %q", fi.Mode().Perm(), out.String())
	}
	if !strings.Contains(string(data), "cert_error.clock_advice_shown") || !strings.Contains(string(data), `<svg`) {
		t.Errorf("with --show-private, bug 1007 is still hidden")
	}

	// Bugs link to the configured Bugzilla; without one, to nothing.
	if strings.Contains(page, "show_bug.cgi") {
		t.Error("without bugzilla.url, the page links bugs")
	}
	cfg, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	linked := filepath.Join(t.TempDir(), "linked.yaml")
	if err := os.WriteFile(linked, append(cfg, "bugzilla:\n  url: https://bugzilla.example.test/\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := runReport(context.Background(), []string{"--config", linked, "--format", "html"}, &out, &errOut, noEnv); code != 0 {
		t.Fatalf("exit status %d\n%s", code, errOut.String())
	}
	if !strings.Contains(out.String(), `href="https://bugzilla.example.test/show_bug.cgi?id=1001"`) {
		t.Error("with bugzilla.url, bug 1001 is not linked to it")
	}
}
