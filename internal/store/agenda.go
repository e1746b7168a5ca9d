package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"slices"
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
			CASE WHEN r.status = 'waitlisted' THEN `+waitlistPlaceSQL+` ELSE 0 END AS position
		FROM forum_registrations r
		JOIN forums f ON f.id = r.forum_id AND f.published
		JOIN forum_sessions fs ON fs.forum_id = f.id
		JOIN rooms rm ON rm.id = fs.room_id
		WHERE r.user_id = ?
		ORDER BY fs.starts_at, fs.ends_at, fs.id`, userID).Rows()
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
	rows.Close()
	u := expo.User{ID: userID}
	err = s.readRow(ctx, "SELECT role, exhibitor_id FROM users WHERE id = ?", userID).Scan(&u.Role, &u.ExhibitorID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, dbErr(err, "read agenda")
	}
	meetings, err := s.agendaMeetings(ctx, u)
	if err != nil {
		return nil, err
	}
	items = append(items, meetings...)
	expo.SortAgenda(items)
	return items, nil
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
// share: the sessions of the published forums, as agenda items in agenda
// order. Callers may keep one for a while and pass it to AgendaFor for many
// users; it is read-only.
type AgendaProgramme struct {
	sessions []expo.AgendaItem
	perForum map[int64]int // sessions by forum
}

// AgendaProgramme reads the sessions of the published forums for AgendaFor.
func (s *Store) AgendaProgramme(ctx context.Context) (AgendaProgramme, error) {
	rows, err := s.r.WithContext(ctx).Raw(`SELECT ` + agendaSessionColumns + `
		FROM forums f
		JOIN forum_sessions fs ON fs.forum_id = f.id
		JOIN rooms rm ON rm.id = fs.room_id
		WHERE f.published`).Rows()
	if err != nil {
		return AgendaProgramme{}, dbErr(err, "read agenda programme")
	}
	defer rows.Close()
	p := AgendaProgramme{perForum: map[int64]int{}}
	for rows.Next() {
		var it expo.AgendaItem
		if err := scanAgendaSession(rows, &it); err != nil {
			return AgendaProgramme{}, dbErr(err, "read agenda programme")
		}
		p.sessions = append(p.sessions, it)
		p.perForum[it.ForumID]++
	}
	if err := rows.Err(); err != nil {
		return AgendaProgramme{}, dbErr(err, "read agenda programme")
	}
	// Sorted here, once for many agendas, so that AgendaFor only merges.
	expo.SortAgenda(p.sessions)
	return p, nil
}

// agendaRegistrationsSQL reads a user's forum registrations, each with
// its place on the waitlist: 0 for a confirmed seat. It takes the user's id.
const agendaRegistrationsSQL = `SELECT r.forum_id,
		CASE WHEN r.status = 'waitlisted' THEN ` + waitlistPlaceSQL + ` ELSE 0 END
	FROM forum_registrations r WHERE r.user_id = ?`

// The agenda's meetings, read for the side the user is on: an attendee's
// own, an exhibitor representative's company's, each on its own index
// (meetings by attendee, by exhibitor), with the other party's name and the
// table. Each takes one id. On SQLite every column of every row is a few
// calls into C, the largest part of these reads (load benchmark profiles),
// so they select only what an agenda item holds.
const (
	agendaMeetingColumns = `m.id, m.status, s.starts_at, s.ends_at, m.language, m.updated_at`
	agendaMeetingJoins   = `JOIN slots s ON s.id = m.slot_id
		LEFT JOIN meeting_tables t ON t.id = m.table_id`
	agendaAttendeeMeetingsSQL = `SELECT ` + agendaMeetingColumns + `, e.name, t.number, t.area
		FROM meetings m JOIN exhibitors e ON e.id = m.exhibitor_id ` + agendaMeetingJoins + `
		WHERE m.attendee_id = ? AND ` + openMeetingSQL
	agendaExhibitorMeetingsSQL = `SELECT ` + agendaMeetingColumns + `, u.name, t.number, t.area
		FROM meetings m JOIN users u ON u.id = m.attendee_id ` + agendaMeetingJoins + `
		WHERE m.exhibitor_id = ? AND ` + openMeetingSQL
)

// agendaMeetings reads u's open meetings (u's Role and ExhibitorID say
// which) in agenda order; organizers have none.
func (s *Store) agendaMeetings(ctx context.Context, u expo.User) ([]expo.AgendaItem, error) {
	var (
		rows *sql.Rows
		err  error
	)
	switch {
	case u.Role == expo.RoleAttendee:
		rows, err = s.readRows(ctx, agendaAttendeeMeetingsSQL, u.ID)
	case u.Role == expo.RoleExhibitor && u.ExhibitorID != nil:
		rows, err = s.readRows(ctx, agendaExhibitorMeetingsSQL, *u.ExhibitorID)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, dbErr(err, "read agenda meetings")
	}
	defer rows.Close()
	var items []expo.AgendaItem
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

// AgendaFor is Agenda for u (its ID, Role and ExhibitorID), with the forum
// sessions taken from p: only the user's registrations and meetings are
// read. A forum published or unpublished after p was read shows as it was
// in p.
func (s *Store) AgendaFor(ctx context.Context, u expo.User, p AgendaProgramme) ([]expo.AgendaItem, error) {
	rows, err := s.readRows(ctx, agendaRegistrationsSQL, u.ID)
	if err != nil {
		return nil, dbErr(err, "read agenda")
	}
	defer rows.Close()
	type registration struct {
		forumID, position int64
	}
	var regs []registration
	for rows.Next() {
		var r registration
		if err := rows.Scan(&r.forumID, &r.position); err != nil {
			return nil, dbErr(err, "read agenda")
		}
		regs = append(regs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "read agenda")
	}
	rows.Close()
	meetings, err := s.agendaMeetings(ctx, u)
	if err != nil || len(regs) == 0 {
		return meetings, err
	}
	// The programme is in agenda order, so the user's sessions are too, and
	// the meetings merge in: no sort of the whole agenda.
	n := len(meetings)
	for _, r := range regs {
		n += p.perForum[r.forumID]
	}
	items := make([]expo.AgendaItem, 0, n)
	m := 0
	for i := range p.sessions {
		ss := &p.sessions[i]
		k := slices.IndexFunc(regs, func(r registration) bool { return r.forumID == ss.ForumID })
		if k < 0 {
			continue
		}
		for m < len(meetings) && expo.AgendaBefore(&meetings[m], ss) {
			items = append(items, meetings[m])
			m++
		}
		items = append(items, *ss)
		it := &items[len(items)-1]
		it.Status, it.Position = expo.RegistrationConfirmed, int(regs[k].position)
		if it.Position > 0 {
			it.Status = expo.RegistrationWaitlisted
		}
	}
	return append(items, meetings[m:]...), nil
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
	err = s.readRow(ctx, "SELECT created_at FROM calendar_feeds WHERE user_id = ?", userID).Scan(&feed.CreatedAt)
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
