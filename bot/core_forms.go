package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/stewardbot/stewardbot/bot/store"
	"github.com/stewardbot/stewardbot/bugzilla"
	"github.com/stewardbot/stewardbot/internal/textdecode"
	"github.com/stewardbot/stewardbot/policy"
)

// maxFormProbes bounds how many other attachments of one bug are downloaded
// while looking for a form, newest first.
const maxFormProbes = 5

// foundForm is a Data Review Request form found on a bug: in an attachment
// or pasted in a comment.
type foundForm struct {
	Attachment *bugzilla.Attachment // nil when the form is in a comment
	Comment    *bugzilla.Comment    // nil when the form is an attachment
	Rev        string
	Private    bool      // the form's text may go only into a private comment
	Created    time.Time // when the form appeared on the bug
	Text       string    // "" until loaded
	Encoding   string    // how the attachment's bytes were read when not UTF-8; "" when UTF-8
	Request    *policy.Request
}

// marker names the analysis of this form revision.
func (f *foundForm) marker(bugID int) Marker {
	m := Marker{Kind: kindAnalysis, Bug: bugID, Rev: f.Rev}
	if f.Attachment != nil {
		m.Attachment = f.Attachment.ID
	} else {
		m.Comment = f.Comment.ID
	}
	return m
}

// formCandidate reports whether an attachment may hold a form worth
// downloading: text, not a patch, not a review-tool link, within the cap.
func formCandidate(a *bugzilla.Attachment, maxBytes int64) bool {
	ct := strings.ToLower(strings.TrimSpace(a.ContentType))
	if ct, _, _ = strings.Cut(ct, ";"); !strings.HasPrefix(ct, "text/") {
		return false
	}
	switch ct {
	case "text/x-phabricator-request", "text/x-github-pull-request", "text/x-review-board-request":
		return false
	}
	return !a.IsPatch && a.Size > 0 && a.Size <= maxBytes
}

// notText reports whether an attachment is one the bot cannot read as text
// by its metadata alone: a content type other than text/*, and not a patch
// (a patch flagged for review is expected; its form is elsewhere).
func notText(a *bugzilla.Attachment) bool {
	ct := strings.ToLower(strings.TrimSpace(a.ContentType))
	ct, _, _ = strings.Cut(ct, ";")
	return !strings.HasPrefix(strings.TrimSpace(ct), "text/") && !a.IsPatch && a.Size > 0
}

// forms finds and reads the Data Review Request form of a request, for
// every duty that needs one (analyze, commands, escalate, review).
type forms struct {
	bz       bugzillaClient
	st       formStore
	rules    *policy.Rules // the bot's: its vocabulary of third-party tools
	maxBytes int64         // bugzilla.max_attachment_bytes: larger texts are no form
	login    func() string // the bot's own comments quote forms: skipped
	clock    Clock
	log      zerolog.Logger
}

// formStore caches what the bot learned of attachments (attachments never
// change): whether one is a form, and its revision.
type formStore interface {
	Form(ctx context.Context, attachmentID int) (store.FormInfo, error)
	SaveForm(ctx context.Context, f store.FormInfo) error
}

var _ formStore = store.Store(nil)

// findForm finds the form for a request: the flagged attachment when it is
// a form; else the newest form among the bug's other current attachments;
// else the newest form pasted in a comment (not the bot's own). nil when
// the bug has none.
func (fs *forms) findForm(ctx context.Context, v *bugView, flaggedID int) (*foundForm, error) {
	maxBytes := fs.maxBytes
	if a := v.attachment(flaggedID); a != nil && !a.IsObsolete {
		switch {
		case formCandidate(a, maxBytes):
			if f, err := fs.attachmentForm(ctx, v, a); f != nil || err != nil {
				return f, err
			}
		case notText(a):
			v.reads[a.ID] = attachmentRead{NotText: true}
			fs.log.Info().Int(LogBugID, v.id).Int(LogAttachmentID, a.ID).Str("finding", findingNotText).
				Msg("flagged attachment is not text; not downloaded")
		}
	}
	var others []*bugzilla.Attachment
	for i := range v.atts {
		a := &v.atts[i]
		if a.ID != flaggedID && !a.IsObsolete && formCandidate(a, maxBytes) {
			others = append(others, a)
		}
	}
	newestFirst(others)
	for _, a := range others[:min(len(others), maxFormProbes)] {
		if f, err := fs.attachmentForm(ctx, v, a); f != nil || err != nil {
			return f, err
		}
	}
	return fs.commentForm(ctx, v, time.Time{})
}

// replacedCandidates are the attachments that may hold the form cur
// replaced, the likeliest first: the obsolete ones that may be forms,
// created no later than cur, newest first.
func replacedCandidates(v *bugView, cur *bugzilla.Attachment, maxBytes int64) []*bugzilla.Attachment {
	var olds []*bugzilla.Attachment
	for i := range v.atts {
		a := &v.atts[i]
		if a.IsObsolete && a.ID != cur.ID && !a.CreationTime.After(cur.CreationTime) && formCandidate(a, maxBytes) {
			olds = append(olds, a)
		}
	}
	newestFirst(olds)
	return olds
}

// newestFirst orders attachments by creation, newest first, ids breaking ties.
func newestFirst(as []*bugzilla.Attachment) {
	slices.SortFunc(as, func(x, y *bugzilla.Attachment) int {
		if c := y.CreationTime.Compare(x.CreationTime); c != 0 {
			return c
		}
		return y.ID - x.ID
	})
}

// attachmentForm returns the attachment as a form, or nil when it is not
// one. Known forms are cached in the store (attachments never change), so a
// form is not downloaded again until its text is needed. "Not a form" is
// recorded but not trusted: a newer parser may read what an older one could
// not, and such attachments are only re-read when their bug changes.
func (fs *forms) attachmentForm(ctx context.Context, v *bugView, a *bugzilla.Attachment) (*foundForm, error) {
	f := &foundForm{Attachment: a, Private: a.IsPrivate, Created: a.CreationTime}
	info, err := fs.st.Form(ctx, a.ID)
	switch {
	case err == nil && info.IsForm:
		f.Rev = info.Rev
		return f, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	data, err := v.download(ctx, fs.bz, a.ID)
	if errors.Is(err, bugzilla.ErrTooLarge) || errors.Is(err, bugzilla.ErrNotFound) || errors.Is(err, bugzilla.ErrAccessDenied) {
		fs.log.Warn().Err(err).Int(LogBugID, v.id).Int(LogAttachmentID, a.ID).Msg("attachment not readable; not a form")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f.Rev = contentRev(data)
	if d := fs.readForm(f, data); !isForm(f.Request) && (d.Binary || d.Encoding != "") {
		rd := attachmentRead{Binary: d.Binary, Encoding: d.Encoding}
		if d.Binary {
			looksLike, binary := textdecode.BinaryKind(data)
			rd.LooksLike, rd.Undecodable = looksLike, !binary
		}
		v.reads[a.ID] = rd
		fs.log.Info().Int(LogBugID, v.id).Int(LogAttachmentID, a.ID).Str("finding", rd.finding()).
			Str("encoding", rd.Encoding).Str("looks_like", rd.LooksLike).Msg("attachment is not UTF-8 text and holds no form")
	}
	if err := fs.st.SaveForm(ctx, store.FormInfo{AttachmentID: a.ID, IsForm: isForm(f.Request), Rev: f.Rev,
		Version: string(f.Request.Version), CheckedAt: fs.clock.Now().UTC()}); err != nil {
		return nil, err
	}
	if !isForm(f.Request) {
		return nil, nil
	}
	return f, nil
}

// commentForm returns the newest comment that is a form, skipping the
// bot's own comments (which quote forms) and texts over the size cap, and
// comments made after until unless it is zero (the backfill's bound).
func (fs *forms) commentForm(ctx context.Context, v *bugView, until time.Time) (*foundForm, error) {
	cs, err := v.allComments(ctx, fs.bz)
	if err != nil {
		return nil, err
	}
	login := fs.login()
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		if strings.EqualFold(c.Creator, login) || int64(len(c.Text)) > fs.maxBytes || (!until.IsZero() && c.Time.After(until)) {
			continue
		}
		req := parseForm(fs.rules, c.Text)
		if !isForm(req) {
			continue
		}
		return &foundForm{Comment: &c, Rev: contentRev([]byte(c.Text)), Private: c.IsPrivate,
			Created: c.Time, Text: c.Text, Request: req}, nil
	}
	return nil, nil
}

// loadForm makes sure the form's text is read and parsed.
func (fs *forms) loadForm(ctx context.Context, v *bugView, f *foundForm) error {
	if f.Request != nil {
		return nil
	}
	data, err := v.download(ctx, fs.bz, f.Attachment.ID)
	if err != nil {
		return err
	}
	if rev := contentRev(data); rev != f.Rev {
		// Cannot happen with Bugzilla, whose attachments never change; a
		// different content is a different revision, found next cycle.
		return fmt.Errorf("attachment %d changed content (%s, cached %s)", f.Attachment.ID, rev, f.Rev)
	}
	fs.readForm(f, data)
	return nil
}

// readForm decodes an attachment's bytes (textdecode.Decode) and parses them.
// Bytes that are not text in any encoding the bot reads leave Text "",
// which is no form; the caller records why.
func (fs *forms) readForm(f *foundForm, data []byte) textdecode.Decoded {
	d := textdecode.Decode(data)
	f.Text, f.Encoding = d.Text, d.Encoding
	f.Request = parseForm(fs.rules, f.Text)
	return d
}

// previousForm finds the form the given one replaced: the newest obsoleted
// text attachment created before it that is a form. nil when none.
func (fs *forms) previousForm(ctx context.Context, v *bugView, cur *foundForm) (*foundForm, error) {
	if cur.Attachment == nil {
		return nil, nil
	}
	olds := replacedCandidates(v, cur.Attachment, fs.maxBytes)
	for _, a := range olds[:min(len(olds), maxFormProbes)] {
		f, err := fs.attachmentForm(ctx, v, a)
		if err != nil {
			return nil, err
		}
		if f != nil {
			return f, fs.loadForm(ctx, v, f)
		}
	}
	return nil, nil
}
