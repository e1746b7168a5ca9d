package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// Meetings of the business matchmaking. Every change is one transaction
// whose invariants the database enforces:
//
//   - an attendee holds at most one open (pending or accepted) meeting per
//     slot: the partial unique index meetings_attendee_slot_open_idx;
//   - an exhibitor never holds more open meetings in a slot than its tables:
//     the guarded increment of exhibitor_availability.booked;
//   - a table holds at most one open meeting per slot, an interpreter too:
//     partial unique indexes, with a retry on the next free one under a
//     savepoint when a concurrent transaction took the same;
//   - an attendee has at most the configured number of pending requests:
//     the guarded increment of matchmaking_quota.open_requests.
//
// Whatever closes an open meeting (decline, cancel, expiry) gives all of it
// back in the same transaction: booked, the quota, the table.

// MatchmakingOptions tune meeting requests; zero values take the defaults.
type MatchmakingOptions struct {
	// OpenRequestLimit is how many pending requests an attendee may have
	// sent at once (default expo.DefaultOpenRequestLimit).
	OpenRequestLimit int
	// RequestTTL is how long a request waits for an answer before it
	// expires (default expo.DefaultRequestTTL; never past the slot start).
	RequestTTL time.Duration
	// Location is the expo time zone, for times in messages (default UTC).
	Location *time.Location
}

// SetMatchmakingOptions replaces the matchmaking options; call it before
// the store is used concurrently.
func (s *Store) SetMatchmakingOptions(o MatchmakingOptions) {
	if o.OpenRequestLimit <= 0 {
		o.OpenRequestLimit = expo.DefaultOpenRequestLimit
	}
	if o.RequestTTL <= 0 {
		o.RequestTTL = expo.DefaultRequestTTL
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	s.mm = o
}

type meetingRow struct {
	ID            int64
	SlotID        int64
	ExhibitorID   int64
	AttendeeID    int64
	Initiator     string
	Status        string
	Message       string
	Language      string
	TableID       *int64
	InterpreterID *int64
	Reason        string
	ClosedBy      *int64
	ExpiresAt     *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (meetingRow) TableName() string { return "meetings" }

var openStatuses = []string{string(expo.MeetingPending), string(expo.MeetingAccepted)}

// openMeetingSQL is the condition of the partial unique indexes of open
// meetings (0006_matchmaking.sql), word for word: only with the statuses
// written out, not bound, can SQLite tell that a query may use those
// indexes. With "status IN (?, ?)" it walked every open meeting of the slot
// instead, for each table when choosing one (found in the load benchmark's
// write traces).
const openMeetingSQL = "m.status IN ('pending', 'accepted')"

// tableFree is an SQL condition, true when the slot whose id is the
// expression slot (a column: it is used twice) has a free table. First the
// quick answer: the highest table id taken in the slot is below the
// area's highest, so that table is free (one read at the end of the slot's
// entries of meetings_slot_table_open_idx, one at the end of the tables'
// primary key). Tables are given lowest number first, so that is the
// answer until the slot is nearly full. Otherwise its open meetings hold
// fewer tables than the area has (each holds its own, by the partial
// unique index on table and slot): that count reads all the slot's entries
// of the index, ≈ 7 µs of an accept's 11 µs read with ≈ 400 tables taken
// per slot (Python's sqlite3 on the load benchmark's database). CASE,
// unlike OR, leaves the count unread when the quick answer is yes. The
// statuses are written out, since a bound IN list keeps SQLite off the
// partial index.
func tableFree(slot string) string {
	return `CASE WHEN COALESCE(` + highestTakenTable(slot) + `, 0) < (SELECT MAX(t.id) FROM meeting_tables t) THEN TRUE
	ELSE (SELECT COUNT(*) FROM meetings mt WHERE mt.slot_id = ` + slot + ` AND ` + tableTakenSQL + `)
		< (SELECT COUNT(*) FROM meeting_tables) END`
}

// highestTakenTable is an SQL subquery: the highest table id taken in the
// slot (an expression), NULL when none is; one read at the end of the
// slot's entries of meetings_slot_table_open_idx.
func highestTakenTable(slot string) string {
	return `(SELECT mt.table_id FROM meetings mt WHERE mt.slot_id = ` + slot + ` AND ` + tableTakenSQL + `
		ORDER BY mt.table_id DESC LIMIT 1)`
}

// tableTakenSQL picks the meetings mt that hold a table, in the words of
// meetings_slot_table_open_idx, so that SQLite reads them from it.
const tableTakenSQL = "mt.table_id IS NOT NULL AND mt.status IN ('pending', 'accepted')"

// booking is one meeting to place. Initiator says who asked: an attendee's
// request waits for the exhibitor (or is accepted at once when the
// exhibitor auto-accepts), an exhibitor's invitation waits for the
// attendee, and the scheduler's placements are accepted at once.
type booking struct {
	AttendeeID  int64
	ExhibitorID int64
	SlotID      int64
	Initiator   expo.Side
	Message     string
	Language    string
	// ActorID is the user who asked (the attendee, an exhibitor
	// representative, or the organizer running the scheduler).
	ActorID int64
}

// bookParty is what booking needs to know of the exhibitor, the attendee
// and the slot, read by one statement: partyColumns, then either
// countColumns (the read-pool pre-check) or nameColumns (inside the write
// transaction, where the guarded statements count instead).
type bookParty struct {
	ExhibitorID       int64
	ExhibitorState    string
	ExhibitorCountry  string
	ExhibitorLangs    string
	AutoAccept        bool
	MeetingTables     int64
	AttendeeRole      string
	AttendeeCountry   string
	AttendeeLangs     string
	AttendeeExhibitor *int64
	// Of the slot (nil when there is no such slot).
	StartsAt        *time.Time
	RestrictCountry *string

	// Counted says the counters below were read. Booked is the
	// exhibitor's availability in the slot (nil when the slot is not
	// offered), OpenRequests the attendee's pending requests (nil before
	// the first); AttendeeBusy: the attendee already has an open meeting
	// in the slot; TableFree: a table of the area is free in the slot, or
	// the exhibitor does not auto-accept.
	Counted      bool
	Booked       *int64
	OpenRequests *int64
	AttendeeBusy bool
	TableFree    bool

	// Names, for the answer and the notification.
	ExhibitorSlug, ExhibitorName, ExhibitorLatin string
	AttendeeName, AttendeeOrg                    string
	EndsAt                                       *time.Time
}

// partyColumns read the parties of a booking: exhibitor e, user u, slot s
// and its block b (bookingFrom).
const partyColumns = `e.id, e.state, e.country, e.languages, e.auto_accept, e.meeting_tables,
	u.role, u.country, u.languages, u.exhibitor_id, s.starts_at, b.restrict_country`

// countColumns read the counters of a booking; each ? is the slot's id, and
// s.id is the slot too (bookingFrom).
// The free-table search is assignTable's. Its count is skipped when the
// exhibitor's tables are full in the slot: that refusal comes first
// (judgeBooking), and it is most of the answers when requests race for the
// wanted exhibitors (load benchmark).
var countColumns = `(SELECT a.booked FROM exhibitor_availability a WHERE a.exhibitor_id = e.id AND a.slot_id = ?),
	(SELECT q.open_requests FROM matchmaking_quota q WHERE q.user_id = u.id),
	EXISTS (SELECT 1 FROM meetings m WHERE m.attendee_id = u.id AND m.slot_id = ? AND ` + openMeetingSQL + `),
	CASE WHEN NOT e.auto_accept THEN TRUE
		WHEN (SELECT a.booked FROM exhibitor_availability a WHERE a.exhibitor_id = e.id AND a.slot_id = s.id) >= e.meeting_tables THEN TRUE
		ELSE ` + tableFree("s.id") + ` END`

// nameColumns read what the answer and the notification show.
const nameColumns = `e.slug, e.name, e.name_latin, u.name, u.organization, s.ends_at`

// bookingFrom joins the slot on the left, so a missing slot still reads
// the parties; a missing party reads no row at all. Its ? is the slot.
const bookingFrom = ` FROM exhibitors e CROSS JOIN users u
	LEFT JOIN slots s ON s.id = ? LEFT JOIN negotiation_blocks b ON b.id = s.block_id`

// The statements of checkBooking and precheckRequest. Arguments: the
// slot twice for countColumns, then the slot for bookingFrom, then
// the WHERE.
var (
	bookingCounted = `SELECT ` + partyColumns + `, ` + countColumns + bookingFrom + ` WHERE e.id = ? AND u.id = ?`
	bookingNamed   = `SELECT ` + partyColumns + `, ` + nameColumns + bookingFrom + ` WHERE e.id = ? AND u.id = ?`
	bookingBySlug  = `SELECT ` + partyColumns + `, ` + countColumns + bookingFrom + ` WHERE e.slug = ? AND e.state = ? AND u.id = ?`
)

// dest lists the fields of p for scanning partyColumns, then extra.
func (p *bookParty) dest(extra ...any) []any {
	return append([]any{&p.ExhibitorID, &p.ExhibitorState, &p.ExhibitorCountry, &p.ExhibitorLangs, &p.AutoAccept, &p.MeetingTables,
		&p.AttendeeRole, &p.AttendeeCountry, &p.AttendeeLangs, &p.AttendeeExhibitor, &p.StartsAt, &p.RestrictCountry}, extra...)
}

// countDest lists the fields of p for countColumns.
func (p *bookParty) countDest() []any {
	return []any{&p.Booked, &p.OpenRequests, &p.AttendeeBusy, &p.TableFree}
}

// nameDest lists the fields of p for nameColumns.
func (p *bookParty) nameDest() []any {
	return []any{&p.ExhibitorSlug, &p.ExhibitorName, &p.ExhibitorLatin, &p.AttendeeName, &p.AttendeeOrg, &p.EndsAt}
}

// rowQuery runs a one-row query: s.readRow on the read pool, s.txRow
// inside a write transaction.
type rowQuery func(query string, args ...any) *sql.Row

func (s *Store) readQuery(ctx context.Context) rowQuery {
	return func(query string, args ...any) *sql.Row { return s.readRow(ctx, query, args...) }
}

func (s *Store) txQuery(tx *gorm.DB) rowQuery {
	return func(query string, args ...any) *sql.Row { return s.txRow(tx, query, args...) }
}

func errNoSlot() error {
	return &expo.Error{Code: expo.CodeNotFound, Message: "error.form", Fields: map[string]string{"slot_id": "meeting.error.no_slot"}}
}

// bookInTx places b inside tx (the caller's transaction) and returns the
// meeting. It checks the slot (exists, not started, the block's country
// restriction), the parties (an approved exhibitor; an attendee account that
// is not the exhibitor's own), validates message and language, then takes
// the exhibitor's table capacity with a guarded update, the attendee's slot
// with the partial unique index, the attendee's request quota, an
// interpreter when the sides share no language, and a table when the
// meeting is accepted. Errors are *expo.Error (expo.ErrSlotTaken when the
// exhibitor's tables are full, expo.ErrAttendeeBusy when the attendee
// already has a meeting then, ...); on any error the caller must roll the
// transaction back (on PostgreSQL a failed statement aborts it anyway).
// The auto-scheduler's commit calls it with Initiator expo.SideScheduler.
//
// Its statements are plain SQL (plainsql.go), and the answer is built from
// what it read and wrote rather than read again: the writer is the one
// connection every booking waits for.
func (s *Store) bookInTx(tx *gorm.DB, b booking) (expo.Meeting, error) {
	// Microseconds: what both databases keep, so the answer is what a later
	// read of the meeting shows.
	now := s.now().UTC().Truncate(time.Microsecond)
	// The parties and the slot; the counters are the guarded statements'
	// below, which answer in the same order as the pre-check would.
	p, req, err := s.checkBooking(s.txQuery(tx), b, now, false)
	if err != nil {
		return expo.Meeting{}, err
	}
	slotStarts := p.StartsAt.UTC()
	attLangs, exLangs := splitList(p.AttendeeLangs), splitList(p.ExhibitorLangs)

	// The exhibitor's capacity in the slot: one guarded increment.
	n, err := s.txExec(tx, `UPDATE exhibitor_availability SET booked = booked + 1
		WHERE exhibitor_id = ? AND slot_id = ? AND booked < (SELECT meeting_tables FROM exhibitors WHERE id = ?)`,
		b.ExhibitorID, b.SlotID, b.ExhibitorID)
	if err != nil {
		return expo.Meeting{}, err
	}
	if n == 0 {
		var offered bool
		if err := s.txRow(tx, `SELECT EXISTS (SELECT 1 FROM exhibitor_availability WHERE exhibitor_id = ? AND slot_id = ?)`,
			b.ExhibitorID, b.SlotID).Scan(&offered); err != nil {
			return expo.Meeting{}, err
		}
		if !offered {
			return expo.Meeting{}, expo.ErrSlotNotOffered
		}
		return expo.Meeting{}, expo.ErrSlotTaken
	}

	status := bookingStatus(b, p)
	if s.takesQuota(b, p) {
		if err := s.takeQuota(tx, b.AttendeeID); err != nil {
			return expo.Meeting{}, err
		}
	}
	m := expo.Meeting{SlotID: b.SlotID, ExhibitorID: b.ExhibitorID, AttendeeID: b.AttendeeID, Initiator: b.Initiator,
		Status: status, Message: req.Message, Language: req.Language, CreatedAt: now, UpdatedAt: now,
		Start: slotStarts, End: p.EndsAt.UTC(),
		ExhibitorSlug: p.ExhibitorSlug, ExhibitorName: p.ExhibitorName, ExhibitorLatin: p.ExhibitorLatin, ExhibitorCountry: p.ExhibitorCountry,
		AttendeeName: p.AttendeeName, AttendeeOrganization: p.AttendeeOrg, AttendeeCountry: p.AttendeeCountry, AttendeeLanguages: attLangs}
	if status == expo.MeetingPending {
		exp := expo.RequestExpiry(now, slotStarts, s.mm.RequestTTL).UTC()
		m.ExpiresAt = &exp
	}
	if err := s.txRow(tx, `INSERT INTO meetings (slot_id, exhibitor_id, attendee_id, initiator, status, message, language, reason, expires_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?) RETURNING id`,
		m.SlotID, m.ExhibitorID, m.AttendeeID, string(m.Initiator), string(m.Status), m.Message, m.Language, m.ExpiresAt, now, now).
		Scan(&m.ID); err != nil {
		if isDuplicate(tx, err) {
			return expo.Meeting{}, expo.ErrAttendeeBusy
		}
		return expo.Meeting{}, err
	}
	if need := expo.NeedsInterpreter(attLangs, exLangs, req.Language); need.Needed {
		id, name, err := s.assignInterpreter(tx, m.ID, b.SlotID, need, slotStarts)
		if err != nil {
			return expo.Meeting{}, err
		}
		m.InterpreterID, m.InterpreterName = &id, name
	}
	if status == expo.MeetingAccepted {
		table, err := s.assignTable(tx, m.ID, b.SlotID, nil)
		if err != nil {
			return expo.Meeting{}, err
		}
		m.TableID, m.TableNumber, m.TableArea = &table.ID, table.Number, table.Area
	}
	link := "/my/meetings"
	switch b.Initiator {
	case expo.SideAttendee:
		msg := "meeting.notify.requested"
		if status == expo.MeetingAccepted {
			msg = "meeting.notify.booked"
		}
		if err := s.notifyExhibitor(tx, b.ExhibitorID, msg, map[string]any{"Name": p.AttendeeName, "Time": s.clock(slotStarts)}, link); err != nil {
			return expo.Meeting{}, err
		}
	case expo.SideExhibitor:
		if err := s.notify(tx, b.AttendeeID, "meeting.notify.invited", map[string]any{"Name": p.ExhibitorName, "Time": s.clock(slotStarts)}, link); err != nil {
			return expo.Meeting{}, err
		}
	}
	return m, nil
}

// checkBooking reads the slot and both parties with one statement (q:
// inside the write transaction or on the read pool), with the counters
// (counted) or the names, and returns why b cannot be booked
// (judgeBooking). Read on the read pool before the write transaction, a
// refusal saves the writer (RequestMeeting). Either way a refusal was true
// when it was read, and only the guarded updates and unique indexes of
// bookInTx ever book.
func (s *Store) checkBooking(q rowQuery, b booking, now time.Time, counted bool) (bookParty, expo.MeetingRequest, error) {
	var p bookParty
	var err error
	if counted {
		err = q(bookingCounted, b.SlotID, b.SlotID, b.SlotID, b.ExhibitorID, b.AttendeeID).Scan(p.dest(p.countDest()...)...)
	} else {
		err = q(bookingNamed, b.SlotID, b.ExhibitorID, b.AttendeeID).Scan(p.dest(p.nameDest()...)...)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return p, expo.MeetingRequest{}, noParty(q, b.SlotID, now)
	}
	if err != nil {
		return p, expo.MeetingRequest{}, err
	}
	p.Counted = counted
	req, err := s.judgeBooking(p, b, now)
	return p, req, err
}

// noParty answers a booking whose exhibitor or attendee does not exist:
// the slot's own answer comes first.
func noParty(q rowQuery, slotID int64, now time.Time) error {
	var starts time.Time
	err := q("SELECT starts_at FROM slots WHERE id = ?", slotID).Scan(&starts)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return errNoSlot()
	case err != nil:
		return err
	case !now.Before(starts):
		return expo.ErrSlotPast
	}
	return expo.ErrNotFound
}

// judgeBooking says why b cannot be booked given p, in the order bookInTx
// has always answered: the slot, the parties, the message, then, when p
// was counted, a slot not offered or full, the attendee's request quota,
// the attendee busy in the slot. It returns the validated request
// otherwise.
func (s *Store) judgeBooking(p bookParty, b booking, now time.Time) (expo.MeetingRequest, error) {
	if p.StartsAt == nil {
		return expo.MeetingRequest{}, errNoSlot()
	}
	if !now.Before(*p.StartsAt) {
		return expo.MeetingRequest{}, expo.ErrSlotPast
	}
	switch {
	case p.ExhibitorState != string(expo.StateApproved):
		return expo.MeetingRequest{}, expo.ErrNotFound
	case p.AttendeeExhibitor != nil && *p.AttendeeExhibitor == b.ExhibitorID:
		return expo.MeetingRequest{}, expo.ErrOwnCompany
	case p.AttendeeRole != string(expo.RoleAttendee):
		return expo.MeetingRequest{}, expo.ErrNotAnAttendee
	}
	if p.RestrictCountry != nil && *p.RestrictCountry != "" && *p.RestrictCountry != p.ExhibitorCountry && *p.RestrictCountry != p.AttendeeCountry {
		return expo.MeetingRequest{}, expo.ErrBlockRestricted
	}
	req, err := expo.MeetingRequest{Message: b.Message, Language: b.Language}.Validate(splitList(p.AttendeeLangs), splitList(p.ExhibitorLangs))
	if err != nil {
		return expo.MeetingRequest{}, err
	}
	switch {
	case !p.Counted:
		return req, nil
	case p.Booked == nil:
		return req, expo.ErrSlotNotOffered
	case *p.Booked >= p.MeetingTables:
		return req, expo.ErrSlotTaken
	case s.takesQuota(b, p) && p.OpenRequests != nil && *p.OpenRequests >= int64(s.mm.OpenRequestLimit):
		return req, s.errRequestLimit()
	case p.AttendeeBusy:
		return req, expo.ErrAttendeeBusy
	}
	return req, nil
}

// bookingStatus is the status a booking starts in: the scheduler's
// placements and requests to an exhibitor who auto-accepts are accepted at
// once, everything else waits for an answer.
func bookingStatus(b booking, p bookParty) expo.MeetingStatus {
	if b.Initiator == expo.SideScheduler || (b.Initiator == expo.SideAttendee && p.AutoAccept) {
		return expo.MeetingAccepted
	}
	return expo.MeetingPending
}

// takesQuota: an attendee's request that waits for an answer counts
// against the attendee's open-request limit.
func (s *Store) takesQuota(b booking, p bookParty) bool {
	return b.Initiator == expo.SideAttendee && bookingStatus(b, p) == expo.MeetingPending
}

func (s *Store) errRequestLimit() error {
	return &expo.Error{Code: expo.CodeRateLimited, Message: expo.ErrRequestLimit.Message, Data: map[string]any{"Limit": s.mm.OpenRequestLimit}}
}

// clock formats an instant for messages, in the expo time zone.
func (s *Store) clock(t time.Time) string { return t.In(s.mm.Location).Format("2006-01-02 15:04") }

// takeQuota counts one more pending request of the attendee, refusing
// with expo.ErrRequestLimit at the configured limit (a guarded update).
func (s *Store) takeQuota(tx *gorm.DB, userID int64) error {
	// One statement: the first request creates the row, later ones count up
	// while under the limit (an upsert whose update is guarded).
	n, err := s.txExec(tx, `INSERT INTO matchmaking_quota (user_id, open_requests) VALUES (?, 1)
		ON CONFLICT (user_id) DO UPDATE SET open_requests = matchmaking_quota.open_requests + 1
		WHERE matchmaking_quota.open_requests < ?`, userID, s.mm.OpenRequestLimit)
	if err != nil {
		return err
	}
	if n == 0 {
		return s.errRequestLimit()
	}
	return nil
}

// freeTableSQL finds the lowest-numbered table free in the slot (?).
const freeTableSQL = `SELECT t.id, t.number, t.area FROM meeting_tables t WHERE NOT EXISTS (SELECT 1 FROM meetings m
		WHERE m.slot_id = ? AND m.table_id = t.id AND ` + openMeetingSQL + `)
	ORDER BY t.number LIMIT 1`

// afterHighestTableSQL finds the lowest-numbered free table of the slot
// (?, ?) while no meeting of it has given its table back (slots.table_freed,
// migration 0012): the taken tables are then the lowest ones with no gap,
// and the next is the first above the highest taken id (table ids ascend
// with their numbers; see nextTableSQL). Two index reads and the slot's
// row. It finds nothing once the slot has table_freed or its tables are
// all taken; nextTableSQL and freeTableSQL decide then.
var afterHighestTableSQL = `SELECT t.id, t.number, t.area FROM meeting_tables t
	WHERE NOT (SELECT sl.table_freed FROM slots sl WHERE sl.id = ?)
	AND t.id > COALESCE(` + highestTakenTable("?") + `, 0)
	ORDER BY t.id LIMIT 1`

// nextTableSQL finds the lowest-numbered free table of the slot (?, ?) in
// a few index reads when the slot's taken tables are exactly 1..c: then it
// is table c+1. Table ids ascend with their numbers (SetTables and the demo
// add tables in order of number, above the existing ones, and ids only
// grow; TestTableIDsFollowNumbers), so the taken tables are 1..c exactly
// when c tables are taken and the highest taken id is table c's. With a
// gap lower down (a meeting cancelled or declined after it had its table)
// it finds nothing, and freeTableSQL looks at every table in turn: up to
// 500 index reads, most of an accept's time in the single writer (load
// benchmark).
var nextTableSQL = `SELECT t.id, t.number, t.area FROM meeting_tables t
	WHERE t.number = 1 + (SELECT COUNT(*) FROM meetings mt WHERE mt.slot_id = ? AND ` + tableTakenSQL + `)
	AND t.number - 1 = COALESCE((SELECT x.number FROM meeting_tables x WHERE x.id = ` + highestTakenTable("?") + `), 0)`

// errMeetingChanged says a meeting read before its transaction is no
// longer pending there (answered, cancelled or expired meanwhile); the
// caller then answers from the meeting as the transaction sees it. It
// never leaves the store.
var errMeetingChanged = errors.New("meeting no longer pending")

// assignTable gives the meeting the lowest-numbered table free in the
// slot; with acceptAt, the same update also accepts the meeting if it is
// still pending (errMeetingChanged if not).
// The partial unique index (table_id, slot_id) is the guard: when a
// concurrent transaction took the same table first, the update is undone
// and the next free table is tried.
func (s *Store) assignTable(tx *gorm.DB, meetingID, slotID int64, acceptAt *time.Time) (meetingTable, error) {
	for attempt := 0; attempt < 5; attempt++ {
		var t meetingTable
		err := sql.ErrNoRows
		if attempt == 0 {
			err = s.txRow(tx, afterHighestTableSQL, slotID, slotID).Scan(&t.ID, &t.Number, &t.Area)
			if errors.Is(err, sql.ErrNoRows) {
				err = s.txRow(tx, nextTableSQL, slotID, slotID).Scan(&t.ID, &t.Number, &t.Area)
			}
		}
		if errors.Is(err, sql.ErrNoRows) {
			err = s.txRow(tx, freeTableSQL, slotID).Scan(&t.ID, &t.Number, &t.Area)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return t, expo.ErrNoTableFree
		}
		if err != nil {
			return t, err
		}
		sp, err := s.retryPoint(tx, "table_", attempt)
		if err != nil {
			return t, err
		}
		if acceptAt != nil {
			var n int64
			n, err = s.txExec(tx, "UPDATE meetings SET status = ?, expires_at = NULL, updated_at = ?, table_id = ? WHERE id = ? AND status = ?",
				string(expo.MeetingAccepted), *acceptAt, t.ID, meetingID, string(expo.MeetingPending))
			if err == nil && n == 0 {
				return t, errMeetingChanged
			}
		} else {
			_, err = s.txExec(tx, "UPDATE meetings SET table_id = ? WHERE id = ?", t.ID, meetingID)
		}
		if err == nil {
			return t, nil
		}
		if err := s.retryAfter(tx, sp, err); err != nil {
			return t, err
		}
	}
	return meetingTable{}, expo.ErrNoTableFree
}

// retryPoint prepares a statement that may hit a unique index because a
// concurrent transaction took the same row first. On PostgreSQL that
// error aborts the whole transaction unless it is rolled back to a
// savepoint taken before; SQLite's one writer has no concurrent
// transaction to lose against, and a failed statement there undoes only
// itself, so it needs no savepoint ("" then).
func (s *Store) retryPoint(tx *gorm.DB, prefix string, attempt int) (string, error) {
	if s.oneWriter() {
		return "", nil
	}
	sp := prefix + strconv.Itoa(attempt)
	return sp, tx.SavePoint(sp).Error
}

// oneWriter says write transactions run one at a time (SQLite: one writer
// connection, BEGIN IMMEDIATE), so none can change rows under another.
func (s *Store) oneWriter() bool { return s.dialect.maxWriters == 1 }

// retryAfter undoes the failed statement of a retryPoint when err is a
// unique violation, and returns err otherwise.
func (s *Store) retryAfter(tx *gorm.DB, sp string, err error) error {
	if !isDuplicate(tx, err) {
		return err
	}
	if sp == "" {
		return nil
	}
	return tx.RollbackTo(sp).Error
}

// meetingTable is the table assignTable gave a meeting.
type meetingTable struct {
	ID     int64
	Number int
	Area   string
}

// assignInterpreter gives the meeting an interpreter for the pair who is
// available in the slot and not booked then (partial unique index
// (interpreter_id, slot_id), with the same retry as tables), or refuses
// with "no interpreter free for A–B at HH:MM". It returns the
// interpreter's id and name.
func (s *Store) assignInterpreter(tx *gorm.DB, meetingID, slotID int64, need expo.InterpreterNeed, start time.Time) (int64, string, error) {
	for attempt := 0; attempt < 5; attempt++ {
		id, ok, err := freeInterpreterTx(tx, slotID, need.A, need.B)
		if err != nil {
			return 0, "", err
		}
		if !ok {
			return 0, "", expo.ErrNoInterpreter(need.A, need.B, start.In(s.mm.Location))
		}
		sp, err := s.retryPoint(tx, "interp_", attempt)
		if err != nil {
			return 0, "", err
		}
		var name string
		err = s.txRow(tx, "UPDATE meetings SET interpreter_id = ? WHERE id = ? RETURNING (SELECT name FROM interpreters WHERE id = ?)",
			id, meetingID, id).Scan(&name)
		if err == nil {
			return id, name, nil
		}
		if err := s.retryAfter(tx, sp, err); err != nil {
			return 0, "", err
		}
	}
	return 0, "", expo.ErrNoInterpreter(need.A, need.B, start.In(s.mm.Location))
}

// interpreterFree says whether an interpreter for the pair is available
// in the slot and not booked then (the search of freeInterpreterTx), on
// the read pool.
func (s *Store) interpreterFree(ctx context.Context, slotID int64, need expo.InterpreterNeed) (bool, error) {
	a, b := expo.LanguagePair(need.A, need.B)
	if a == b || a == "" {
		return false, nil
	}
	var free bool
	err := s.readRow(ctx, `SELECT EXISTS (SELECT 1 FROM interpreters i
		JOIN interpreter_languages l ON l.interpreter_id = i.id AND l.lang_a = ? AND l.lang_b = ?
		JOIN interpreter_availability a ON a.interpreter_id = i.id AND a.slot_id = ?
		WHERE NOT EXISTS (SELECT 1 FROM meetings m WHERE m.interpreter_id = i.id AND m.slot_id = ? AND `+openMeetingSQL+`))`,
		a, b, slotID, slotID).Scan(&free)
	return free, err
}

// notifyExhibitor notifies every representative of the exhibitor.
func (s *Store) notifyExhibitor(tx *gorm.DB, exhibitorID int64, msg string, params map[string]any, link string) error {
	b, err := json.Marshal(params)
	if err != nil {
		return err
	}
	// One statement for all representatives.
	_, err = s.txExec(tx, `INSERT INTO notifications (user_id, message, params, link, created_at)
		SELECT id, ?, ?, ?, ? FROM users WHERE exhibitor_id = ? ORDER BY id`, msg, string(b), link, s.now(), exhibitorID)
	return err
}

// RequestMeeting books a request from the attendee to the exhibitor (by
// slug) in the slot, in one transaction: pending, or accepted at once with
// a table when the exhibitor auto-accepts. See bookInTx for the checks and
// errors.
func (s *Store) RequestMeeting(ctx context.Context, attendeeID int64, exhibitorSlug string, slotID int64, req expo.MeetingRequest) (expo.Meeting, error) {
	// Every refusal (a full slot, the request quota, the attendee busy, no
	// interpreter or table free, ...) comes from the read pool, without the
	// writer; bookInTx checks everything again inside the transaction and
	// books only through its guarded updates.
	b, err := s.precheckRequest(ctx, attendeeID, exhibitorSlug, slotID, req)
	if err != nil {
		return expo.Meeting{}, dbErr(err, "request meeting")
	}
	var m expo.Meeting
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		var err error
		m, err = s.bookInTx(tx, b)
		return err
	})
	return m, dbErr(err, "request meeting")
}

// precheckRequest is RequestMeeting's check on the read pool, in one
// statement: the exhibitor by slug (an approved one, or expo.ErrNotFound),
// then everything bookInTx would refuse, in its order, up to a free
// interpreter and, for an exhibitor who auto-accepts, a free table. It
// returns the booking to place.
func (s *Store) precheckRequest(ctx context.Context, attendeeID int64, slug string, slotID int64, req expo.MeetingRequest) (booking, error) {
	b := booking{AttendeeID: attendeeID, SlotID: slotID, Initiator: expo.SideAttendee,
		Message: req.Message, Language: req.Language, ActorID: attendeeID}
	now := s.now()
	var p bookParty
	err := s.readRow(ctx, bookingBySlug, slotID, slotID, slotID, slug, string(expo.StateApproved), attendeeID).
		Scan(p.dest(p.countDest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		// No such approved exhibitor, or no such attendee (deleted since
		// the token was read): answered as before by the exhibitor's id.
		if err := s.readRow(ctx, "SELECT id FROM exhibitors WHERE slug = ? AND state = ?", slug, string(expo.StateApproved)).
			Scan(&b.ExhibitorID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return b, expo.ErrNotFound
			}
			return b, err
		}
		_, _, err := s.checkBooking(s.readQuery(ctx), b, now, true)
		return b, err
	}
	if err != nil {
		return b, err
	}
	b.ExhibitorID, p.Counted = p.ExhibitorID, true
	valid, err := s.judgeBooking(p, b, now)
	if err != nil {
		return b, err
	}
	if need := expo.NeedsInterpreter(splitList(p.AttendeeLangs), splitList(p.ExhibitorLangs), valid.Language); need.Needed {
		free, err := s.interpreterFree(ctx, slotID, need)
		if err != nil {
			return b, err
		}
		if !free {
			return b, expo.ErrNoInterpreter(need.A, need.B, p.StartsAt.In(s.mm.Location))
		}
	}
	if bookingStatus(b, p) == expo.MeetingAccepted && !p.TableFree {
		return b, expo.ErrNoTableFree
	}
	return b, nil
}

// InviteAttendee books an invitation from the exhibitor (actor is one of
// its representatives) to the attendee in the slot; it waits for the
// attendee's answer.
func (s *Store) InviteAttendee(ctx context.Context, exhibitorID, actorID, attendeeID, slotID int64, req expo.MeetingRequest) (expo.Meeting, error) {
	var m expo.Meeting
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		var err error
		m, err = s.bookInTx(tx, booking{AttendeeID: attendeeID, ExhibitorID: exhibitorID, SlotID: slotID, Initiator: expo.SideExhibitor,
			Message: req.Message, Language: req.Language, ActorID: actorID})
		return err
	})
	return m, dbErr(err, "invite attendee")
}

// sideOf says which side of the meeting the user is on; "" when neither
// (the caller then answers not found, so ids of others' meetings reveal
// nothing).
func sideOf(m meetingRow, u expo.User) expo.Side {
	switch {
	case u.Role == expo.RoleAttendee && m.AttendeeID == u.ID:
		return expo.SideAttendee
	case u.Role == expo.RoleExhibitor && u.ExhibitorID != nil && *u.ExhibitorID == m.ExhibitorID:
		return expo.SideExhibitor
	}
	return ""
}

// lockMeeting reads the meeting inside tx after a no-op update of its row,
// so concurrent answers and cancellations of one meeting queue up.
func (s *Store) lockMeeting(tx *gorm.DB, id int64) (meetingRow, error) {
	var row meetingRow
	if err := s.touchMeeting(tx, id); err != nil {
		return row, err
	}
	err := tx.Take(&row, id).Error
	return row, err
}

// touchMeeting takes the meeting's row lock with a no-op update
// (expo.ErrNotFound when there is no such meeting).
func (s *Store) touchMeeting(tx *gorm.DB, id int64) error {
	n, err := s.txExec(tx, "UPDATE meetings SET updated_at = updated_at WHERE id = ?", id)
	if err != nil {
		return err
	}
	if n == 0 {
		return expo.ErrNotFound
	}
	return nil
}

// lockMeetingView is lockMeeting that reads the meeting's full view
// instead, one statement less on the writer for callers that need both.
// SQLite's one writer needs no row lock: no other transaction runs until
// this one ends, so the view is read without the no-op update.
func (s *Store) lockMeetingView(tx *gorm.DB, id int64) (meetingRow, expo.Meeting, error) {
	if !s.oneWriter() {
		if err := s.touchMeeting(tx, id); err != nil {
			return meetingRow{}, expo.Meeting{}, err
		}
	}
	m, err := s.meetingIn(s.txQuery(tx), id)
	if err != nil {
		return meetingRow{}, expo.Meeting{}, err
	}
	return meetingRowOf(m), m, nil
}

// meetingRowOf is the row of a meeting's view, as far as closing the
// meeting and notifying its sides need it.
func meetingRowOf(m expo.Meeting) meetingRow {
	return meetingRow{ID: m.ID, SlotID: m.SlotID, ExhibitorID: m.ExhibitorID, AttendeeID: m.AttendeeID,
		Initiator: string(m.Initiator), Status: string(m.Status), TableID: m.TableID, InterpreterID: m.InterpreterID}
}

// AnswerMeeting accepts or declines a pending meeting for the side it
// waits for (the exhibitor for requests, the attendee for invitations).
// Accepting assigns a table (expo.ErrNoTableFree when the area is full);
// declining frees the slot. Someone else's meeting is expo.ErrNotFound.
// The meeting returned has what the answer shows (answerColumns, with its
// new status, table and reason); the parties' organization, countries and
// languages are read by the listings, not here.
//
// The meeting is read on the read pool first. Every refusal is answered
// from that read, without the writer; then the transaction answers the
// meeting as read, with updates guarded on its status being still
// pending. Nothing else the answer depends on changes while a meeting is
// pending (its sides, initiator, deadline and slot are fixed, and slots
// with meetings never change their times), so the guard is enough, and the
// writer no longer reads the six-table view. When the guard finds the
// meeting answered, cancelled or expired meanwhile, nothing was written and
// answerLocked answers as before, from the meeting read under its lock.
func (s *Store) AnswerMeeting(ctx context.Context, id int64, u expo.User, accept bool, reason string) (expo.Meeting, error) {
	reason, err := expo.ValidateReason(reason)
	if err != nil {
		return expo.Meeting{}, err
	}
	cur, free, err := s.answerView(ctx, id, accept)
	if err != nil {
		return expo.Meeting{}, dbErr(err, "answer meeting")
	}
	side := sideOf(meetingRowOf(cur), u)
	if side == "" {
		return expo.Meeting{}, expo.ErrNotFound
	}
	// A request past its deadline goes on: the transaction closes it.
	if now := s.now(); !cur.Expired(now) {
		if err := cur.CheckAnswer(side, now); err != nil {
			return expo.Meeting{}, err
		}
		if accept && !free {
			// The usual answer when the negotiation area is full.
			return expo.Meeting{}, expo.ErrNoTableFree
		}
	}
	if testHookAnswerRead != nil {
		testHookAnswerRead()
	}
	var m expo.Meeting
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		var err error
		m, err = s.answerAsRead(tx, cur, side, u, accept, reason)
		if errors.Is(err, errMeetingChanged) {
			m, err = s.answerLocked(tx, id, u, accept, reason)
		}
		return err
	})
	return m, dbErr(err, "answer meeting")
}

// testHookAnswerRead runs between an answer's read and its transaction, in
// tests.
var testHookAnswerRead func()

// answerColumns are what an answer needs of its meeting: what the checks,
// the transaction, the notification and the answer's JSON use. The full
// view (meetingSelect) also reads the parties' organization, countries,
// languages and Latin name and the meeting's times and table, which the
// answer shows none of; with the 16 columns here an accept's read took
// 8.5 µs instead of 11.7, with 1.4 KB allocated instead of 3.5 (go test
// -bench on the load benchmark's database).
const answerColumns = `m.slot_id, m.exhibitor_id, m.attendee_id, m.initiator, m.status, m.message, m.language,
	m.expires_at, s.starts_at, s.ends_at, m.table_id, m.interpreter_id, i.name, e.slug, e.name, u.name`

const answerFrom = meetingPartiesFrom + `
	LEFT JOIN interpreters i ON i.id = m.interpreter_id
	WHERE m.id = ?`

// The answer's reads: a decline's, and an accept's, which also says
// whether a table is free in the meeting's slot.
var (
	declineSelect = "SELECT " + answerColumns + answerFrom
	acceptSelect  = "SELECT " + answerColumns + ", " + tableFree("m.slot_id") + answerFrom
)

// answerView reads on the read pool what an answer needs of meeting id
// (answerColumns) and, for an accept, whether a table is free in its slot.
// The meeting it returns has only those fields.
func (s *Store) answerView(ctx context.Context, id int64, accept bool) (expo.Meeting, bool, error) {
	m := expo.Meeting{ID: id}
	var initiator, status string
	var interpreter *string
	var free bool
	dest := []any{&m.SlotID, &m.ExhibitorID, &m.AttendeeID, &initiator, &status, &m.Message, &m.Language,
		&m.ExpiresAt, &m.Start, &m.End, &m.TableID, &m.InterpreterID, &interpreter, &m.ExhibitorSlug, &m.ExhibitorName, &m.AttendeeName}
	query := declineSelect
	if accept {
		query, dest = acceptSelect, append(dest, &free)
	}
	err := s.readRow(ctx, query, id).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return expo.Meeting{}, false, expo.ErrNotFound
	}
	if err != nil {
		return expo.Meeting{}, false, err
	}
	m.Initiator, m.Status = expo.Side(initiator), expo.MeetingStatus(status)
	m.Start, m.End = m.Start.UTC(), m.End.UTC()
	if m.ExpiresAt != nil {
		t := m.ExpiresAt.UTC()
		m.ExpiresAt = &t
	}
	if interpreter != nil {
		m.InterpreterName = *interpreter
	}
	return m, free, nil
}

// answerAsRead answers the pending meeting cur (read before the
// transaction) with updates guarded on its status, and builds the answer
// from cur and what it wrote. errMeetingChanged: nothing was written, the
// meeting is no longer as read (or its deadline or slot start has passed
// since), and answerLocked must answer instead.
func (s *Store) answerAsRead(tx *gorm.DB, cur expo.Meeting, side expo.Side, u expo.User, accept bool, reason string) (expo.Meeting, error) {
	now := s.now()
	if cur.Status != expo.MeetingPending || cur.Expired(now) || !now.Before(cur.Start) {
		return expo.Meeting{}, errMeetingChanged
	}
	row := meetingRowOf(cur)
	m := cur
	m.UpdatedAt = now
	if accept {
		table, err := s.assignTable(tx, cur.ID, cur.SlotID, &now)
		if err != nil {
			return expo.Meeting{}, err
		}
		if row.Initiator == string(expo.SideAttendee) {
			if err := s.releaseQuota(tx, row.AttendeeID); err != nil {
				return expo.Meeting{}, err
			}
		}
		if err := s.notifyOther(tx, row, side, "meeting.notify.accepted", cur); err != nil {
			return expo.Meeting{}, err
		}
		m.Status, m.ExpiresAt = expo.MeetingAccepted, nil
		m.TableID, m.TableNumber, m.TableArea = &table.ID, table.Number, table.Area
		return m, nil
	}
	if err := s.closeMeeting(tx, row, expo.MeetingDeclined, &u.ID, reason); err != nil {
		if errors.Is(err, expo.ErrMeetingClosed) {
			// Its guarded update found it no longer pending.
			return expo.Meeting{}, errMeetingChanged
		}
		return expo.Meeting{}, err
	}
	if err := s.notifyOther(tx, row, side, "meeting.notify.declined", cur); err != nil {
		return expo.Meeting{}, err
	}
	m.Status, m.Reason = expo.MeetingDeclined, reason
	m.TableID, m.TableNumber, m.TableArea = nil, 0, ""
	return m, nil
}

// answerLocked answers the meeting as read inside tx under its lock: it
// closes a request past its deadline, refuses an answer that is not due,
// and otherwise accepts or declines.
func (s *Store) answerLocked(tx *gorm.DB, id int64, u expo.User, accept bool, reason string) (expo.Meeting, error) {
	row, cur, err := s.lockMeetingView(tx, id)
	if err != nil {
		return expo.Meeting{}, err
	}
	side := sideOf(row, u)
	if side == "" {
		return expo.Meeting{}, expo.ErrNotFound
	}
	now := s.now()
	if cur.Expired(now) {
		if err := s.closeMeeting(tx, row, expo.MeetingExpired, nil, ""); err != nil {
			return expo.Meeting{}, err
		}
		return expo.Meeting{}, expo.ErrMeetingClosed
	}
	if err := cur.CheckAnswer(side, now); err != nil {
		return expo.Meeting{}, err
	}
	// Pending and due: what answerAsRead does, with the meeting as read
	// under the lock (its guarded updates cannot miss now).
	m, err := s.answerAsRead(tx, cur, side, u, accept, reason)
	if errors.Is(err, errMeetingChanged) {
		return expo.Meeting{}, expo.ErrMeetingClosed
	}
	return m, err
}

// CancelMeeting cancels an open meeting that has not started, by either
// side, with an optional reason; the slot, table and quota are freed.
func (s *Store) CancelMeeting(ctx context.Context, id int64, u expo.User, reason string) (expo.Meeting, error) {
	reason, err := expo.ValidateReason(reason)
	if err != nil {
		return expo.Meeting{}, err
	}
	var m expo.Meeting
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		row, cur, err := s.lockMeetingView(tx, id)
		if err != nil {
			return err
		}
		side := sideOf(row, u)
		if side == "" {
			return expo.ErrNotFound
		}
		if !cur.Status.Open() {
			return expo.ErrMeetingClosed
		}
		if !cur.CanCancel(side, s.now()) {
			return expo.ErrSlotPast
		}
		if err := s.closeMeeting(tx, row, expo.MeetingCancelled, &u.ID, reason); err != nil {
			return err
		}
		if err := s.notifyOther(tx, row, side, "meeting.notify.cancelled", cur); err != nil {
			return err
		}
		m, err = s.meetingIn(s.txQuery(tx), id)
		return err
	})
	return m, dbErr(err, "cancel meeting")
}

// closeMeeting moves an open meeting to a closed status and gives back
// what it held: the exhibitor's booked count, the attendee's quota (for a
// pending request it sent) and the table. The status change is guarded
// (WHERE status is still the one read), so a meeting is freed once.
func (s *Store) closeMeeting(tx *gorm.DB, row meetingRow, to expo.MeetingStatus, by *int64, reason string) error {
	n, err := s.txExec(tx, "UPDATE meetings SET status = ?, reason = ?, closed_by = ?, table_id = NULL, updated_at = ? WHERE id = ? AND status = ?",
		string(to), reason, by, s.now(), row.ID, row.Status)
	if err != nil {
		return err
	}
	if n == 0 {
		return expo.ErrMeetingClosed
	}
	if row.TableID != nil {
		// Its table is free again, maybe below others taken: the slot's
		// next table is no longer the one after the highest taken
		// (afterHighestTableSQL).
		if _, err := s.txExec(tx, "UPDATE slots SET table_freed = TRUE WHERE id = ? AND NOT table_freed", row.SlotID); err != nil {
			return err
		}
	}
	if _, err := s.txExec(tx, "UPDATE exhibitor_availability SET booked = booked - 1 WHERE exhibitor_id = ? AND slot_id = ? AND booked > 0",
		row.ExhibitorID, row.SlotID); err != nil {
		return err
	}
	if row.Status == string(expo.MeetingPending) && row.Initiator == string(expo.SideAttendee) {
		return s.releaseQuota(tx, row.AttendeeID)
	}
	return nil
}

func (s *Store) releaseQuota(tx *gorm.DB, userID int64) error {
	_, err := s.txExec(tx, "UPDATE matchmaking_quota SET open_requests = open_requests - 1 WHERE user_id = ? AND open_requests > 0", userID)
	return err
}

// notifyOther tells the other side of the meeting what side did.
func (s *Store) notifyOther(tx *gorm.DB, row meetingRow, side expo.Side, msg string, m expo.Meeting) error {
	params := map[string]any{"Time": s.clock(m.Start)}
	if side == expo.SideAttendee {
		params["Name"] = m.AttendeeName
		return s.notifyExhibitor(tx, row.ExhibitorID, msg, params, "/my/meetings")
	}
	params["Name"] = m.ExhibitorName
	return s.notify(tx, row.AttendeeID, msg, params, "/my/meetings")
}

// ExpireRequests expires every pending meeting whose deadline has passed
// at now, freeing what each held, and returns how many expired. Each
// meeting is its own transaction (locking the meeting row before the
// exhibitor's availability, as cancellations do, so they never deadlock).
// The server runs it periodically and listings apply it lazily.
func (s *Store) ExpireRequests(ctx context.Context, now time.Time) (int, error) {
	var ids []int64
	// status written out: a bound value keeps SQLite off meetings_expiry_idx.
	if err := s.r.WithContext(ctx).Model(&meetingRow{}).Where("status = 'pending' AND expires_at <= ?", now).
		Order("id").Limit(5000).Pluck("id", &ids).Error; err != nil {
		return 0, dbErr(err, "list due requests")
	}
	n := 0
	for _, id := range ids {
		err := s.writeTx(ctx, func(tx *gorm.DB) error {
			row, err := s.lockMeeting(tx, id)
			if err != nil {
				return err
			}
			if row.Status != string(expo.MeetingPending) || row.ExpiresAt == nil || row.ExpiresAt.After(now) {
				return expo.ErrMeetingClosed // answered meanwhile
			}
			cur, err := s.meetingIn(s.txQuery(tx), id)
			if err != nil {
				return err
			}
			if err := s.closeMeeting(tx, row, expo.MeetingExpired, nil, ""); err != nil {
				return err
			}
			// Tell whoever asked that nobody answered: notifyOther writes to
			// the side opposite the one named, so name the one who was asked.
			asked := expo.SideExhibitor
			if row.Initiator == string(expo.SideExhibitor) {
				asked = expo.SideAttendee
			}
			return s.notifyOther(tx, row, asked, "meeting.notify.expired", cur)
		})
		switch {
		case err == nil:
			n++
		case errors.Is(err, expo.ErrMeetingClosed), errors.Is(err, expo.ErrNotFound):
		default:
			return n, dbErr(err, "expire request")
		}
	}
	return n, nil
}

// meetingSelect reads meetings with their slot, table, interpreter and
// both parties, for pages.
const meetingSelect = "SELECT " + meetingColumns + meetingFrom

// meetingColumns and meetingFrom make meetingSelect.
const meetingColumns = `m.id, m.slot_id, m.exhibitor_id, m.attendee_id, m.initiator, m.status, m.message, m.language,
		m.reason, m.expires_at, m.created_at, m.updated_at, s.starts_at, s.ends_at,
		m.table_id, t.number AS table_number, t.area AS table_area, m.interpreter_id, i.name AS interpreter_name,
		e.slug AS exhibitor_slug, e.name AS exhibitor_name, e.name_latin AS exhibitor_latin, e.country AS exhibitor_country,
		u.name AS attendee_name, u.organization AS attendee_organization, u.country AS attendee_country, u.languages AS attendee_languages`

const meetingFrom = meetingPartiesFrom + `
	LEFT JOIN meeting_tables t ON t.id = m.table_id
	LEFT JOIN interpreters i ON i.id = m.interpreter_id`

// meetingPartiesFrom joins a meeting m to its slot s and its parties e
// and u.
const meetingPartiesFrom = `
	FROM meetings m
	JOIN slots s ON s.id = m.slot_id
	JOIN exhibitors e ON e.id = m.exhibitor_id
	JOIN users u ON u.id = m.attendee_id`

type meetingView struct {
	ID, SlotID, ExhibitorID, AttendeeID  int64
	Initiator, Status, Message, Language string
	Reason                               string
	ExpiresAt                            *time.Time
	CreatedAt, UpdatedAt                 time.Time
	StartsAt, EndsAt                     time.Time
	TableID                              *int64
	TableNumber                          *int
	TableArea                            *string
	InterpreterID                        *int64
	InterpreterName                      *string
	ExhibitorSlug, ExhibitorName         string
	ExhibitorLatin, ExhibitorCountry     string
	AttendeeName, AttendeeOrganization   string
	AttendeeCountry, AttendeeLanguages   string
}

func (v meetingView) meeting() expo.Meeting {
	m := expo.Meeting{ID: v.ID, SlotID: v.SlotID, ExhibitorID: v.ExhibitorID, AttendeeID: v.AttendeeID,
		Initiator: expo.Side(v.Initiator), Status: expo.MeetingStatus(v.Status), Message: v.Message, Language: v.Language,
		Reason: v.Reason, ExpiresAt: v.ExpiresAt, CreatedAt: v.CreatedAt.UTC(), UpdatedAt: v.UpdatedAt.UTC(),
		Start: v.StartsAt.UTC(), End: v.EndsAt.UTC(), TableID: v.TableID, InterpreterID: v.InterpreterID,
		ExhibitorSlug: v.ExhibitorSlug, ExhibitorName: v.ExhibitorName, ExhibitorLatin: v.ExhibitorLatin,
		ExhibitorCountry: v.ExhibitorCountry, AttendeeName: v.AttendeeName, AttendeeOrganization: v.AttendeeOrganization,
		AttendeeCountry: v.AttendeeCountry, AttendeeLanguages: splitList(v.AttendeeLanguages)}
	if v.ExpiresAt != nil {
		t := v.ExpiresAt.UTC()
		m.ExpiresAt = &t
	}
	if v.TableNumber != nil {
		m.TableNumber = *v.TableNumber
	}
	if v.TableArea != nil {
		m.TableArea = *v.TableArea
	}
	if v.InterpreterName != nil {
		m.InterpreterName = *v.InterpreterName
	}
	return m
}

// dest lists the fields of v for scanning meetingSelect's columns.
func (v *meetingView) dest() []any {
	return []any{&v.ID, &v.SlotID, &v.ExhibitorID, &v.AttendeeID, &v.Initiator, &v.Status, &v.Message, &v.Language,
		&v.Reason, &v.ExpiresAt, &v.CreatedAt, &v.UpdatedAt, &v.StartsAt, &v.EndsAt,
		&v.TableID, &v.TableNumber, &v.TableArea, &v.InterpreterID, &v.InterpreterName,
		&v.ExhibitorSlug, &v.ExhibitorName, &v.ExhibitorLatin, &v.ExhibitorCountry,
		&v.AttendeeName, &v.AttendeeOrganization, &v.AttendeeCountry, &v.AttendeeLanguages}
}

// meetingIn reads one meeting's view through q (plain SQL: every answer
// and cancellation reads it on the writer).
func (s *Store) meetingIn(q rowQuery, id int64) (expo.Meeting, error) {
	var v meetingView
	err := q(meetingSelect+" WHERE m.id = ?", id).Scan(v.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return expo.Meeting{}, expo.ErrNotFound
	}
	if err != nil {
		return expo.Meeting{}, err
	}
	return v.meeting(), nil
}

// Meeting returns a meeting the user is a side of; anyone else's is
// expo.ErrNotFound.
func (s *Store) Meeting(ctx context.Context, id int64, u expo.User) (expo.Meeting, error) {
	m, err := s.meetingIn(s.readQuery(ctx), id)
	if err != nil {
		return expo.Meeting{}, dbErr(err, "read meeting")
	}
	if sideOf(meetingRow{AttendeeID: m.AttendeeID, ExhibitorID: m.ExhibitorID}, u) == "" {
		return expo.Meeting{}, expo.ErrNotFound
	}
	return m, nil
}

// MaxMeetingsListed bounds one listing of a user's meetings.
const MaxMeetingsListed = 500

// MyMeetings lists the meetings of the user's side (an attendee's own, an
// exhibitor representative's company's), by slot start, after expiring
// overdue requests. At most MaxMeetingsListed, newest slots kept.
func (s *Store) MyMeetings(ctx context.Context, u expo.User) ([]expo.Meeting, error) {
	if _, err := s.ExpireRequests(ctx, s.now()); err != nil {
		return nil, err
	}
	var where string
	var arg int64
	switch {
	case u.Role == expo.RoleAttendee:
		where, arg = "m.attendee_id = ?", u.ID
	case u.Role == expo.RoleExhibitor && u.ExhibitorID != nil:
		where, arg = "m.exhibitor_id = ?", *u.ExhibitorID
	default:
		return []expo.Meeting{}, nil
	}
	var rows []meetingView
	if err := s.r.WithContext(ctx).Raw(meetingSelect+" WHERE "+where+" ORDER BY s.starts_at, m.id LIMIT ?", arg, MaxMeetingsListed).
		Scan(&rows).Error; err != nil {
		return nil, dbErr(err, "list meetings")
	}
	out := make([]expo.Meeting, len(rows))
	for i, r := range rows {
		out[i] = r.meeting()
	}
	return out, nil
}

// MeetingCounts are counts for invariant checks in tests and the organizer
// overview: open meetings per (exhibitor, slot) from the meetings
// themselves, next to exhibitor_availability.booked.
type MeetingCounts struct {
	ExhibitorID, SlotID int64
	Booked, Open        int
}

// CheckBookedCounts returns every (exhibitor, slot) whose booked counter
// differs from its number of open meetings; empty when all agree.
func (s *Store) CheckBookedCounts(ctx context.Context) ([]MeetingCounts, error) {
	var rows []MeetingCounts
	err := s.r.WithContext(ctx).Raw(`SELECT a.exhibitor_id, a.slot_id, a.booked,
			(SELECT COUNT(*) FROM meetings m WHERE m.exhibitor_id = a.exhibitor_id AND m.slot_id = a.slot_id AND m.status IN ?) AS open
		FROM exhibitor_availability a`, openStatuses).Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "check booked counts")
	}
	out := rows[:0]
	for _, r := range rows {
		if r.Booked != r.Open {
			out = append(out, r)
		}
	}
	return out, nil
}
