package bugzillatest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SeedFile is the JSON document LoadSeed reads. Every member is optional;
// unknown keys are errors, so a typo cannot silently drop data.
//
// Times ("at") are absolute RFC 3339 ("2026-11-25T09:00:00Z") or relative to
// Now, as a Go duration or a number of days: "-72h", "-90m", "-3d". Now
// itself defaults to the server's clock and does not change it.
//
// Within a bug, attachments, comments and flag updates happen in the order
// of their times (file order for equal times), after the bug is filed.
type SeedFile struct {
	Now       string         `json:"now"`
	Users     []SeedUser     `json:"users"`
	Products  []SeedProduct  `json:"products"`
	FlagTypes []SeedFlagType `json:"flag_types"`
	Bugs      []SeedBug      `json:"bugs"`
}

// SeedUser adds an account (on top of DefaultUsers unless the server was
// made WithoutDefaults).
type SeedUser struct {
	Login         string   `json:"login"`
	RealName      string   `json:"real_name"`
	Nick          string   `json:"nick"`
	APIKey        string   `json:"api_key"`
	Password      string   `json:"password"`
	Groups        []string `json:"groups"`
	BlockNeedinfo bool     `json:"block_needinfo"`
	BlockReviews  bool     `json:"block_reviews"`
	// LastActivity is BMO's last_activity_time, read as an "at" ("-400d");
	// empty: never (null).
	LastActivity string `json:"last_activity"`
}

// SeedProduct adds a product and its components.
type SeedProduct struct {
	Name       string   `json:"name"`
	Components []string `json:"components"`
}

// SeedFlagType adds a flag type; see FlagType.
type SeedFlagType struct {
	Name          string   `json:"name"`
	Description   string   `json:"description"`
	Target        string   `json:"target"`
	GrantGroup    string   `json:"grant_group"`
	RequestGroup  string   `json:"request_group"`
	Multiplicable bool     `json:"multiplicable"`
	Requesteeble  bool     `json:"requesteeble"`
	Products      []string `json:"products"`
}

// SeedBug files a bug with its attachments, comments and flag changes.
type SeedBug struct {
	ID          int              `json:"id"`
	Alias       string           `json:"alias"`
	Summary     string           `json:"summary"`
	Product     string           `json:"product"`
	Component   string           `json:"component"`
	Status      string           `json:"status"`
	Resolution  string           `json:"resolution"`
	Creator     string           `json:"creator"`
	AssignedTo  string           `json:"assigned_to"`
	CC          []string         `json:"cc"`
	Groups      []string         `json:"groups"`
	Description string           `json:"description"`
	At          string           `json:"at"`
	Flags       []SeedFlag       `json:"flags"`
	Attachments []SeedAttachment `json:"attachments"`
	Comments    []SeedComment    `json:"comments"`
	FlagUpdates []SeedFlagUpdate `json:"flag_updates"`
}

// SeedFlag is a flag set when its bug or attachment is created.
type SeedFlag struct {
	Name      string `json:"name"`
	Status    string `json:"status"`
	Requestee string `json:"requestee"`
	Setter    string `json:"setter"` // default: the bug's or attachment's creator
}

// SeedAttachment adds an attachment. Its content is Text (inline) or
// Base64, not both.
type SeedAttachment struct {
	FileName    string     `json:"file_name"`
	Summary     string     `json:"summary"`
	ContentType string     `json:"content_type"`
	Text        string     `json:"text"`
	Base64      string     `json:"base64"`
	Creator     string     `json:"creator"`
	IsPrivate   bool       `json:"is_private"`
	IsPatch     bool       `json:"is_patch"`
	IsObsolete  bool       `json:"is_obsolete"`
	Comment     string     `json:"comment"`
	At          string     `json:"at"`
	Flags       []SeedFlag `json:"flags"`
}

// SeedComment adds a comment.
type SeedComment struct {
	Creator   string   `json:"creator"`
	Text      string   `json:"text"`
	IsPrivate bool     `json:"is_private"`
	Tags      []string `json:"tags"`
	At        string   `json:"at"`
}

// SeedFlagUpdate changes flags later, as a user and with the REST API's rules
// (SetAttachmentFlags or SetBugFlags): for example a steward answering.
type SeedFlagUpdate struct {
	As string `json:"as"`
	At string `json:"at"`
	// Attachment is the 1-based position of the attachment in this bug's
	// "attachments"; 0 changes bug flags.
	Attachment int              `json:"attachment"`
	Flags      []SeedFlagChange `json:"flags"`
}

// SeedFlagChange is a FlagChange in the wire format of the REST API.
type SeedFlagChange struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	TypeID    int    `json:"type_id"`
	Status    string `json:"status"`
	Requestee string `json:"requestee"`
	New       bool   `json:"new"`
}

// LoadSeed reads a SeedFile and adds its contents. It stops at the first
// error, naming the item; what came before it stays loaded. It returns the
// ids of the bugs it filed, in file order.
func (s *Server) LoadSeed(r io.Reader) ([]int, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("bugzillatest: reading seed: %w", err)
	}
	var f SeedFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("bugzillatest: seed: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("bugzillatest: seed: data after the JSON document")
	}
	return s.loadSeed(&f)
}

func (s *Server) loadSeed(f *SeedFile) ([]int, error) {
	now := s.clock.now()
	if f.Now != "" {
		t, err := time.Parse(time.RFC3339, f.Now)
		if err != nil {
			return nil, fmt.Errorf("bugzillatest: seed: now %q: %w", f.Now, err)
		}
		now = t.UTC().Truncate(time.Second)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.db
	for i, u := range f.Users {
		var last time.Time
		if strings.TrimSpace(u.LastActivity) != "" {
			var err error
			if last, err = seedAt(u.LastActivity, now); err != nil {
				return nil, fmt.Errorf("bugzillatest: seed users[%d]: last_activity: %w", i, err)
			}
		}
		if _, err := s.addUserLocked(User{
			Login: u.Login, RealName: u.RealName, Nick: u.Nick, APIKey: u.APIKey, Password: u.Password,
			Groups: u.Groups, BlockNeedinfo: u.BlockNeedinfo, BlockReviews: u.BlockReviews, LastActivity: last,
		}); err != nil {
			return nil, fmt.Errorf("bugzillatest: seed users[%d]: %w", i, err)
		}
	}
	for i, p := range f.Products {
		if strings.TrimSpace(p.Name) == "" || len(p.Components) == 0 {
			return nil, fmt.Errorf("bugzillatest: seed products[%d]: need a name and at least one component", i)
		}
		prod := d.products[p.Name]
		if prod == nil {
			prod = &productRec{name: p.Name, components: map[string]*componentRec{}}
			d.products[p.Name] = prod
		}
		assignee := ""
		if d.user(DefaultAssignee) != nil {
			assignee = DefaultAssignee
		}
		for _, c := range p.Components {
			if prod.components[c] == nil {
				prod.components[c] = &componentRec{name: c, defaultAssignee: assignee}
				prod.order = append(prod.order, c)
			}
		}
	}
	for i, ft := range f.FlagTypes {
		if ft.Name == "" || (ft.Target != "bug" && ft.Target != "attachment") {
			return nil, fmt.Errorf("bugzillatest: seed flag_types[%d]: need a name and a target of \"bug\" or \"attachment\"", i)
		}
		rec := &flagTypeRec{
			id: len(d.flagTypes) + 1, name: ft.Name, description: ft.Description, target: ft.Target,
			grantGroup: ft.GrantGroup, requestGroup: ft.RequestGroup, multiplicable: ft.Multiplicable,
			requesteeble: ft.Requesteeble, products: map[string]bool{},
		}
		for _, p := range ft.Products {
			rec.products[p] = true
		}
		d.flagTypes = append(d.flagTypes, rec)
	}
	var ids []int
	for i := range f.Bugs {
		id, err := s.loadSeedBug(&f.Bugs[i], now)
		if err != nil {
			return ids, fmt.Errorf("bugzillatest: seed bugs[%d]: %w", i, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (s *Server) loadSeedBug(sb *SeedBug, now time.Time) (int, error) {
	at, err := seedAt(sb.At, now)
	if err != nil {
		return 0, err
	}
	var flags []Flag
	for _, fl := range sb.Flags {
		flags = append(flags, Flag{Name: fl.Name, Status: fl.Status, Requestee: fl.Requestee, Setter: fl.Setter})
	}
	b, err := s.addBugLocked(Bug{
		ID: sb.ID, Alias: sb.Alias, Summary: sb.Summary, Product: sb.Product, Component: sb.Component,
		Status: sb.Status, Resolution: sb.Resolution, Creator: sb.Creator, AssignedTo: sb.AssignedTo,
		CC: sb.CC, Groups: sb.Groups, Description: sb.Description, CreationTime: at, Flags: flags,
	}, at)
	if err != nil {
		return 0, err
	}

	type event struct {
		at    time.Time
		order int
		run   func(time.Time) error
	}
	var events []event
	attIDs := make([]int, len(sb.Attachments))
	for i := range sb.Attachments {
		sa := &sb.Attachments[i]
		t, err := seedAt(sa.At, now)
		if err != nil {
			return 0, fmt.Errorf("attachments[%d]: %w", i, err)
		}
		if sa.At == "" {
			t = at
		}
		i := i
		events = append(events, event{t, len(events), func(t time.Time) error {
			content := []byte(sa.Text)
			if sa.Base64 != "" {
				if sa.Text != "" {
					return fmt.Errorf("attachments[%d]: give text or base64, not both", i)
				}
				var err error
				if content, err = base64.StdEncoding.DecodeString(sa.Base64); err != nil {
					return fmt.Errorf("attachments[%d]: base64: %w", i, err)
				}
			}
			var fl []Flag
			for _, f := range sa.Flags {
				fl = append(fl, Flag{Name: f.Name, Status: f.Status, Requestee: f.Requestee, Setter: f.Setter})
			}
			rec, err := s.addAttachmentLocked(Attachment{
				BugID: b.id, FileName: sa.FileName, Summary: sa.Summary, ContentType: sa.ContentType,
				Data: content, Creator: sa.Creator, IsPrivate: sa.IsPrivate, IsPatch: sa.IsPatch,
				IsObsolete: sa.IsObsolete, Comment: sa.Comment, CreationTime: t, Flags: fl,
			}, t)
			if err != nil {
				return fmt.Errorf("attachments[%d]: %w", i, err)
			}
			attIDs[i] = rec.id
			return nil
		}})
	}
	for i := range sb.Comments {
		sc := &sb.Comments[i]
		t, err := seedAt(sc.At, now)
		if err != nil {
			return 0, fmt.Errorf("comments[%d]: %w", i, err)
		}
		if sc.At == "" {
			t = at
		}
		i := i
		events = append(events, event{t, len(events), func(t time.Time) error {
			if _, err := s.addCommentLocked(Comment{
				BugID: b.id, Creator: sc.Creator, Text: sc.Text, IsPrivate: sc.IsPrivate, Tags: sc.Tags, Time: t,
			}, t); err != nil {
				return fmt.Errorf("comments[%d]: %w", i, err)
			}
			return nil
		}})
	}
	for i := range sb.FlagUpdates {
		su := &sb.FlagUpdates[i]
		t, err := seedAt(su.At, now)
		if err != nil {
			return 0, fmt.Errorf("flag_updates[%d]: %w", i, err)
		}
		if su.At == "" {
			t = at
		}
		if su.Attachment < 0 || su.Attachment > len(sb.Attachments) {
			return 0, fmt.Errorf("flag_updates[%d]: attachment %d: this bug has %d attachments", i, su.Attachment, len(sb.Attachments))
		}
		i := i
		events = append(events, event{t, len(events), func(t time.Time) error {
			changes := make([]FlagChange, 0, len(su.Flags))
			for _, fc := range su.Flags {
				changes = append(changes, FlagChange{ID: fc.ID, Name: fc.Name, TypeID: fc.TypeID, Status: fc.Status, Requestee: fc.Requestee, New: fc.New})
			}
			var err error
			if su.Attachment == 0 {
				err = s.actAsLocked(su.As, t, handleUpdateBug, []string{"", itoa(b.id)}, changes)
			} else {
				err = s.actAsLocked(su.As, t, handleUpdateAttachment, []string{"", itoa(attIDs[su.Attachment-1])}, changes)
			}
			if err != nil {
				return fmt.Errorf("flag_updates[%d] as %s: %w", i, su.As, err)
			}
			return nil
		}})
	}
	sort.SliceStable(events, func(i, j int) bool {
		if !events[i].at.Equal(events[j].at) {
			return events[i].at.Before(events[j].at)
		}
		return events[i].order < events[j].order
	})
	for _, e := range events {
		if err := e.run(e.at); err != nil {
			return 0, err
		}
	}
	return b.id, nil
}

var daysRe = regexp.MustCompile(`^([+-]?\d+)d$`)

// seedAt reads an "at": RFC 3339, a Go duration, or whole days ("-3d"),
// the last two relative to now. Empty means now.
func seedAt(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return now, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC().Truncate(time.Second), nil
	}
	if m := daysRe.FindStringSubmatch(v); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return time.Time{}, fmt.Errorf("at %q: %w", v, err)
		}
		return now.AddDate(0, 0, n), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("at %q is neither RFC 3339, a duration such as -72h, nor days such as -3d", v)
	}
	return now.Add(d).Truncate(time.Second), nil
}

// actAsLocked is actAs for callers holding s.mu, at a given time.
func (s *Server) actAsLocked(login string, at time.Time, h func(*reqCtx) (int, any, *Error), match []string, changes []FlagChange) error {
	raw, err := json.Marshal(map[string]any{"flags": wireFlags(changes)})
	if err != nil {
		return err
	}
	body, perr := parseBody(raw)
	if perr != nil {
		return perr
	}
	u := s.db.user(login)
	if u == nil {
		return errNoSuchUser(login)
	}
	c := &reqCtx{s: s, d: s.db, method: "PUT", m: match, body: body, user: u, now: at}
	if _, _, herr := h(c); herr != nil {
		return herr
	}
	return nil
}

// Load adds the contents of a SeedFile built in Go, as LoadSeed does for
// one read from JSON.
func (s *Server) Load(f *SeedFile) ([]int, error) { return s.loadSeed(f) }
