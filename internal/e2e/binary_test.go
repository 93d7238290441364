package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildStewardbot builds cmd/stewardbot into a temporary folder, without
// the race detector whatever the test runs under (GOFLAGS is dropped), so
// that the child starts fast and CI's -race run stays short.
func buildStewardbot(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to build the binary")
	}
	bin := filepath.Join(t.TempDir(), "stewardbot")
	cmd := exec.Command(goTool, "build", "-o", bin, "github.com/stewardbot/stewardbot/cmd/stewardbot")
	cmd.Env = envWithout(os.Environ(), "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// envWithout drops the variables with any of the given prefixes.
func envWithout(env []string, prefixes ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
