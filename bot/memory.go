package bot

import (
	"runtime/debug"
	"runtime/metrics"
)

// keepAboveLive is how much heap the daemon lets the Go runtime hold,
// beyond the heap still live, between cycles. A cycle over many bugs (a
// cold start, the first look of every task) leaves the runtime holding the
// heap it grew to, and the runtime returns it to the system only slowly;
// between cycles nothing needs it. Past this, the daemon returns it at once
// (debug.FreeOSMemory: a collection, then every free page back), which
// costs one collection after a big cycle and nothing after an idle one.
const keepAboveLive = 8 << 20

// heapMetrics are read to decide: the heap the runtime holds from the
// system (objects, garbage not yet swept included; spans partly used; free
// spans not yet returned), and the heap live at the last collection.
// Stacks and the runtime's own structures are left out: they are not
// given back.
var heapMetrics = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/gc/heap/live:bytes",
}

// heldBeyondLive is the heap the Go runtime holds from the system beyond
// the live heap.
func heldBeyondLive() uint64 {
	s := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	for _, x := range s {
		if x.Value.Kind() != metrics.KindUint64 {
			return 0 // a runtime without these metrics: keep its default behaviour
		}
	}
	held := s[0].Value.Uint64() + s[1].Value.Uint64() + s[2].Value.Uint64()
	live := s[3].Value.Uint64()
	return held - min(live, held)
}

// releaseMemory returns the memory the runtime holds beyond the live heap
// when it is more than keepAboveLive; it reports whether it did.
func releaseMemory() bool {
	if heldBeyondLive() <= keepAboveLive {
		return false
	}
	debug.FreeOSMemory()
	return true
}
