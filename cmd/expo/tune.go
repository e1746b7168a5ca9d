package main

import (
	"runtime"
	"runtime/debug"
)

// The Go runtime's settings for the server, each unless its environment
// variable (GOMAXPROCS, GOGC, GOMEMLIMIT) says otherwise. Measured with the
// load benchmark (BENCHMARKS.md, fifth pass).
//
// One processor more than Go's default (the CPUs it may use): a goroutine
// in a call into SQLite keeps its processor for the whole call, and other
// goroutines then waited for it though a CPU was free. With one more, every
// scenario served 10–18% more requests a second on 2 cores.
//
// The garbage collector: Go's default (GOGC=100) collects whenever the heap
// has doubled since the last collection. The live heap is small (tens of
// MB) and most of what a request allocates is garbage at once, so under load
// that was a collection every few hundred requests, about a tenth of the
// CPU of the write scenarios. With 200 it collects half as often; the soft
// limit keeps the heap from growing past the memory budget (the benchmark's
// peak RSS target is 256 MB, and SQLite's page caches live outside Go's
// heap).
const (
	extraProcs  = 1
	gcPercent   = 200
	memoryLimit = 160 << 20 // bytes
)

func tuneRuntime(getenv func(string) string) {
	if getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + extraProcs)
	}
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
