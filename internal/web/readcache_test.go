package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// TestReadCache checks that cached public reads never hide a change for
// longer than they may: a write request served by this instance shows at
// once, a change made elsewhere (here: straight in the store) after the
// TTL, and without a TTL nothing is cached.
func TestReadCache(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		n := 0
		addHall := func(t *testing.T) string {
			t.Helper()
			n++
			name := fmt.Sprintf("Cache probe hall %d", n)
			if _, err := st.CreateHall(context.Background(), expo.HallInput{Code: fmt.Sprintf("Z%d", n), Name: name, Width: 20, Height: 20}); err != nil {
				t.Fatal(err)
			}
			return name
		}
		shows := func(t *testing.T, c *testClient, name string) bool {
			t.Helper()
			r := c.get("/exhibitors")
			if r.status != http.StatusOK {
				t.Fatalf("GET /exhibitors: status %d", r.status)
			}
			return strings.Contains(r.body, name)
		}

		t.Run("off by default", func(t *testing.T) {
			c := newApp(t, st, Config{}).client(t)
			shows(t, c, "")
			if name := addHall(t); !shows(t, c, name) {
				t.Errorf("without ReadCacheTTL the directory hides the new hall %q", name)
			}
		})
		t.Run("a write request invalidates", func(t *testing.T) {
			c := newApp(t, st, Config{ReadCacheTTL: time.Hour}).client(t)
			shows(t, c, "")
			name := addHall(t)
			if shows(t, c, name) {
				t.Fatalf("the cached directory shows %q before any write request; the test proves nothing", name)
			}
			// Any write request, even one refused, empties the cache.
			if r := c.api(http.MethodPost, "/api/v1/tokens", "application/json", `{}`, ""); r.status < 400 {
				t.Fatalf("POST /api/v1/tokens {}: status %d, want a 4xx", r.status)
			}
			if !shows(t, c, name) {
				t.Errorf("after a write request the directory still hides %q", name)
			}
		})
		t.Run("entries expire", func(t *testing.T) {
			c := newApp(t, st, Config{ReadCacheTTL: 50 * time.Millisecond}).client(t)
			shows(t, c, "")
			name := addHall(t)
			time.Sleep(60 * time.Millisecond)
			if !shows(t, c, name) {
				t.Errorf("after the TTL the directory still hides %q", name)
			}
		})
	})
}

func TestCachedReadKeepsNoEntryFilledDuringAWrite(t *testing.T) {
	rc := newReadCache(time.Hour)
	fills := 0
	fill := func() (int, error) {
		fills++
		if fills == 1 {
			rc.invalidate() // a write commits while the first fill reads
		}
		return fills, nil
	}
	for want := 1; want <= 2; want++ {
		if got, _ := cachedRead(rc, "k", fill); got != want {
			t.Fatalf("read %d: got fill %d", want, got)
		}
	}
	if got, _ := cachedRead(rc, "k", fill); got != 2 {
		t.Errorf("third read: got fill %d, want the cached 2", got)
	}
}
