package store

import (
	"context"
	"time"
)

// AppTestShiftClock moves the store's clock by d, for expiry tests.
func (s *Store) AppTestShiftClock(d time.Duration) {
	prev := s.now
	s.now = func() time.Time { return prev().Add(d) }
}

// AppTestCount counts the rows of one of the exhibitor registration tables.
func (s *Store) AppTestCount(ctx context.Context, table string) int64 {
	var n int64
	if err := s.w.WithContext(ctx).Table(table).Count(&n).Error; err != nil {
		panic(err)
	}
	return n
}
