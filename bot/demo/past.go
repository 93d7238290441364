package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/stewardbot/stewardbot/bugzilla/bugzillatest"
)

// PastReviews is how many answered reviews the demo's fake Bugzilla holds
// besides its open requests: a few years of a steward team's work, for the
// survey and for "stewardbot backfill" to find.
const PastReviews = 300

// PastSeed is the seed of the demo's past reviews: the same every run.
const PastSeed = 2017

// Past describes a generated history of data reviews.
type Past struct {
	N    int       // how many reviews
	Seed uint64    // the same seed gives the same reviews
	From time.Time // the first request is filed at or after From
	To   time.Time // the last answer is given before To
	// Quiet, when after To, keeps dated expiries out of (To, Quiet]: a
	// bot running in that span owes no expiry reminder about them.
	Quiet time.Time
}

// PastFile builds the history as a bugzillatest seed: N bugs, each with one
// Data Review Request form attached and flagged data-review? for a
// steward, then answered + (about four in five) or - by that steward, some
// with a review form in a comment. On one bug in ten with an attached
// public form, the requester first withdraws the request (clears the flag) and
// asks again. Products, categories 1 to 4, default-on
// and off, dated, versioned, limited and permanent expiries, private bugs
// (the "insiders" group), private forms and forms pasted in a comment all
// occur. Nothing depends on the clock: only on p.
func PastFile(p Past) (*bugzillatest.SeedFile, error) {
	if p.N < 0 || !p.From.Before(p.To) {
		return nil, fmt.Errorf("demo: past reviews: want N >= 0 and From before To, got %d, %s, %s", p.N, p.From, p.To)
	}
	rng := rand.New(rand.NewPCG(p.Seed, 0x5eed))
	span := p.To.Sub(p.From) - 40*24*time.Hour // room for the answer
	if span <= 0 {
		return nil, fmt.Errorf("demo: past reviews: %s to %s is too short", p.From, p.To)
	}
	f := &bugzillatest.SeedFile{}
	for i := range p.N {
		f.Bugs = append(f.Bugs, pastBug(rng, p, i, p.From.Add(time.Duration(rng.Int64N(int64(span))))))
	}
	return f, nil
}

// SeedPast adds the history p describes to srv and returns the bug ids.
func SeedPast(srv *bugzillatest.Server, p Past) ([]int, error) {
	f, err := PastFile(p)
	if err != nil {
		return nil, err
	}
	return srv.Load(f)
}

// DemoPast is the demo's history: PastReviews reviews over the six years
// before now, the last answered a month ago (before the review check's
// window), none expiring in the next 45 days (the expiry reminder's 30,
// and the demo's --days 14): the demo's bot owes them nothing, while the
// survey shows collections expiring within 90 days.
func DemoPast(now time.Time) Past {
	return Past{N: PastReviews, Seed: PastSeed, From: now.AddDate(-6, 0, 0), To: now.AddDate(0, 0, -31),
		Quiet: now.AddDate(0, 0, 45)}
}

var (
	pastStewards   = []string{"steward1@example.test", "steward2@example.test", "admin@example.test"}
	pastRequesters = []string{"dev1@example.test", "dev2@example.test"}
	pastProducts   = []string{"Firefox", "Toolkit"}
	pastAreas      = []string{"urlbar", "tabs", "downloads", "sync", "pdfjs", "newtab", "search", "privacy",
		"translations", "sidebar", "screenshots", "reader_view", "bookmarks", "passwords", "media", "devtools"}
	pastThings = []string{"opened", "clicked", "dismissed", "load_time", "errors", "enabled", "shown",
		"completed", "used", "visits", "saved_items", "crash_reason", "setting_changed", "latency"}
	pastCategories = []string{"", "Category 1: Technical data", "Category 2: Interaction data",
		"Category 3: Stored content & communications", "Category 4: Highly sensitive data"}
)

// pastBug is the i-th bug of the history, filed at filed.
func pastBug(rng *rand.Rand, p Past, i int, filed time.Time) bugzillatest.SeedBug {
	area := pastAreas[rng.IntN(len(pastAreas))]
	steward := pastStewards[rng.IntN(len(pastStewards))]
	requester := pastRequesters[rng.IntN(len(pastRequesters))]
	asked := filed.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
	answered := asked.Add(time.Duration(2+rng.IntN(24*20)) * time.Hour)
	granted := rng.IntN(5) != 0
	form := pastForm(rng, area, i, pastExpiry(rng, p, answered))
	b := bugzillatest.SeedBug{
		Summary:     fmt.Sprintf("Add telemetry for %s (%d)", strings.ReplaceAll(area, "_", " "), i+1),
		Product:     pastProducts[rng.IntN(len(pastProducts))],
		Creator:     requester,
		Description: "New data collection; the request form is attached.",
		At:          stamp(filed),
	}
	b.Component = "General"
	if b.Product == "Toolkit" {
		b.Component = "Telemetry"
	}
	if rng.IntN(12) == 0 { // a private bug, for people in the group only
		b.Groups = []string{"insiders"}
		b.CC = []string{"bot@example.test"}
	}
	flag := bugzillatest.SeedFlag{Name: "data-review", Status: "?", Requestee: steward}
	if rng.IntN(10) == 0 {
		// The form pasted in a comment, the flag on a patch.
		b.Comments = append(b.Comments, bugzillatest.SeedComment{Creator: requester, Text: form, At: stamp(asked)})
		b.Attachments = append(b.Attachments, bugzillatest.SeedAttachment{
			FileName: "probe.patch", Summary: "Bug " + area + ": add the probes", ContentType: "text/plain",
			Text: "diff --git a/metrics.yaml b/metrics.yaml\n+  " + area + ":\n", IsPatch: true,
			At: stamp(asked), Flags: []bugzillatest.SeedFlag{flag},
		})
	} else {
		b.Attachments = append(b.Attachments, bugzillatest.SeedAttachment{
			FileName: "data-review-request.md", Summary: "Data review request", ContentType: "text/markdown",
			Text: form, IsPrivate: rng.IntN(15) == 0, At: stamp(asked), Flags: []bugzillatest.SeedFlag{flag},
		})
	}
	status := "+"
	if !granted {
		status = "-"
	}
	if rng.IntN(2) == 0 { // half the stewards paste their review form
		b.Comments = append(b.Comments, bugzillatest.SeedComment{Creator: steward, Text: pastReview(rng, granted),
			IsPrivate: b.Attachments[0].IsPrivate, At: stamp(answered)})
	}
	if i%pastWithdrawnEvery == pastWithdrawnEvery-1 && b.Attachments[0].FileName == "data-review-request.md" && !b.Attachments[0].IsPrivate {
		// The requester withdraws the request (clears the flag) and asks
		// again: a withdrawn request the backfill finds in the history.
		b.FlagUpdates = append(b.FlagUpdates,
			bugzillatest.SeedFlagUpdate{As: requester, At: stamp(asked.Add(30 * time.Minute)), Attachment: 1,
				Flags: []bugzillatest.SeedFlagChange{{Name: "data-review", Status: "X"}}},
			bugzillatest.SeedFlagUpdate{As: requester, At: stamp(asked.Add(time.Hour)), Attachment: 1,
				Flags: []bugzillatest.SeedFlagChange{{Name: "data-review", Status: "?", Requestee: steward}}})
	}
	b.FlagUpdates = append(b.FlagUpdates, bugzillatest.SeedFlagUpdate{As: steward, At: stamp(answered), Attachment: 1,
		Flags: []bugzillatest.SeedFlagChange{{Name: "data-review", Status: status}}})
	return b
}

// pastWithdrawnEvery: one bug in this many with its form attached has a
// request withdrawn before the one answered.
const pastWithdrawnEvery = 10

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// pastForm is a Data Review Request form (the 2018 template) with one to
// four measurements.
func pastForm(rng *rand.Rand, area string, i int, expiry string) string {
	n := 1 + rng.IntN(4)
	var rows strings.Builder
	top := 1
	for k := range n {
		cat := 1 + rng.IntN(2)
		if rng.IntN(8) == 0 {
			cat = 3
		}
		if rng.IntN(25) == 0 {
			cat = 4
		}
		top = max(top, cat)
		fmt.Fprintf(&rows, "| `%s.%s_%d` (counter) | %s | %d |\n", area, pastThings[rng.IntN(len(pastThings))], k+1,
			pastCategories[cat], 1000+i)
	}
	population := "All release channels, all countries and all locales."
	if rng.IntN(3) == 0 {
		population = "Nightly and Beta only."
	}
	optOut := "The standard telemetry preference in Settings > Privacy & Security turns it off."
	if top >= 3 && rng.IntN(2) == 0 {
		optOut = "This collection is default-off: people opt in from the feature's own settings page."
	}
	var s strings.Builder
	s.WriteString("# Request for data collection review form\n\n")
	s.WriteString("1) What questions will you answer with this data?\n\nHow often is the " + area + " feature used, and does it work?\n\n")
	s.WriteString("2) Why does Mozilla need to answer these questions?  Are there benefits for users? Do we need this information to address product or business requirements?\n\nTo decide whether to keep improving it.\n\n")
	s.WriteString("3) What alternative methods did you consider to answer these questions? Why were they not sufficient?\n\nA user study; too small a sample.\n\n")
	s.WriteString("4) Can current instrumentation answer these questions?\n\nNo.\n\n")
	s.WriteString("5) List all proposed measurements and indicate the category of data collection for each measurement, using the [Firefox data collection categories](https://wiki.mozilla.org/Data_Collection) found on the Mozilla wiki.\n\n")
	s.WriteString("| Measurement Description | Data Collection Category | Tracking Bug # |\n| --- | --- | --- |\n")
	s.WriteString(rows.String())
	s.WriteString("\n6) Please provide a link to the documentation for this data collection which describes the ultimate data set in a public, complete, and accurate way.\n\nThis collection is documented in the Glean Dictionary at https://dictionary.telemetry.mozilla.org/\n\n")
	s.WriteString("7) How long will this data be collected?  Choose one of the following:\n\n" + expiry + "\n\n")
	s.WriteString("8) What populations will you measure?\n\n" + population + "\n\n")
	s.WriteString("9) If this data collection is default on, what is the opt-out mechanism for users?\n\n" + optOut + "\n\n")
	s.WriteString("10) Please provide a general description of how you will analyze this data.\n\nWeekly dashboards.\n\n")
	s.WriteString("11) Where do you intend to share the results of your analysis?\n\nWith the team that owns the feature.\n\n")
	s.WriteString("12) Is there a third-party tool (i.e. not Glean or Telemetry) that you are proposing to use for this data collection? If so:\n\nNo.\n")
	return s.String()
}

// pastExpiry is the answer to "how long": six months, a version, a date
// six months to three years after the answer (the form's MM-DD-YYYY), or
// permanent with an owner.
func pastExpiry(rng *rand.Rand, p Past, answered time.Time) string {
	switch rng.IntN(4) {
	case 0:
		return "I want this data to be collected for 6 months initially (potentially renewable)."
	case 1:
		return "Until Firefox " + fmt.Sprint(90+rng.IntN(60)) + "."
	case 2:
		d := answered.AddDate(0, 6+rng.IntN(31), 0)
		if d.After(p.To) && !d.After(p.Quiet) {
			d = p.Quiet.AddDate(0, 0, 1+rng.IntN(40))
		}
		return "Until " + d.Format("01-02-2006") + "."
	}
	return "I want to permanently monitor this data. (Sam Owner <owner" + fmt.Sprint(rng.IntN(9)) + "@example.test>)"
}

// pastReview is a steward's Data Review Form with its result.
func pastReview(rng *rand.Rand, granted bool) string {
	result, doc := "data-review+", "Yes, in the Glean Dictionary."
	if !granted {
		result, doc = "data-review-", "No: the link in Q6 does not document this collection."
	}
	return "# Data Review Form\n\n" +
		"1) Is there or will there be **documentation** that describes the schema for the ultimate data set in a public, complete, and accurate way?\n\n" + doc + "\n\n" +
		"2) Is there a control mechanism that allows the user to turn the data collection on and off?\n\nYes, the telemetry preference.\n\n" +
		"3) If the request is for permanent data collection, is there someone who will monitor the data over time?\n\n" +
		[]string{"Not permanent.", "Yes, the owner named in the request."}[rng.IntN(2)] + "\n\n" +
		"4) Using the **[category system of data types](https://wiki.mozilla.org/Data_Collection)** on the Mozilla wiki, what collection type of data do the requested measurements fall under?\n\nAs the request says.\n\n" +
		"5) Is the data collection request for default-on or default-off?\n\nAs the request says.\n\n" +
		"6) Does the instrumentation include the addition of **any *new* identifiers**?\n\nNo.\n\n" +
		"7) Is the data collection covered by the existing Firefox privacy notice?\n\nYes.\n\n" +
		"8) Does the data collection use a third-party collection tool?\n\nNo.\n\n" +
		"---\nResult: " + result + "\n"
}
