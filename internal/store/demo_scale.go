package store

import (
	"context"
	"fmt"

	"expo/internal/expo"
)

// ExpoScale is the demo size of the load benchmark (cmd/expobench): the
// default demo's 1,060 exhibitors (40 of them with an account) and 34
// forums, with 20,000 attendees and 20,000 meetings over the five-day slot
// grid.
var ExpoScale = DemoSize{Exhibitors: 40, Attendees: 20000, Meetings: 20000}

// DemoCounts are the sizes of a loaded demo, for the benchmark's report.
type DemoCounts struct {
	Exhibitors, Forums, Attendees, Slots, Meetings, OpenMeetings, Registrations, Waitlisted int64
}

// DemoCounts counts what a demo (or any expo) holds.
func (s *Store) DemoCounts(ctx context.Context) (DemoCounts, error) {
	var c DemoCounts
	db := s.r.WithContext(ctx)
	for _, q := range []struct {
		into *int64
		sql  string
		args []any
	}{
		{&c.Exhibitors, "SELECT COUNT(*) FROM exhibitors WHERE state = ?", []any{string(expo.StateApproved)}},
		{&c.Forums, "SELECT COUNT(*) FROM forums WHERE published", nil},
		{&c.Attendees, "SELECT COUNT(*) FROM users WHERE role = ?", []any{string(expo.RoleAttendee)}},
		{&c.Slots, "SELECT COUNT(*) FROM slots", nil},
		{&c.Meetings, "SELECT COUNT(*) FROM meetings", nil},
		{&c.OpenMeetings, "SELECT COUNT(*) FROM meetings WHERE status IN ('pending', 'accepted')", nil},
		{&c.Registrations, "SELECT COUNT(*) FROM forum_registrations", nil},
		{&c.Waitlisted, "SELECT COUNT(*) FROM forum_registrations WHERE status = 'waitlisted'", nil},
	} {
		if err := db.Raw(q.sql, q.args...).Scan(q.into).Error; err != nil {
			return c, dbErr(err, "count demo")
		}
	}
	return c, nil
}

// CheckInvariants lists every broken matchmaking or forum rule: an
// attendee or a table with two open meetings in one slot, an exhibitor with
// more open meetings in a slot than its tables or a booked counter that
// differs from its open meetings, a forum over its capacity, a confirmed
// or waitlisted counter that differs from its registrations, or a forum
// with a waitlist and a free seat. The load benchmark runs it after its
// writes; an empty list means every rule held.
func (s *Store) CheckInvariants(ctx context.Context) ([]string, error) {
	db := s.r.WithContext(ctx)
	checks := []struct{ what, sql string }{
		{"attendee double-booked in a slot", `SELECT COUNT(*) FROM (SELECT attendee_id, slot_id FROM meetings
			WHERE status IN ('pending', 'accepted') GROUP BY attendee_id, slot_id HAVING COUNT(*) > 1) x`},
		{"table holding two meetings in a slot", `SELECT COUNT(*) FROM (SELECT table_id, slot_id FROM meetings
			WHERE status IN ('pending', 'accepted') AND table_id IS NOT NULL GROUP BY table_id, slot_id HAVING COUNT(*) > 1) x`},
		{"interpreter in two meetings in a slot", `SELECT COUNT(*) FROM (SELECT interpreter_id, slot_id FROM meetings
			WHERE status IN ('pending', 'accepted') AND interpreter_id IS NOT NULL GROUP BY interpreter_id, slot_id HAVING COUNT(*) > 1) x`},
		{"exhibitor slot over its tables", `SELECT COUNT(*) FROM exhibitor_availability a JOIN exhibitors e ON e.id = a.exhibitor_id
			WHERE a.booked > e.meeting_tables`},
		{"open meetings in a slot the exhibitor is not available in", `SELECT COUNT(*) FROM meetings m
			WHERE m.status IN ('pending', 'accepted') AND NOT EXISTS
			(SELECT 1 FROM exhibitor_availability a WHERE a.exhibitor_id = m.exhibitor_id AND a.slot_id = m.slot_id)`},
		{"exhibitor slot whose booked counter differs from its open meetings", `SELECT COUNT(*) FROM exhibitor_availability a
			WHERE a.booked <> (SELECT COUNT(*) FROM meetings m WHERE m.exhibitor_id = a.exhibitor_id AND m.slot_id = a.slot_id
			AND m.status IN ('pending', 'accepted'))`},
		{"forum over its capacity", `SELECT COUNT(*) FROM forums WHERE confirmed > capacity`},
		{"forum whose confirmed counter differs from its confirmed registrations", `SELECT COUNT(*) FROM forums f
			WHERE f.confirmed <> (SELECT COUNT(*) FROM forum_registrations r WHERE r.forum_id = f.id AND r.status = 'confirmed')`},
		{"forum whose waitlisted counter differs from its waiting registrations", `SELECT COUNT(*) FROM forums f
			WHERE f.waitlisted <> (SELECT COUNT(*) FROM forum_registrations r WHERE r.forum_id = f.id AND r.status = 'waitlisted')`},
		{"forum with a waitlist and a free seat", `SELECT COUNT(*) FROM forums f WHERE f.confirmed < f.capacity
			AND EXISTS (SELECT 1 FROM forum_registrations r WHERE r.forum_id = f.id AND r.status = 'waitlisted')`},
	}
	var broken []string
	for _, c := range checks {
		var n int64
		if err := db.Raw(c.sql).Scan(&n).Error; err != nil {
			return nil, dbErr(err, "check "+c.what)
		}
		if n > 0 {
			broken = append(broken, fmt.Sprintf("%s: %d", c.what, n))
		}
	}
	return broken, nil
}
