package bot

import (
	"errors"
	"fmt"
	"testing"
)

func TestWithoutRefusedWrites(t *testing.T) {
	refused := fmt.Errorf("post analysis:1:2:x: %w", errors.Join(errWriteRefused, errors.New("HTTP 400")))
	other := errors.New("store: locked")
	tests := []struct {
		name string
		in   error
		want []error // kept; nil: none
	}{
		{"nil", nil, nil},
		{"a refused write", refused, nil},
		{"wrapped by its bug", fmt.Errorf("bug 1: %w", refused), nil},
		{"joined with another error", errors.Join(refused, other), []error{other}},
		{"nested joins", errors.Join(errors.Join(refused, refused), fmt.Errorf("bug 2: %w", other)), []error{other}},
		{"another error alone", other, []error{other}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withoutRefusedWrites(tt.in)
			if (got == nil) != (tt.want == nil) {
				t.Fatalf("withoutRefusedWrites(%v) = %v, want errors %v", tt.in, got, tt.want)
			}
			for _, w := range tt.want {
				if !errors.Is(got, w) {
					t.Errorf("lost %v: %v", w, got)
				}
			}
			if got != nil && errors.Is(got, errWriteRefused) {
				t.Errorf("kept a refused write: %v", got)
			}
		})
	}
}
