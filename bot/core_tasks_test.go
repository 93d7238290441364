package bot

import (
	"reflect"
	"slices"
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// TestOnlyTaskAliases: --only takes a task's name and its aliases, so
// "analyze" and "analyse" both run the analysis; usage lists names only.
func TestOnlyTaskAliases(t *testing.T) {
	for _, only := range []string{"analyse", "analyze"} {
		t.Run(only, func(t *testing.T) {
			e := newE2E(t, bugzillatest.Upstream, nil)
			bug, _, _ := e.cleanRequest("Count widget clicks", steward1)
			if err := e.bot.RunOnce(e.ctx, "poll"); err != nil {
				t.Fatal(err)
			}
			if err := e.bot.RunOnce(e.ctx, only); err != nil {
				t.Fatalf("--only %s: %v", only, err)
			}
			if n := len(e.botComments(bug)); n != 1 {
				t.Errorf("--only %s after --only poll: %d comments, want 1", only, n)
			}
		})
	}
	if names := TaskNames(); !slices.Contains(names, "analyze") || slices.Contains(names, "analyse") {
		t.Errorf("TaskNames() = %v, want analyze listed and not its alias analyse", names)
	}
}

// TestDepsFilled: every field the core lends the duties is set, so a duty
// built from deps never meets a nil helper.
func TestDepsFilled(t *testing.T) {
	e := newE2E(t, bugzillatest.Upstream, nil)
	d := reflect.ValueOf(e.bot.deps())
	for i := range d.NumField() {
		if d.Field(i).IsZero() {
			t.Errorf("deps.%s is not set", d.Type().Field(i).Name)
		}
	}
}

// TestBareBotRenders: a Bot built without New, as the comment goldens
// build one, still knows its login and format (the session is optional
// there, as the identity fields it replaced were).
func TestBareBotRenders(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Comments.Format = FormatAuto
	b := &Bot{cfg: cfg}
	if got := b.Login(); got != cfg.Bugzilla.Login {
		t.Errorf("Login() = %q, want the configured %q", got, cfg.Bugzilla.Login)
	}
	if newMarks(b.cfg, b.sess).commentFormat().markdown {
		t.Error("a bot that has not started writes markdown under format auto")
	}
}
