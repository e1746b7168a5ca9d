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
	queries := benchDirectoryQueries()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := st.Directory(ctx, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDirectoryQueries are the directory benchmarks' four query shapes.
func benchDirectoryQueries() []expo.DirectoryQuery {
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
	return queries
}

// BenchmarkDirectoryIndex runs BenchmarkDirectory's searches in memory,
// over the index of the same demo data: what the web layer does on a read
// cache miss instead of store.Directory.
func BenchmarkDirectoryIndex(b *testing.B) {
	st := storetest.Open(b, "sqlite")
	ctx := context.Background()
	if _, err := st.LoadDemo(ctx, "expo-demo", store.DemoSize{Exhibitors: 8, Attendees: 50}, time.UTC); err != nil {
		b.Fatal(err)
	}
	listings, err := st.DirectoryListings(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ix := expo.NewDirectoryIndex(listings)
	queries := benchDirectoryQueries()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Search(queries[i%len(queries)])
	}
}

// BenchmarkDirectoryListings reads the snapshot of all approved
// exhibitors and builds its index: what the web layer pays once per read
// cache lifetime (or write).
func BenchmarkDirectoryListings(b *testing.B) {
	st := storetest.Open(b, "sqlite")
	ctx := context.Background()
	if _, err := st.LoadDemo(ctx, "expo-demo", store.DemoSize{Exhibitors: 8, Attendees: 50}, time.UTC); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		listings, err := st.DirectoryListings(ctx)
		if err != nil {
			b.Fatal(err)
		}
		expo.NewDirectoryIndex(listings)
	}
}
