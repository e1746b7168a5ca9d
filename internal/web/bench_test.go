package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"expo/internal/store"
	"expo/internal/storetest"
)

func TestBenchRoutes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		writes := func(t *testing.T) int64 {
			t.Helper()
			n, err := st.BenchWrites(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("absent in normal mode", func(t *testing.T) {
			c := newApp(t, st, Config{}).client(t)
			if r := c.get(benchPagePath + "?bytes=100"); r.status != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", benchPagePath, r.status)
			}
			if r := c.api(http.MethodPost, benchInsertPath, "", "", ""); r.status < 400 {
				t.Errorf("POST %s: status %d, want a 4xx", benchInsertPath, r.status)
			}
			if n := writes(t); n != 0 {
				t.Errorf("%d bench rows written in normal mode, want 0", n)
			}
			for _, r := range RouteTable() {
				if strings.Contains(r.Path, "/bench") {
					t.Errorf("route table holds benchmark route %s %s", r.Method, r.Path)
				}
			}
		})

		c := newApp(t, st, Config{BenchRoutes: true}).client(t)
		pages := []struct {
			name, query string
			status, len int
		}{
			{"default size", "", http.StatusOK, 20000},
			{"asked size", "?bytes=23456", http.StatusOK, 23456},
			{"one byte", "?bytes=1", http.StatusOK, 1},
			{"zero bytes", "?bytes=0", http.StatusUnprocessableEntity, -1},
			{"too large", "?bytes=2000000", http.StatusUnprocessableEntity, -1},
			{"not a number", "?bytes=x", http.StatusUnprocessableEntity, -1},
		}
		for _, p := range pages {
			t.Run("page "+p.name, func(t *testing.T) {
				r := c.get(benchPagePath + p.query)
				if r.status != p.status {
					t.Fatalf("status %d, want %d", r.status, p.status)
				}
				if p.len >= 0 && len(r.body) != p.len {
					t.Errorf("body of %d bytes, want %d", len(r.body), p.len)
				}
			})
		}
		t.Run("insert", func(t *testing.T) {
			for i := range 3 {
				if r := c.api(http.MethodPost, benchInsertPath, "", "", ""); r.status != http.StatusNoContent {
					t.Fatalf("POST %d: status %d, want 204: %s", i, r.status, r.body)
				}
			}
			if n := writes(t); n != 3 {
				t.Errorf("%d bench rows, want 3", n)
			}
		})
	})
}
