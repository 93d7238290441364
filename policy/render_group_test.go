package policy

import (
	"strings"
	"testing"
)

// Grouping loses nothing: every finding's message is its own text and the
// group's shared text put back together.
func FuzzGroupFindings(f *testing.F) {
	f.Add("Q3 is not answered: say why. Every question is mandatory; \"N/A\" or \"No\" are answers when they are true.",
		"Q10 is not answered: say how. Every question is mandatory; \"N/A\" or \"No\" are answers when they are true.", "", "")
	f.Add(`Measurement "a.b" is category 4 (highly sensitive): any such collection needs prior Trust approval.`,
		`Measurement "c.d" is category 4 (highly sensitive): any such collection needs prior Trust approval.`, "a.b", "c.d")
	f.Add("same message; shared by both and long enough to say once", "same message; shared by both and long enough to say once", "", "")
	f.Add("é. ééééééééééééééééééééééééééééééééé", "è. ééééééééééééééééééééééééééééééééé", "x", "")
	f.Fuzz(func(t *testing.T, m1, m2, meas1, meas2 string) {
		fs := []Finding{{Code: "c", Question: 3, Measurement: meas1, Message: m1}, {Code: "c", Question: 10, Measurement: meas2, Message: m2}}
		gs := groupFindings(fs)
		if len(gs) != 1 || len(gs[0].items) != 2 {
			t.Fatalf("groups %+v, want one of two items", gs)
		}
		g := gs[0]
		for i, it := range g.items {
			msg := cleanText(fs[i].Message, 1000)
			switch {
			case g.explain == "":
				if it.text != msg {
					t.Errorf("ungrouped item %q, want the whole message %q", it.text, msg)
				}
			case it.text == "":
				rest, _ := strings.CutPrefix(g.explain, "Each of these measurements")
				if want := `Measurement "` + cleanText(fs[i].Measurement, 80) + `"` + rest; want != msg {
					t.Errorf("measurement item: %q, want %q", want, msg)
				}
			default:
				if !strings.HasPrefix(msg, it.text) {
					t.Errorf("item %q is not the start of %q", it.text, msg)
				}
				tail := strings.TrimSpace(msg[len(it.text):])
				tail = strings.TrimSpace(strings.TrimLeft(tail, ";:"))
				if !strings.EqualFold(firstRune(tail), firstRune(g.explain)) || tail[len(firstRune(tail)):] != g.explain[len(firstRune(g.explain)):] {
					t.Errorf("shared %q is not the end %q of %q", g.explain, tail, msg)
				}
			}
		}
	})
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}
