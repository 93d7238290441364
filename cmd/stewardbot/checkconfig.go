package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/policy"
)

const checkConfigUsage = `usage: stewardbot check-config FILE

Checks a configuration file as "stewardbot run" would read it: the YAML, the
STEWARDBOT_* environment overrides, the API key (from the environment, a key
file or $CREDENTIALS_DIRECTORY; required, in dry run too), the store (a
PostgreSQL DSN that parses, a SQLite folder that exists and is writable),
and the rules file if rules_file is set. Prints every problem as
FILE:LINE: SETTING: PROBLEM. Touches no network.

Exit status: 0 when the configuration is good, 1 when it has problems,
2 for a usage error.
`

// runCheckConfig is "stewardbot check-config FILE".
func runCheckConfig(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("check-config", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), checkConfigUsage) }
	if code, stop := parseFlags(fs, stdout, stderr, func() error { return fs.Parse(args) }); stop {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "check-config: want one FILE, got %d arguments\n\n", fs.NArg())
		fs.Usage()
		return 2
	}
	path := fs.Arg(0)
	cfg, problems := checkConfig(ctx, path, getenv)
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		noun := "problems"
		if len(problems) == 1 {
			noun = "problem"
		}
		fmt.Fprintf(stdout, "%s: %d %s\n", path, len(problems), noun)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok\n", path)
	if cfg.DryRun {
		fmt.Fprintf(stdout, "note: dry_run is true: the bot will log what it would post and write nothing\n")
	}
	return 0
}

// checkConfig returns every problem with the configuration at path, each as
// one line starting with the file (and line) it is about.
func checkConfig(_ context.Context, path string, getenv func(string) string) (bot.Config, []string) {
	cfg, err := bot.LoadConfig(path, getenv, os.ReadFile)
	var out []string
	var ce bot.ConfigErrors
	switch {
	case err == nil:
	case errors.As(err, &ce):
		for _, e := range ce {
			out = append(out, formatConfigError(path, e))
		}
	default: // the file could not be read
		return cfg, []string{fmt.Sprintf("%s: %v", path, err)}
	}
	out = append(out, runnableProblems(path, cfg, ce)...)
	if cfg.RulesFile != "" {
		out = append(out, checkRulesFile(path, cfg)...)
	}
	return cfg, out
}

// runnableProblems is what run would hit before contacting Bugzilla (the
// key, the store: Config.CheckRunnable), leaving out the settings the
// configuration's own problems already name. A file that did not parse
// as a whole is not judged further.
func runnableProblems(path string, cfg bot.Config, known bot.ConfigErrors) []string {
	named := map[string]bool{}
	for _, e := range known {
		if e.Field == "" {
			return nil
		}
		named[e.Field] = true
	}
	var ce bot.ConfigErrors
	if !errors.As(cfg.CheckRunnable(), &ce) {
		return nil
	}
	var out []string
	for _, e := range ce {
		if !named[e.Field] {
			out = append(out, formatConfigError(path, e))
		}
	}
	return out
}

// formatConfigError writes a problem as FILE:LINE: SETTING: PROBLEM, the form
// editors and CI annotations understand.
func formatConfigError(path string, e bot.ConfigError) string {
	where := path
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", path, e.Line)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", where, e.Message)
	}
	return fmt.Sprintf("%s: %s: %s", where, e.Field, e.Message)
}

// checkRulesFile reads and parses the rules file the configuration names.
func checkRulesFile(path string, cfg bot.Config) []string {
	rules := cfg.RulesFile
	where := path
	if cfg.Source != nil && cfg.Source.Lines["rules_file"] > 0 {
		where = fmt.Sprintf("%s:%d", path, cfg.Source.Lines["rules_file"])
	}
	data, err := os.ReadFile(rules)
	if err != nil {
		return []string{fmt.Sprintf("%s: rules_file: cannot read the rules: %v", where, err)}
	}
	if _, err := policy.ParseRules(data); err != nil {
		var re *policy.RulesError
		if errors.As(err, &re) {
			out := make([]string, 0, len(re.Problems))
			for _, p := range re.Problems {
				out = append(out, fmt.Sprintf("%s: %s: %s", rules, p.Path, p.Problem))
			}
			return out
		}
		return yamlProblems(rules, err)
	}
	return nil
}

// yamlLineMessage finds yaml's "line N: message" in an error's text.
var yamlLineMessage = regexp.MustCompile(`^(?:.*: )?line (\d+): (.*)$`)

// yamlProblems writes a rules file's YAML error as FILE:LINE: lines, one per
// problem yaml listed (unknown keys, wrong types), or as one line.
func yamlProblems(file string, err error) []string {
	var out []string
	for line := range strings.Lines(err.Error()) {
		if m := yamlLineMessage.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			out = append(out, fmt.Sprintf("%s:%s: %s", file, m[1], m[2]))
		}
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("%s: %v", file, err))
	}
	return out
}
