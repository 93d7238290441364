package policy

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The expressions the byte scanners of parse_request_scan.go replace: their
// specification.
var (
	reqChannelSpecRE     = regexp.MustCompile(`\b(nightly|beta|developer\s+edition|dev\s*edition|devedition|aurora|preview|esr|pre[\s-]?release|release|rid(?:e|es|ing)\s+the\s+trains?)\b`)
	reqAllChannelsSpecRE = regexp.MustCompile(`\b(?:all|every|any)\s+(?:(?:of\s+)?the\s+)?(?:release\s+|firefox\s+|product\s+)?channels?\b`)
	reqURLSpecRE         = regexp.MustCompile(`(?i)\bhttps?://[^\s<>()\[\]"'` + "`" + `|]+|\bwww\.[^\s<>()\[\]"'` + "`" + `|]+`)
)

// reqScanSamples are texts at the edges of each expression.
var reqScanSamples = []string{
	"",
	"nightly and beta only; not on release",
	"Nightly, Beta, Release", // upper case: the scanners, like the expressions, read lower-case text
	"developer edition, developer  edition, dev edition, devedition, dev\tedition, deve dition, developeredition",
	"pre-release, pre release, prerelease, pre  release, pre--release, pre_release, preview, previews",
	"release_notes release2 xrelease release's releases",
	"rides the trains, ride the train, riding  the\ntrains, rid the trains, rides the trainsx, ride the trains_",
	"esr, esrs, aurora, auroras, beta-only, nightly1, _nightly",
	"all channels, every channel, any of the release channels, all the firefox channels, all of channels",
	"all of the channels, all offers the channels, all the the channels, every product channel, anychannel",
	"all release release channels, all\n\nchannels, every  of  the  channels.",
	"see https://example.com/a?b=c, http://x.y, HTTPS://Z, https://, http:/x, xhttp://no www.mozilla.org",
	"(https://a.b)[https://c.d] <http://e> 'www.f' \"www.g\" `https://h` |https://i| wwww.j httpſ://k",
	"www. www.x https//x https:x ftp://x https://é.com/ü\xff\xfe end",
	"notes: https://bugzilla.mozilla.org/show_bug.cgi?id=1 and www.example.org.",
}

func reqSpecSpans(re *regexp.Regexp, s string) [][2]int {
	var out [][2]int
	for _, m := range re.FindAllStringIndex(s, -1) {
		out = append(out, [2]int{m[0], m[1]})
	}
	return out
}

func checkReqScanners(t *testing.T, s string) {
	t.Helper()
	ls := reqLowerASCII(s)
	if diff := cmp.Diff(reqScanAll(ls, &reqChannelFirst, reqChannelAt), reqSpecSpans(reqChannelSpecRE, ls)); diff != "" {
		t.Errorf("channels in %q (-got +want):\n%s", ls, diff)
	}
	if diff := cmp.Diff(reqScanAll(ls, &reqAllChannelsFirst, reqAllChannelsAt), reqSpecSpans(reqAllChannelsSpecRE, ls)); diff != "" {
		t.Errorf("all channels in %q (-got +want):\n%s", ls, diff)
	}
	if diff := cmp.Diff(reqURLs(s), reqURLSpecRE.FindAllString(s, -1)); diff != "" {
		t.Errorf("links in %q (-got +want):\n%s", s, diff)
	}
}

func TestReqScannersMatchExpressions(t *testing.T) {
	for _, s := range reqScanSamples {
		t.Run("", func(t *testing.T) { checkReqScanners(t, s) })
	}
}

func FuzzReqScanners(f *testing.F) {
	for _, s := range reqScanSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkReqScanners(t, s) })
}
