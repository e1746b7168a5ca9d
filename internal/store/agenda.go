package store

import (
	"context"
	"crypto/rand"
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
	var rows []struct {
		SessionID  int64
		ForumID    int64
		Title      string
		ForumTitle string
		StartsAt   time.Time
		EndsAt     time.Time
		Room       string
		Language   string
		Status     string
		Position   int
		UpdatedAt  time.Time
	}
	err := s.r.WithContext(ctx).Raw(`SELECT fs.id AS session_id, f.id AS forum_id, fs.title, f.title AS forum_title,
			fs.starts_at, fs.ends_at, rm.name AS room, fs.language, r.status, f.updated_at,
			CASE WHEN r.status = ? THEN (SELECT COUNT(*) FROM forum_registrations w
				WHERE w.forum_id = r.forum_id AND w.status = ? AND w.id <= r.id) ELSE 0 END AS position
		FROM forum_registrations r
		JOIN forums f ON f.id = r.forum_id AND f.published
		JOIN forum_sessions fs ON fs.forum_id = f.id
		JOIN rooms rm ON rm.id = fs.room_id
		WHERE r.user_id = ?
		ORDER BY fs.starts_at, fs.ends_at, fs.id`,
		string(expo.RegistrationWaitlisted), string(expo.RegistrationWaitlisted), userID).Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "read agenda")
	}
	items := make([]expo.AgendaItem, len(rows))
	for i, r := range rows {
		items[i] = expo.AgendaItem{Kind: expo.AgendaForumSession, ID: r.SessionID, ForumID: r.ForumID, Title: r.Title,
			Forum: r.ForumTitle, StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(), Room: r.Room, Language: r.Language,
			Status: expo.RegistrationStatus(r.Status), Position: r.Position, Updated: r.UpdatedAt.UTC()}
	}
	meetings, err := s.agendaMeetings(ctx, userID)
	if err != nil {
		return nil, err
	}
	items = append(items, meetings...)
	expo.SortAgenda(items)
	return items, nil
}

// agendaMeetings are the user's open meetings as agenda items: an
// attendee's own, an exhibitor representative's company's (the other
// party's name as title, the table as room).
func (s *Store) agendaMeetings(ctx context.Context, userID int64) ([]expo.AgendaItem, error) {
	var rows []struct {
		ID          int64
		Status      string
		StartsAt    time.Time
		EndsAt      time.Time
		Language    string
		UpdatedAt   time.Time
		Party       string
		TableNumber *int
		TableArea   *string
	}
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
	err := s.r.WithContext(ctx).Raw(fmt.Sprintf(side, "m.attendee_id = me.id")+" UNION ALL "+fmt.Sprintf(side, "m.exhibitor_id = me.exhibitor_id"),
		userID, string(expo.RoleAttendee), openStatuses, userID, string(expo.RoleExhibitor), openStatuses).Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "read agenda meetings")
	}
	items := make([]expo.AgendaItem, len(rows))
	for i, r := range rows {
		room := ""
		if r.TableNumber != nil {
			room = "#" + strconv.Itoa(*r.TableNumber)
			if r.TableArea != nil && *r.TableArea != "" {
				room += " · " + *r.TableArea
			}
		}
		items[i] = expo.AgendaItem{Kind: expo.AgendaMeeting, ID: r.ID, Title: r.Party, StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(),
			Room: room, Language: r.Language, Meeting: expo.MeetingStatus(r.Status), Updated: r.UpdatedAt.UTC()}
	}
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
	var row calendarFeedRow
	err = s.r.WithContext(ctx).Where("user_id = ?", userID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return CalendarFeed{}, false, nil
	}
	if err != nil {
		return CalendarFeed{}, false, dbErr(err, "read calendar feed")
	}
	return CalendarFeed{CreatedAt: row.CreatedAt}, true, nil
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
