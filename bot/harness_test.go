package bot

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/internal/bottest"
)

var epoch = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// harness runs the bot against fakeBZ with a fake clock and a SQLite store
// in a temporary folder. newProcess stands for a restart: a new Bot over the
// same store (or over a fresh one after dropStore).
type harness struct {
	t      *testing.T
	ctx    context.Context
	clock  *FakeClock
	bz     *fakeBZ
	cfg    Config
	dbPath string
	st     store.Store
	bot    *Bot
	logs   *bottest.SyncBuffer
	posted []Posted
}

func newHarness(t *testing.T, mutate func(*Config)) *harness {
	t.Helper()
	clock := NewFakeClock(epoch)
	cfg := DefaultConfig()
	cfg.DryRun = false
	cfg.Bugzilla.URL = "https://bugzilla.example.test"
	cfg.Bugzilla.Login = "bot@example.test"
	if mutate != nil {
		mutate(&cfg)
	}
	h := &harness{t: t, ctx: context.Background(), clock: clock, bz: newFakeBZ(clock), cfg: cfg,
		dbPath: filepath.Join(t.TempDir(), "stewardbot.db"), logs: &bottest.SyncBuffer{}}
	h.openStore()
	h.newProcess()
	return h
}

func (h *harness) openStore() {
	h.t.Helper()
	st, err := store.OpenSQLite(h.ctx, h.dbPath)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { st.Close() })
	h.st = st
}

// newProcess replaces the bot as a restart would.
func (h *harness) newProcess() {
	h.t.Helper()
	b, err := newBot(h.cfg, h.bz, h.st, WithClock(h.clock),
		WithLogger(zerolog.New(h.logs)),
		WithPostHook(func(p Posted) { h.posted = append(h.posted, p) }))
	if err != nil {
		h.t.Fatal(err)
	}
	b.analyzer = fakeAnalyzer{}
	h.bot = b
}

// dropStore deletes the store files, as an operator might.
func (h *harness) dropStore() {
	h.t.Helper()
	h.st.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(h.dbPath + suffix); err != nil && !os.IsNotExist(err) {
			h.t.Fatal(err)
		}
	}
	h.openStore()
	h.newProcess()
}

// cycle advances the clock by a poll interval and runs one cycle.
func (h *harness) cycle() error {
	h.clock.Advance(5 * time.Minute)
	return h.bot.RunOnce(h.ctx, "")
}

func (h *harness) mustCycle() {
	h.t.Helper()
	if err := h.cycle(); err != nil {
		h.t.Fatalf("cycle: %v", err)
	}
}

// request files a bug with a text attachment flagged data-review?.
func (h *harness) request(bugID int, data []byte, private bool) (attID, flagID int) {
	h.bz.addBug(bugID)
	return h.bz.attach(bugID, bugzilla.Attachment{FileName: "request.md", Summary: "data review request",
		ContentType: "text/plain", Data: data, IsPrivate: private}, "?", "steward1@example.test")
}
