package bot

import (
	"errors"
	"fmt"
	"testing"
)

func TestWithoutCapReached(t *testing.T) {
	bugErr := errors.New("bug 7: boom")
	for _, tt := range []struct {
		name string
		in   error
		want []error // errors.Is must hold for each; nil want means a nil result
	}{
		{"nil", nil, nil},
		{"the cap alone", errCapReached, nil},
		{"the cap wrapped", fmt.Errorf("task: %w", errCapReached), nil},
		{"the cap joined with nothing else", errors.Join(errCapReached), nil},
		{"another error", bugErr, []error{bugErr}},
		{"a bug's error before the cap", errors.Join(bugErr, errCapReached), []error{bugErr}},
		{"both, wrapped", fmt.Errorf("task: %w", errors.Join(bugErr, errCapReached)), []error{bugErr}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := withoutCapReached(tt.in)
			if (got == nil) != (tt.want == nil) {
				t.Fatalf("withoutCapReached(%v) = %v, want errors %v", tt.in, got, tt.want)
			}
			for _, w := range tt.want {
				if !errors.Is(got, w) {
					t.Errorf("withoutCapReached(%v) = %v, lost %v", tt.in, got, w)
				}
			}
			if errors.Is(got, errCapReached) && tt.name != "both, wrapped" {
				t.Errorf("withoutCapReached(%v) = %v still holds the cap", tt.in, got)
			}
		})
	}
}
