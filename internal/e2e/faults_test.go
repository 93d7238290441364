package e2e

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stewardbot/stewardbot/bot"
	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
	"github.com/stewardbot/stewardbot/internal/bottest"
)

// TestFaultsThenAllWorkOnce: while Bugzilla answers 5xx bursts, resets
// connections and hangs past the client's timeout, cycles fail part-way;
// once the faults stop, every request gets exactly what it is owed: its
// analysis or request for a form, its first reminder, its assignment, its
// escalations and its answer to a command (crashDuties), each once. Each subtest checks that its
// faults fired (the fake's records say which request each answered):
// a fault that never happened proves nothing.
func TestFaultsThenAllWorkOnce(t *testing.T) {
	faults := []struct {
		name   string
		inject func(s *bugzillatest.Server, rng *rand.Rand)
	}{
		// Each cycle starts with the key check: a fault on the next
		// request alone would hit only that. These aim at one of the
		// requests of the work instead.
		{"5xx bursts", func(s *bugzillatest.Server, rng *rand.Rand) {
			s.InjectFault(bugzillatest.Fault{Path: workPaths[rng.IntN(len(workPaths))], Times: 1 + rng.IntN(8),
				Status: []int{502, 503, 504}[rng.IntN(3)]})
		}},
		{"connection resets", func(s *bugzillatest.Server, rng *rand.Rand) {
			s.InjectFault(bugzillatest.Fault{Path: workPaths[rng.IntN(len(workPaths))], Times: 1 + rng.IntN(4), Reset: true})
		}},
		{"hangs past the timeout", func(s *bugzillatest.Server, rng *rand.Rand) {
			s.InjectFault(bugzillatest.Fault{Path: workPaths[rng.IntN(len(workPaths))], Times: 1 + rng.IntN(2), Hang: true})
		}},
		{"writes lost or hung after they landed", func(s *bugzillatest.Server, rng *rand.Rand) {
			hang := rng.IntN(2) == 0
			s.InjectFault(bugzillatest.Fault{Method: "POST", Path: "/rest/bug/*/comment", Times: 1 + rng.IntN(2),
				AfterApply: true, Reset: !hang, Hang: hang})
		}},
		{"mixed, on every endpoint", func(s *bugzillatest.Server, rng *rand.Rand) {
			paths := []string{"/rest/bug", "/rest/bug/*/attachment", "/rest/bug/attachment/*", "/rest/bug/*/comment", ""}
			for range 3 {
				f := bugzillatest.Fault{Path: paths[rng.IntN(len(paths))], Times: 1 + rng.IntN(3)}
				switch rng.IntN(3) {
				case 0:
					f.Status = 503
				case 1:
					f.Reset = true
				default:
					f.Hang = true
				}
				s.InjectFault(f)
			}
		}},
	}
	for _, dialect := range []bugzillatest.Dialect{bugzillatest.Upstream, bugzillatest.BMO} {
		for _, fc := range faults {
			t.Run(dialect.String()+"/"+fc.name, func(t *testing.T) {
				seed := uint64(time.Now().UnixNano())
				t.Logf("seed %d", seed)
				rng := rand.New(rand.NewPCG(seed, 1))
				// Hangs last until the client gives up: keep that short.
				r := newRig(t, dialect, withCrashDuties(t),
					bottest.WithConfig(func(c *bot.Config) { c.Bugzilla.Timeout = 150 * time.Millisecond }))
				r.seedFor(33, crashDuties)
				failed := 0
				for range 6 {
					fc.inject(r.Fake, rng)
					if err := r.Cycle(); err != nil {
						failed++
					}
				}
				fired := faultsFired(r.Fake)
				onWork := 0
				for what, n := range fired {
					if !strings.HasPrefix(what, "GET /rest/valid_login ") && !strings.HasPrefix(what, "GET /rest/whoami ") {
						onWork += n
					}
				}
				if onWork == 0 {
					t.Fatalf("no injected fault fired on the bot's work in 6 cycles (fired: %v; %d cycles failed): the test proves nothing", fired, failed)
				}
				r.Fake.ClearFaults()
				r.Settle(8)
				rep := r.audit()
				for _, p := range doubledNeedinfos(r.Fake, r.exps) {
					t.Error(p)
				}
				for _, kind := range []string{KindRemind1, KindAssign, KindEscalation} {
					if rep.Wanted[kind] == 0 {
						t.Errorf("the corpus owes no %s: the exact count checks nothing", kind)
					}
				}
				t.Logf("faults fired %v; %d of 6 faulty cycles failed; %s", fired, failed, rep.Summary())
			})
		}
	}
}

// workPaths are the path patterns of the requests the bot makes for its
// work (searches, bugs, comments, attachments, both ways), for faults.
var workPaths = []string{"/rest/bug", "/rest/bug/*", "/rest/bug/*/comment", "/rest/bug/*/attachment", "/rest/bug/attachment/*"}

// TestBMOBlockParksWithoutRequests: BMO answers a 429 with an HTML page and
// no Retry-After, and renews its block with every request it receives. The
// bot must send nothing at all for its park, even across a restart, and
// then resume and finish the work.
func TestBMOBlockParksWithoutRequests(t *testing.T) {
	const park = 60 * time.Minute
	r := newRig(t, bugzillatest.BMO, bottest.WithConfig(func(c *bot.Config) { c.Bugzilla.RateLimitPark = park }))
	r.seed(22)
	r.Fake.BlockFor(time.Hour)

	r.Fake.ResetRecords()
	err := r.Cycle()
	var pe *bot.ParkedError
	if !errors.As(err, &pe) {
		t.Fatalf("cycle under a block: err = %v, want a *bot.ParkedError", err)
	}
	first := r.Requests()
	if first < 1 || first > 2 {
		t.Errorf("the blocked cycle sent %d requests %v, want 1 (at most 2)", first, r.Fake.RequestCounts())
	}
	if got := r.Fake.RequestCount("POST /rest/bug/{id}/comment"); got != 0 {
		t.Errorf("%d comment POSTs while blocked", got)
	}

	// The park: cycles, and a restarted process, send nothing at all.
	r.Fake.ResetRecords()
	for range 10 {
		if err := r.Cycle(); !errors.As(err, &pe) {
			t.Fatalf("cycle during the park: err = %v, want a *bot.ParkedError", err)
		}
	}
	r.NewProcess()
	if err := r.Cycle(); !errors.As(err, &pe) {
		t.Fatalf("restart during the park: err = %v, want a *bot.ParkedError", err)
	}
	if n := r.Requests(); n != 0 {
		t.Errorf("during the park: %d requests %v, want 0", n, r.Fake.RequestCounts())
	}
	if !r.Fake.BlockedUntil().IsZero() && r.Fake.BlockedUntil().After(r.Fake.Now().Add(park)) {
		t.Errorf("the block was renewed during the park")
	}

	// Past the park (and the block, which nothing renewed): the work resumes.
	r.Advance(park)
	r.Settle(6)
	rep := r.audit()
	t.Logf("blocked cycle: %d requests; park: 0 requests over 11 cycles and a restart; then %s", first, rep.Summary())
}

// TestRetryAfterRespected: a 429 with Retry-After parks for that long, no
// request in between.
func TestRetryAfterRespected(t *testing.T) {
	r := newRig(t, bugzillatest.BMO)
	r.seed(11)
	r.Fake.RateLimitNext(1, 20*time.Minute)
	var pe *bot.ParkedError
	if err := r.Cycle(); !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *bot.ParkedError", err)
	}
	r.Fake.ResetRecords()
	r.Advance(10 * time.Minute) // cycle() adds 5 more: still inside 20
	if err := r.Cycle(); !errors.As(err, &pe) {
		t.Fatalf("inside Retry-After: err = %v, want a *bot.ParkedError", err)
	}
	if n := r.Requests(); n != 0 {
		t.Errorf("inside Retry-After: %d requests", n)
	}
	r.Advance(10 * time.Minute)
	r.Settle(6)
	r.audit()
	if r.Fake.RequestCount("GET /rest/bug") == 0 {
		t.Errorf("no poll after Retry-After ended")
	}
}
