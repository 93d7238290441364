package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// BenchmarkMemoryRSS10k measures the daemon's whole memory with 10,000
// tracked requests: the real binary, built as deploy/Dockerfile builds it,
// `stewardbot run` in dry-run with a cycle every second, against the fake
// (in this process, so none of its memory counts), until its cycles are
// idle. It reports, from /proc/PID/status of the daemon:
//   - peak-rss-MB: VmHWM, the largest resident set of the whole run (the
//     sweep of 10,000 bugs, the analyses, the other tasks' first looks);
//   - steady-rss-MB: VmRSS after idle cycles, with all 10,000 tracked,
//     and its private (RssAnon) and file-backed (RssFile) parts;
//   - cycles: the cycles until idle, and cpu-s: the daemon's CPU time.
//
// VmHWM belongs to the process's address space, which exec replaces, so
// unlike getrusage's maximum RSS (see BenchmarkMemoryRSSOnce10k's rsswrap)
// it does not carry this process's memory over. The daemon gets this
// process's environment, so GOMEMLIMIT or GOGC set for the benchmark apply
// to it. Target: peak under 40 MB.
func BenchmarkMemoryRSS10k(b *testing.B) {
	const n = 10000
	bin := buildBinary(b, "github.com/stewardbot/stewardbot/cmd/stewardbot", deployBuildFlags...)
	for b.Loop() {
		b.StopTimer()
		// The benchmark counts the cycles on the daemon's /metrics
		// (stewardbot_cycles_total), so it needs the port beforehand.
		listen, err := freeLoopbackAddr()
		if err != nil {
			b.Fatal(err)
		}
		srv, cfgPath, dir, env := rssSetup(b, n, `  schedule: "@every 1s"`+"\n", listen)
		logPath := filepath.Join(dir, "bot.log")
		logFile, err := os.Create(logPath)
		if err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(bin, "run", "--config", cfgPath)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = logFile, logFile
		srv.ResetRecords()
		b.StartTimer()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		cycles, err := waitIdle(srv, "http://"+listen+"/metrics", n, 10*time.Minute)
		b.StopTimer()
		var steady procMemory
		if err == nil {
			// Two more idle cycles, then the steady figures.
			time.Sleep(2500 * time.Millisecond)
			steady, err = readProcMemory(status)
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		waitErr := cmd.Wait()
		logFile.Close()
		if err != nil {
			b.Fatalf("%v\n%s", err, tail(logPath))
		}
		if waitErr != nil {
			b.Fatalf("stewardbot run: %v\n%s", waitErr, tail(logPath))
		}
		ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		var cpu time.Duration
		if ru != nil {
			cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
		mb := func(v int64) float64 { return float64(v) / (1 << 20) }
		b.ReportMetric(mb(steady.hwm), "peak-rss-MB")
		b.ReportMetric(mb(steady.rss), "steady-rss-MB")
		b.ReportMetric(mb(steady.anon), "steady-anon-MB")
		b.ReportMetric(mb(steady.file), "steady-file-MB")
		b.ReportMetric(float64(len(cycles)), "cycles")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.Logf("stewardbot run over %d requests: peak %.1f MB (VmHWM); steady %.1f MB (anon %.1f, file %.1f); %d cycles until idle, requests per cycle %v; CPU %.2f s",
			n, mb(steady.hwm), mb(steady.rss), mb(steady.anon), mb(steady.file), len(cycles), cycles, cpu.Seconds())
		b.StartTimer()
	}
}

// rssSetup seeds a fake Bugzilla with n requests and writes the bot's
// config for it: dry run, the write cap at its most, warn logs, the store
// in a new folder, pollExtra added to the poll section, the HTTP server on
// listen. It returns the fake, the config's path, the folder, and the
// environment to run the bot in (its key, none of this process's
// STEWARDBOT_ settings).
func rssSetup(b *testing.B, n int, pollExtra, listen string) (srv *bugzillatest.Server, cfgPath, dir string, env []string) {
	b.Helper()
	srv = bugzillatest.NewServer(b, bugzillatest.WithDialect(bugzillatest.Upstream), bugzillatest.WithClock(time.Now))
	srv.SetAPIKey(botLogin, testAPIKey)
	if _, err := SeedCorpus(srv, 0, n, false); err != nil {
		b.Fatal(err)
	}
	dir = b.TempDir()
	cfgPath = filepath.Join(dir, "config.yaml")
	config := fmt.Sprintf(`dry_run: true
bugzilla:
  url: %s
  login: %s
  timeout: 30s
poll:
%s  max_writes_per_cycle: %d
store:
  dsn: %s
log:
  level: warn
  format: json
http:
  listen: %s
`, srv.URL(), botLogin, pollExtra, bot.MaxWritesCap, filepath.Join(dir, "stewardbot.db"), listen)
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		b.Fatal(err)
	}
	env = append(envWithout(os.Environ(), "STEWARDBOT_", "CREDENTIALS_DIRECTORY="),
		"STEWARDBOT_BUGZILLA_API_KEY="+testAPIKey)
	return srv, cfgPath, dir, env
}

// waitIdle waits until the daemon whose metrics are at metricsURL has run
// an idle cycle: one that cost a few requests (at most 4, or the same as
// the cycle before and under n/100: a poll that also checks the tracked
// requests costs some however idle). It returns the requests of each
// cycle (cycles that ended between two looks share their requests).
func waitIdle(srv *bugzillatest.Server, metricsURL string, n int, limit time.Duration) ([]int, error) {
	deadline := time.Now().Add(limit)
	var cycles []int
	seen, atLast := 0, 0
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		done, err := cyclesDone(metricsURL)
		if err != nil || done == seen {
			continue // not listening yet, or no cycle ended
		}
		total := 0
		for _, c := range srv.RequestCounts() {
			total += c
		}
		for range done - seen {
			cycles = append(cycles, (total-atLast)/(done-seen))
		}
		seen, atLast = done, total
		last := cycles[len(cycles)-1]
		if len(cycles) > 1 && (last <= 4 || (last == cycles[len(cycles)-2] && last < n/100)) {
			return cycles, nil
		}
	}
	return cycles, fmt.Errorf("not idle after %v: requests per cycle %v", limit, cycles)
}

// metricsClient reads the daemon's /metrics uncompressed: a gzip answer
// would have the daemon keep compressors (about a megabyte each) alive
// between the benchmark's looks, memory the bot does not otherwise hold.
var metricsClient = &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 5 * time.Second}

// cyclesDone sums stewardbot_cycles_total over its results.
func cyclesDone(metricsURL string) (int, error) {
	resp, err := metricsClient.Get(metricsURL)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	total := 0
	for line := range strings.Lines(string(body)) {
		if !strings.HasPrefix(line, "stewardbot_cycles_total{") {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("metrics: %q: %w", line, err)
		}
		total += int(v)
	}
	return total, nil
}

// freeLoopbackAddr is a loopback address with a port free a moment ago.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// procMemory is what /proc/PID/status says of a process's memory, in bytes.
type procMemory struct{ hwm, rss, anon, file int64 }

func readProcMemory(path string) (procMemory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return procMemory{}, err
	}
	var m procMemory
	fields := map[string]*int64{"VmHWM:": &m.hwm, "VmRSS:": &m.rss, "RssAnon:": &m.anon, "RssFile:": &m.file}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 {
			if p, ok := fields[f[0]]; ok {
				kb, err := strconv.ParseInt(f[1], 10, 64)
				if err != nil {
					return procMemory{}, fmt.Errorf("%s: %s: %w", path, f[0], err)
				}
				*p = kb * 1024
			}
		}
	}
	if m.hwm == 0 || m.rss == 0 {
		return procMemory{}, fmt.Errorf("%s: no VmHWM or VmRSS", path)
	}
	return m, sc.Err()
}
