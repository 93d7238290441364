package bugzilla

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// AttachmentOptions: WithData downloads content (size-capped; ErrTooLarge for an attachment over the cap).
type AttachmentOptions struct {
	WithData bool

	// CheckedSizes, with WithData, holds the size of each attachment asked
	// for, as the caller read it in metadata it has just read and checked
	// against the client's cap (WithMaxAttachmentBytes). AttachmentsByID
	// then fetches metadata and data in one request per batch instead of
	// reading the metadata first, and bounds each batch's answer by those
	// sizes (an id the map lacks, or a size over the cap, counts at the
	// cap): so small forms share one request where a bound at the cap
	// would split them by tens. The server is still not trusted: each
	// answer is read through its bound (twice the sizes in base64, room for
	// JSON escapes of "/", plus each attachment's metadata and the
	// envelope), so a lying server cannot make the client read more: an
	// answer over it is split in halves until the attachment at fault is
	// alone, and an attachment whose decoded data is larger than its
	// checked size or the cap, or whose announced size is over the cap,
	// comes back without Data and is named in a *TooLargeError. Attachments (by
	// bug) cannot know what it will find before it lists it, so it refuses
	// CheckedSizes.
	CheckedSizes map[int]int64

	IncludeFields []string // metadata fields to keep; all when empty. Never "data": use WithData.
}

// minDataBatchBytes is the least content one data request may gather.
const minDataBatchBytes = 4 << 20

// Attachments lists the attachments of several bugs, batched under the URL limit.
//
// It sends GET /rest/bug/{id}/attachment?ids=...&exclude_fields=data and
// returns the attachments keyed by bug id (a bug with none visible maps to
// an empty list: private attachments are silently left out for users
// outside the insider group). With o.WithData it then downloads the content
// of those within the cap (see AttachmentsByID).
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/attachment.html#get-attachment
func (c *Client) Attachments(ctx context.Context, bugIDs []int, o AttachmentOptions) (map[int][]Attachment, error) {
	if o.CheckedSizes != nil {
		return nil, errors.New("bugzilla: attachments: CheckedSizes needs the attachment ids the caller checked: use AttachmentsByID")
	}
	q, err := metadataQuery(o)
	if err != nil {
		return nil, err
	}
	fixed := c.targetLen("/rest/bug/"+strings.Repeat("9", maxIDDigits)+"/attachment", q)
	batches := batchIDs(bugIDs, fixed, len("&ids="))
	answers := make([]attachmentsAnswer, len(batches))
	err = c.eachBatch(ctx, len(batches), func(ctx context.Context, i int) error {
		batch := batches[i]
		v := cloneValues(q)
		if len(batch) > 1 {
			v["ids"] = idStrings(batch[1:]) // recording 42
		}
		_, err := c.do(ctx, call{
			method: http.MethodGet, endpoint: "/rest/bug/{id}/attachment",
			path: fmt.Sprintf("/rest/bug/%d/attachment", batch[0]), query: v,
		}, &answers[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int][]Attachment)
	for _, r := range answers {
		for k, list := range r.Bugs {
			id, err := strconv.Atoi(k)
			if err != nil {
				return nil, fmt.Errorf("bugzilla: GET /rest/bug/{id}/attachment: bad bug id key %.20q", k)
			}
			out[id] = append(out[id], list...)
		}
	}
	if !o.WithData {
		return out, nil
	}
	var metas []Attachment
	for _, list := range out {
		metas = append(metas, list...)
	}
	data, tooLarge, err := c.attachmentData(ctx, metas)
	if err != nil {
		return nil, err
	}
	for bug, list := range out {
		for i := range list {
			list[i].Data = data[list[i].ID]
		}
		out[bug] = list
	}
	return out, tooLargeErr(tooLarge, c.maxAttachment)
}

// AttachmentsByID fetches attachments by id; unknown ids are simply absent.
//
// It sends GET /rest/bug/attachment/{id}?attachment_ids=...&exclude_fields=data,
// batched under the URL limit. Bugzilla answers an unknown id with 200 and
// nothing (recording 49), but fails the whole request with 401 when one
// attachment is private and the caller is not an insider (45) or its bug is
// hidden (47).
//
// With o.WithData it then downloads the content of the attachments whose
// size is within the cap (WithMaxAttachmentBytes), reading each answer
// through a limit derived from the announced sizes. The others come back
// without Data, and the error is a *TooLargeError naming them (errors.Is
// ErrTooLarge) while the map is still complete.
//
// With o.CheckedSizes as well, metadata and data come in one request per
// batch (see AttachmentOptions.CheckedSizes). An answer over its limit then
// leaves its whole batch out of the map, named in the *TooLargeError.
//
// https://bugzilla.readthedocs.io/en/latest/api/core/v1/attachment.html#get-attachment
func (c *Client) AttachmentsByID(ctx context.Context, ids []int, o AttachmentOptions) (map[int]Attachment, error) {
	if o.CheckedSizes != nil {
		return c.attachmentsChecked(ctx, ids, o)
	}
	q, err := metadataQuery(o)
	if err != nil {
		return nil, err
	}
	out, err := c.attachmentsByID(ctx, ids, q, 0)
	if err != nil || !o.WithData {
		return out, err
	}
	metas := make([]Attachment, 0, len(out))
	for _, a := range out {
		metas = append(metas, a)
	}
	data, tooLarge, err := c.attachmentData(ctx, metas)
	if err != nil {
		return nil, err
	}
	for id, a := range out {
		a.Data = data[id]
		out[id] = a
	}
	return out, tooLargeErr(tooLarge, c.maxAttachment)
}

// attachmentsByID reads attachments by id with the parameters in q; maxBytes
// caps each answer (0: the client's default).
func (c *Client) attachmentsByID(ctx context.Context, ids []int, q url.Values, maxBytes int64) (map[int]Attachment, error) {
	fixed := c.targetLen("/rest/bug/attachment/"+strings.Repeat("9", maxIDDigits), q)
	batches := batchIDs(ids, fixed, len("&attachment_ids="))
	got := make([]map[int]Attachment, len(batches))
	err := c.eachBatch(ctx, len(batches), func(ctx context.Context, i int) error {
		var err error
		got[i], err = c.attachmentBatch(ctx, batches[i], q, maxBytes)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int]Attachment)
	for _, m := range got {
		maps.Copy(out, m)
	}
	return out, nil
}

func (c *Client) attachmentBatch(ctx context.Context, batch []int, q url.Values, maxBytes int64) (map[int]Attachment, error) {
	v := cloneValues(q)
	if len(batch) > 1 {
		v["attachment_ids"] = idStrings(batch[1:]) // recording 41
	}
	var r attachmentsAnswer
	if _, err := c.do(ctx, call{
		method: http.MethodGet, endpoint: "/rest/bug/attachment/{id}",
		path: fmt.Sprintf("/rest/bug/attachment/%d", batch[0]), query: v, maxBytes: maxBytes,
	}, &r); err != nil {
		return nil, err
	}
	out := make(map[int]Attachment, len(r.Attachments))
	for k, a := range r.Attachments {
		id, err := strconv.Atoi(k)
		if err != nil {
			return nil, fmt.Errorf("bugzilla: GET /rest/bug/attachment/{id}: bad attachment id key %.20q", k)
		}
		out[id] = a
	}
	return out, nil
}

// attachmentData downloads the content of metas that fit the cap, in
// batches bounded by the URL limit and by their total announced size. It
// returns the content by id and the ids left without it: over the cap, or
// whose server sent more than announced.
func (c *Client) attachmentData(ctx context.Context, metas []Attachment) (map[int][]byte, []int, error) {
	slices.SortFunc(metas, func(a, b Attachment) int { return a.ID - b.ID })
	var tooLarge []int
	var fits []Attachment
	for _, a := range metas {
		if a.Size > c.maxAttachment || a.Size < 0 {
			tooLarge = append(tooLarge, a.ID)
			continue
		}
		fits = append(fits, a)
	}
	if len(tooLarge) > 0 {
		c.log.Warn().Ints("attachment_id", tooLarge).Int64("cap", c.maxAttachment).
			Msg("bugzilla: attachment data over the cap, not fetched")
	}

	q := url.Values{"include_fields": {"id,data"}}
	fixed := c.targetLen("/rest/bug/attachment/"+strings.Repeat("9", maxIDDigits), q)
	budget := max(c.maxAttachment, minDataBatchBytes)
	data := make(map[int][]byte, len(fits))
	for len(fits) > 0 {
		// Take attachments while both the URL and the content budget allow.
		n, size, target := 0, int64(0), fixed
		for n < len(fits) && n < maxIDsPerBatch {
			w := len("&attachment_ids=") + len(strconv.Itoa(fits[n].ID))
			if n > 0 && (size+fits[n].Size > budget || target+w > maxRequestTarget) {
				break
			}
			size += fits[n].Size
			target += w
			n++
		}
		group := fits[:n]
		fits = fits[n:]

		ids := make([]int, len(group))
		for i, a := range group {
			ids[i] = a.ID
		}
		got, err := c.attachmentBatch(ctx, ids, q, dataAnswerLimit(group))
		if errors.Is(err, ErrTooLarge) {
			// The server sent more than it announced: read no further.
			c.log.Warn().Ints("attachment_id", ids).Msg("bugzilla: attachment data larger than announced, not read")
			tooLarge = append(tooLarge, ids...)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		for _, id := range ids {
			a, ok := got[id]
			switch {
			case !ok:
				return nil, nil, fmt.Errorf("bugzilla: attachment %d vanished between reading its metadata and its data", id)
			case a.Data == nil:
				return nil, nil, fmt.Errorf("bugzilla: attachment %d: the server sent no data", id)
			case int64(len(a.Data)) > c.maxAttachment:
				tooLarge = append(tooLarge, id)
			default:
				data[id] = a.Data
			}
		}
	}
	slices.Sort(tooLarge)
	return data, tooLarge, nil
}

// dataAnswerLimit bounds the answer to a data request for group: twice the
// base64 size of the announced content (room for JSON escapes such as \/),
// plus room for the envelope.
func dataAnswerLimit(group []Attachment) int64 {
	var n int64 = 4096
	for _, a := range group {
		n += 2*base64Len(a.Size) + 512
	}
	return n
}

func base64Len(n int64) int64 { return (n + 2) / 3 * 4 }

func tooLargeErr(ids []int, limit int64) error {
	if len(ids) == 0 {
		return nil
	}
	return &TooLargeError{IDs: ids, Cap: limit}
}

// attachmentsChecked reads metadata and data of ids together, in batches
// under the URL limit whose answer limit (checkedAnswerLimit) stays within
// maxResponseBytes. The caller vouched for the sizes; the client checks
// what actually arrived.
func (c *Client) attachmentsChecked(ctx context.Context, ids []int, o AttachmentOptions) (map[int]Attachment, error) {
	if !o.WithData {
		return nil, errors.New("bugzilla: attachments: CheckedSizes is about downloading data; set WithData too")
	}
	q, err := dataQuery(o)
	if err != nil {
		return nil, err
	}
	fixed := c.targetLen("/rest/bug/attachment/"+strings.Repeat("9", maxIDDigits), q)
	var groups [][]int
	for _, batch := range batchIDs(ids, fixed, len("&attachment_ids=")) {
		start, bound := 0, int64(checkedEnvelope)
		for i, id := range batch {
			b := checkedItemBound(c.checkedSize(o.CheckedSizes, id))
			if i > start && bound+b > maxResponseBytes {
				groups = append(groups, batch[start:i])
				start, bound = i, checkedEnvelope
			}
			bound += b
		}
		groups = append(groups, batch[start:])
	}
	// The caller bounds what one call downloads (the sizes it checked), so
	// reading its groups together holds no more than reading them in turn.
	got := make([]map[int]Attachment, len(groups))
	over := make([][]int, len(groups))
	err = c.eachBatch(ctx, len(groups), func(ctx context.Context, i int) error {
		got[i] = map[int]Attachment{}
		return c.readChecked(ctx, groups[i], q, o.CheckedSizes, got[i], &over[i])
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int]Attachment, len(ids))
	var tooLarge []int
	for i := range groups {
		tooLarge = append(tooLarge, over[i]...)
		for id, a := range got[i] {
			switch checked, ok := o.CheckedSizes[id]; {
			case a.Data == nil:
				return nil, fmt.Errorf("bugzilla: attachment %d: the server sent no data", id)
			case a.Size > c.maxAttachment || a.Size < 0 || int64(len(a.Data)) > c.maxAttachment,
				ok && int64(len(a.Data)) > checked: // more than the caller was told
				a.Data = nil
				tooLarge = append(tooLarge, id)
			}
			out[id] = a
		}
	}
	if len(tooLarge) > 0 {
		slices.Sort(tooLarge)
		c.log.Warn().Ints("attachment_id", tooLarge).Int64("cap", c.maxAttachment).
			Msg("bugzilla: attachment data over the cap or larger than announced, dropped")
	}
	return out, tooLargeErr(tooLarge, c.maxAttachment)
}

// readChecked reads the metadata and data of ids (one request) into got,
// unknown or deleted ones absent (recording 49). An answer over the bound
// of the sizes checked is not read further: the ids are split in halves and
// read again, so that an attachment whose server sends more than it
// announced is found alone, in over, and costs the others a few requests,
// not one each.
func (c *Client) readChecked(ctx context.Context, ids []int, q url.Values, sizes map[int]int64, got map[int]Attachment, over *[]int) error {
	m, err := c.attachmentBatch(ctx, ids, q, c.checkedAnswerLimit(sizes, ids))
	switch {
	case errors.Is(err, ErrTooLarge) && len(ids) > 1:
		half := len(ids) / 2
		if err := c.readChecked(ctx, ids[:half], q, sizes, got, over); err != nil {
			return err
		}
		return c.readChecked(ctx, ids[half:], q, sizes, got, over)
	case errors.Is(err, ErrTooLarge):
		c.log.Warn().Ints("attachment_id", ids).Msg("bugzilla: attachment answer larger than its announced size allows, not read")
		*over = append(*over, ids...)
		return nil
	case err != nil:
		return err
	}
	for _, id := range ids {
		if a, ok := m[id]; ok {
			got[id] = a
		}
	}
	return nil
}

// checkedAnswerLimit bounds the answer to a metadata-and-data request for
// the attachments ids whose sizes the caller checked (sizes).
func (c *Client) checkedAnswerLimit(sizes map[int]int64, ids []int) int64 {
	n := int64(checkedEnvelope)
	for _, id := range ids {
		n += checkedItemBound(c.checkedSize(sizes, id))
	}
	return n
}

// checkedSize is the size an answer may carry for attachment id: the
// size the caller checked, or the cap when it checked none or one over it.
func (c *Client) checkedSize(sizes map[int]int64, id int) int64 {
	if n, ok := sizes[id]; ok && n >= 0 && n <= c.maxAttachment {
		return n
	}
	return c.maxAttachment
}

// checkedEnvelope is the room an answer keeps for what surrounds its
// attachments.
const checkedEnvelope = 4096

// checkedItemBound is the room one attachment of size bytes may take in an
// answer: its content in base64, twice over (the JSON may escape every
// "/" of it, as dataAnswerLimit allows), and its metadata and flags.
func checkedItemBound(size int64) int64 {
	return 2*base64Len(size) + 8192
}

// dataQuery is the query of a read of metadata and data together: every
// field (data included, recording 39), or the fields asked for plus those
// the client needs.
func dataQuery(o AttachmentOptions) (url.Values, error) {
	v := url.Values{}
	if len(o.IncludeFields) == 0 {
		return v, nil
	}
	fields := slices.Clone(o.IncludeFields)
	if slices.Contains(fields, "data") {
		return nil, errors.New(`bugzilla: attachments: ask for content with WithData, not IncludeFields "data"`)
	}
	for _, f := range []string{"id", "bug_id", "size", "data"} {
		if !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	v.Set("include_fields", strings.Join(fields, ","))
	return v, nil
}

// metadataQuery is the query of a metadata read: data always excluded, and
// the fields the data download needs always kept.
func metadataQuery(o AttachmentOptions) (url.Values, error) {
	v := url.Values{"exclude_fields": {"data"}}
	if len(o.IncludeFields) == 0 {
		return v, nil
	}
	fields := slices.Clone(o.IncludeFields)
	if slices.Contains(fields, "data") {
		return nil, errors.New(`bugzilla: attachments: ask for content with WithData, not IncludeFields "data"`)
	}
	if o.WithData {
		for _, f := range []string{"id", "bug_id", "size"} {
			if !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	v.Set("include_fields", strings.Join(fields, ","))
	return v, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+1)
	for k, x := range v {
		out[k] = slices.Clone(x)
	}
	return out
}

// AttachmentData downloads the content of attachments whose metadata the
// caller has just read (Attachments), without reading the metadata again:
// batched under the URL limit and by their announced sizes (several
// megabytes a request), each answer read through a limit derived from
// those sizes. It returns the content by attachment id. Attachments over
// the cap, or whose server sent more than announced, are left out and
// named in a *TooLargeError (errors.Is ErrTooLarge), with the map still
// holding the rest.
func (c *Client) AttachmentData(ctx context.Context, metas []Attachment) (map[int][]byte, error) {
	data, tooLarge, err := c.attachmentData(ctx, slices.Clone(metas))
	if err != nil {
		return nil, err
	}
	return data, tooLargeErr(tooLarge, c.maxAttachment)
}
