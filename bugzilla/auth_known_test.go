package bugzilla

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAuthenticateKnown(t *testing.T) {
	upstream := Identity{Login: "bot@example.test", Placement: KeyQuery}
	bmo := Identity{Login: "bot@example.test", Placement: KeyHeader, BMO: true}
	for _, tc := range []struct {
		name     string
		setup    func(*testing.T, *fake)
		known    Identity
		want     Identity
		requests int
	}{
		{"upstream as remembered", func(t *testing.T, f *fake) { f.upstream(t, testKey) }, upstream, upstream, 1},
		{"BMO as remembered", func(t *testing.T, f *fake) { f.bmo(t, testKey, "bot@example.test") }, bmo, bmo, 1},
		// Remembered as BMO, now upstream: the header is not read, the
		// key looks like nobody's, and the full probe decides.
		{"server changed", func(t *testing.T, f *fake) { f.upstream(t, testKey) }, bmo, upstream, 3},
		{"nothing remembered", func(t *testing.T, f *fake) { f.upstream(t, testKey) }, Identity{}, upstream, 2},
		{"another login remembered", func(t *testing.T, f *fake) { f.upstream(t, testKey) },
			Identity{Login: "old@example.test", Placement: KeyQuery}, upstream, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tc.setup(t, f)
			c, _ := testClient(t, f)
			got, err := c.AuthenticateKnown(bg, tc.known)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(*got, tc.want); d != "" {
				t.Errorf("identity (-got +want):\n%s", d)
			}
			if f.count() != tc.requests {
				t.Errorf("%d requests, want %d", f.count(), tc.requests)
			}
			if c.keyPlacement() != tc.want.Placement {
				t.Errorf("key travels in %v, want %v", c.keyPlacement(), tc.want.Placement)
			}
		})
	}
}

func TestAuthenticateKnownBadKey(t *testing.T) {
	f := newFake(t)
	f.upstream(t, "the-real-key")
	c, _ := testClient(t, f)
	_, err := c.AuthenticateKnown(bg, Identity{Login: "bot@example.test", Placement: KeyQuery})
	if !errors.Is(err, ErrInvalidAPIKey) {
		t.Fatalf("got %v, want ErrInvalidAPIKey", err)
	}
	if f.count() != 1 {
		t.Errorf("%d requests, want 1", f.count())
	}
}
