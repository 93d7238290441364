package bot

import (
	"slices"
	"strings"

	"github.com/stewardbot/stewardbot/bugzilla"
)

// foundMarker is a marker read back from one of the bot's own comments.
type foundMarker struct {
	Marker
	CommentID int
	// TagOnly is set when the comment carries the kind's tag but its footer
	// cannot be read: the bot knows it did something of that kind, not
	// which revision.
	TagOnly bool
}

// botMarkers returns the markers on comments written by login (the bot's
// own account, compared without case). Comments by anyone else are never
// taken as markers, whatever their text says.
func botMarkers(comments []bugzilla.Comment, login, prefix string, bugID int) []foundMarker {
	var out []foundMarker
	for _, c := range comments {
		if !strings.EqualFold(c.Creator, login) {
			continue
		}
		if m, ok := parseFooter(prefix, c.Text); ok {
			out = append(out, foundMarker{Marker: m, CommentID: c.ID})
			continue
		}
		for _, tag := range c.Tags {
			kind, ok := strings.CutPrefix(tag, prefix+"-")
			if ok && markerKindRe.MatchString(kind) {
				out = append(out, foundMarker{Marker: Marker{Kind: kind, Bug: bugID}, CommentID: c.ID, TagOnly: true})
			}
		}
	}
	return out
}

// markerDone reports whether want is already on the bug, and by which
// comment. A comment that has the kind's tag but an unreadable footer counts
// as done for every action of that kind: the comments searched were all
// written after the form they would be about appeared (see action.since),
// and posting nothing is better than posting twice.
func markerDone(found []foundMarker, want Marker) (int, bool) {
	f, ok := findMarker(found, want)
	return f.CommentID, ok
}

// findMarker returns the first of found that is want (markerDone's match).
func findMarker(found []foundMarker, want Marker) (foundMarker, bool) {
	key := want.Key()
	i := slices.IndexFunc(found, func(f foundMarker) bool {
		if f.TagOnly {
			return f.Kind == want.Kind && f.Bug == want.Bug
		}
		return f.Key() == key
	})
	if i < 0 {
		return foundMarker{}, false
	}
	return found[i], true
}
