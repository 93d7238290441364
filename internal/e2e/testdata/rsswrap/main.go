// Command rsswrap runs a command and writes what memory that command alone
// used to a file, as "maxrss=N anon=N file=N cpu_ms=N", memory in bytes:
//
//	rsswrap OUTFILE COMMAND [ARG...]
//
// maxrss is the maximum resident set size getrusage reports (Linux gives
// kilobytes). anon and file are the largest RssAnon and RssFile that
// /proc/PID/status showed, read every 2 ms while the command ran: the
// private memory the process allocated, and the pages of its binary and
// other files it mapped (shared with other processes, and reclaimable).
// cpu_ms is the CPU time (user and system) the command used, in
// milliseconds: what a lower memory use may cost in garbage collection.
//
// A child's maximum RSS, as wait4 reports it, includes the memory of the
// process that started it, as it was when the child was forked (Linux
// carries the old address space's high-water mark over exec). A benchmark
// holding a fake Bugzilla of 10,000 bugs would report that fake's memory as
// the bot's; started from this small program instead, the child inherits a
// few megabytes at most.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: rsswrap OUTFILE COMMAND [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		os.Exit(1)
	}
	done := make(chan struct{})
	peaks := make(chan [2]int64)
	go func() {
		var anon, file int64
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			a, f := readRss(status)
			anon, file = max(anon, a), max(file, f)
			select {
			case <-done:
				peaks <- [2]int64{anon, file}
				return
			case <-t.C:
			}
		}
	}()
	_ = cmd.Wait()
	close(done)
	p := <-peaks
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "rsswrap: no rusage on this platform")
		os.Exit(1)
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	out := fmt.Sprintf("maxrss=%d anon=%d file=%d cpu_ms=%d\n", ru.Maxrss*1024, p[0], p[1], cpu.Milliseconds())
	if err := os.WriteFile(os.Args[1], []byte(out), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		os.Exit(1)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}

// readRss reads RssAnon and RssFile, in bytes, from a /proc status file;
// zero when it cannot be read (the process has just exited).
func readRss(path string) (anon, file int64) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		fields := bytes.Fields(sc.Bytes())
		if len(fields) < 2 {
			continue
		}
		n, _ := strconv.ParseInt(string(fields[1]), 10, 64)
		switch string(fields[0]) {
		case "RssAnon:":
			anon = n * 1024
		case "RssFile:":
			file = n * 1024
		}
	}
	return anon, file
}
