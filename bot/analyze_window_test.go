package bot

import "testing"

// TestAnalyzeWindow: analyze reads one batch of bugs per read in flight,
// but no more batches than the writes left can use, and always one.
func TestAnalyzeWindow(t *testing.T) {
	for _, tc := range []struct{ concurrency, writesLeft, want int }{
		{1, 1000, 100},
		{4, 1000, 400},
		{4, 150, 200},
		{4, 50, 100},
		{4, 0, 100},
		{0, 1000, 100}, // a Config built in code without the setting
	} {
		if got := analyzeWindow(tc.concurrency, tc.writesLeft); got != tc.want {
			t.Errorf("analyzeWindow(%d, %d) = %d, want %d", tc.concurrency, tc.writesLeft, got, tc.want)
		}
	}
}
