package store_test

import (
	"context"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// BenchmarkDirectory runs directory searches (no filter, keyword, country
// and sector, hall sorted by booth) on the demo's 1,060 exhibitors in
// SQLite: the store half of the directory page.
func BenchmarkDirectory(b *testing.B) {
	st := storetest.Open(b, "sqlite")
	ctx := context.Background()
	if _, err := st.LoadDemo(ctx, "expo-demo", store.DemoSize{Exhibitors: 8, Attendees: 50}, time.UTC); err != nil {
		b.Fatal(err)
	}
	queries := []expo.DirectoryQuery{
		{Page: 20},
		{Q: "energy", Page: 1},
		{Country: "CN", Sector: "pharma_medical", Page: 1},
		{Hall: "A", Sort: "booth", Page: 2},
	}
	for i := range queries {
		queries[i].PerPage = expo.DirectoryPerPage
		if queries[i].Sort == "" {
			queries[i].Sort = expo.DirectorySorts[0]
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := st.Directory(ctx, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
	}
}
