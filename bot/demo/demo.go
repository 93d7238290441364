// Package demo holds the demo's world: about ten realistic data-review
// requests for the fake Bugzilla, written as a bugzillatest seed file whose
// forms live in forms/ as the requesters would have written them. The
// `stewardbot demo` command and the end-to-end tests both use it.
package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

//go:embed seed.json forms
var files embed.FS

// Outcome is what the bot should do for a demo bug.
type Outcome string

const (
	Analysis  Outcome = "analysis"   // one analysis comment
	Private   Outcome = "private"    // one analysis comment, private
	NeedsForm Outcome = "needs-form" // one polite request for the form
	Nothing   Outcome = "nothing"    // the request was answered before the bot saw it
)

// Case is one demo bug and what it shows.
type Case struct {
	Bug   int
	Shows string
	Want  Outcome
}

// Cases lists the demo's bugs in order.
func Cases() []Case {
	return []Case{
		{1001, "a clean 12-question form", Analysis},
		{1002, "glean_parser output with TODOs left in", Analysis},
		{1003, "category 3 default-on in release", Analysis},
		{1004, "category 4, a new identifier and a third-party endpoint", Analysis},
		{1005, "missing answers", Analysis},
		{1006, "no requestee on the flag", Analysis},
		{1007, "a private attachment", Private},
		{1008, "a patch, with the form pasted in a comment", Analysis},
		{1009, "a form replaced by a newer one", Analysis},
		{1010, "a request answered (+) before the bot saw it", Nothing},
		{1011, "a Phabricator link and no form anywhere", NeedsForm},
	}
}

// Seed loads the demo's bugs into a fake Bugzilla, times relative to its
// clock. It returns the bug ids.
func Seed(srv *bugzillatest.Server) ([]int, error) {
	data, err := SeedJSON()
	if err != nil {
		return nil, err
	}
	return srv.LoadSeed(bytes.NewReader(data))
}

// SeedJSON is the seed file with every "file:NAME" text replaced by the
// embedded file's content: a plain bugzillatest seed.
func SeedJSON() ([]byte, error) {
	raw, err := files.ReadFile("seed.json")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var f bugzillatest.SeedFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("demo: seed.json: %w", err)
	}
	for i := range f.Bugs {
		b := &f.Bugs[i]
		for j := range b.Attachments {
			if b.Attachments[j].Text, err = resolve(b.Attachments[j].Text); err != nil {
				return nil, err
			}
		}
		for j := range b.Comments {
			if b.Comments[j].Text, err = resolve(b.Comments[j].Text); err != nil {
				return nil, err
			}
		}
	}
	return json.Marshal(&f)
}

// resolve replaces "file:NAME" by the embedded file NAME.
func resolve(text string) (string, error) {
	name, ok := strings.CutPrefix(text, "file:")
	if !ok {
		return text, nil
	}
	data, err := files.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("demo: seed.json names %w", err)
	}
	return string(data), nil
}
