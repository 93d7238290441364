package bot

import (
	"context"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// reviewMargin is how long after a flag's last change the steward's review
// form may come and still be the review of that answer: stewards post the
// form with the flag change, or just after it.
const reviewMargin = time.Hour

// answeredAt is the time a past request is read as of: when the steward
// answered it (the flag's last change), or, still open, now.
func (bf *Backfill) answeredAt(fl bugzilla.Flag) time.Time {
	if fl.Status == "+" || fl.Status == "-" {
		return fl.ModificationDate
	}
	return bf.b.now()
}

// findForm finds the form a past request was about, as the analyze task
// found it when the request was live, not the bug's newest: a bug asked
// for review twice (or with its form replaced since) must have each request
// recorded with its own form. The flagged attachment when it is a form,
// even obsolete now (it was what the steward read); else the newest current
// form attachment, else the newest form pasted in a comment, created no
// later than asOf, the answer (answeredAt).
//
// The bound is the answer, not the request: a form pasted in a comment
// usually follows the flag (the requester flags a patch, then pastes the
// form), and one amended on the steward's questions follows it too; what
// the steward had read when answering is what was reviewed. A form posted
// after the answer belongs to the bug's next request.
func (bf *Backfill) findForm(ctx context.Context, v *bugView, flaggedID int, asOf time.Time) (*foundForm, error) {
	fs := bf.b.forms
	for _, a := range backfillFormCandidates(v, flaggedID, asOf, fs.maxBytes) {
		if f, err := fs.attachmentForm(ctx, v, a); f != nil || err != nil {
			return f, err
		}
	}
	return fs.commentForm(ctx, v, asOf)
}

// backfillFormCandidates lists the attachments findForm reads in turn: the
// flagged one (obsolete or not), then up to maxFormProbes other current
// ones created no later than asOf, newest first; only those that may be a
// form (formCandidate).
func backfillFormCandidates(v *bugView, flaggedID int, asOf time.Time, maxBytes int64) []*bugzilla.Attachment {
	var out []*bugzilla.Attachment
	if a := v.attachment(flaggedID); a != nil && formCandidate(a, maxBytes) {
		out = append(out, a)
	}
	var others []*bugzilla.Attachment
	for i := range v.atts {
		a := &v.atts[i]
		if a.ID != flaggedID && !a.IsObsolete && !a.CreationTime.After(asOf) && formCandidate(a, maxBytes) {
			others = append(others, a)
		}
	}
	newestFirst(others)
	return append(out, others[:min(len(others), maxFormProbes)]...)
}
