package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestBadAPIKeyOnceExits: `stewardbot once` with a key the server rejects
// exits non-zero with a clear message after one request (bugzilla's
// Authenticate documents one probe carrying the key in the header and the
// query, so both dialects judge it at once), and never prints the key.
func TestBadAPIKeyOnceExits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	bin := buildStewardbot(t)
	for _, dialect := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		t.Run(dialect.String(), func(t *testing.T) {
			srv := bugzillatest.NewServer(t, bugzillatest.WithDialect(dialect))
			if _, err := SeedCorpus(srv, 0, 3, false); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			cfg := filepath.Join(dir, "config.yaml")
			yaml := fmt.Sprintf("dry_run: false\nbugzilla:\n  url: %s\n  login: %s\nstore:\n  dsn: %s\nlog:\n  format: json\n",
				srv.URL(), botLogin, filepath.Join(dir, "s.db"))
			if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			const badKey = "not-the-bots-key-0123456789"
			cmd := exec.Command(bin, "once", "--config", cfg)
			cmd.Env = append(envWithout(os.Environ(), "STEWARDBOT_", "CREDENTIALS_DIRECTORY="), "STEWARDBOT_BUGZILLA_API_KEY="+badKey)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Fatalf("exit: %v, want a non-zero status\nstderr:\n%s", err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "rejected the API key") {
				t.Errorf("stderr does not say the key was rejected:\n%s", stderr.String())
			}
			all := stdout.String() + stderr.String()
			if strings.Contains(all, badKey) {
				t.Errorf("the API key appears in the output")
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests %v, want 1", n, srv.RequestCounts())
			}
			if n := len(srv.Writes()); n != 0 {
				t.Errorf("%d writes with a bad key", n)
			}
			t.Logf("exit %d after %d request(s) %v; message: %s", exit.ExitCode(), len(srv.Requests()), srv.RequestCounts(), lastLine(stderr.String()))
		})
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
