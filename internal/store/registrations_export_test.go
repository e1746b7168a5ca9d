package store

import (
	"context"
	"fmt"

	"expo/internal/expo"
)

// Test helpers of the registration tests, compiled only into the store's
// tests.

// TestAttendees creates n attendee accounts (emails prefix1@test.expo …)
// in one batch, without hashing a password, and returns their ids.
func (s *Store) TestAttendees(ctx context.Context, prefix string, n int) ([]int64, error) {
	now := s.now()
	rows := make([]userRow, n)
	for i := range rows {
		rows[i] = userRow{Email: fmt.Sprintf("%s%d@test.expo", prefix, i+1), Name: fmt.Sprintf("%s %d", prefix, i+1),
			PasswordHash: "x", Role: "attendee", CreatedAt: now, UpdatedAt: now}
	}
	if err := s.w.WithContext(ctx).CreateInBatches(&rows, 200).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, n)
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}

// TestForum inserts a forum without sessions, published or not, bypassing
// the programme's rules.
func (s *Store) TestForum(ctx context.Context, title string, capacity int, published bool) (int64, error) {
	now := s.now()
	row := forumRow{Title: title, Theme: "investment", Languages: "en", Capacity: capacity, Published: published, CreatedAt: now, UpdatedAt: now}
	err := s.w.WithContext(ctx).Create(&row).Error
	return row.ID, err
}

// TestRegisterAssuming runs Register's transaction as if its read-pool
// pre-check had found the forum full (or not), whatever it is now.
func (s *Store) TestRegisterAssuming(ctx context.Context, forumID, userID int64, full bool) (expo.Registration, error) {
	return s.register(ctx, forumID, userID, full)
}

// TestCancelAssuming runs Cancel's transaction as if its read-pool
// pre-check had found the registration waiting (or not), whatever it is now.
func (s *Store) TestCancelAssuming(ctx context.Context, forumID, userID int64, waiting bool) error {
	return s.withdraw(ctx, forumID, userID, waiting)
}
