package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type sessionRow struct {
	Token  string `gorm:"primaryKey"`
	Data   []byte
	Expiry int64
}

func (sessionRow) TableName() string { return "sessions" }

// Sessions is a session store for alexedwards/scs on the store's pools:
// lookups use the read pool, changes the writer, so every app instance on
// the same database shares the sessions. (scs's gormstore reads and writes
// through one pool and creates its table itself; ours comes from a migration.)
type Sessions struct{ s *Store }

// Sessions returns the scs store backed by this database.
func (s *Store) Sessions() Sessions { return Sessions{s} }

// Find returns the session data for token, if it exists and is not expired.
func (ss Sessions) Find(token string) ([]byte, bool, error) {
	var row sessionRow
	err := ss.s.r.Where("token = ? AND expiry > ?", token, ss.s.now().Unix()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return row.Data, true, nil
}

// sessionRefresh is how far behind its idle deadline a session's stored
// expiry may fall before a request writes it again.
const sessionRefresh = time.Hour

// Commit stores or replaces the session. scs commits every request of a
// logged-in user just to push the idle deadline on; when the data are
// unchanged and the stored expiry is less than sessionRefresh behind the new
// one, Commit writes nothing. Otherwise every page view of a logged-in user
// was a write transaction queued for SQLite's single writer, which made
// logged-in pages 5× slower under load (BENCHMARKS.md). A session therefore
// idles out up to sessionRefresh early.
func (ss Sessions) Commit(token string, b []byte, expiry time.Time) error {
	var row sessionRow
	err := ss.s.r.Where("token = ?", token).Take(&row).Error
	if err == nil && bytes.Equal(row.Data, b) && row.Expiry > ss.s.now().Unix() &&
		row.Expiry >= expiry.Add(-sessionRefresh).Unix() && row.Expiry <= expiry.Unix() {
		return nil
	}
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	return ss.s.w.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expiry"}),
	}).Create(&sessionRow{Token: token, Data: b, Expiry: expiry.Unix()}).Error
}

// Delete removes the session.
func (ss Sessions) Delete(token string) error {
	return ss.s.w.Where("token = ?", token).Delete(&sessionRow{}).Error
}

// DeleteExpired removes expired sessions; Serve runs it periodically.
func (ss Sessions) DeleteExpired(ctx context.Context) error {
	return ss.s.w.WithContext(ctx).Where("expiry <= ?", ss.s.now().Unix()).Delete(&sessionRow{}).Error
}

// CleanupLoop deletes expired sessions every interval until ctx ends.
func (ss Sessions) CleanupLoop(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := ss.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				log.Warn("delete expired sessions", "err", err)
			}
		}
	}
}
