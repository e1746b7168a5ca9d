package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Test helpers of the matchmaking tests, compiled only into the store's
// tests.

// MMTestAttendees creates n attendees (emails prefix1@test.expo …) with a
// country and working languages, in one batch, and returns their ids.
func (s *Store) MMTestAttendees(ctx context.Context, prefix string, n int, country string, langs ...string) ([]int64, error) {
	now := s.now()
	rows := make([]userRow, n)
	for i := range rows {
		rows[i] = userRow{Email: fmt.Sprintf("%s%d@test.expo", prefix, i+1), Name: fmt.Sprintf("%s %d", prefix, i+1),
			PasswordHash: "x", Role: "attendee", Country: country, Languages: strings.Join(langs, ","), CreatedAt: now, UpdatedAt: now}
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

// MMTestExhibitorLangs sets an exhibitor's working languages and country.
func (s *Store) MMTestExhibitorLangs(ctx context.Context, id int64, country string, langs ...string) error {
	return s.w.WithContext(ctx).Exec("UPDATE exhibitors SET languages = ?, country = ? WHERE id = ?", strings.Join(langs, ","), country, id).Error
}

// MMTestInterpreter adds an interpreter for the pair, available in slots.
func (s *Store) MMTestInterpreter(ctx context.Context, name, a, b string, slots ...int64) (int64, error) {
	row := struct {
		ID        int64
		Name      string
		CreatedAt time.Time
	}{Name: name, CreatedAt: s.now()}
	db := s.w.WithContext(ctx)
	if err := db.Table("interpreters").Create(&row).Error; err != nil {
		return 0, err
	}
	if err := db.Exec("INSERT INTO interpreter_languages (interpreter_id, lang_a, lang_b) VALUES (?, ?, ?)", row.ID, a, b).Error; err != nil {
		return 0, err
	}
	for _, sl := range slots {
		if err := db.Exec("INSERT INTO interpreter_availability (interpreter_id, slot_id) VALUES (?, ?)", row.ID, sl).Error; err != nil {
			return 0, err
		}
	}
	return row.ID, nil
}

// MMTestQuota returns the attendee's open-request counter.
func (s *Store) MMTestQuota(ctx context.Context, userID int64) int {
	var n int
	s.w.WithContext(ctx).Raw("SELECT COALESCE(MAX(open_requests), 0) FROM matchmaking_quota WHERE user_id = ?", userID).Scan(&n)
	return n
}

// AppTestCountWhere counts the rows of a table matching a condition.
func (s *Store) AppTestCountWhere(ctx context.Context, table, cond string, args ...any) int64 {
	var n int64
	if err := s.w.WithContext(ctx).Table(table).Where(cond, args...).Count(&n).Error; err != nil {
		panic(err)
	}
	return n
}

// RawInsertDuplicate inserts a user with an e-mail that exists, through
// INSERT … RETURNING read with Raw(…).Scan as the meeting insert does, and
// reports whether isDuplicate recognises the error.
func (s *Store) RawInsertDuplicate(ctx context.Context, email string) (bool, error) {
	now := s.now()
	var id int64
	err := s.w.WithContext(ctx).Raw(`INSERT INTO users (email, name, password_hash, role, country, languages, created_at, updated_at)
		VALUES (?, 'Dup', 'x', 'attendee', 'CN', 'en', ?, ?) RETURNING id`, email, now, now).Scan(&id).Error
	if err == nil {
		return false, fmt.Errorf("inserted a second %s as %d", email, id)
	}
	return isDuplicate(s.w, err), nil
}

// MMTestTableIDs lists the negotiation tables' ids in order of number.
func (s *Store) MMTestTableIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.r.WithContext(ctx).Raw("SELECT id FROM meeting_tables ORDER BY number").Scan(&ids).Error
	return ids, err
}

// MMTestTableNumbers lists the negotiation tables' numbers in order.
func (s *Store) MMTestTableNumbers(ctx context.Context) ([]int, error) {
	var numbers []int
	err := s.r.WithContext(ctx).Raw("SELECT number FROM meeting_tables ORDER BY number").Scan(&numbers).Error
	return numbers, err
}

// MMTestDuringAnswerRead runs fn between the next answers' read of the
// meeting and their transaction, until the returned function is called.
func MMTestDuringAnswerRead(fn func()) (restore func()) {
	testHookAnswerRead = fn
	return func() { testHookAnswerRead = nil }
}

// TableFreedForTest says whether the slot has had a table given back
// (slots.table_freed).
func (s *Store) TableFreedForTest(ctx context.Context, slotID int64) (bool, error) {
	var freed bool
	err := s.readRow(ctx, "SELECT table_freed FROM slots WHERE id = ?", slotID).Scan(&freed)
	return freed, err
}
