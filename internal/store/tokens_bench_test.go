//go:build unix

package store_test

import (
	"context"
	"testing"
)

// BenchmarkUserByToken reads the owners of 200 API tokens in turn on the
// expo-scale demo, with and without a single-row write (the load
// benchmark's limit insert) before each read, and the write alone. Every
// write makes SQLite's read connections drop their page cache; authCache
// keeps the owners, so a read after a write should add about what a read
// alone costs. Before the cache: 12 µs alone, 27 µs after a write
// (BENCHMARKS.md, fourth pass).
//
//	go test -run '^$' -bench BenchmarkUserByToken ./internal/store/
func BenchmarkUserByToken(b *testing.B) {
	st, fx := expoScaleBench(b, 200)
	ctx := context.Background()
	var secrets []string
	for _, a := range fx.Attendees {
		secret, _, err := st.CreateToken(ctx, a.ID, "bench")
		if err != nil {
			b.Fatal(err)
		}
		secrets = append(secrets, secret)
	}
	for _, c := range []struct {
		name        string
		write, read bool
	}{{"read alone", false, true}, {"after a write", true, true}, {"write alone", true, false}} {
		b.Run(c.name, func(b *testing.B) {
			cpu := processCPU()
			for i := 0; b.Loop(); i++ {
				if c.write {
					if err := st.BenchWrite(ctx, "bench"); err != nil {
						b.Fatal(err)
					}
				}
				if !c.read {
					continue
				}
				if _, err := st.UserByToken(ctx, secrets[i%len(secrets)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((processCPU()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}
