package policy

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultRules(t *testing.T) {
	r := DefaultRules()
	if err := r.Validate(); err != nil {
		t.Fatalf("default rules do not validate: %v", err)
	}
	// The default-on table of DESIGN.md.
	want := DefaultOnTable{
		ChannelRelease:    {1: VerdictAllowed, 2: VerdictAllowed, 3: VerdictNeedsTrust, 4: VerdictNotAllowed},
		ChannelPreRelease: {1: VerdictAllowed, 2: VerdictAllowed, 3: VerdictAllowed, 4: VerdictNotAllowed},
	}
	if diff := cmp.Diff(r.DefaultOn, want); diff != "" {
		t.Errorf("default-on table (-got +want):\n%s", diff)
	}
	wantEsc := map[string][]string{
		CodeCategory4:                 {EscalateTrust, EscalateLegal},
		CodeCategory3DefaultOnRelease: {EscalateTrust, EscalateLegal},
		CodeThirdPartyTool:            {EscalateLegal},
		CodeNewIdentifier:             {EscalateLegal},
	}
	if diff := cmp.Diff(r.Escalations, wantEsc); diff != "" {
		t.Errorf("escalations (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(r.Expiry, ExpiryRules{MaxDays: 730, PermanentNeedsOwner: true}); diff != "" {
		t.Errorf("expiry (-got +want):\n%s", diff)
	}
	if len(r.ThirdPartyTools) < 40 {
		t.Errorf("default rules know %d third-party tools, want the built-in vocabulary", len(r.ThirdPartyTools))
	}
	if len(r.IdentifyingCombinations) != 0 || len(r.Products) != 0 {
		t.Errorf("defaults assume combinations %v or products %v", r.IdentifyingCombinations, r.Products)
	}
}

func TestDefaultRulesAreFreshCopies(t *testing.T) {
	a := DefaultRules()
	a.DefaultOn[ChannelRelease][3] = VerdictAllowed
	a.Escalations[CodeCategory4] = nil
	if b := DefaultRules(); b.DefaultOn[ChannelRelease][3] != VerdictNeedsTrust || len(b.Escalations[CodeCategory4]) != 2 {
		t.Errorf("changing one DefaultRules() changed the next: %v %v", b.DefaultOn, b.Escalations)
	}
}

func TestParseRulesEmptyAndDefaultFile(t *testing.T) {
	for name, data := range map[string][]byte{"empty": nil, "comment only": []byte("# nothing\n"), "default file": DefaultRulesYAML()} {
		t.Run(name, func(t *testing.T) {
			r, err := ParseRules(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r, DefaultRules(), cmp.AllowUnexported(Rules{})); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}

func TestParseRulesMergesOverDefaults(t *testing.T) {
	data, err := os.ReadFile("testdata/rules/product-override.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseRules(data)
	if err != nil {
		t.Fatal(err)
	}
	if r.Expiry.MaxDays != 365 || !r.Expiry.PermanentNeedsOwner {
		t.Errorf("expiry = %+v, want max_days 365 and the default owner rule", r.Expiry)
	}
	if diff := cmp.Diff(r.DefaultOn, DefaultRules().DefaultOn); diff != "" {
		t.Errorf("base table changed by a product override (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(r.ProductNames(), []string{"Example Browser"}); diff != "" {
		t.Errorf("products (-got +want):\n%s", diff)
	}

	p, ok := r.ForProduct("  EXAMPLE browser ")
	if !ok {
		t.Fatal("ForProduct did not find the product without regard to case")
	}
	if got := p.DefaultOn.Verdict(ChannelRelease, 3); got != VerdictNotAllowed {
		t.Errorf("product release/3 = %s, want not-allowed", got)
	}
	if got := p.DefaultOn.Verdict(ChannelRelease, 2); got != VerdictAllowed {
		t.Errorf("product release/2 = %s, want the base table's allowed", got)
	}
	if diff := cmp.Diff(p.Escalations[CodeThirdPartyTool], []string{EscalateTrust, EscalateLegal}); diff != "" {
		t.Errorf("product escalation (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(p.Escalations[CodeCategory4], []string{EscalateTrust, EscalateLegal}); diff != "" {
		t.Errorf("base escalation lost (-got +want):\n%s", diff)
	}
	if p.Expiry.MaxDays != 400 {
		t.Errorf("product max_days = %d, want 400", p.Expiry.MaxDays)
	}
	if r.DefaultOn.Verdict(ChannelRelease, 3) != VerdictNeedsTrust {
		t.Error("ForProduct changed the base rules")
	}
	if same, ok := r.ForProduct("Another"); ok || same != r {
		t.Errorf("ForProduct(unknown) = %p, %v; want the base rules and false", same, ok)
	}
}

func TestParseRulesOverridesOneCell(t *testing.T) {
	r, err := ParseRules([]byte("default_on:\n  release:\n    3: not-allowed\nescalations:\n  new-identifier: [trust, legal]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultRules()
	want.DefaultOn[ChannelRelease][3] = VerdictNotAllowed
	want.Escalations[CodeNewIdentifier] = []string{EscalateTrust, EscalateLegal}
	if diff := cmp.Diff(r, want, cmp.AllowUnexported(Rules{})); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestParseRulesDecodeErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "expiry:\n  max_dayz: 3\n", "line 2: field max_dayz not found"},
		{"wrong type", "expiry:\n  max_days: soon\n", "line 2"},
		{"category key not a number", "default_on:\n  release:\n    three: allowed\n", "line 3"},
		{"two documents", "version: 1\n---\nversion: 1\n", "more than one YAML document"},
		{"not a mapping", "- a\n- b\n", "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRules([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "rules: ") {
				t.Errorf("err = %v, want one starting \"rules: \" and containing %q", err, tt.want)
			}
		})
	}
}

func TestValidateNamesEveryProblem(t *testing.T) {
	data, err := os.ReadFile("testdata/rules/invalid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseRules(data)
	var re *RulesError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *RulesError", err)
	}
	var paths []string
	for _, p := range re.Problems {
		paths = append(paths, p.Path)
		if p.Problem == "" {
			t.Errorf("%s: empty problem", p.Path)
		}
	}
	want := []string{
		"version",
		"default_on.beta",
		"default_on.release.3",
		"default_on.release.4",
		"default_on.release.5",
		"escalations.category-5",
		"escalations.third-party-tool[1]",
		"escalations.third-party-tool[2]",
		"expiry.max_days",
		"identifying_combinations[0]",
		"identifying_combinations[1].categories[1]",
		"identifying_combinations[1].categories[2]",
		"identifying_combinations[2].categories",
		"third_party_tools[1].name",
		"third_party_tools[2].name",
		"third_party_tools[3].name",
		"products.Example Browser.default_on.prerelease.0",
		"products.Example Browser.expiry.max_days",
	}
	if diff := cmp.Diff(paths, want); diff != "" {
		t.Errorf("problem paths (-got +want):\n%s\n%v", diff, err)
	}
	if !strings.Contains(err.Error(), `default_on.release.3: unknown verdict "maybe"`) {
		t.Errorf("error text does not explain the verdict: %v", err)
	}
}

func TestValidateIncompleteTable(t *testing.T) {
	r := DefaultRules()
	delete(r.DefaultOn, ChannelPreRelease)
	delete(r.DefaultOn[ChannelRelease], 2)
	err := r.Validate()
	var re *RulesError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *RulesError", err)
	}
	var paths []string
	for _, p := range re.Problems {
		paths = append(paths, p.Path)
	}
	if diff := cmp.Diff(paths, []string{"default_on.release.2", "default_on.prerelease"}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}
