package demo

import (
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

func TestSeedLoads(t *testing.T) {
	srv := bugzillatest.NewUnstartedServer(t)
	ids, err := Seed(srv)
	if err != nil {
		t.Fatal(err)
	}
	cases := Cases()
	if len(ids) != len(cases) {
		t.Fatalf("seed filed %d bugs, Cases lists %d", len(ids), len(cases))
	}
	for i, c := range cases {
		if ids[i] != c.Bug {
			t.Errorf("bug %d in the seed is %d in Cases", ids[i], c.Bug)
		}
	}
}

func TestResolve(t *testing.T) {
	if _, err := resolve("file:forms/nope.md"); err == nil {
		t.Error("a missing file resolved")
	}
	if got, _ := resolve("plain"); got != "plain" {
		t.Errorf("resolve(plain) = %q", got)
	}
}
