package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// Forum registrations. The forum row is the lock: every registration and
// cancellation of a forum first updates its row (a guarded change of its
// confirmed or waitlisted counter, or a no-op update), so on PostgreSQL they
// queue on that row lock and on SQLite on the single writer. Capacity
// therefore holds exactly under any concurrency, the counters always equal
// the rows, and waitlist positions (rank by id among the waiting) are exact
// when they are answered.
//
// The transactions are what the forum sign-up race of the load benchmark
// waits for on SQLite's single writer, so they are kept to two statements
// in the common cases (an update of the forum that says what it did, and
// the insert or delete of the registration), written as plain SQL
// (plainsql.go). A read-pool pre-check answers what needs no write and
// tells the transaction which guard will most likely match; the guards
// alone decide.

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

const (
	statusConfirmed  = string(expo.RegistrationConfirmed)
	statusWaitlisted = string(expo.RegistrationWaitlisted)
)

// waitlistPlaceSQL is the place of registration r (alias r) on its forum's
// waitlist, 1 first: its rank by id among the waiting. Callers put it in a
// CASE on r.status, so it is counted only for a waiting registration.
const waitlistPlaceSQL = `(SELECT COUNT(*) FROM forum_registrations w
	WHERE w.forum_id = r.forum_id AND w.status = 'waitlisted' AND w.id <= r.id)`

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
	// inside the transaction.
	reg, full, done, err := s.registerAnswer(ctx, forumID, userID)
	if done || err != nil {
		return reg, err
	}
	return s.register(ctx, forumID, userID, full)
}

// register is the transaction of Register; full says which guard to try
// first (the forum looked full to the pre-check).
func (s *Store) register(ctx context.Context, forumID, userID int64, full bool) (expo.Registration, error) {
	var out expo.Registration
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		reg, err := s.takePlace(tx, forumID, userID, full)
		if err != nil {
			return err
		}
		n, err := s.txExec(tx, `INSERT INTO forum_registrations (forum_id, user_id, status, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (forum_id, user_id) DO NOTHING`, forumID, userID, string(reg.Status), s.now())
		if err != nil {
			return err
		}
		if n == 0 {
			return errAlreadyRegistered // undoes the counter's increment
		}
		out = reg
		return nil
	})
	if errors.Is(err, errAlreadyRegistered) {
		// Committed before this read starts, so the read pool sees it.
		reg, ok, err := s.Registration(ctx, forumID, userID)
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

// The two guarded increments of a sign-up. Their guards on the seats are
// complementary; both also require a published forum and an attendee (the
// role is part of the guard, which saves a statement on the single writer).
// The waitlist's increment answers the counter: the new registration's
// position, since its id will be the highest of the forum's.
const (
	takeSeat = `UPDATE forums SET confirmed = confirmed + 1
		WHERE id = ? AND published AND confirmed < capacity AND EXISTS (SELECT 1 FROM users WHERE id = ? AND role = ?)`
	joinWaitlist = `UPDATE forums SET waitlisted = waitlisted + 1
		WHERE id = ? AND published AND confirmed >= capacity AND EXISTS (SELECT 1 FROM users WHERE id = ? AND role = ?)
		RETURNING waitlisted`
	lockOpenForum = `UPDATE forums SET confirmed = confirmed
		WHERE id = ? AND published AND EXISTS (SELECT 1 FROM users WHERE id = ? AND role = ?)`
)

// takePlace counts the user in on the forum's row, a seat if one is free,
// else a waitlist place, and says which; the forum's row stays locked until
// the end of tx.
func (s *Store) takePlace(tx *gorm.DB, forumID, userID int64, full bool) (expo.Registration, error) {
	reg, ok, err := s.tryPlace(tx, forumID, userID, full)
	if err != nil || ok {
		return reg, err
	}
	// Neither guard matched. On PostgreSQL an update whose guard fails
	// leaves the row unlocked, so another sign-up or cancellation may have
	// changed the seats between the two; lock the row, then the guards
	// decide for good. Without a row to lock the sign-up is refused.
	n, err := s.txExec(tx, lockOpenForum, forumID, userID, string(expo.RoleAttendee))
	if err != nil {
		return reg, err
	}
	if n == 0 {
		return reg, s.registerRefusal(tx, userID)
	}
	reg, ok, err = s.tryPlace(tx, forumID, userID, full)
	if err == nil && !ok {
		err = fmt.Errorf("forum %d matched neither seat guard under its lock", forumID)
	}
	return reg, err
}

// tryPlace runs the two guarded increments, the waitlist's first if full,
// until one matches; ok is false when neither did.
func (s *Store) tryPlace(tx *gorm.DB, forumID, userID int64, full bool) (reg expo.Registration, ok bool, err error) {
	for _, wait := range [2]bool{full, !full} {
		if wait {
			err = s.txRow(tx, joinWaitlist, forumID, userID, string(expo.RoleAttendee)).Scan(&reg.Position)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			reg.Status = expo.RegistrationWaitlisted
			return reg, err == nil, err
		}
		n, err := s.txExec(tx, takeSeat, forumID, userID, string(expo.RoleAttendee))
		if err != nil || n == 1 {
			return expo.Registration{Status: expo.RegistrationConfirmed}, n == 1, err
		}
	}
	return reg, false, nil
}

// registerRefusal says why a sign-up found no open forum to count itself
// in: the user is no attendee, or the forum is not there or not published.
func (s *Store) registerRefusal(tx *gorm.DB, userID int64) error {
	var role string
	err := s.txRow(tx, "SELECT role FROM users WHERE id = ?", userID).Scan(&role)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if role != "" && role != string(expo.RoleAttendee) {
		return ErrAttendeesOnly
	}
	return expo.ErrNotFound
}

// registerAnswer answers a sign-up that needs no write, from the read
// pool, the way the transaction of Register would: a user who is not an
// attendee, a forum that does not exist or is not published, and a
// registration that already exists (with its position). done is false when
// the sign-up must run; full then says whether the forum had no free seat.
func (s *Store) registerAnswer(ctx context.Context, forumID, userID int64) (reg expo.Registration, full, done bool, err error) {
	var (
		role      string
		published sql.NullBool
		free      sql.NullInt64
		status    sql.NullString
		position  sql.NullInt64
	)
	// One statement, so one snapshot: the position is that of the status.
	err = s.readRow(ctx, `SELECT u.role, f.published, f.capacity - f.confirmed, r.status,
		CASE WHEN r.status = 'waitlisted' THEN `+waitlistPlaceSQL+` END
		FROM users u LEFT JOIN forums f ON f.id = ? LEFT JOIN forum_registrations r ON r.forum_id = f.id AND r.user_id = u.id
		WHERE u.id = ?`, forumID, userID).Scan(&role, &published, &free, &status, &position)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return reg, false, true, expo.ErrNotFound
	case err != nil:
		return reg, false, true, dbErr(err, "register for forum")
	case role != string(expo.RoleAttendee):
		return reg, false, true, ErrAttendeesOnly
	case !published.Valid || !published.Bool:
		return reg, false, true, expo.ErrNotFound
	case !status.Valid:
		return reg, free.Int64 <= 0, false, nil
	}
	return expo.Registration{Status: expo.RegistrationStatus(status.String), Position: int(position.Int64)}, false, true, nil
}

// Registration returns the user's registration for the forum; ok is false
// when there is none.
func (s *Store) Registration(ctx context.Context, forumID, userID int64) (reg expo.Registration, ok bool, err error) {
	var (
		status   string
		position sql.NullInt64
	)
	err = s.readRow(ctx, `SELECT r.status, CASE WHEN r.status = 'waitlisted' THEN `+waitlistPlaceSQL+` END
		FROM forum_registrations r WHERE r.forum_id = ? AND r.user_id = ?`, forumID, userID).Scan(&status, &position)
	if errors.Is(err, sql.ErrNoRows) {
		return reg, false, nil
	}
	if err != nil {
		return reg, false, dbErr(err, "read registration")
	}
	return expo.Registration{Status: expo.RegistrationStatus(status), Position: int(position.Int64)}, true, nil
}

// errStaleCancel rolls back a cancellation that assumed the registration
// was waiting when it no longer was; Cancel then runs it again.
var errStaleCancel = errors.New("registration changed since the pre-check")

// Cancel withdraws the user's registration for the forum in one
// transaction. A confirmed seat goes to the first person waiting (lowest
// id), who is notified; with nobody waiting the seat becomes free. The
// forum's counters stay equal to its registrations.
// expo.ErrNotFound when the user has no registration for the forum.
func (s *Store) Cancel(ctx context.Context, forumID, userID int64) error {
	// No registration (as the read pool sees it, after the request came in)
	// is answered without the writer.
	var status string
	err := s.readRow(ctx, "SELECT status FROM forum_registrations WHERE forum_id = ? AND user_id = ?", forumID, userID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return expo.ErrNotFound
	}
	if err != nil {
		return dbErr(err, "cancel registration")
	}
	return s.withdraw(ctx, forumID, userID, status == statusWaitlisted)
}

// withdraw runs the transaction of Cancel; waiting says the pre-check saw
// the registration on the waitlist.
func (s *Store) withdraw(ctx context.Context, forumID, userID int64, waiting bool) error {
	err := s.withdrawTx(ctx, forumID, userID, waiting)
	if errors.Is(err, errStaleCancel) {
		err = s.withdrawTx(ctx, forumID, userID, false)
	}
	return dbErr(err, "cancel registration")
}

// withdrawTx is the transaction of Cancel. With waiting it takes the
// forum's lock with the decrement that leaving the waitlist needs, and
// finds out with the delete whether that was right (errStaleCancel if not,
// which undoes it).
func (s *Store) withdrawTx(ctx context.Context, forumID, userID int64, waiting bool) error {
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		if waiting {
			n, err := s.txExec(tx, "UPDATE forums SET waitlisted = waitlisted - 1 WHERE id = ? AND waitlisted > 0", forumID)
			if err != nil {
				return err
			}
			if n == 1 {
				status, err := s.deleteRegistration(tx, forumID, userID)
				if err == nil && status != statusWaitlisted {
					err = errStaleCancel
				}
				return err
			}
			// Nobody waits any more: the registration, if any, holds a seat.
		}
		// Lock the forum first, like Register, so promotions and sign-ups
		// of this forum never interleave; its title and state serve the
		// promotion below.
		var (
			title     string
			published bool
			queue     int
		)
		err := s.txRow(tx, "UPDATE forums SET confirmed = confirmed WHERE id = ? RETURNING title, published, waitlisted", forumID).
			Scan(&title, &published, &queue)
		if errors.Is(err, sql.ErrNoRows) {
			return expo.ErrNotFound
		}
		if err != nil {
			return err
		}
		status, err := s.deleteRegistration(tx, forumID, userID)
		switch {
		case err != nil:
			return err
		case status == statusWaitlisted:
			_, err = s.txExec(tx, "UPDATE forums SET waitlisted = waitlisted - 1 WHERE id = ?", forumID)
			return err
		case published && queue > 0:
			return s.passSeatOn(tx, forumID, title)
		default:
			// Nobody waiting (or the forum unpublished): the seat is free.
			_, err = s.txExec(tx, "UPDATE forums SET confirmed = confirmed - 1 WHERE id = ?", forumID)
			return err
		}
	})
}

// deleteRegistration deletes the user's registration for the forum and
// says what it was; expo.ErrNotFound if there is none.
func (s *Store) deleteRegistration(tx *gorm.DB, forumID, userID int64) (string, error) {
	var status string
	err := s.txRow(tx, "DELETE FROM forum_registrations WHERE forum_id = ? AND user_id = ? RETURNING status", forumID, userID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", expo.ErrNotFound
	}
	return status, err
}

// passSeatOn gives the seat of a cancelled confirmed registration to the
// first person on the forum's waitlist (which the caller knows is not
// empty) and notifies them; the confirmed count stays the same.
func (s *Store) passSeatOn(tx *gorm.DB, forumID int64, title string) error {
	var next int64
	if err := s.txRow(tx, `UPDATE forum_registrations SET status = ?
		WHERE id = (SELECT MIN(id) FROM forum_registrations WHERE forum_id = ? AND status = ?) RETURNING user_id`,
		statusConfirmed, forumID, statusWaitlisted).Scan(&next); err != nil {
		return fmt.Errorf("promote the first waiting of forum %d: %w", forumID, err)
	}
	if _, err := s.txExec(tx, "UPDATE forums SET waitlisted = waitlisted - 1 WHERE id = ?", forumID); err != nil {
		return err
	}
	return s.notify(tx, next, "forum.notify.promoted", map[string]any{"Forum": title}, "/forums/"+strconv.FormatInt(forumID, 10))
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
		CASE WHEN r.status = 'waitlisted' THEN `+waitlistPlaceSQL+` ELSE 0 END AS position
		FROM forum_registrations r WHERE r.user_id = ?`, userID).Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "list registrations")
	}
	out := make(map[int64]expo.Registration, len(rows))
	for _, r := range rows {
		out[r.ForumID] = expo.Registration{Status: expo.RegistrationStatus(r.Status), Position: r.Position}
	}
	return out, nil
}
