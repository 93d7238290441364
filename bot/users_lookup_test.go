package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// fakeUsers answers as Bugzilla's User.get does: every login must be an
// account, or the whole request is a 404.
type fakeUsers struct {
	known map[string]bool
	calls int
	fail  error // returned for any request naming "fail@x.test"
}

func (f *fakeUsers) Users(_ context.Context, logins []string) ([]bugzilla.User, error) {
	f.calls++
	var out []bugzilla.User
	for _, l := range logins {
		if l == "fail@x.test" {
			return nil, f.fail
		}
		if !f.known[strings.ToLower(l)] {
			return nil, fmt.Errorf("no user %s: %w", l, bugzilla.ErrNotFound)
		}
		out = append(out, bugzilla.User{Name: l})
	}
	return out, nil
}

// An unknown login costs a few more requests, not one per login; the
// others are still read; another error stops the lookup.
func TestLookUpUsers(t *testing.T) {
	logins := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("u%d@x.test", i))
		}
		return out
	}
	tests := []struct {
		name      string
		logins    []string
		unknown   []string
		maxCalls  int
		wantCalls int // exact, when not 0
	}{
		{"all known", logins(10), nil, 0, 1},
		{"one unknown of two", logins(2), []string{"u1@x.test"}, 0, 3},
		{"one unknown of four", logins(4), []string{"u0@x.test"}, 0, 5},
		{"one unknown of 256", logins(256), []string{"u100@x.test"}, 1 + 2*8, 0},
		{"three unknown of 200", logins(200), []string{"u3@x.test", "u150@x.test", "u199@x.test"}, 1 + 3*2*8, 0},
		{"all unknown of 3", logins(3), logins(3), 0, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeUsers{known: map[string]bool{}}
			for _, l := range tc.logins {
				f.known[l] = !slices.Contains(tc.unknown, l)
			}
			got, err := lookUpUsers(context.Background(), f, tc.logins)
			if err != nil {
				t.Fatal(err)
			}
			names := []string{}
			for n := range got {
				names = append(names, n)
			}
			slices.Sort(names)
			want := slices.DeleteFunc(append([]string{}, tc.logins...), func(l string) bool { return slices.Contains(tc.unknown, l) })
			slices.Sort(want)
			if diff := cmp.Diff(names, want); diff != "" {
				t.Errorf("accounts (-got +want):\n%s", diff)
			}
			if tc.wantCalls != 0 && f.calls != tc.wantCalls {
				t.Errorf("%d requests, want %d", f.calls, tc.wantCalls)
			}
			if tc.maxCalls != 0 && f.calls > tc.maxCalls {
				t.Errorf("%d requests, want at most %d", f.calls, tc.maxCalls)
			}
		})
	}
	rl := &bugzilla.RateLimitError{}
	f := &fakeUsers{known: map[string]bool{"a@x.test": true}, fail: rl}
	if _, err := lookUpUsers(context.Background(), f, []string{"a@x.test", "fail@x.test"}); !errors.As(err, &rl) {
		t.Errorf("a rate limit came back as %v", err)
	}
}
