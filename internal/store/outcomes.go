package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"expo/internal/expo"
)

// Meeting outcomes: each side of an accepted meeting records, after the
// slot, whether it took place and what came of it (one row per meeting and
// side, updated in place), and the organizer's totals over them.

type outcomeRow struct {
	MeetingID      int64  `gorm:"primaryKey"`
	Side           string `gorm:"primaryKey"`
	Attendance     string
	FollowUp       bool
	LetterOfIntent bool
	Memorandum     bool
	DealValueCents int64
	Currency       string
	RecordedBy     *int64
	RecordedAt     time.Time
}

func (outcomeRow) TableName() string { return "meeting_outcomes" }

func (r outcomeRow) outcome() expo.Outcome {
	return expo.Outcome{MeetingID: r.MeetingID, Side: expo.Side(r.Side), Attendance: r.Attendance, FollowUp: r.FollowUp,
		LetterOfIntent: r.LetterOfIntent, Memorandum: r.Memorandum, DealCents: r.DealValueCents, Currency: r.Currency, RecordedAt: r.RecordedAt}
}

// OutcomeMeeting is a meeting as the outcome form shows it, with the
// caller's side and their outcome so far.
type OutcomeMeeting struct {
	ID            int64
	Status        expo.MeetingStatus
	Start, End    time.Time
	Side          expo.Side
	ExhibitorSlug string
	ExhibitorName string
	AttendeeName  string
	AttendeeOrg   string
	Outcome       expo.Outcome
	Recorded      bool
}

// outcomeFacts reads the meeting and the user's side of it.
func outcomeFacts(db *gorm.DB, meetingID int64, user expo.User) (OutcomeMeeting, error) {
	var r struct {
		ID            int64
		Status        string
		Start, End    time.Time
		AttendeeID    int64
		ExhibitorID   int64
		ExhibitorSlug string
		ExhibitorName string
		AttendeeName  string
		AttendeeOrg   string
	}
	err := db.Table("meetings m").
		Select(`m.id, m.status, s.starts_at AS start, s.ends_at AS "end", m.attendee_id, m.exhibitor_id,
			e.slug AS exhibitor_slug, e.name AS exhibitor_name, u.name AS attendee_name, u.organization AS attendee_org`).
		Joins("JOIN slots s ON s.id = m.slot_id").
		Joins("JOIN exhibitors e ON e.id = m.exhibitor_id").
		Joins("JOIN users u ON u.id = m.attendee_id").
		Where("m.id = ?", meetingID).Take(&r).Error
	if err != nil {
		return OutcomeMeeting{}, err
	}
	m := OutcomeMeeting{ID: r.ID, Status: expo.MeetingStatus(r.Status), Start: r.Start, End: r.End,
		ExhibitorSlug: r.ExhibitorSlug, ExhibitorName: r.ExhibitorName, AttendeeName: r.AttendeeName, AttendeeOrg: r.AttendeeOrg}
	switch {
	case user.Role == expo.RoleAttendee && user.ID == r.AttendeeID:
		m.Side = expo.SideAttendee
	case user.Role == expo.RoleExhibitor && user.ExhibitorID != nil && *user.ExhibitorID == r.ExhibitorID:
		m.Side = expo.SideExhibitor
	default:
		// Someone else's meeting: as if it did not exist.
		return OutcomeMeeting{}, expo.ErrNotFound
	}
	return m, nil
}

// MeetingOutcome returns the meeting with the user's side and the outcome
// they recorded (Recorded false when none). A meeting the user is no side of
// is expo.ErrNotFound.
func (s *Store) MeetingOutcome(ctx context.Context, meetingID int64, user expo.User) (OutcomeMeeting, error) {
	db := s.r.WithContext(ctx)
	m, err := outcomeFacts(db, meetingID, user)
	if err != nil {
		return OutcomeMeeting{}, dbErr(err, "read meeting outcome")
	}
	var rows []outcomeRow
	if err := db.Where("meeting_id = ? AND side = ?", meetingID, string(m.Side)).Limit(1).Find(&rows).Error; err != nil {
		return OutcomeMeeting{}, dbErr(err, "read meeting outcome")
	}
	if len(rows) == 1 {
		m.Outcome, m.Recorded = rows[0].outcome(), true
	}
	return m, nil
}

// RecordOutcome validates and stores the user's side's outcome of the
// meeting (insert, or update of the side's earlier record) in one
// transaction. Only the meeting's own sides, only for an accepted meeting,
// only after its slot has ended (expo.ValidateOutcome); others' meetings are
// expo.ErrNotFound.
func (s *Store) RecordOutcome(ctx context.Context, meetingID int64, user expo.User, in expo.OutcomeInput) (expo.Outcome, error) {
	var out expo.Outcome
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		m, err := outcomeFacts(tx, meetingID, user)
		if err != nil {
			return err
		}
		out, err = expo.ValidateOutcome(expo.MeetingFacts{Status: m.Status, EndsAt: m.End, Side: m.Side}, in, s.now())
		if err != nil {
			return err
		}
		out.MeetingID, out.RecordedAt = meetingID, s.now()
		uid := user.ID
		row := outcomeRow{MeetingID: meetingID, Side: string(m.Side), Attendance: out.Attendance, FollowUp: out.FollowUp,
			LetterOfIntent: out.LetterOfIntent, Memorandum: out.Memorandum, DealValueCents: out.DealCents,
			Currency: out.Currency, RecordedBy: &uid, RecordedAt: out.RecordedAt}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "meeting_id"}, {Name: "side"}},
			DoUpdates: clause.AssignmentColumns([]string{"attendance", "follow_up", "letter_of_intent", "memorandum", "deal_value_cents", "currency", "recorded_by", "recorded_at"}),
		}).Create(&row).Error
	})
	if err != nil {
		return expo.Outcome{}, dbErr(err, "record outcome")
	}
	return out, nil
}

// OutcomeCount is one row of the totals: meetings booked (accepted), held
// (a side said held), no-show (a side said no-show and none said held), and
// not yet recorded.
type OutcomeCount struct {
	Key        string // day "YYYY-MM-DD", sector code, or "RU→CN"
	From, To   string // country pair
	Booked     int
	Held       int
	NoShow     int
	Unrecorded int
}

// DealTotal sums deal values of one currency. A meeting whose two sides
// both state a value counts once, with the larger one.
type DealTotal struct {
	Currency string
	Meetings int
	Cents    int64
}

// MatchmakingTotals are the organizer's results.
type MatchmakingTotals struct {
	All           OutcomeCount
	ByDay         []OutcomeCount
	BySector      []OutcomeCount
	ByCountryPair []OutcomeCount
	Deals         []DealTotal
	FollowUps     int // meetings where a side plans a follow-up
	Letters       int // meetings with a letter of intent
	Memoranda     int // meetings with a signed memorandum
}

// perMeeting flags each accepted meeting as held / no-show from its
// outcomes; the totals group it by day, sector and country pair.
const perMeeting = `SELECT m.id, m.exhibitor_id, m.attendee_id, b.day,
		MAX(CASE WHEN o.attendance = 'held' THEN 1 ELSE 0 END) AS held,
		MAX(CASE WHEN o.attendance = 'no_show' THEN 1 ELSE 0 END) AS no_show,
		COUNT(o.meeting_id) AS records
	FROM meetings m
	JOIN slots s ON s.id = m.slot_id
	JOIN negotiation_blocks b ON b.id = s.block_id
	LEFT JOIN meeting_outcomes o ON o.meeting_id = m.id
	WHERE m.status = 'accepted'
	GROUP BY m.id, m.exhibitor_id, m.attendee_id, b.day`

const countCols = `COUNT(*) AS booked, SUM(pm.held) AS held,
	SUM(CASE WHEN pm.held = 0 AND pm.no_show = 1 THEN 1 ELSE 0 END) AS no_show,
	SUM(CASE WHEN pm.records = 0 THEN 1 ELSE 0 END) AS unrecorded`

// MatchmakingTotals computes the results in six GROUP BY queries.
func (s *Store) MatchmakingTotals(ctx context.Context) (MatchmakingTotals, error) {
	db := s.r.WithContext(ctx)
	var t MatchmakingTotals
	if err := db.Raw(`SELECT pm.day AS "key", ` + countCols + ` FROM (` + perMeeting + `) pm GROUP BY pm.day ORDER BY pm.day`).Scan(&t.ByDay).Error; err != nil {
		return t, dbErr(err, "totals by day")
	}
	for _, d := range t.ByDay {
		t.All.Booked += d.Booked
		t.All.Held += d.Held
		t.All.NoShow += d.NoShow
		t.All.Unrecorded += d.Unrecorded
	}
	if err := db.Raw(`SELECT es.sector AS "key", ` + countCols + ` FROM (` + perMeeting + `) pm
		JOIN exhibitor_sectors es ON es.exhibitor_id = pm.exhibitor_id
		GROUP BY es.sector ORDER BY booked DESC, es.sector`).Scan(&t.BySector).Error; err != nil {
		return t, dbErr(err, "totals by sector")
	}
	if err := db.Raw(`SELECT u.country AS "from", e.country AS "to", ` + countCols + ` FROM (` + perMeeting + `) pm
		JOIN users u ON u.id = pm.attendee_id
		JOIN exhibitors e ON e.id = pm.exhibitor_id
		GROUP BY u.country, e.country ORDER BY booked DESC, u.country, e.country`).Scan(&t.ByCountryPair).Error; err != nil {
		return t, dbErr(err, "totals by country pair")
	}
	if err := db.Raw(`SELECT d.currency, COUNT(*) AS meetings, CAST(SUM(d.cents) AS BIGINT) AS cents FROM
		(SELECT o.meeting_id, o.currency, MAX(o.deal_value_cents) AS cents FROM meeting_outcomes o
			JOIN meetings m ON m.id = o.meeting_id AND m.status = 'accepted'
			WHERE o.deal_value_cents > 0 GROUP BY o.meeting_id, o.currency) d
		GROUP BY d.currency ORDER BY d.currency`).Scan(&t.Deals).Error; err != nil {
		return t, dbErr(err, "deal totals")
	}
	var flags struct{ FollowUps, Letters, Memoranda int }
	if err := db.Raw(`SELECT COUNT(DISTINCT CASE WHEN o.follow_up THEN o.meeting_id END) AS follow_ups,
			COUNT(DISTINCT CASE WHEN o.letter_of_intent THEN o.meeting_id END) AS letters,
			COUNT(DISTINCT CASE WHEN o.memorandum THEN o.meeting_id END) AS memoranda
		FROM meeting_outcomes o JOIN meetings m ON m.id = o.meeting_id AND m.status = 'accepted'`).Scan(&flags).Error; err != nil {
		return t, dbErr(err, "outcome flags")
	}
	t.FollowUps, t.Letters, t.Memoranda = flags.FollowUps, flags.Letters, flags.Memoranda
	return t, nil
}
