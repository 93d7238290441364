package deploy

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot"
)

const unitPath = "systemd/stewardbot.service"

// unitFile is a parsed systemd unit: for each section, each key's
// assignments in order (a key may be assigned several times).
type unitFile map[string]map[string][]string

// parseUnit reads the INI-like unit syntax systemd uses: [Section] headers,
// Key=Value lines, # and ; comments, and a trailing backslash continuing a
// line. It is strict where systemd warns: a line outside a section or
// without "=" is an error.
func parseUnit(data []byte) (unitFile, error) {
	u := unitFile{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	n, pending := 0, ""
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if pending == "" && (line == "" || line[0] == '#' || line[0] == ';') {
			continue
		}
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			pending += cont + " "
			continue
		}
		line, pending = pending+line, ""
		if strings.HasPrefix(line, "[") {
			if !strings.HasSuffix(line, "]") {
				return nil, fmt.Errorf("line %d: bad section header %q", n, line)
			}
			section = line[1 : len(line)-1]
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: want Key=Value, got %q", n, line)
		}
		if section == "" {
			return nil, fmt.Errorf("line %d: %q is outside any section", n, line)
		}
		key = strings.TrimSpace(key)
		u[section][key] = append(u[section][key], strings.TrimSpace(value))
	}
	if pending != "" {
		return nil, fmt.Errorf("the file ends in a continued line")
	}
	return u, sc.Err()
}

// last is the value a single-valued key ends up with, and whether it is set.
func (u unitFile) last(section, key string) (string, bool) {
	vs := u[section][key]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

func loadUnit(t *testing.T) unitFile {
	t.Helper()
	data, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	u, err := parseUnit(data)
	if err != nil {
		t.Fatalf("%s: %v", unitPath, err)
	}
	return u
}

func TestParseUnit(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     unitFile
		err      string
	}{
		{
			name: "sections, comments, repeats, continuation",
			in:   "# c\n[Unit]\nDescription = x\n\n[Service]\n; c\nA=1\nA=\nB=a \\\n  b\n",
			want: unitFile{"Unit": {"Description": {"x"}}, "Service": {"A": {"1", ""}, "B": {"a  b"}}},
		},
		{name: "outside a section", in: "A=1\n", err: "outside any section"},
		{name: "no equals", in: "[Service]\nA\n", err: "want Key=Value"},
		{name: "bad header", in: "[Service\n", err: "bad section header"},
		{name: "dangling continuation", in: "[Service]\nA=1 \\\n", err: "continued line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseUnit([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(got, tc.want); d != "" {
				t.Errorf("(-got +want):\n%s", d)
			}
		})
	}
}

// The unit keeps every hardening setting deploy/README.md promises.
func TestSystemdHardening(t *testing.T) {
	u := loadUnit(t)
	yes := []string{
		"DynamicUser", "ProtectHome", "NoNewPrivileges", "PrivateTmp", "PrivateDevices",
		"ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups",
		"ProtectClock", "ProtectHostname", "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID",
		"LockPersonality", "MemoryDenyWriteExecute",
	}
	for _, key := range yes {
		v, ok := u.last("Service", key)
		if !ok || !slices.Contains([]string{"yes", "true", "on", "1"}, strings.ToLower(v)) {
			t.Errorf("%s=%q, want yes", key, v)
		}
	}
	exact := map[string]string{
		"Type":                    "simple",
		"ExecStart":               "/usr/local/bin/stewardbot run --config /etc/stewardbot/config.yaml",
		"Restart":                 "on-failure",
		"StateDirectory":          "stewardbot",
		"LoadCredential":          bot.CredentialAPIKey + ":/etc/stewardbot/bugzilla-api-key",
		"ProtectSystem":           "strict",
		"SystemCallArchitectures": "native",
		"CapabilityBoundingSet":   "", // empty: no capabilities at all
		"UMask":                   "0077",
	}
	for _, key := range slices.Sorted(maps.Keys(exact)) {
		if v, ok := u.last("Service", key); !ok || v != exact[key] {
			t.Errorf("%s=%q (set: %v), want %q", key, v, ok, exact[key])
		}
	}
	if v, _ := u.last("Service", "RestrictAddressFamilies"); !sameWords(v, "AF_INET AF_INET6 AF_UNIX") {
		t.Errorf("RestrictAddressFamilies=%q, want AF_INET AF_INET6 AF_UNIX", v)
	}
	filters := u["Service"]["SystemCallFilter"]
	if !slices.Contains(filters, "@system-service") {
		t.Errorf("SystemCallFilter %q: want an allow list of @system-service", filters)
	}
	if !slices.ContainsFunc(filters, func(f string) bool { return sameWords(f, "~@privileged @resources") }) {
		t.Errorf("SystemCallFilter %q: want ~@privileged @resources denied", filters)
	}
	if v, _ := u.last("Service", "RestartSec"); !saneRestartSec(v) {
		t.Errorf("RestartSec=%q, want between 1s and 10min so a failing bot neither spins nor stays down", v)
	}
	if !slices.Contains(u["Service"]["Environment"], bot.EnvStoreDSN+"=/var/lib/stewardbot/stewardbot.db") {
		t.Errorf("Environment %q: want %s=/var/lib/stewardbot/stewardbot.db", u["Service"]["Environment"], bot.EnvStoreDSN)
	}
	if v, _ := u.last("Install", "WantedBy"); v != "multi-user.target" {
		t.Errorf("WantedBy=%q, want multi-user.target", v)
	}
}

// saneRestartSec reads systemd's "30s", "1min", "2min 30s" or bare seconds.
func saneRestartSec(v string) bool {
	v = strings.ReplaceAll(strings.ReplaceAll(v, "min", "m"), " ", "")
	if _, err := fmt.Sscanf(v, "%d", new(int)); err == nil && !strings.ContainsAny(v, "hms") {
		v += "s"
	}
	d, err := time.ParseDuration(v)
	return err == nil && d >= time.Second && d <= 10*time.Minute
}

// The bot, as the unit runs it, finds its config, its key (through
// LoadCredential and $CREDENTIALS_DIRECTORY) and its store in the state
// directory. Environment= and the credential name are checked through
// bot.LoadConfig itself, so a renamed variable or credential fails here.
func TestSystemdLoadConfig(t *testing.T) {
	u := loadUnit(t)
	exe, _ := u.last("Service", "ExecStart")
	args := strings.Fields(exe)
	i := slices.Index(args, "--config")
	if i < 0 || i+1 >= len(args) {
		t.Fatalf("ExecStart=%q names no --config FILE", exe)
	}
	configPath := args[i+1]
	example, err := os.ReadFile("config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const credDir = "/run/credentials/stewardbot.service"
	files := map[string][]byte{configPath: example}
	for _, lc := range u["Service"]["LoadCredential"] {
		name, _, _ := strings.Cut(lc, ":")
		files[path.Join(credDir, name)] = []byte("the-key\n")
	}
	env := map[string]string{bot.EnvCredentialsDirectory: credDir}
	for _, assignment := range u["Service"]["Environment"] {
		if strings.ContainsAny(assignment, `"'`) {
			t.Fatalf("Environment=%s: quoting is not understood by this test; keep one unquoted assignment a line", assignment)
		}
		for _, kv := range strings.Fields(assignment) {
			k, v, _ := strings.Cut(kv, "=")
			if strings.HasPrefix(k, "STEWARDBOT_") && !slices.Contains(botEnvNames, k) {
				t.Errorf("Environment: the bot does not read %s", k)
			}
			env[k] = v
		}
	}
	readFile := func(name string) ([]byte, error) {
		if b, ok := files[name]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
	}
	cfg, err := bot.LoadConfig(configPath, func(k string) string { return env[k] }, readFile)
	if err != nil {
		t.Fatalf("the bot, as the unit runs it: %v", err)
	}
	if cfg.Bugzilla.APIKey.Reveal() != "the-key" {
		t.Errorf("the bot did not find the key the unit hands it with LoadCredential")
	}
	state, _ := u.last("Service", "StateDirectory")
	if dir := filepath.Dir(cfg.Store.DSN); dir != "/var/lib/"+state {
		t.Errorf("store.dsn = %q, outside the state directory /var/lib/%s", cfg.Store.DSN, state)
	}
}

// systemd's own checks, where systemd-analyze is installed: `verify` must
// print nothing (it warns about unknown keys and bad values but still exits
// 0), and the offline security review must rate the unit "OK" (exposure at
// most 2.0 of 10).
func TestSystemdAnalyze(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed here; the checks above still ran")
	}
	data, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	// verify insists that ExecStart's program exists; the binary is not
	// installed here, so the copy points at a stand-in.
	dir := t.TempDir()
	stand := filepath.Join(dir, "stewardbot")
	if err := os.WriteFile(stand, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("ExecStart=/usr/local/bin/stewardbot ")) {
		t.Fatal("ExecStart no longer starts /usr/local/bin/stewardbot: update this test")
	}
	data = bytes.ReplaceAll(data, []byte("/usr/local/bin/stewardbot"), []byte(stand))
	unit := filepath.Join(dir, "stewardbot.service")
	if err := os.WriteFile(unit, data, 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("verify", func(t *testing.T) {
		out, err := exec.Command(analyze, "verify", "--man=no", unit).CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	})
	t.Run("security", func(t *testing.T) {
		help, _ := exec.Command(analyze, "--help").CombinedOutput()
		if !bytes.Contains(help, []byte("--offline")) || !bytes.Contains(help, []byte("--threshold")) {
			t.Skip("this systemd-analyze has no --offline/--threshold (systemd < 250)")
		}
		out, err := exec.Command(analyze, "security", "--offline=true", "--threshold=20", unit).CombinedOutput()
		if err != nil {
			t.Errorf("systemd-analyze security: %v (exposure above 2.0, or an error)\n%s", err, lastLines(out, 12))
		}
	})
}

func lastLines(b []byte, n int) []byte {
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return bytes.Join(lines, []byte("\n"))
}

func sameWords(a, b string) bool {
	wa, wb := strings.Fields(a), strings.Fields(b)
	slices.Sort(wa)
	slices.Sort(wb)
	return slices.Equal(wa, wb)
}
