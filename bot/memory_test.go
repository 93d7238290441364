package bot

import (
	"runtime"
	"testing"
)

// TestReleaseMemoryAfterABigCycle: once a large heap has become garbage,
// releaseMemory gives it back (the runtime then holds little beyond the
// live heap); with nothing to give back it does nothing.
func TestReleaseMemoryAfterABigCycle(t *testing.T) {
	releaseMemory() // whatever earlier tests left
	if releaseMemory() {
		t.Fatalf("released again right after a release (%d bytes held beyond the live heap)", heldBeyondLive())
	}
	big := make([][]byte, 64)
	for i := range big {
		big[i] = make([]byte, 1<<20)
		big[i][0] = 1
	}
	runtime.KeepAlive(big)
	big = nil
	runtime.GC()
	if held := heldBeyondLive(); held <= keepAboveLive {
		t.Fatalf("64 MiB of garbage collected, yet only %d bytes held beyond the live heap", held)
	}
	if !releaseMemory() {
		t.Fatal("did not release 64 MiB of freed heap")
	}
	if held := heldBeyondLive(); held > keepAboveLive {
		t.Errorf("after the release, %d bytes still held beyond the live heap", held)
	}
}
