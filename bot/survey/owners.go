package survey

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bot/store"
)

// InactiveAfter is how long without Bugzilla activity makes an owner "no
// longer active": a year, as the data collection policy's yearly survey.
const InactiveAfter = "1 year"

// loginPattern is Bugzilla's default emailregexp (Bugzilla/Config/Auth.pm,
// ^[\w\.\+\-=']+@[\w\.\-]+\.[\w\-]+$) without its anchors, to find the
// addresses in a free-text owner answer ("Jane Doe <jane@example.test>").
var loginPattern = regexp.MustCompile(`[\w.+\-=']+@[\w.\-]+\.[\w\-]+`)

// maxLogin is Bugzilla's login_name column size.
const maxLogin = 255

// OwnerLogins returns the Bugzilla logins an owner answer names: the email
// addresses in it, lower case, in order, each once. A name, a nick or a
// team ("Telemetry team", ":jane") names none: only an address can be
// looked up without guessing.
func OwnerLogins(owner string) []string {
	var out []string
	for _, m := range loginPattern.FindAllString(owner, -1) {
		m = strings.ToLower(strings.Trim(m, ".'"))
		local, domain, ok := strings.Cut(m, "@")
		if !ok || local == "" || !strings.Contains(domain, ".") || len(m) > maxLogin || slices.Contains(out, m) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// Owners is the survey's "owners no longer active": the people the granted
// collections' forms name as owners, by what Bugzilla says of their
// accounts. Private collections whose details are hidden name nobody here.
type Owners struct {
	Since     string  // YYYY-MM-DD: an account with no activity since this day is no longer active
	Inactive  []Owner // last activity before Since, longest quiet first
	Unknown   []Owner // Bugzilla did not say, or the account was not looked up yet
	NoAccount []Owner // Bugzilla has no such account
	NotLogin  []Owner // the answer names no address (a name, a nick, a team)
	Active    int     // accounts active since Since (counted, not listed)
	CheckedAt string  // YYYY-MM-DD of the oldest check behind these lists; "" when none
}

// Owner is one owner and the collections the forms give them.
type Owner struct {
	Name         string // the login, or the answer as written when it names none
	LastActivity string // YYYY-MM-DD; "" when unknown
	Items        []Item // their collections, by bug
}

// summariseOwners sorts the owners of items (the granted collections the
// filter kept) by what activity says of their accounts (by lower-case
// login), as of now.
func summariseOwners(items []Item, activity map[string]store.OwnerActivity, now time.Time) *Owners {
	since := now.UTC().AddDate(-1, 0, 0)
	o := &Owners{Since: since.Format(time.DateOnly)}
	byLogin, byText := map[string][]Item{}, map[string][]Item{}
	for _, it := range items {
		owner := strings.TrimSpace(it.Owner)
		if owner == "" {
			continue
		}
		logins := OwnerLogins(owner)
		if len(logins) == 0 {
			byText[owner] = append(byText[owner], it)
		}
		for _, l := range logins {
			byLogin[l] = append(byLogin[l], it)
		}
	}
	var oldest time.Time
	for login, its := range byLogin {
		a, asked := activity[login]
		if asked && (oldest.IsZero() || a.CheckedAt.Before(oldest)) {
			oldest = a.CheckedAt
		}
		ow := Owner{Name: login, Items: its}
		switch {
		case asked && !a.Found:
			o.NoAccount = append(o.NoAccount, ow)
		case !asked || a.LastActivity.IsZero():
			o.Unknown = append(o.Unknown, ow)
		case a.LastActivity.Before(since):
			ow.LastActivity = a.LastActivity.UTC().Format(time.DateOnly)
			o.Inactive = append(o.Inactive, ow)
		default:
			o.Active++
		}
	}
	for text, its := range byText {
		o.NotLogin = append(o.NotLogin, Owner{Name: text, Items: its})
	}
	if !oldest.IsZero() {
		o.CheckedAt = oldest.UTC().Format(time.DateOnly)
	}
	byName := func(a, b Owner) int { return strings.Compare(a.Name, b.Name) }
	slices.SortFunc(o.Inactive, func(a, b Owner) int {
		return cmp.Or(strings.Compare(a.LastActivity, b.LastActivity), byName(a, b))
	})
	slices.SortFunc(o.Unknown, byName)
	slices.SortFunc(o.NoAccount, byName)
	slices.SortFunc(o.NotLogin, byName)
	return o
}
