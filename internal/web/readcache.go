package web

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
)

// readCache keeps the results of the expensive public reads that every
// visitor repeats (directory searches and their filter lists, exhibitor
// profiles, floor plan drawings) for a short time. It is found by the load
// benchmark (BENCHMARKS.md): each directory page made four queries and each
// floor plan read and drew every booth of a hall.
//
// Correctness: every write request this instance serves invalidates the
// whole cache when its handler returns, that is after its transaction
// committed, and an entry filled while a write was running is never kept
// (entries carry the generation read before the fill). A change this
// instance did not make (another instance on the same PostgreSQL, a CSV
// import finishing in the background) shows after at most ttl. Values are
// shared between requests and must be treated as read-only.
type readCache struct {
	gen     atomic.Uint64
	ttl     time.Duration
	max     int
	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	gen uint64
	at  time.Time
	val any
}

// readCacheMax bounds the entries (search keywords make keys unbounded);
// when full, the cache starts over.
const readCacheMax = 4096

func newReadCache(ttl time.Duration) *readCache {
	if ttl <= 0 {
		return nil
	}
	return &readCache{ttl: ttl, max: readCacheMax, entries: map[string]cacheEntry{}}
}

// invalidate forgets every entry.
func (rc *readCache) invalidate() {
	if rc != nil {
		rc.gen.Add(1)
	}
}

// cachedRead answers key from the cache, or fills it with fill. With no
// cache (rc nil, the default of Config) it just calls fill.
func cachedRead[T any](rc *readCache, key string, fill func() (T, error)) (T, error) {
	if rc == nil {
		return fill()
	}
	g := rc.gen.Load()
	rc.mu.Lock()
	e, ok := rc.entries[key]
	rc.mu.Unlock()
	if ok && e.gen == g && time.Since(e.at) < rc.ttl {
		return e.val.(T), nil
	}
	v, err := fill()
	if err != nil {
		return v, err
	}
	rc.mu.Lock()
	if rc.gen.Load() == g {
		if len(rc.entries) >= rc.max {
			clear(rc.entries)
		}
		rc.entries[key] = cacheEntry{gen: g, at: time.Now(), val: v}
	}
	rc.mu.Unlock()
	return v, nil
}

// invalidateOnWrite empties the read cache after every request that may
// have written: any method but GET, HEAD and OPTIONS, whatever its answer.
func (s *Server) invalidateOnWrite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case "GET", "HEAD", "OPTIONS":
			return next(c)
		}
		defer s.cache.invalidate()
		return next(c)
	}
}

// event is the expo's description through the read cache: every page shows
// its name.
func (s *Server) event(ctx context.Context) (expo.Expo, bool, error) {
	type found struct {
		ev expo.Expo
		ok bool
	}
	f, err := cachedRead(s.cache, "event", func() (found, error) {
		ev, ok, err := s.store.Event(ctx, s.loc)
		return found{ev, ok}, err
	})
	return f.ev, f.ok, err
}
