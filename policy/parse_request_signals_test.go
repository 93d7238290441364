package policy

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReqChannels(t *testing.T) {
	tests := []struct {
		text                string
		channels            []string
		release, prerelease Tri
	}{
		{"", nil, Unknown, Unknown},
		{"Everyone in the US.", nil, Unknown, Unknown},
		{"All channels, countries, and locales. No filters.", []string{"all"}, Yes, Yes},
		{"All release channels.", []string{"all"}, Yes, Yes},
		{"Release, Beta and Nightly", []string{"release", "beta", "nightly"}, Yes, Yes},
		{"Nightly and Beta only, not release.", []string{"nightly", "beta"}, No, Yes},
		{"Nightly", []string{"nightly"}, No, Yes},
		{"Developer Edition and DevEdition", []string{"developer edition"}, No, Yes},
		{"Firefox Preview (Fenix) users", []string{"preview"}, No, Yes},
		{"pre-release channels", nil, No, Yes},
		{"Release only, desktop.", []string{"release"}, Yes, No},
		{"Release users in the US; not Nightly.", []string{"release"}, Yes, No},
		{"Release and ESR.", []string{"release", "esr"}, Yes, Unknown},
		{"Release channels: Nightly", []string{"nightly"}, No, Yes},
		{"After the release notes ship, Beta.", []string{"beta"}, No, Yes},
		{"Nightly and Beta only. The site measurement is compiled out of Release builds.", []string{"nightly", "beta"}, No, Yes},
		{"Nightly only for now; it will not ride the trains.", []string{"nightly"}, No, Yes},
		{"Starts in Nightly and rides the trains.", []string{"nightly", "release"}, Yes, Yes},
		{"All channels except release.", []string{"all"}, No, Yes},
		{"Every channel but not on release", []string{"all"}, No, Yes},
		{"Not on release.", nil, No, Unknown},
		{"Release builds will not collect it; Beta does.", []string{"beta"}, No, Yes},
		{"Nightly until release.", []string{"nightly"}, No, Yes},
		{"Nightly prior to release.", []string{"nightly"}, No, Yes},
		{"We ship it to Release and Beta.", []string{"release", "beta"}, Yes, Yes},
		{"Release and Beta, not Nightly.", []string{"release", "beta"}, Yes, Yes},
		{"Release only, no pre-release channels.", []string{"release"}, Yes, No},
		{"Default on in Nightly and Beta, opt-in on Release.", []string{"nightly", "beta"}, No, Yes},
		{"On by default in Nightly; default off in Release.", []string{"nightly"}, No, Yes},
		{"Nightly: yes, Beta: yes, Release: no", []string{"nightly", "beta"}, No, Yes},
		{"Release and Beta; users opt in from the panel.", []string{"release", "beta"}, Yes, Yes},
		{"Release users in the US who explicitly opt in; not Nightly.", []string{"release"}, Yes, No},
	}
	for _, tt := range tests {
		ch, rel, pre := reqChannels(tt.text)
		if diff := cmp.Diff(ch, tt.channels, cmpopts.EquateEmpty()); diff != "" || rel != tt.release || pre != tt.prerelease {
			t.Errorf("reqChannels(%q) = %v, %s, %s; want %v, %s, %s", tt.text, ch, rel, pre, tt.channels, tt.release, tt.prerelease)
		}
	}
}

func TestReqDefaultOn(t *testing.T) {
	tests := []struct {
		answers []string
		optOut  string
		want    Tri
	}{
		{nil, "", Unknown},
		{[]string{"It is default-on."}, "", Yes},
		{[]string{"This is on by default in Nightly."}, "", Yes},
		{[]string{"It is not default on."}, "", No},
		{[]string{"The feature is opt-in."}, "", No},
		{[]string{"Off by default."}, "", No},
		{[]string{"Data is only sent when the user agrees in the dialog."}, "", No},
		{[]string{"Collected only if users opt in."}, "", No},
		{nil, "The telemetry preference in Settings turns it off.", Yes},
		{nil, "N/A", Unknown},
		{nil, "None.", Unknown},
		{nil, "N/A, this is default off.", No},
		{[]string{"default on in Nightly, opt-in on release"}, "", Yes},
		{[]string{"We ask whether default on is acceptable."}, "", Unknown},
	}
	for _, tt := range tests {
		all := append([]string{}, tt.answers...)
		if tt.optOut != "" {
			all = append(all, tt.optOut)
		}
		if got := reqDefaultOn(all, tt.optOut); got != tt.want {
			t.Errorf("reqDefaultOn(%q, %q) = %s, want %s", tt.answers, tt.optOut, got, tt.want)
		}
	}
}

func TestReqThirdParty(t *testing.T) {
	tests := []struct {
		text string
		want Tri
		tool string
	}{
		{"", Unknown, ""},
		{"No.", No, ""},
		{"No, Glean only.", No, ""},
		{"None", No, ""},
		{"N/A", No, ""},
		{"Not applicable.", No, ""},
		{"Yes, Adjust, directly from the app.", Yes, "Adjust"},
		{"Yes, survey answers go to Alchemer directly.", Yes, "Alchemer"},
		{"Yes: a survey vendor. It runs on our backend.", Yes, "survey vendor"},
		{"We use Leanplum for onboarding messages.", Yes, "Leanplum"},
		{"We adjust nothing; it all goes through Glean.", No, ""},
		{"Only Telemetry.", No, ""},
		{"A partner API provides the forecast, but no data goes through it: no.", No, ""},
		{"Unclear for now.", Unknown, ""},
	}
	for _, tt := range tests {
		got, tool := reqThirdParty(tt.text)
		if got != tt.want || tool != tt.tool {
			t.Errorf("reqThirdParty(%q) = %s, %q; want %s, %q", tt.text, got, tool, tt.want, tt.tool)
		}
	}
}

func TestReqNewIdentifiers(t *testing.T) {
	m := func(name, desc string) []Measurement { return []Measurement{{Name: name, Description: desc}} }
	tests := []struct {
		name    string
		ms      []Measurement
		q5      string
		answers []string
		want    Tri
	}{
		{"silent", m("search.clicks", "number of clicks"), "", nil, Unknown},
		{"client_id is Telemetry's", m("legacy.client_id", ""), "", nil, Unknown},
		{"the client id in prose", nil, "The custom ping contains the client id and the environment.", nil, Unknown},
		{"a new client id", m("study.client", "a new random client id for the study"), "", nil, Yes},
		{"camel case name", m("deviceId", ""), "", nil, Yes},
		{"uuid description", m("study.participant", "a random UUID per participant"), "", nil, Yes},
		{"email", m("account.contact", "the user's email address"), "", nil, Yes},
		{"negated description", m("search.clicks", "not tied to any client id"), "", nil, Unknown},
		{"prose in Q5", nil, "We add a new install id to join sessions.", nil, Yes},
		{"answer says new identifier", nil, "", []string{"This adds a new identifier for the device."}, Yes},
		{"answer says none", nil, "", []string{"No new identifiers are added."}, No},
		{"answer says no identifiers", nil, "", []string{"The ping contains no identifiers."}, No},
		{"analysis mentions client_id", nil, "", []string{"We will count clients by client_id."}, Unknown},
		{"existing telemetry client id", m("study.client", "the existing telemetry client id"), "", nil, Unknown},
		{"client id already sent", m("study.client_id", "client_id, which is already sent with every ping"), "", nil, Unknown},
		{"current client id in prose", nil, "Rows are joined on the current client_id.", nil, Unknown},
		{"hashed FxA uid", m("sync.user", "hashed FxA uid"), "", nil, Yes},
		{"random per-install UUID we add", m("study.install", "a random per-install UUID we add"), "", nil, Yes},
		{"new beside existing", nil, "We add a new random UUID next to the existing client id.", nil, Yes},
		{"account email", m("reader.account_email", ""), "", nil, Yes},
		{"email address", m("support.contact", "the user's email address, typed in the form"), "", nil, Yes},
		{"no client id", m("search.clicks", "not linked to the client id"), "", nil, Unknown},
		{"search engine identifier is no user id", m("search.engine", "the search engine identifier"), "", nil, Unknown},
	}
	for _, tt := range tests {
		if got := reqNewIdentifiers(tt.ms, tt.q5, tt.answers); got != tt.want {
			t.Errorf("%s: reqNewIdentifiers = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestReqLinks(t *testing.T) {
	text := "See https://example.com/a_b.html, [docs](https://docs.example.org/x) and www.example.net/y. Again: https://example.com/a_b.html."
	want := []string{"https://example.com/a_b.html", "https://docs.example.org/x", "www.example.net/y"}
	if diff := cmp.Diff(reqLinks(text, nil), want); diff != "" {
		t.Errorf("reqLinks (-got +want):\n%s", diff)
	}
	docs := reqLinks("https://example.com/shop and https://firefox-source-docs.mozilla.org/x.html", reqLooksLikeDocs)
	if diff := cmp.Diff(docs, []string{"https://firefox-source-docs.mozilla.org/x.html"}); diff != "" {
		t.Errorf("reqLinks(docs) (-got +want):\n%s", diff)
	}
}

// TestReqLooksLikeDocs: links read as documentation when no documentation
// question holds them, and the internal wikis and the categories page that
// look like it by their words but are not.
func TestReqLooksLikeDocs(t *testing.T) {
	for u, want := range map[string]bool{
		"https://dictionary.telemetry.mozilla.org/apps/fenix/metrics/x": true,
		"https://probes.telemetry.mozilla.org/?search=x":                true,
		"https://firefox-source-docs.mozilla.org/toolkit/x.html":        true,
		"https://wiki.mozilla.org/Firefox/Telemetry/Metrics":            true,
		"https://github.com/mozilla/x/blob/main/docs/metrics.md":        true,
		"https://example.com/shop":                                      false,
		"https://docs.google.com/document/d/1AbCdEf/edit":               true, // public ones have served
		"https://mana.mozilla.org/wiki/display/FIREFOX/Metrics":         false,
		"https://mozilla-hub.atlassian.net/wiki/spaces/FIREFOX/pages/1": false,
		"https://wiki.mozilla.org/Firefox/Data_Collection":              false,
		"https://wiki.mozilla.org/Data_Collection":                      false,
	} {
		if got := reqLooksLikeDocs(u); got != want {
			t.Errorf("reqLooksLikeDocs(%q) = %v, want %v", u, got, want)
		}
	}
}

// TestReqPopulationsSubAnswer: a bare "All" under the template's "Which
// release channels?" means every channel; the same word elsewhere does not.
func TestReqPopulationsSubAnswer(t *testing.T) {
	tests := []struct {
		name, answer string
		release      Tri
	}{
		{"next line", "* Which release channels?\nAll\n\n* Which countries?\nAll", Yes},
		{"same line", "* Which release channels? All.\n* Which countries? US", Yes},
		{"named channels", "* Which release channels?\nNightly\n\n* Which countries?\nAll", No},
		{"all under countries only", "* Which release channels?\n\n* Which countries?\nAll", Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseRequest(reqTestForm(func(n int, q string) string { return fmt.Sprintf("%d) %s", n, q) }, func(n int) string {
				if n == 8 {
					return tt.answer
				}
				return reqAnswerNumber(n)
			}))
			if r.Release != tt.release {
				t.Errorf("release = %s, want %s (channels %v)", r.Release, tt.release, r.Channels)
			}
		})
	}
}
