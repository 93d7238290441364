package bugzillatest

import (
	"strconv"
	"strings"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

// atoiStrict parses a positive decimal id ("12", not "+12" or "1e3").
func atoiStrict(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// isoTime is the REST API's date format: UTC, to the second, with a Z.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// sqlTime is the raw database format BMO's flag activity feed uses.
func sqlTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// parseDateTime reads the date forms Bugzilla's datetime_from accepts for
// last_change_time, new_since and creation_time: ISO 8601 with or without Z,
// the SQL form with a space, or a bare date.
func parseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{
		time.RFC3339,
		"2006-01-02T15:04:05",
		"20060102T15:04:05",
		"20060102T15:04:05Z",
		"2006-01-02 15:04:05",
		"2006-01-02",
	} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// splitList splits repeated and comma-separated query values
// ("id=1,3&id=5") into one list, dropping empty items.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
