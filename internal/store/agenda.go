package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"expo/internal/expo"
)

// Agenda lists the user's personal agenda: the sessions of the published
// forums the user registered for (waitlisted ones included, with their
// position), sorted by start. Business meetings join as another kind.
func (s *Store) Agenda(ctx context.Context, userID int64) ([]expo.AgendaItem, error) {
	ctx = s.statementCtx(ctx)
	rows, err := s.r.WithContext(ctx).Raw(`SELECT fs.id, f.id, fs.title, f.title,
			fs.starts_at, fs.ends_at, rm.name, fs.language, f.updated_at, r.status,
			CASE WHEN r.status = ? THEN (SELECT COUNT(*) FROM forum_registrations w
				WHERE w.forum_id = r.forum_id AND w.status = ? AND w.id <= r.id) ELSE 0 END AS position
		FROM forum_registrations r
		JOIN forums f ON f.id = r.forum_id AND f.published
		JOIN forum_sessions fs ON fs.forum_id = f.id
		JOIN rooms rm ON rm.id = fs.room_id
		WHERE r.user_id = ?
		ORDER BY fs.starts_at, fs.ends_at, fs.id`,
		string(expo.RegistrationWaitlisted), string(expo.RegistrationWaitlisted), userID).Rows()
	if err != nil {
		return nil, dbErr(err, "read agenda")
	}
	defer rows.Close()
	var items []expo.AgendaItem
	for rows.Next() {
		var (
			it     expo.AgendaItem
			status string
		)
		if err := scanAgendaSession(rows, &it, &status, &it.Position); err != nil {
			return nil, dbErr(err, "read agenda")
		}
		it.Status = expo.RegistrationStatus(status)
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "read agenda")
	}
	return s.withAgendaMeetings(ctx, userID, items)
}

// The agenda's reads scan with database/sql into locals rather than through
// GORM's reflection: the agenda is read on every view of the page, and
// Scan was a sixth of its server time in the load benchmark's profile.

// agendaSessionColumns are the columns scanAgendaSession reads, in order.
const agendaSessionColumns = `fs.id, f.id, fs.title, f.title, fs.starts_at, fs.ends_at, rm.name, fs.language, f.updated_at`

// scanAgendaSession reads a forum session row (agendaSessionColumns, then
// the extra columns) into it.
func scanAgendaSession(rows *sql.Rows, it *expo.AgendaItem, extra ...any) error {
	dest := append([]any{&it.ID, &it.ForumID, &it.Title, &it.Forum, &it.StartsAt, &it.EndsAt, &it.Room, &it.Language, &it.Updated}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	it.Kind = expo.AgendaForumSession
	it.StartsAt, it.EndsAt, it.Updated = it.StartsAt.UTC(), it.EndsAt.UTC(), it.Updated.UTC()
	return nil
}

// AgendaProgramme is the half of every personal agenda that all users
// share: the sessions of the published forums, as agenda items by forum.
// Callers may keep one for a while and pass it to AgendaFor for many users;
// it is read-only.
type AgendaProgramme struct {
	sessions map[int64][]expo.AgendaItem
}

// AgendaProgramme reads the sessions of the published forums for AgendaFor,
// each forum's in agenda order (so a user's agenda is a few sorted runs).
func (s *Store) AgendaProgramme(ctx context.Context) (AgendaProgramme, error) {
	rows, err := s.r.WithContext(ctx).Raw(`SELECT ` + agendaSessionColumns + `
		FROM forums f
		JOIN forum_sessions fs ON fs.forum_id = f.id
		JOIN rooms rm ON rm.id = fs.room_id
		WHERE f.published
		ORDER BY fs.starts_at, fs.ends_at, fs.id`).Rows()
	if err != nil {
		return AgendaProgramme{}, dbErr(err, "read agenda programme")
	}
	defer rows.Close()
	p := AgendaProgramme{sessions: map[int64][]expo.AgendaItem{}}
	for rows.Next() {
		var it expo.AgendaItem
		if err := scanAgendaSession(rows, &it); err != nil {
			return AgendaProgramme{}, dbErr(err, "read agenda programme")
		}
		p.sessions[it.ForumID] = append(p.sessions[it.ForumID], it)
	}
	if err := rows.Err(); err != nil {
		return AgendaProgramme{}, dbErr(err, "read agenda programme")
	}
	return p, nil
}

// AgendaFor is Agenda with the forum sessions taken from p: only the user's
// registrations and meetings are read. A forum published or unpublished
// after p was read shows as it was in p.
func (s *Store) AgendaFor(ctx context.Context, userID int64, p AgendaProgramme) ([]expo.AgendaItem, error) {
	ctx = s.statementCtx(ctx)
	rows, err := s.r.WithContext(ctx).Raw(`SELECT r.forum_id, r.status,
			CASE WHEN r.status = ? THEN (SELECT COUNT(*) FROM forum_registrations w
				WHERE w.forum_id = r.forum_id AND w.status = ? AND w.id <= r.id) ELSE 0 END AS position
		FROM forum_registrations r WHERE r.user_id = ?`,
		string(expo.RegistrationWaitlisted), string(expo.RegistrationWaitlisted), userID).Rows()
	if err != nil {
		return nil, dbErr(err, "read agenda")
	}
	defer rows.Close()
	type registration struct {
		forumID  int64
		status   string
		position int
	}
	var (
		regs     []registration
		sessions int
	)
	for rows.Next() {
		var r registration
		if err := rows.Scan(&r.forumID, &r.status, &r.position); err != nil {
			return nil, dbErr(err, "read agenda")
		}
		regs = append(regs, r)
		sessions += len(p.sessions[r.forumID])
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "read agenda")
	}
	items := make([]expo.AgendaItem, 0, sessions+4) // room for a few meetings
	for _, r := range regs {
		for _, it := range p.sessions[r.forumID] {
			it.Status, it.Position = expo.RegistrationStatus(r.status), r.position
			items = append(items, it)
		}
	}
	return s.withAgendaMeetings(ctx, userID, items)
}

// withAgendaMeetings adds the user's open meetings to the forum sessions
// and sorts the agenda: an attendee's own meetings, an exhibitor
// representative's company's (the other party's name as title, the table
// as room).
func (s *Store) withAgendaMeetings(ctx context.Context, userID int64, items []expo.AgendaItem) ([]expo.AgendaItem, error) {
	// One branch per side, each on its own index (meetings by attendee, by
	// exhibitor): a single join with an OR between the sides made SQLite
	// read every open meeting of the expo for each agenda (BENCHMARKS.md).
	const side = `SELECT m.id, m.status, s.starts_at, s.ends_at, m.language, m.updated_at,
			CASE WHEN m.attendee_id = me.id THEN e.name ELSE u.name END AS party,
			t.number AS table_number, t.area AS table_area
		FROM users me
		JOIN meetings m ON %s
		JOIN slots s ON s.id = m.slot_id
		JOIN exhibitors e ON e.id = m.exhibitor_id
		JOIN users u ON u.id = m.attendee_id
		LEFT JOIN meeting_tables t ON t.id = m.table_id
		WHERE me.id = ? AND me.role = ? AND m.status IN ?`
	rows, err := s.r.WithContext(ctx).Raw(fmt.Sprintf(side, "m.attendee_id = me.id")+" UNION ALL "+fmt.Sprintf(side, "m.exhibitor_id = me.exhibitor_id"),
		userID, string(expo.RoleAttendee), openStatuses, userID, string(expo.RoleExhibitor), openStatuses).Rows()
	if err != nil {
		return nil, dbErr(err, "read agenda meetings")
	}
	defer rows.Close()
	for rows.Next() {
		var (
			it          = expo.AgendaItem{Kind: expo.AgendaMeeting}
			status      string
			tableNumber sql.NullInt64
			tableArea   sql.NullString
		)
		if err := rows.Scan(&it.ID, &status, &it.StartsAt, &it.EndsAt, &it.Language, &it.Updated, &it.Title, &tableNumber, &tableArea); err != nil {
			return nil, dbErr(err, "read agenda meetings")
		}
		if tableNumber.Valid {
			it.Room = "#" + strconv.FormatInt(tableNumber.Int64, 10)
			if tableArea.String != "" {
				it.Room += " · " + tableArea.String
			}
		}
		it.Meeting = expo.MeetingStatus(status)
		it.StartsAt, it.EndsAt, it.Updated = it.StartsAt.UTC(), it.EndsAt.UTC(), it.Updated.UTC()
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "read agenda meetings")
	}
	expo.SortAgenda(items)
	return items, nil
}

// Calendar feeds: a secret URL per user that calendar apps subscribe to.
// Only the secret's hash is stored, so the URL is shown once, when it is
// made; rotating replaces it and revoking deletes it, and the old URL then
// answers 404.

type calendarFeedRow struct {
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	TokenHash string
	CreatedAt time.Time
}

func (calendarFeedRow) TableName() string { return "calendar_feeds" }

const calendarTokenPrefix = "cal_"

// CalendarFeed is the state of a user's feed URL.
type CalendarFeed struct {
	CreatedAt time.Time
}

// RotateCalendarFeed makes a new secret feed token for the user, replacing
// any previous one (whose URL stops working), and returns the secret.
func (s *Store) RotateCalendarFeed(ctx context.Context, userID int64) (string, error) {
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	secret := calendarTokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	row := calendarFeedRow{UserID: userID, TokenHash: hashToken(secret), CreatedAt: s.now()}
	err := s.w.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"token_hash", "created_at"})}).Create(&row).Error
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return "", expo.ErrNotFound
	}
	if err != nil {
		return "", dbErr(err, "rotate calendar feed")
	}
	return secret, nil
}

// CalendarFeedOf tells whether the user has a feed URL; ok is false when
// there is none.
func (s *Store) CalendarFeedOf(ctx context.Context, userID int64) (feed CalendarFeed, ok bool, err error) {
	err = s.r.WithContext(s.statementCtx(ctx)).Raw("SELECT created_at FROM calendar_feeds WHERE user_id = ?", userID).Row().Scan(&feed.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return CalendarFeed{}, false, nil
	}
	if err != nil {
		return CalendarFeed{}, false, dbErr(err, "read calendar feed")
	}
	return feed, true, nil
}

// RevokeCalendarFeed deletes the user's feed URL; expo.ErrNotFound when
// there is none.
func (s *Store) RevokeCalendarFeed(ctx context.Context, userID int64) error {
	res := s.w.WithContext(ctx).Where("user_id = ?", userID).Delete(&calendarFeedRow{})
	if res.Error != nil {
		return dbErr(res.Error, "revoke calendar feed")
	}
	if res.RowsAffected == 0 {
		return expo.ErrNotFound
	}
	return nil
}

// UserByCalendarToken returns the id of the user whose feed secret this
// is; expo.ErrNotFound for an unknown, rotated or revoked secret.
func (s *Store) UserByCalendarToken(ctx context.Context, secret string) (int64, error) {
	if !strings.HasPrefix(secret, calendarTokenPrefix) || len(secret) > 100 {
		return 0, expo.ErrNotFound
	}
	var row calendarFeedRow
	err := s.r.WithContext(ctx).Where("token_hash = ?", hashToken(secret)).Take(&row).Error
	if err != nil {
		return 0, dbErr(err, "find calendar feed")
	}
	return row.UserID, nil
}
