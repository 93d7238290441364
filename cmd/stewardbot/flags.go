package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
)

// parseFlags runs parse (fs.Parse or parseInterspersed) the way the go and
// gh commands treat their flags: -h or --help prints the command's usage to
// stdout and ends it with status 0; a bad flag prints the error and the
// usage to stderr and ends it with status 2 (a usage error). When stop is
// false the flags parsed and the command goes on; fs then writes to stderr,
// so a later fs.Usage() (after a bad argument) is a usage error too.
//
// Every command's fs.Usage must write to fs.Output().
func parseFlags(fs *flag.FlagSet, stdout, stderr io.Writer, parse func() error) (code int, stop bool) {
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := parse()
	fs.SetOutput(stderr)
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		stdout.Write(buf.Bytes())
		return 0, true
	default:
		stderr.Write(buf.Bytes())
		return 2, true
	}
}
