package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

type notificationRow struct {
	ID        int64
	UserID    int64
	Message   string
	Params    string
	Link      string
	CreatedAt time.Time
	ReadAt    *time.Time
}

func (notificationRow) TableName() string { return "notifications" }

// notify queues an in-app notification inside the caller's transaction, so
// the message exists exactly when the change it announces does. message is
// a translation ID; params fill its placeholders; link is a local path.
func (s *Store) notify(tx *gorm.DB, userID int64, message string, params map[string]any, link string) error {
	if params == nil {
		params = map[string]any{}
	}
	b, err := json.Marshal(params)
	if err != nil {
		return err
	}
	_, err = s.txExec(tx, "INSERT INTO notifications (user_id, message, params, link, created_at) VALUES (?, ?, ?, ?, ?)",
		userID, message, string(b), link, s.now())
	return err
}

// Notifications lists a user's notifications, newest first, at most limit.
func (s *Store) Notifications(ctx context.Context, userID int64, limit int) ([]expo.Notification, error) {
	return s.NotificationsBefore(ctx, userID, 0, limit)
}

// NotificationsBefore lists a user's notifications older than the one with
// id before (0: from the newest), newest first, at most limit: one page of
// the list, read along the (user_id, id) index.
func (s *Store) NotificationsBefore(ctx context.Context, userID, before int64, limit int) ([]expo.Notification, error) {
	var rows []notificationRow
	q := s.r.WithContext(ctx).Where("user_id = ?", userID)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	if err := q.Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, dbErr(err, "list notifications")
	}
	out := make([]expo.Notification, len(rows))
	for i, r := range rows {
		n := expo.Notification{ID: r.ID, Message: r.Message, Link: r.Link, CreatedAt: r.CreatedAt, ReadAt: r.ReadAt}
		if err := json.Unmarshal([]byte(r.Params), &n.Params); err != nil {
			n.Params = map[string]any{}
		}
		out[i] = n
	}
	return out, nil
}

// UnreadNotifications counts a user's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&notificationRow{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, dbErr(err, "count notifications")
}

// MarkNotificationsRead marks all of a user's notifications read.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID int64) error {
	err := s.w.WithContext(ctx).Model(&notificationRow{}).Where("user_id = ? AND read_at IS NULL", userID).Update("read_at", s.now()).Error
	return dbErr(err, "mark notifications read")
}
