package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// TestCLIConventions checks the conventions of the go and gh commands:
// help on stdout with status 0, usage errors on stderr with status 2,
// "help COMMAND", --version, and the same -h/--help on every command.
func TestCLIConventions(t *testing.T) {
	tests := []struct {
		args                []string
		wantCode            int
		wantStdout, wantErr string // substrings; "" wants the stream empty
	}{
		{nil, 2, "", "usage: stewardbot COMMAND"},
		{[]string{"help"}, 0, "usage: stewardbot COMMAND", ""},
		{[]string{"help", "help"}, 0, "  help ", ""},
		{[]string{"--help"}, 0, "usage: stewardbot COMMAND", ""},
		{[]string{"-h"}, 0, "usage: stewardbot COMMAND", ""},
		{[]string{"--version"}, 0, "stewardbot ", ""},
		{[]string{"-version"}, 0, "stewardbot ", ""},
		{[]string{"version"}, 0, "stewardbot ", ""},
		{[]string{"help", "run"}, 0, "usage: stewardbot run [--config FILE]", ""},
		{[]string{"help", "report"}, 0, "usage: stewardbot report", ""},
		{[]string{"help", "frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"help", "run", "once"}, 2, "", "want one COMMAND"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"once", "--bogus"}, 2, "", "flag provided but not defined: -bogus"},
		{[]string{"report", "--format", "xml"}, 2, "", "unknown --format"},
		{[]string{"help", "backfill"}, 0, "usage: stewardbot backfill", ""},
		{[]string{"backfill", "--since", "2024-13-01"}, 2, "", "--since: want a date written YYYY-MM-DD"},
		{[]string{"backfill", "--since", "2024-05-01", "--until", "2024-04-30"}, 2, "", "is after --until"},
		{[]string{"backfill", "--concurrency", "0"}, 2, "", "--concurrency wants 1 to 64"},
		{[]string{"backfill", "now"}, 2, "", "unexpected arguments"},
		{[]string{"help", "report"}, 0, "html (the survey", ""},
		{[]string{"version", "extra"}, 2, "", "unexpected arguments"},
	}
	for _, c := range commands() {
		for _, h := range []string{"-h", "--help"} {
			tests = append(tests, struct {
				args                []string
				wantCode            int
				wantStdout, wantErr string
			}{[]string{c.name, h}, 0, "usage: stewardbot " + c.name, ""})
		}
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr, noEnv)
			code := 0
			if err != nil {
				var ec exitCode
				if !errors.As(err, &ec) {
					t.Fatalf("run = %v, want an exit status", err)
				}
				code = int(ec)
			}
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, &stdout, &stderr)
			}
			check := func(name string, got *bytes.Buffer, want string) {
				t.Helper()
				switch {
				case want == "" && got.Len() != 0:
					t.Errorf("%s should be empty, got:\n%s", name, got)
				case !strings.Contains(got.String(), want):
					t.Errorf("%s lacks %q:\n%s", name, want, got)
				}
			}
			check("stdout", &stdout, tt.wantStdout)
			check("stderr", &stderr, tt.wantErr)
		})
	}
}

// TestOnceWithoutConfig: with no file and no environment, once and run say
// that no configuration was given and how to give one, before the
// configuration's own words.
func TestOnceWithoutConfig(t *testing.T) {
	for _, name := range []string{"once", "run", "backfill"} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), []string{name}, &stdout, &stderr, noEnv)
			var ec exitCode
			if !errors.As(err, &ec) || ec != 1 {
				t.Fatalf("run = %v, want exit status 1", err)
			}
			for _, want := range []string{"no configuration given", "--config FILE", "STEWARDBOT_CONFIG"} {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, &stderr)
				}
			}
		})
	}
	// A file named: its errors alone, no word about a missing configuration.
	var stderr bytes.Buffer
	env := func(k string) string {
		if k == "STEWARDBOT_CONFIG" {
			return "testdata/does-not-exist.yaml"
		}
		return ""
	}
	run(context.Background(), []string{"once"}, &bytes.Buffer{}, &stderr, env)
	if strings.Contains(stderr.String(), "no configuration given") {
		t.Errorf("a named file is a configuration given:\n%s", &stderr)
	}
}
