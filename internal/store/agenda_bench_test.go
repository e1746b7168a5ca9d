//go:build unix

package store_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// BenchmarkAgendaFor reads the agendas of the load benchmark's 32
// logged-in attendees (cmd/expobench) in turn, with the shared programme
// read once: the store half of the agenda page.
//
//	go test -run '^$' -bench BenchmarkAgendaFor -benchmem ./internal/store/
func BenchmarkAgendaFor(b *testing.B) {
	st, fx := expoScaleBench(b, 32)
	ctx := context.Background()
	p, err := st.AgendaProgramme(ctx)
	if err != nil {
		b.Fatal(err)
	}
	users := make([]expo.User, len(fx.Attendees))
	for i, a := range fx.Attendees {
		if users[i], err = st.User(ctx, a.ID); err != nil {
			b.Fatal(err)
		}
	}
	items := 0
	b.ReportAllocs()
	cpu := processCPU()
	for i := 0; b.Loop(); i++ {
		agenda, err := st.AgendaFor(ctx, users[i%len(users)], p)
		if err != nil {
			b.Fatal(err)
		}
		items += len(agenda)
	}
	b.ReportMetric(float64(items)/float64(b.N), "items/op")
	// CPU time is steadier than wall time on a machine shared with other
	// work.
	b.ReportMetric(float64((processCPU()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// expoScaleBench opens a SQLite store with the expo-scale demo and the load
// benchmark's fixtures for the first attendees, as the store benchmarks
// share them.
func expoScaleBench(b *testing.B, attendees int) (*store.Store, store.BenchFixtures) {
	b.Helper()
	st := storetest.Open(b, "sqlite")
	ctx := context.Background()
	if _, err := st.LoadDemo(ctx, "expo-demo", store.ExpoScale, time.UTC); err != nil {
		b.Fatal(err)
	}
	fx, err := st.LoadBenchFixtures(ctx, attendees, 1)
	if err != nil {
		b.Fatal(err)
	}
	return st, fx
}
