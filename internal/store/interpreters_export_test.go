package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Test helpers of the interpreter, outcome and recommendation tests,
// compiled only into the store's tests. They write rows directly, so these
// tests do not depend on the booking code.

// MMTestSlot inserts a one-slot negotiation block on day (YYYY-MM-DD) from
// start to end and returns the block and slot ids.
func (s *Store) MMTestSlot(ctx context.Context, day string, start, end time.Time) (int64, int64) {
	b := blockRow{Day: day, StartsAt: start, EndsAt: end, SlotMinutes: int(end.Sub(start).Minutes())}
	if err := s.w.WithContext(ctx).Create(&b).Error; err != nil {
		panic(err)
	}
	sl := slotRow{BlockID: b.ID, StartsAt: start, EndsAt: end}
	if err := s.w.WithContext(ctx).Create(&sl).Error; err != nil {
		panic(err)
	}
	return b.ID, sl.ID
}

// MMTestMeeting inserts a meeting in a status, with an interpreter or not.
func (s *Store) MMTestMeeting(ctx context.Context, slotID, exhibitorID, attendeeID int64, status string, interpreterID *int64) int64 {
	now := s.now()
	var id int64
	err := s.w.WithContext(ctx).Raw(`INSERT INTO meetings (slot_id, exhibitor_id, attendee_id, initiator, status, interpreter_id, created_at, updated_at)
		VALUES (?, ?, ?, 'attendee', ?, ?, ?, ?) RETURNING id`, slotID, exhibitorID, attendeeID, status, interpreterID, now, now).Scan(&id).Error
	if err != nil {
		panic(err)
	}
	return id
}

// MMTestFreeInterpreter runs freeInterpreterTx in a write transaction.
func (s *Store) MMTestFreeInterpreter(ctx context.Context, slotID int64, a, b string) (id int64, ok bool, err error) {
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		id, ok, err = freeInterpreterTx(tx, slotID, a, b)
		return err
	})
	return id, ok, err
}

// MMTestCount counts rows of a table.
func (s *Store) MMTestCount(ctx context.Context, table string) int64 {
	var n int64
	if err := s.w.WithContext(ctx).Table(table).Count(&n).Error; err != nil {
		panic(err)
	}
	return n
}
