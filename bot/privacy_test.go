package bot

import (
	"testing"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// TestAboutPrivate pins the one rule for every comment's privacy.
func TestAboutPrivate(t *testing.T) {
	for name, tc := range map[string]struct {
		ab   about
		want bool
	}{
		"nothing private":      {about{forms: []*foundForm{{}}, command: &bugzilla.Comment{}, attachments: []bugzilla.Attachment{{ID: 1}}}, false},
		"no form (nil)":        {about{forms: []*foundForm{nil}}, false},
		"bug in a group":       {about{groups: []string{"security"}}, true},
		"private form":         {about{forms: []*foundForm{{}, {Private: true}}}, true},
		"private command":      {about{command: &bugzilla.Comment{IsPrivate: true}}, true},
		"private attachment":   {about{attachments: []bugzilla.Attachment{{ID: 1}, {ID: 2, IsPrivate: true}}}, true},
		"quotes private text":  {about{quotesPrivate: true}, true},
		"could not tell (bug)": {about{unknown: true}, true},
	} {
		if got := tc.ab.private(); got != tc.want {
			t.Errorf("%s: private() = %v, want %v", name, got, tc.want)
		}
	}
}
