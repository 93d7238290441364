package config

import (
	"strings"
	"testing"
)

func TestHTTPConfig(t *testing.T) {
	tests := []struct {
		listen  string
		problem string // "" when valid
	}{
		{"127.0.0.1:8080", ""},
		{":8080", ""},
		{"localhost:0", ""},
		{"[::1]:9000", ""},
		{"8080", "want HOST:PORT"},
		{"", "want HOST:PORT"},
		{"127.0.0.1:http", "port must be a number"},
		{"127.0.0.1:70000", "port must be a number"},
		{"bad host!:80", "host must be"},
	}
	for _, tt := range tests {
		t.Run(tt.listen, func(t *testing.T) {
			c := validConfig()
			c.HTTP.Listen = tt.listen
			err := c.Validate()
			switch {
			case tt.problem == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.problem != "" && (err == nil || !strings.Contains(err.Error(), "http.listen") || !strings.Contains(err.Error(), tt.problem)):
				t.Errorf("Validate = %v, want http.listen: ...%s", err, tt.problem)
			}
		})
	}
	if d := DefaultConfig().HTTP; d.Listen != "127.0.0.1:8080" || d.ShowPrivate {
		t.Errorf("default HTTP config %+v", d)
	}
}

func TestHTTPListenFromEnv(t *testing.T) {
	tests := []struct {
		env     map[string]string
		want    string
		problem string
	}{
		{map[string]string{EnvPort: "8080"}, ":8080", ""},
		{map[string]string{EnvPort: " 9000 "}, ":9000", ""},
		{map[string]string{EnvPort: "eighty"}, "127.0.0.1:8080", "PORT: want a port number"},
		{map[string]string{EnvPort: "0"}, "127.0.0.1:8080", "PORT: want a port number"},
		{map[string]string{EnvPort: "8080", EnvHTTPListen: "127.0.0.1:0"}, "127.0.0.1:0", ""},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		err := ApplyEnv(&c, env(tt.env))
		if c.HTTP.Listen != tt.want {
			t.Errorf("%v: listen = %q, want %q", tt.env, c.HTTP.Listen, tt.want)
		}
		if (tt.problem == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.problem)) {
			t.Errorf("%v: err = %v, want %q", tt.env, err, tt.problem)
		}
	}
}
