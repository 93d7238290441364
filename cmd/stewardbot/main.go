// Command stewardbot does a data steward's chores on Bugzilla.
//
//	stewardbot run          [--config FILE] [--only TASK]   the daemon
//	stewardbot once         [--config FILE] [--only TASK]   one cycle, for cron
//	stewardbot demo         [--for DURATION] [--addr ADDR]  the bot against a seeded fake Bugzilla
//	stewardbot analyze      FILE                            lint a form offline
//	stewardbot check-config FILE                            check a configuration
//	stewardbot backfill     [--config FILE] [--since DATE] [--until DATE]  record past reviews
//	stewardbot report       [--config FILE] [--format csv|markdown|html]  the reviewed collections, for the yearly survey
//	stewardbot version      (also --version)
//	stewardbot help [COMMAND]
//
// The process sets itself a soft memory limit of 20 MiB (see
// defaultMemoryLimit) unless GOMEMLIMIT is set: GOMEMLIMIT=64MiB raises
// it, GOMEMLIMIT=off removes it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	setDefaultMemoryLimit(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	var code exitCode
	switch {
	case err == nil:
	case errors.As(err, &code):
		os.Exit(int(code))
	default:
		fmt.Fprintln(os.Stderr, "stewardbot:", err)
		os.Exit(1)
	}
}

// exitCode ends the program with a status and no further message: the
// command has already said what it had to.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// command is one subcommand. Its result is an exit status.
type command struct {
	name  string
	short string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int
}

func commands() []command {
	return []command{
		{"run", "run the daemon: poll on a schedule until interrupted", runDaemon},
		{"once", "run one cycle and exit (for cron)", runOnce},
		{"demo", "run the bot against a seeded fake Bugzilla on loopback", runDemo},
		{"analyze", "check a data review request form offline", analyzeFromStdin},
		{"check-config", "check a configuration file", runCheckConfig},
		{"backfill", "record the data reviews made before the bot ran, for the survey", runBackfill},
		{"report", "list the reviewed data collections for the yearly survey", runReport},
		{"version", "print the version", runVersion},
	}
}

// analyzeFromStdin runs analyze with the process's standard input ("-").
func analyzeFromStdin(ctx context.Context, args []string, stdout, stderr io.Writer, _ func(string) string) int {
	return runAnalyze(ctx, args, os.Stdin, stdout, stderr)
}

// run is the whole program but the process: tests call it with their own
// streams, environment and context.
//
// It follows the go and gh commands: with no arguments the usage goes to
// stderr with status 2 (nothing was asked, as with go); "help", -h and
// --help print it to stdout with status 0; "help COMMAND" and
// "COMMAND -h" print that command's help to stdout; --version is
// "version"; an unknown command is a usage error (stderr, status 2).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		usage(stderr)
		return exitCode(2)
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		usage(stdout)
		return nil
	case "-version", "--version":
		name = "version"
	case "help":
		if len(rest) == 0 {
			usage(stdout)
			return nil
		}
		if len(rest) > 1 {
			fmt.Fprintf(stderr, "stewardbot help: want one COMMAND, got %q\n", rest)
			return exitCode(2)
		}
		name, rest = rest[0], []string{"-h"}
		if name == "help" {
			usage(stdout)
			return nil
		}
	}
	for _, c := range commands() {
		if c.name == name {
			if code := c.run(ctx, rest, stdout, stderr, getenv); code != 0 {
				return exitCode(code)
			}
			return nil
		}
	}
	fmt.Fprintf(stderr, "stewardbot: unknown command %q\n\n", name)
	usage(stderr)
	return exitCode(2)
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("usage: stewardbot COMMAND [ARGS]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-13s %s\n", c.name, c.short)
	}
	fmt.Fprintf(&b, "  %-13s %s\n", "help", "show the commands, or one command's help (help COMMAND)")
	b.WriteString("\nRun \"stewardbot help COMMAND\" (or \"stewardbot COMMAND -h\") for a command's options.\n")
	fmt.Fprint(w, b.String())
}
