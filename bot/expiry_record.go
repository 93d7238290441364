package bot

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/policy"
)

// maxRecordedExpiryText bounds the duration answer recorded, as written,
// when no expiry could be read from it: enough for the survey to show what
// the requester meant.
const maxRecordedExpiryText = 200

// collectionStore is what recording a form's collections needs of the
// store.
type collectionStore interface {
	HasCollections(ctx context.Context, formKey, formRev string) (bool, error)
	SaveCollections(ctx context.Context, formKey, formRev string, cs []store.Collection) error
}

// formLoader reads a found form's text and parses it (findform.go).
type formLoader interface {
	loadForm(ctx context.Context, v *bugView, f *foundForm) error
}

var (
	_ collectionStore = store.Store(nil)
	_ formLoader      = formFinder(nil)
)

// recordCollections records what a form revision collects, one row per
// measurement, for the yearly survey (stewardbot report) and the expiry
// reminder, unless the store has it already. It reads the form when the
// store lacks it, so a lost store is filled again from any request still
// open; a form already recorded costs one store query. Analyze calls it for
// every form it finds; it is a function, not a duty, since it writes
// nothing on Bugzilla.
func recordCollections(ctx context.Context, st collectionStore, forms formLoader, now func() time.Time, v *bugView, f *foundForm) error {
	key := formKey(f)
	if ok, err := st.HasCollections(ctx, key, f.Rev); err != nil || ok {
		return err
	}
	if err := forms.loadForm(ctx, v, f); err != nil {
		return err
	}
	return st.SaveCollections(ctx, key, f.Rev, collectionsOf(v.id, f, now))
}

// collectionsOf turns a parsed form into its survey rows. A form without
// readable measurements still gets one row (position 0, no name), so that
// the survey lists it.
func collectionsOf(bugID int, f *foundForm, now func() time.Time) []store.Collection {
	r := f.Request
	base := store.Collection{FormKey: formKey(f), FormRev: f.Rev, BugID: bugID, Private: f.Private, RecordedAt: now()}
	if f.Attachment != nil {
		base.AttachmentID = f.Attachment.ID
	}
	if r == nil {
		return []store.Collection{base}
	}
	base.DefaultOn = string(r.DefaultOn)
	if base.DefaultOn == "" {
		base.DefaultOn = string(policy.Unknown)
	}
	base.Channels = slices.Clone(r.Channels)
	base.Owner = r.Owner
	var texts []string
	for _, x := range r.Expiries {
		texts = append(texts, x.Value)
		if x.Kind == policy.ExpiryDate {
			if d, ok := policy.ExpiryDay(x, nil); ok {
				base.ExpiryDates = append(base.ExpiryDates, d.Format(time.DateOnly))
			}
		}
	}
	base.Expiry = strings.Join(texts, "; ")
	if base.Expiry == "" {
		if a, ok := r.Answer(policy.TopicDuration); ok && a.Answered {
			base.Expiry = clipRunes(a.Text, maxRecordedExpiryText)
		}
	}
	slices.Sort(base.ExpiryDates)
	base.ExpiryDates = slices.Compact(base.ExpiryDates)
	if len(r.Measurements) == 0 {
		return []store.Collection{base}
	}
	out := make([]store.Collection, 0, len(r.Measurements))
	for i, m := range r.Measurements {
		c := base
		c.Position, c.Measurement, c.Category, c.CategoryText = i+1, m.Name, m.Category, m.CategoryText
		c.Channels, c.ExpiryDates = slices.Clone(base.Channels), slices.Clone(base.ExpiryDates)
		out = append(out, c)
	}
	return out
}

// clipRunes cuts s to at most n runes, marking a cut with "…".
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k] + "…"
		}
		i++
	}
	return s
}
