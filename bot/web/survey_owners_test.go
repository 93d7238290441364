package web

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stewardbot/stewardbot/bot/survey"
)

// On the served page an owners' list shows at most maxListedItems owners
// and each owner at most maxOwnerCollections collections, saying how many
// more; the file (limit 0) shows them all.
func TestOwnerListCap(t *testing.T) {
	var owners []survey.Owner
	for i := range maxListedItems + 3 {
		o := survey.Owner{Name: "owner" + strconv.Itoa(i) + "@example.test"}
		n := 1
		if i == 0 {
			n = maxOwnerCollections + 5
		}
		for b := range n {
			o.Items = append(o.Items, survey.Item{BugID: 1000 + b, Label: "Bug " + strconv.Itoa(1000+b)})
		}
		owners = append(owners, o)
	}
	for _, tt := range []struct {
		name                           string
		limit                          int
		owners, more, first, firstMore int
	}{
		{"served", maxListedItems, maxListedItems, 3, maxOwnerCollections, 5},
		{"file", 0, maxListedItems + 3, 0, maxOwnerCollections + 5, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := newOwnerList(owners, func(id int) string { return "https://b.example/" + strconv.Itoa(id) }, tt.limit)
			got := []int{len(l.Owners), l.More, len(l.Owners[0].Collections), l.Owners[0].More}
			if diff := cmp.Diff(got, []int{tt.owners, tt.more, tt.first, tt.firstMore}); diff != "" {
				t.Errorf("owners, more, first's collections, first's more (-got +want):\n%s", diff)
			}
			if l.Owners[0].Collections[0].URL != "https://b.example/1000" {
				t.Errorf("collections are not linked: %+v", l.Owners[0].Collections[0])
			}
		})
	}
}
