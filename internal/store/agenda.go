package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
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
