package config

import (
	"net"
	"strconv"
)

// validate checks the HTTP server's address: host:port, the host empty (all
// interfaces), a name or an IP address, the port a number (0 picks a free
// one, for tests).
func (hc HTTPConfig) validate(p *problems) {
	host, port, err := net.SplitHostPort(hc.Listen)
	if err != nil {
		p.addf("http.listen", "want HOST:PORT such as %q, or %q for all interfaces, not %q", DefaultHTTPListen, ":8080", clip(hc.Listen))
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		p.addf("http.listen", "the port must be a number from 0 to 65535, not %q", clip(port))
	}
	if host != "" && net.ParseIP(host) == nil && !validHostName(host) {
		p.addf("http.listen", "the host must be empty, an IP address or a host name, not %q", clip(host))
	}
}

// validHostName accepts letters, digits, '-' and '.'.
func validHostName(h string) bool {
	for _, r := range h {
		if !(r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return h != ""
}
