package main

import "runtime"

// One Go processor more than Go's default (the CPUs it may use), unless
// GOMAXPROCS says otherwise. A goroutine in a call into SQLite keeps its
// processor for the whole call, and other goroutines then waited for it
// though a CPU was free. With one more, every scenario of the load
// benchmark served 10–18% more requests a second on 2 cores (BENCHMARKS.md,
// fifth pass); more than one more gained nothing further.
//
// The garbage collector keeps Go's defaults: GOGC=200 cut the CPU per
// request of the write scenarios by a tenth, but the benchmark's limits
// gained as much (its ratios moved by 0.00–0.02) and the peak RSS rose from
// 130 to 200 MB.
const extraProcs = 1

func tuneRuntime(getenv func(string) string) {
	if getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + extraProcs)
	}
}
