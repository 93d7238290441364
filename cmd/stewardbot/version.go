package main

import (
	"context"
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

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer, _ func(string) string) int {
	fmt.Fprintln(stdout, "stewardbot", buildVersion())
	return 0
}
