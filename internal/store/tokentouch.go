package store

import (
	"context"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"
)

// The last use of API tokens, written in batches.
//
// A token's list shows when it was last used, to the minute. Writing that
// on the request took the single writer once for every token's first use:
// in the load benchmark's meeting requests, 20,000 attendees each using a
// token for the first time, it was a write transaction of its own per
// request, about a tenth of the server's CPU. Now a use is noted in memory
// and written with the others noted within touchDelay, in one transaction.
// The list of a user's tokens writes what is noted first, so it always
// shows this process's latest uses; a crash loses at most touchDelay of
// them (and nothing else: last use decides nothing). With several app
// instances on PostgreSQL, each writes its own, never moving a last use
// back.

// touchDelay is how long a noted use waits for others to share its write.
const touchDelay = 500 * time.Millisecond

type tokenTouches struct {
	mu      sync.Mutex
	pending map[int64]time.Time // token id: last use not yet written
	kick    chan struct{}       // a first use was noted since the last write
	stop    chan struct{}
	stopped chan struct{}
	closed  bool
}

// startTokenTouches starts the goroutine that writes noted uses.
func (s *Store) startTokenTouches() {
	t := &tokenTouches{pending: map[int64]time.Time{}, kick: make(chan struct{}, 1),
		stop: make(chan struct{}), stopped: make(chan struct{})}
	s.touches = t
	go func() {
		defer close(t.stopped)
		for {
			select {
			case <-t.stop:
				return
			case <-t.kick:
			}
			select {
			case <-t.stop:
				return
			case <-time.After(touchDelay):
			}
			// A failed write keeps its uses noted for the next one.
			_ = s.flushTouches(context.Background())
		}
	}()
}

// noteTokenUse notes that the token was used at at.
func (s *Store) noteTokenUse(id int64, at time.Time) {
	t := s.touches
	t.mu.Lock()
	first := len(t.pending) == 0
	if prev, ok := t.pending[id]; !ok || prev.Before(at) {
		t.pending[id] = at
	}
	t.mu.Unlock()
	if first {
		t.wake()
	}
}

// wake tells the writing goroutine that uses wait to be written.
func (t *tokenTouches) wake() {
	select {
	case t.kick <- struct{}{}:
	default:
	}
}

// flushTouches writes the noted uses in one transaction. On failure they
// stay noted (unless a later use replaced them), the writing goroutine
// tries again after touchDelay, and the error is returned.
func (s *Store) flushTouches(ctx context.Context) error {
	t := s.touches
	if t == nil {
		return nil
	}
	t.mu.Lock()
	batch := t.pending
	if len(batch) == 0 {
		t.mu.Unlock()
		return nil
	}
	t.pending = map[int64]time.Time{}
	t.mu.Unlock()
	ids := make([]int64, 0, len(batch))
	for id := range batch {
		ids = append(ids, id)
	}
	slices.Sort(ids) // one order of row locks for every instance (PostgreSQL)
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		if testHookTouchWrite != nil {
			if err := testHookTouchWrite(); err != nil {
				return err
			}
		}
		for _, id := range ids {
			at := batch[id]
			if _, err := s.txExec(tx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
				at, id, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.mu.Lock()
		for id, at := range batch {
			if prev, ok := t.pending[id]; !ok || prev.Before(at) {
				t.pending[id] = at
			}
		}
		t.mu.Unlock()
		t.wake() // noted uses no longer wake it: try again after touchDelay
		return dbErr(err, "record token use")
	}
	return nil
}

// testHookTouchWrite runs at the start of each write of noted uses, in
// tests; an error fails that write.
var testHookTouchWrite func() error

// stopTokenTouches stops the writing goroutine and writes what is noted.
func (s *Store) stopTokenTouches() error {
	t := s.touches
	if t == nil {
		return nil
	}
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	t.mu.Unlock()
	close(t.stop)
	<-t.stopped
	return s.flushTouches(context.Background())
}
