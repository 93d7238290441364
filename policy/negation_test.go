package policy

import (
	"strings"
	"testing"
)

// TestReqNegated marks the phrase in [brackets] and says whether its
// clause denies it.
func TestReqNegated(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Nightly and Beta, [release].", false},
		{"Nightly and Beta only, not [release].", true},
		{"not on [release] but on Beta", true},
		{"not on release but on [Beta]", false},
		{"The site measurement is compiled out of [Release] builds.", true},
		{"It will not ride [the trains].", true},
		{"It won't reach [Release].", true},
		{"All channels except [release].", true},
		{"We do not use Google Analytics, Sentry or [Adjust].", true},
		{"Instead of Telemetry, we use [Sentry].", false},
		{"Instead of [Telemetry], we use Sentry.", true},
		{"No [third party].", true},
		{"We don't use any [third-party tool].", true},
		{"[Release] builds will not collect it.", true},
		{"[Sentry] is not used.", true},
		{"[Sentry] receives the errors.", false},
		{"Not only Nightly but also [Release].", false},
		{"This is not only for [Release] users.", false},
		{"Disabled on [release].", true},
		{"removed from [release] builds", true},
		{"Nothing is sent. Errors go to [Sentry].", false},
		{"We never send data; (errors go to [Sentry])", false},
		{"non-[release] channels", true},
		{"No identifiers at all are sent in this ping, which is about the [client id].", true},
		{"It is not in version 1.2 [release].", true}, // a decimal point ends no clause
		{"It is not out; 3.4 [release].", false},
		{"[permanent]", false},
		{"No, it is [on by default].", false},
		{"Nightly: yes, Beta: yes, [Release]: no", true},
		{"[Third party] - none", true},
		{"[Release]: yes", false},
		{"[Release]: nightly users first", false},
		{"No, [Sentry] gets the errors.", false},
		{"Not yet, but [Release] later.", false},
		{"We do not, at any point, use [Sentry].", true},
		{"not [permanent]", true},
	}
	for _, tt := range tests {
		st := strings.IndexByte(tt.text, '[')
		en := strings.IndexByte(tt.text, ']') - 1
		ls := reqLowerASCII(strings.Replace(strings.Replace(tt.text, "[", "", 1), "]", "", 1))
		if got := reqNegated(ls, st, en); got != tt.want {
			t.Errorf("reqNegated(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// FuzzProseSignals: no text makes the prose readers panic or answer
// outside their ranges, and a negation is read the same from any offset.
func FuzzProseSignals(f *testing.F) {
	for _, s := range []string{
		"not on release but on Beta", "compiled out of Release builds", "We don't use Sentry, Adjust or GA4.",
		"the existing client id, already sent", "* Which release channels?\nAll", "For the extent of the study",
		"n't", "'", "out of", "removed from", strings.Repeat(",", 100) + "release",
	} {
		f.Add(s, 3)
	}
	valid := func(x Tri) bool { return x == Yes || x == No || x == Unknown }
	f.Fuzz(func(t *testing.T, s string, at int) {
		ls := reqLowerASCII(s)
		if len(ls) > 0 {
			at = (at%len(ls) + len(ls)) % len(ls)
			_, en := reqNextASCIIWord(ls, at)
			reqNegated(ls, at, en)
		}
		if said, tool, i := reqDefaultToolVocab().proseTool(s); !valid(said) || (said == Yes) != (i == 0) || (said == Yes && tool == "") {
			t.Errorf("proseTool(%q) = %s, %q, %d", s, said, tool, i)
		}
		if said, _ := reqThirdParty(s); !valid(said) {
			t.Errorf("reqThirdParty(%q) = %s", s, said)
		}
		if _, rel, pre := reqChannels(s); !valid(rel) || !valid(pre) {
			t.Errorf("reqChannels(%q) = %s, %s", s, rel, pre)
		}
		reqNamesNewIdentifier(s)
		if why := reqUnreadableExpiry(s); why != "" && !strings.HasPrefix(why, `"`) {
			t.Errorf("reqUnreadableExpiry(%q) = %q", s, why)
		}
	})
}

func TestReqClauseAround(t *testing.T) {
	tests := []struct {
		text, phrase string
		commas       bool
		want         string
	}{
		{"Nightly and Beta. Opt-in on Release (asked first).", "release", false, "opt-in on release"},
		{"Default on in Nightly, opt-in on Release, off in Beta", "release", true, "opt-in on release"},
		{"Default on in Nightly, opt-in on Release, off in Beta", "release", false, "default on in nightly, opt-in on release, off in beta"},
		{"on in Nightly but off in Release", "release", false, "off in release"},
	}
	for _, tt := range tests {
		ls := reqLowerASCII(tt.text)
		st := strings.Index(ls, tt.phrase)
		from, to := reqClauseAround(ls, st, st+len(tt.phrase), tt.commas)
		if got := ls[from:to]; got != tt.want {
			t.Errorf("reqClauseAround(%q, %q, %v) = %q, want %q", tt.text, tt.phrase, tt.commas, got, tt.want)
		}
	}
}
