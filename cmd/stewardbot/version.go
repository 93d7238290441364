package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

// buildVersion is the version this binary reports and sends in its User-Agent.
func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

const versionUsage = `usage: stewardbot version (or stewardbot --version)

Prints the version this binary reports (and sends in its User-Agent).
`

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer, _ func(string) string) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), versionUsage) }
	if code, stop := parseFlags(fs, stdout, stderr, func() error { return fs.Parse(args) }); stop {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "version: unexpected arguments %q\n", fs.Args())
		return 2
	}
	fmt.Fprintln(stdout, "stewardbot", buildVersion())
	return 0
}
