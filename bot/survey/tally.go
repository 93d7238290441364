package survey

import (
	"cmp"
	"slices"
	"strings"
)

// tally counts by line and series while the rows are read, then becomes
// a Counts.
type tally map[string]map[string]int

func newTally() tally { return tally{} }

func (t tally) add(label, series string) {
	if t[label] == nil {
		t[label] = map[string]int{}
	}
	t[label][series]++
}

// counts orders the lines by order and keeps the series of seriesKeys
// that any line has, in their order: a chart with no private row gets no
// "private" legend.
func (t tally) counts(order func(a, b string) int, seriesKeys []string) Counts {
	labels := make([]string, 0, len(t))
	for l := range t {
		labels = append(labels, l)
	}
	slices.SortFunc(labels, order)
	return t.build(labels, seriesKeys)
}

// countsByTotal orders the lines by their total, largest first, then by name.
func (t tally) countsByTotal(seriesKeys []string) Counts {
	total := func(l string) int {
		n := 0
		for _, v := range t[l] {
			n += v
		}
		return n
	}
	return t.counts(func(a, b string) int { return cmp.Or(cmp.Compare(total(b), total(a)), strings.Compare(a, b)) }, seriesKeys)
}

func (t tally) build(labels, seriesKeys []string) Counts {
	c := Counts{Labels: labels}
	var used []string
	for _, k := range seriesKeys {
		for _, l := range labels {
			if t[l][k] > 0 {
				used = append(used, k)
				break
			}
		}
	}
	c.Series = used
	for _, l := range labels {
		row := make([]int, len(used))
		for j, k := range used {
			row[j] = t[l][k]
		}
		c.Values = append(c.Values, row)
	}
	return c
}
