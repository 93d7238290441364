package store

import (
	"net/url"
	"regexp"
	"strings"
)

// RedactDSN returns dsn fit to print: a PostgreSQL DSN's password, in a URL
// ("postgres://user:PASSWORD@host/db", or a password=... parameter) or in
// the key=value form ("password=PASSWORD"), replaced by "[redacted]". A
// SQLite path is returned as it is.
func RedactDSN(dsn string) string {
	const redacted = "[redacted]"
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		// Any password pgx reads from a URL: the user info's, and the
		// password and sslpassword parameters.
		u, err := url.Parse(dsn)
		if err != nil {
			return redacted // unparsable: it may hold anything
		}
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
		}
		q := u.Query()
		for _, k := range []string{"password", "sslpassword"} {
			if q.Has(k) {
				q.Set(k, "REDACTED")
				u.RawQuery = q.Encode()
			}
		}
		return strings.ReplaceAll(u.String(), "REDACTED", redacted)
	}
	if kvPassword.MatchString(dsn) {
		return kvPassword.ReplaceAllString(dsn, "${1}"+redacted)
	}
	return dsn
}

// kvPassword finds the passwords (password, sslpassword) of a key=value
// DSN, quoted or not.
var kvPassword = regexp.MustCompile(`(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)`)
