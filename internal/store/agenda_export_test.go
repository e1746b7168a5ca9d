package store

import (
	"context"

	"expo/internal/expo"
)

// AgendaTestUsers lists up to n users of each kind whose agenda has
// something: attendees with open meetings, exhibitor representatives whose
// company has open meetings, users registered or waitlisted for a forum.
func (s *Store) AgendaTestUsers(ctx context.Context, n int) ([]int64, error) {
	var out []int64
	for _, q := range []struct {
		sql string
		arg any
	}{
		{`SELECT DISTINCT attendee_id FROM meetings WHERE status IN ? ORDER BY attendee_id LIMIT ?`, openStatuses},
		{`SELECT DISTINCT u.id FROM users u JOIN meetings m ON m.exhibitor_id = u.exhibitor_id
			WHERE m.status IN ? ORDER BY u.id LIMIT ?`, openStatuses},
		{`SELECT DISTINCT user_id FROM forum_registrations WHERE status = ? ORDER BY user_id LIMIT ?`, string(expo.RegistrationConfirmed)},
		{`SELECT DISTINCT user_id FROM forum_registrations WHERE status = ? ORDER BY user_id LIMIT ?`, string(expo.RegistrationWaitlisted)},
	} {
		var ids []int64
		if err := s.r.WithContext(ctx).Raw(q.sql, q.arg, n).Scan(&ids).Error; err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	return out, nil
}
