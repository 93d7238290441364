package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// RuleProblem is one thing wrong with a rules file, at a field path such as
// "default_on.release.3" or "products.Focus.escalations.category-4[1]".
type RuleProblem struct {
	Path    string
	Problem string
}

// RulesError lists every problem Validate found, so that one run fixes them all.
type RulesError struct {
	Problems []RuleProblem
}

func (e *RulesError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rules: %d problem(s):", len(e.Problems))
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s: %s", p.Path, p.Problem)
	}
	return b.String()
}

// maxExpiryDays bounds expiry.max_days to something a person could mean.
const maxExpiryDays = 100 * 366

// Validate checks the rules and returns a *RulesError naming every problem
// with its field path, or nil.
func (r *Rules) Validate() error {
	v := &validator{}
	if r.Version != 1 {
		v.add("version", "unsupported version %d (want 1)", r.Version)
	}
	v.table("default_on", r.DefaultOn, true)
	v.escalations("escalations", r.Escalations)
	v.maxDays("expiry.max_days", r.Expiry.MaxDays)
	for i, c := range r.IdentifyingCombinations {
		v.combination(fmt.Sprintf("identifying_combinations[%d]", i), c)
	}
	v.tools("third_party_tools", r.ThirdPartyTools)
	for _, name := range slices.Sorted(maps.Keys(r.Products)) {
		p := r.Products[name]
		path := "products." + name
		if strings.TrimSpace(name) == "" {
			v.add("products", "a product has an empty name")
		}
		v.table(path+".default_on", p.DefaultOn, false)
		v.escalations(path+".escalations", p.Escalations)
		if p.Expiry.MaxDays != nil {
			v.maxDays(path+".expiry.max_days", *p.Expiry.MaxDays)
		}
	}
	if len(v.problems) == 0 {
		return nil
	}
	return &RulesError{Problems: v.problems}
}

type validator struct{ problems []RuleProblem }

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, RuleProblem{Path: path, Problem: fmt.Sprintf(format, args...)})
}

// table checks a default-on table; complete means every channel and
// category must have a verdict (the base rules), otherwise cells are
// optional (a product override).
func (v *validator) table(path string, t DefaultOnTable, complete bool) {
	for _, ch := range slices.Sorted(maps.Keys(t)) {
		if !slices.Contains(Channels(), ch) {
			v.add(path+"."+string(ch), "unknown channel (want release or prerelease)")
			continue
		}
		row := t[ch]
		for _, c := range slices.Sorted(maps.Keys(row)) {
			cell := fmt.Sprintf("%s.%s.%d", path, ch, c)
			if c < 1 || c > 4 {
				v.add(cell, "unknown category (want 1 to 4)")
				continue
			}
			switch verdict := row[c]; verdict {
			case VerdictAllowed, VerdictNeedsTrust, VerdictNotAllowed:
				if c == 4 && verdict == VerdictAllowed {
					v.add(cell, "category 4 can never be default-on without Trust approval (want needs-trust-approval or not-allowed)")
				}
			default:
				v.add(cell, "unknown verdict %q (want allowed, needs-trust-approval or not-allowed)", verdict)
			}
		}
	}
	if !complete {
		return
	}
	for _, ch := range Channels() {
		if _, ok := t[ch]; !ok {
			v.add(path+"."+string(ch), "missing: every channel needs a verdict for categories 1 to 4")
			continue
		}
		for c := 1; c <= 4; c++ {
			if _, ok := t[ch][c]; !ok {
				v.add(fmt.Sprintf("%s.%s.%d", path, ch, c), "missing verdict")
			}
		}
	}
}

func (v *validator) escalations(path string, m map[string][]string) {
	for _, code := range slices.Sorted(maps.Keys(m)) {
		p := path + "." + code
		if !IsCode(code) {
			v.add(p, "unknown finding code (want one of %s)", strings.Join(Codes(), ", "))
			continue
		}
		seen := map[string]bool{}
		for i, to := range m[code] {
			switch {
			case to != EscalateTrust && to != EscalateLegal:
				v.add(fmt.Sprintf("%s[%d]", p, i), "unknown team %q (want trust or legal)", to)
			case seen[to]:
				v.add(fmt.Sprintf("%s[%d]", p, i), "%q is listed twice", to)
			}
			seen[to] = true
		}
	}
}

func (v *validator) maxDays(path string, days int) {
	if days < 1 || days > maxExpiryDays {
		v.add(path, "must be between 1 and %d days, got %d", maxExpiryDays, days)
	}
}

func (v *validator) combination(path string, c Combination) {
	if len(c.Categories) == 0 {
		v.add(path+".categories", "empty: list the categories that together identify a person")
		return
	}
	seen := map[int]bool{}
	for i, cat := range c.Categories {
		switch {
		case cat < 1 || cat > 3:
			v.add(fmt.Sprintf("%s.categories[%d]", path, i), "category %d: want 1 to 3 (category 4 counts as 4 already)", cat)
		case seen[cat]:
			v.add(fmt.Sprintf("%s.categories[%d]", path, i), "category %d is listed twice", cat)
		}
		seen[cat] = true
	}
	if len(c.Categories) < 2 && !c.NewIdentifier {
		v.add(path, "one category alone identifies no one: list two or more, or set new_identifier: true")
	}
}

// maxToolName bounds a tool's name: a product name, not a sentence.
const maxToolName = 60

func (v *validator) tools(path string, tools []ThirdPartyTool) {
	seen := map[string]int{}
	for i, t := range tools {
		p := fmt.Sprintf("%s[%d].name", path, i)
		name := strings.TrimSpace(t.Name)
		switch {
		case name == "":
			v.add(p, "empty: give the tool's name as requesters write it")
			continue
		case len(name) > maxToolName:
			v.add(p, "longer than %d bytes: give the tool's name, not a description", maxToolName)
		case !reqHasASCIIWord(name):
			v.add(p, "%q has no ASCII letter or digit: requests are matched on those", name)
		case name != t.Name:
			v.add(p, "%q has space around it", t.Name)
		}
		key := strings.ToLower(name)
		if j, dup := seen[key]; dup {
			v.add(p, "%q is listed twice (also %s[%d])", name, path, j)
			continue
		}
		seen[key] = i
	}
}

// reqHasASCIIWord reports an ASCII letter or digit in s.
func reqHasASCIIWord(s string) bool {
	st, _ := reqNextASCIIWordAnyCase(s, 0)
	return st < len(s)
}
