package web

import "github.com/stewardbot/stewardbot/bot/survey"

// ownersView is the survey's "owners no longer active" section.
type ownersView struct {
	survey.Owners
	Chart                                  countsView
	Inactive, Unknown, NoAccount, NotLogin ownerList
}

// ownerList is one list of owners as the page shows it.
type ownerList struct {
	Owners []ownerView
	More   int // owners not shown: narrow the filter to see them
}

// ownerView is one owner and links to their collections.
type ownerView struct {
	Name, LastActivity string
	Collections        []itemView
	More               int // collections not shown
}

// maxOwnerCollections bounds the collections listed per owner on the
// served page.
const maxOwnerCollections = 20

// Owner activity buckets, as the chart names them.
const (
	ownersInactive  = "no longer active"
	ownersActive    = "active"
	ownersUnknown   = "activity unknown"
	ownersNoAccount = "no such account"
	ownersNotLogin  = "not a Bugzilla login"
)

func newOwnersView(o *survey.Owners, bugURL func(int) string, limit int) (ownersView, error) {
	v := ownersView{Owners: *o}
	counts := survey.Counts{Series: []string{"owners"}}
	for _, b := range []struct {
		label string
		n     int
	}{
		{ownersInactive, len(o.Inactive)}, {ownersActive, o.Active}, {ownersUnknown, len(o.Unknown)},
		{ownersNoAccount, len(o.NoAccount)}, {ownersNotLogin, len(o.NotLogin)},
	} {
		counts.Labels = append(counts.Labels, b.label)
		counts.Values = append(counts.Values, []int{b.n})
	}
	same := func(s string) string { return s }
	chart, err := newCountsView(counts, countsView{ID: "owner-activity", Title: "Owners by Bugzilla activity", LabelHead: "Owners",
		Desc: "The owners the granted forms name, by what Bugzilla says of their account: no activity since " + o.Since +
			" (no longer active), active since, activity unknown (Bugzilla did not say), no such account, or an answer that names no login."},
		same, same, func(string) string { return "" })
	if err != nil {
		return v, err
	}
	v.Chart = chart
	v.Inactive = newOwnerList(o.Inactive, bugURL, limit)
	v.Unknown = newOwnerList(o.Unknown, bugURL, limit)
	v.NoAccount = newOwnerList(o.NoAccount, bugURL, limit)
	v.NotLogin = newOwnerList(o.NotLogin, bugURL, limit)
	return v, nil
}

// newOwnerList makes a list's lines: the first limit owners, each with
// their first maxOwnerCollections collections (everything when limit is 0).
func newOwnerList(owners []survey.Owner, bugURL func(int) string, limit int) ownerList {
	var l ownerList
	if limit > 0 && len(owners) > limit {
		l.More, owners = len(owners)-limit, owners[:limit]
	}
	for _, o := range owners {
		its := o.Items
		ov := ownerView{Name: o.Name, LastActivity: o.LastActivity}
		if limit > 0 && len(its) > maxOwnerCollections {
			ov.More, its = len(its)-maxOwnerCollections, its[:maxOwnerCollections]
		}
		ov.Collections = newItemList(its, bugURL, 0).Items
		l.Owners = append(l.Owners, ov)
	}
	return l
}
