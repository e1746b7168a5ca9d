package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// Forum registrations. The forum row is the lock: every registration and
// cancellation of a forum first updates its row (a guarded increment of
// confirmed, or a no-op update), so on PostgreSQL they queue on that row
// lock and on SQLite on the single writer. Capacity therefore holds exactly
// under any concurrency, and waitlist positions (rank by id among the
// waiting) are exact when they are answered.

type registrationRow struct {
	ID        int64
	ForumID   int64
	UserID    int64
	Status    string
	CreatedAt time.Time
}

func (registrationRow) TableName() string { return "forum_registrations" }

// ErrAttendeesOnly: only attendee accounts register for forums.
var ErrAttendeesOnly = expo.Errorf(expo.CodeForbidden, "error.role_needed.attendee")

// errAlreadyRegistered rolls back a registration transaction whose insert
// met an existing registration; Register then answers that one.
var errAlreadyRegistered = errors.New("already registered")

// Register signs the user up for a published forum in one transaction: a
// confirmed seat while seats are free, else a place on the waitlist
// (Position 1 is next in line). Registering again is idempotent: it answers
// the existing registration and changes nothing. A forum that does not
// exist or is not published is expo.ErrNotFound; a user who is not an
// attendee gets ErrAttendeesOnly.
func (s *Store) Register(ctx context.Context, forumID, userID int64) (expo.Registration, error) {
	// Refusals and repeated sign-ups are answered from the read pool, without
	// the writer: what they answer was true when the read ran, which is
	// after the request came in. Everything that writes is decided again
	// inside the transaction below.
	if reg, done, err := s.registerAnswer(ctx, forumID, userID); done || err != nil {
		return reg, err
	}
	var out expo.Registration
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		// The guarded increment takes a seat if one is free; the user's role
		// is part of its guard, which saves a statement on the single writer.
		const isAttendee = " AND EXISTS (SELECT 1 FROM users WHERE id = ? AND role = ?)"
		res := tx.Exec("UPDATE forums SET confirmed = confirmed + 1 WHERE id = ? AND confirmed < capacity AND published"+isAttendee,
			forumID, userID, string(expo.RoleAttendee))
		if res.Error != nil {
			return res.Error
		}
		status := expo.RegistrationConfirmed
		if res.RowsAffected == 0 {
			// Full (or not open, or not an attendee): lock the row anyway, so
			// waitlist inserts of this forum are serialized and positions exact.
			res = tx.Exec("UPDATE forums SET confirmed = confirmed WHERE id = ? AND published"+isAttendee,
				forumID, userID, string(expo.RoleAttendee))
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				var role string
				if err := tx.Model(&userRow{}).Select("role").Where("id = ?", userID).Scan(&role).Error; err != nil {
					return err
				}
				if role != "" && role != string(expo.RoleAttendee) {
					return ErrAttendeesOnly
				}
				return expo.ErrNotFound
			}
			status = expo.RegistrationWaitlisted
		}
		var id int64
		if err := tx.Raw(`INSERT INTO forum_registrations (forum_id, user_id, status, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (forum_id, user_id) DO NOTHING RETURNING id`, forumID, userID, string(status), s.now()).Scan(&id).Error; err != nil {
			return err
		}
		if id == 0 {
			return errAlreadyRegistered // undoes the increment
		}
		out = expo.Registration{Status: status}
		if status == expo.RegistrationWaitlisted {
			pos, err := waitlistPosition(tx, forumID, id)
			if err != nil {
				return err
			}
			out.Position = pos
		}
		return nil
	})
	if errors.Is(err, errAlreadyRegistered) {
		// Committed before this read starts, so the read pool sees it.
		reg, ok, err := s.registrationIn(s.r.WithContext(ctx), forumID, userID)
		if err == nil && !ok {
			// Cancelled between our insert and this read: try again.
			return s.Register(ctx, forumID, userID)
		}
		return reg, err
	}
	if err != nil {
		return expo.Registration{}, dbErr(err, "register for forum")
	}
	return out, nil
}

// registerAnswer answers a sign-up that needs no write, from the read
// pool, the way the transaction of Register would: a user who is not an
// attendee, a forum that does not exist or is not published, and a
// registration that already exists. done is false when the sign-up must
// run.
func (s *Store) registerAnswer(ctx context.Context, forumID, userID int64) (reg expo.Registration, done bool, err error) {
	var row struct {
		Published *bool
		Role      string
		RegID     *int64
		RegStatus *string
	}
	db := s.r.WithContext(ctx)
	if err := db.Raw(`SELECT f.published, u.role, r.id AS reg_id, r.status AS reg_status
		FROM users u LEFT JOIN forums f ON f.id = ? LEFT JOIN forum_registrations r ON r.forum_id = f.id AND r.user_id = u.id
		WHERE u.id = ?`, forumID, userID).Scan(&row).Error; err != nil {
		return reg, true, dbErr(err, "register for forum")
	}
	switch {
	case row.Role == "":
		return reg, true, expo.ErrNotFound
	case row.Role != string(expo.RoleAttendee):
		return reg, true, ErrAttendeesOnly
	case row.Published == nil || !*row.Published:
		return reg, true, expo.ErrNotFound
	case row.RegID == nil:
		return reg, false, nil
	}
	reg = expo.Registration{Status: expo.RegistrationStatus(*row.RegStatus)}
	if reg.Status == expo.RegistrationWaitlisted {
		if reg.Position, err = waitlistPosition(db, forumID, *row.RegID); err != nil {
			return reg, true, dbErr(err, "register for forum")
		}
	}
	return reg, true, nil
}

// waitlistPosition is the rank of registration id among the forum's
// waiting registrations, 1 first.
func waitlistPosition(db *gorm.DB, forumID, id int64) (int, error) {
	var n int64
	err := db.Model(&registrationRow{}).
		Where("forum_id = ? AND status = ? AND id <= ?", forumID, string(expo.RegistrationWaitlisted), id).Count(&n).Error
	return int(n), err
}

// Registration returns the user's registration for the forum; ok is false
// when there is none.
func (s *Store) Registration(ctx context.Context, forumID, userID int64) (reg expo.Registration, ok bool, err error) {
	reg, ok, err = s.registrationIn(s.r.WithContext(ctx), forumID, userID)
	return reg, ok, dbErr(err, "read registration")
}

func (s *Store) registrationIn(db *gorm.DB, forumID, userID int64) (expo.Registration, bool, error) {
	var row registrationRow
	err := db.Where("forum_id = ? AND user_id = ?", forumID, userID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return expo.Registration{}, false, nil
	}
	if err != nil {
		return expo.Registration{}, false, err
	}
	reg := expo.Registration{Status: expo.RegistrationStatus(row.Status)}
	if reg.Status == expo.RegistrationWaitlisted {
		if reg.Position, err = waitlistPosition(db, forumID, row.ID); err != nil {
			return expo.Registration{}, false, err
		}
	}
	return reg, true, nil
}

// Cancel withdraws the user's registration for the forum in one
// transaction. A confirmed seat goes to the first person waiting (lowest
// id), who is notified; with nobody waiting the seat becomes free. The
// forum's confirmed count stays equal to its confirmed registrations.
// expo.ErrNotFound when the user has no registration for the forum.
func (s *Store) Cancel(ctx context.Context, forumID, userID int64) error {
	// No registration (as the read pool sees it, after the request came in)
	// is answered without the writer.
	var n int64
	if err := s.r.WithContext(ctx).Model(&registrationRow{}).Where("forum_id = ? AND user_id = ?", forumID, userID).Count(&n).Error; err != nil {
		return dbErr(err, "cancel registration")
	}
	if n == 0 {
		return expo.ErrNotFound
	}
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		// Lock the forum first, like Register, so promotions and sign-ups
		// of this forum never interleave.
		res := tx.Exec("UPDATE forums SET confirmed = confirmed WHERE id = ?", forumID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return expo.ErrNotFound
		}
		// One statement deletes the registration and says what it was.
		var row struct{ Status string }
		if err := tx.Raw("DELETE FROM forum_registrations WHERE forum_id = ? AND user_id = ? RETURNING status", forumID, userID).Scan(&row).Error; err != nil {
			return err
		}
		if row.Status == "" {
			return expo.ErrNotFound
		}
		if row.Status != string(expo.RegistrationConfirmed) {
			return nil
		}
		return s.passSeatOn(tx, forumID)
	})
	return dbErr(err, "cancel registration")
}

// passSeatOn gives a seat freed by a cancellation to the first person on
// the forum's waitlist and notifies them; with nobody waiting (or the forum
// unpublished) the seat is released.
func (s *Store) passSeatOn(tx *gorm.DB, forumID int64) error {
	var f struct {
		Title     string
		Published bool
	}
	if err := tx.Table("forums").Select("title, published").Where("id = ?", forumID).Take(&f).Error; err != nil {
		return err
	}
	var next registrationRow
	err := tx.Where("forum_id = ? AND status = ?", forumID, string(expo.RegistrationWaitlisted)).Order("id").Take(&next).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !f.Published) {
		return tx.Exec("UPDATE forums SET confirmed = confirmed - 1 WHERE id = ?", forumID).Error
	}
	if err != nil {
		return err
	}
	// The seat changes hands: confirmed stays the same.
	if err := tx.Model(&registrationRow{}).Where("id = ?", next.ID).Update("status", string(expo.RegistrationConfirmed)).Error; err != nil {
		return err
	}
	return s.notify(tx, next.UserID, "forum.notify.promoted", map[string]any{"Forum": f.Title}, "/forums/"+strconv.FormatInt(forumID, 10))
}

// RegistrationCounts are the registrations of a forum by status.
type RegistrationCounts struct {
	Confirmed  int
	Waitlisted int
}

// CountRegistrations counts the registrations of each forum from the
// registration rows themselves (forums without any are absent), with one
// query; tests compare it with the forums' confirmed counters.
func (s *Store) CountRegistrations(ctx context.Context) (map[int64]RegistrationCounts, error) {
	var rows []struct {
		ForumID int64
		Status  string
		N       int
	}
	if err := s.r.WithContext(ctx).Model(&registrationRow{}).Select("forum_id, status, COUNT(*) AS n").
		Group("forum_id, status").Scan(&rows).Error; err != nil {
		return nil, dbErr(err, "count registrations")
	}
	out := map[int64]RegistrationCounts{}
	for _, r := range rows {
		c := out[r.ForumID]
		if r.Status == string(expo.RegistrationConfirmed) {
			c.Confirmed = r.N
		} else {
			c.Waitlisted = r.N
		}
		out[r.ForumID] = c
	}
	return out, nil
}

// UserRegistrations returns the user's registrations by forum, waitlist
// positions included, with one query.
func (s *Store) UserRegistrations(ctx context.Context, userID int64) (map[int64]expo.Registration, error) {
	var rows []struct {
		ForumID  int64
		Status   string
		Position int
	}
	err := s.r.WithContext(ctx).Raw(`SELECT r.forum_id, r.status,
		CASE WHEN r.status = ? THEN (SELECT COUNT(*) FROM forum_registrations w
			WHERE w.forum_id = r.forum_id AND w.status = ? AND w.id <= r.id) ELSE 0 END AS position
		FROM forum_registrations r WHERE r.user_id = ?`,
		string(expo.RegistrationWaitlisted), string(expo.RegistrationWaitlisted), userID).Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "list registrations")
	}
	out := make(map[int64]expo.Registration, len(rows))
	for _, r := range rows {
		out[r.ForumID] = expo.Registration{Status: expo.RegistrationStatus(r.Status), Position: r.Position}
	}
	return out, nil
}
