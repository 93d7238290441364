package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestSetDefaultMemoryLimit(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	for _, tc := range []struct {
		name      string
		env       string
		start     int64 // the limit the runtime took from the environment
		wantLimit int64
	}{
		{"unset", "", math.MaxInt64, defaultMemoryLimit},
		{"set", "64MiB", 64 << 20, 64 << 20},
		{"off", "off", math.MaxInt64, math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(tc.start)
			got := setDefaultMemoryLimit(func(k string) string {
				if k == "GOMEMLIMIT" {
					return tc.env
				}
				return ""
			})
			if now := debug.SetMemoryLimit(-1); got != tc.wantLimit || now != tc.wantLimit {
				t.Errorf("GOMEMLIMIT=%q: limit %d (returned %d), want %d", tc.env, now, got, tc.wantLimit)
			}
		})
	}
}
