package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"expo/internal/expo"
)

// Meeting wishes ("I want to meet them, this much", no time chosen) and the
// auto-scheduler's input and commit.

type wishRow struct {
	ID          int64 `gorm:"primaryKey"`
	AttendeeID  int64
	ExhibitorID int64
	Side        string
	Weight      int
	CreatedAt   time.Time
}

func (wishRow) TableName() string { return "meeting_wishes" }

// Wish is one side's wish, with the other party's name for lists.
type Wish struct {
	AttendeeID    int64
	ExhibitorID   int64
	Side          expo.Side
	Weight        int
	AttendeeName  string
	AttendeeEmail string
	AttendeeOrg   string
	ExhibitorName string
	ExhibitorSlug string
}

var errWishWeight = &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"weight": "wish.error.weight"}}

// SetWish records (or re-weights) a wish of one side. The caller decides
// the side from the session: an attendee wishes for exhibitors with their
// own id, an exhibitor's representative for attendees with their company's
// id. The other party must be an approved exhibitor / an attendee account.
func (s *Store) SetWish(ctx context.Context, attendeeID, exhibitorID int64, side expo.Side, weight int) error {
	if weight < 1 || weight > 3 {
		return errWishWeight
	}
	if side != expo.SideAttendee && side != expo.SideExhibitor {
		return expo.ErrForbidden
	}
	var ok struct{ N int64 }
	err := s.r.WithContext(ctx).Raw(`SELECT COUNT(*) AS n FROM users u, exhibitors e
		WHERE u.id = ? AND u.role = ? AND e.id = ? AND e.state = ?
		AND (u.exhibitor_id IS NULL OR u.exhibitor_id <> e.id)`,
		attendeeID, string(expo.RoleAttendee), exhibitorID, string(expo.StateApproved)).Scan(&ok).Error
	if err != nil {
		return dbErr(err, "check wish parties")
	}
	if ok.N == 0 {
		return expo.ErrNotFound
	}
	row := wishRow{AttendeeID: attendeeID, ExhibitorID: exhibitorID, Side: string(side), Weight: weight, CreatedAt: s.now()}
	err = s.w.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "attendee_id"}, {Name: "exhibitor_id"}, {Name: "side"}},
		DoUpdates: clause.AssignmentColumns([]string{"weight"}),
	}).Create(&row).Error
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return expo.ErrNotFound
	}
	return dbErr(err, "set wish")
}

// RemoveWish deletes one side's wish; removing a wish that is not there is
// not an error.
func (s *Store) RemoveWish(ctx context.Context, attendeeID, exhibitorID int64, side expo.Side) error {
	err := s.w.WithContext(ctx).Where("attendee_id = ? AND exhibitor_id = ? AND side = ?", attendeeID, exhibitorID, string(side)).
		Delete(&wishRow{}).Error
	return dbErr(err, "remove wish")
}

// WishesOf lists the wishes one side made: an attendee's (side attendee,
// attendeeID set) or an exhibitor's (side exhibitor, exhibitorID set),
// heaviest first.
func (s *Store) WishesOf(ctx context.Context, side expo.Side, id int64) ([]Wish, error) {
	q := s.r.WithContext(ctx).Table("meeting_wishes w").
		Select(`w.attendee_id, w.exhibitor_id, w.side, w.weight, u.name AS attendee_name, u.email AS attendee_email,
			u.organization AS attendee_org, e.name AS exhibitor_name, e.slug AS exhibitor_slug`).
		Joins("JOIN users u ON u.id = w.attendee_id").Joins("JOIN exhibitors e ON e.id = w.exhibitor_id").
		Where("w.side = ?", string(side))
	if side == expo.SideAttendee {
		q = q.Where("w.attendee_id = ?", id)
	} else {
		q = q.Where("w.exhibitor_id = ?", id)
	}
	var out []Wish
	err := q.Order("w.weight DESC, w.id").Limit(500).Scan(&out).Error
	return out, dbErr(err, "list wishes")
}

// WishOf returns the weight of one side's wish, 0 when there is none.
func (s *Store) WishOf(ctx context.Context, attendeeID, exhibitorID int64, side expo.Side) (int, error) {
	var w []int
	err := s.r.WithContext(ctx).Model(&wishRow{}).Where("attendee_id = ? AND exhibitor_id = ? AND side = ?",
		attendeeID, exhibitorID, string(side)).Pluck("weight", &w).Error
	if err != nil || len(w) == 0 {
		return 0, dbErr(err, "wish")
	}
	return w[0], nil
}

// FindAttendees finds attendee accounts by e-mail or name, for exhibitors
// adding wishes.
func (s *Store) FindAttendees(ctx context.Context, q string, limit int) ([]expo.User, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	var rows []struct {
		ID           int64
		Email        string
		Name         string
		Organization string
	}
	err := s.r.WithContext(ctx).Model(&userRow{}).Select("id, email, name, organization").
		Where(`role = ? AND (LOWER(email) = ? OR LOWER(name) LIKE ? ESCAPE '\')`, string(expo.RoleAttendee), strings.ToLower(q), likeContains(strings.ToLower(q))).
		Order("name, id").Limit(limit).Scan(&rows).Error
	out := make([]expo.User, len(rows))
	for i, r := range rows {
		out[i] = expo.User{ID: r.ID, Email: r.Email, Name: r.Name, Organization: r.Organization}
	}
	return out, dbErr(err, "find attendees")
}

// SchedulerWish is a merged wish with what the preview shows.
type SchedulerWish struct {
	AttendeeID    int64
	ExhibitorID   int64
	AttendeeName  string
	ExhibitorName string
	ExhibitorSlug string
	// Language is the meeting language the commit will ask for.
	Language string
}

// SchedulerData is the scheduler's input plus what preview and commit need.
type SchedulerData struct {
	Input    expo.SchedInput
	Wishes   []SchedulerWish // parallel to Input.Wishes
	SlotTime map[int64]time.Time
}

// SchedulerInput loads everything the auto-scheduler needs in seven
// queries: merged wishes (weight = sum of both sides, expo.WishWeight) of
// approved exhibitors, future slots, exhibitors' availability and tables,
// open meetings (attendees' busy slots, pairs that already meet, the
// area's use per slot), the area's table count, and interpreters' pairs and
// free slots.
func (s *Store) SchedulerInput(ctx context.Context) (SchedulerData, error) {
	db := s.r.WithContext(ctx)
	now := s.now()
	d := SchedulerData{SlotTime: map[int64]time.Time{}}
	in := &d.Input
	in.Exhibitors = map[int64]expo.SchedExhibitor{}
	in.AttendeeBusy = map[int64][]int64{}
	in.AreaFree = map[int64]int{}

	var slots []struct {
		ID              int64
		StartsAt        time.Time
		RestrictCountry string
	}
	if err := db.Raw(`SELECT s.id, s.starts_at, b.restrict_country FROM slots s JOIN negotiation_blocks b ON b.id = s.block_id
		WHERE s.starts_at > ? ORDER BY s.starts_at, s.id`, now).Scan(&slots).Error; err != nil {
		return d, dbErr(err, "scheduler slots")
	}
	restricted := map[int64]string{} // slot → the country its themed block is limited to
	for _, sl := range slots {
		in.Slots = append(in.Slots, sl.ID)
		d.SlotTime[sl.ID] = sl.StartsAt
		if sl.RestrictCountry != "" {
			restricted[sl.ID] = sl.RestrictCountry
		}
	}

	var wishes []struct {
		AttendeeID, ExhibitorID int64
		AW, EW                  int
		AttendeeName            string
		AttendeeLangs           string
		AttendeeCountry         string
		ExhibitorName           string
		ExhibitorSlug           string
		ExhibitorLangs          string
		ExhibitorCountry        string
	}
	err := db.Raw(`SELECT w.attendee_id, w.exhibitor_id,
			SUM(CASE WHEN w.side = 'attendee' THEN w.weight ELSE 0 END) AS aw,
			SUM(CASE WHEN w.side = 'exhibitor' THEN w.weight ELSE 0 END) AS ew,
			u.name AS attendee_name, u.languages AS attendee_langs, u.country AS attendee_country,
			e.name AS exhibitor_name, e.slug AS exhibitor_slug, e.languages AS exhibitor_langs, e.country AS exhibitor_country
		FROM meeting_wishes w
		JOIN users u ON u.id = w.attendee_id AND u.role = ?
		JOIN exhibitors e ON e.id = w.exhibitor_id AND e.state = ?
		GROUP BY w.attendee_id, w.exhibitor_id, u.name, u.languages, u.country, e.name, e.slug, e.languages, e.country
		ORDER BY w.attendee_id, w.exhibitor_id`, string(expo.RoleAttendee), string(expo.StateApproved)).Scan(&wishes).Error
	if err != nil {
		return d, dbErr(err, "scheduler wishes")
	}

	var avail []struct {
		ExhibitorID, SlotID int64
		Booked, Tables      int
	}
	err = db.Raw(`SELECT a.exhibitor_id, a.slot_id, a.booked, e.meeting_tables AS tables
		FROM exhibitor_availability a JOIN exhibitors e ON e.id = a.exhibitor_id AND e.state = ?
		JOIN slots s ON s.id = a.slot_id WHERE s.starts_at > ?`, string(expo.StateApproved), now).Scan(&avail).Error
	if err != nil {
		return d, dbErr(err, "scheduler availability")
	}
	for _, a := range avail {
		x, ok := in.Exhibitors[a.ExhibitorID]
		if !ok {
			x = expo.SchedExhibitor{Tables: a.Tables, Booked: map[int64]int{}}
		}
		x.Booked[a.SlotID] = a.Booked
		in.Exhibitors[a.ExhibitorID] = x
	}

	var open []struct {
		AttendeeID, ExhibitorID, SlotID int64
	}
	if err := db.Raw(`SELECT attendee_id, exhibitor_id, slot_id FROM meetings WHERE status IN ?`, openStatuses).Scan(&open).Error; err != nil {
		return d, dbErr(err, "scheduler meetings")
	}
	met := map[[2]int64]bool{}
	used := map[int64]int{}
	for _, m := range open {
		met[[2]int64{m.AttendeeID, m.ExhibitorID}] = true
		if _, future := d.SlotTime[m.SlotID]; future {
			in.AttendeeBusy[m.AttendeeID] = append(in.AttendeeBusy[m.AttendeeID], m.SlotID)
			used[m.SlotID]++
		}
	}
	var tables int64
	if err := db.Table("meeting_tables").Count(&tables).Error; err != nil {
		return d, dbErr(err, "scheduler tables")
	}
	// Every open meeting holds (or, pending, will hold) one table.
	for _, id := range in.Slots {
		in.AreaFree[id] = max(int(tables)-used[id], 0)
	}

	var pairs []struct {
		InterpreterID int64
		LangA, LangB  string
	}
	if err := db.Raw(`SELECT interpreter_id, lang_a, lang_b FROM interpreter_languages ORDER BY interpreter_id, lang_a, lang_b`).Scan(&pairs).Error; err != nil {
		return d, dbErr(err, "scheduler interpreter pairs")
	}
	var free []struct{ InterpreterID, SlotID int64 }
	err = db.Raw(`SELECT a.interpreter_id, a.slot_id FROM interpreter_availability a JOIN slots s ON s.id = a.slot_id
		WHERE s.starts_at > ? AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.slot_id = a.slot_id
			AND m.interpreter_id = a.interpreter_id AND m.status IN ?)
		ORDER BY a.interpreter_id, s.starts_at`, now, openStatuses).Scan(&free).Error
	if err != nil {
		return d, dbErr(err, "scheduler interpreter slots")
	}
	idx := map[int64]int{}
	for _, p := range pairs {
		i, ok := idx[p.InterpreterID]
		if !ok {
			i = len(in.Interpreters)
			idx[p.InterpreterID] = i
			in.Interpreters = append(in.Interpreters, expo.SchedInterpreter{ID: p.InterpreterID})
		}
		in.Interpreters[i].Pairs = append(in.Interpreters[i].Pairs, expo.InterpreterPair(p.LangA, p.LangB))
	}
	for _, f := range free {
		if i, ok := idx[f.InterpreterID]; ok {
			in.Interpreters[i].Free = append(in.Interpreters[i].Free, f.SlotID)
		}
	}

	for _, w := range wishes {
		al, el := splitList(w.AttendeeLangs), splitList(w.ExhibitorLangs)
		// The same rule the booking engine applies: the first possible
		// meeting language, and the interpreter pair it then needs.
		lang := expo.MeetingLanguages(al, el)[0]
		sw := expo.SchedWish{Attendee: w.AttendeeID, Exhibitor: w.ExhibitorID, Weight: expo.WishWeight(w.AW, w.EW),
			HasMeeting: met[[2]int64{w.AttendeeID, w.ExhibitorID}]}
		if need := expo.NeedsInterpreter(al, el, lang); need.Needed {
			sw.Pairs = []string{expo.InterpreterPair(need.A, need.B)}
		}
		// The booking engine's rule for themed blocks: one side must be
		// from the block's country.
		for _, id := range in.Slots {
			if c, ok := restricted[id]; ok && c != w.AttendeeCountry && c != w.ExhibitorCountry {
				sw.Excluded = append(sw.Excluded, id)
			}
		}
		in.Wishes = append(in.Wishes, sw)
		d.Wishes = append(d.Wishes, SchedulerWish{AttendeeID: w.AttendeeID, ExhibitorID: w.ExhibitorID,
			AttendeeName: w.AttendeeName, ExhibitorName: w.ExhibitorName, ExhibitorSlug: w.ExhibitorSlug, Language: lang})
	}
	return d, nil
}

// PlannedMeeting is one placement to commit.
type PlannedMeeting struct {
	AttendeeID    int64
	ExhibitorID   int64
	SlotID        int64
	Language      string
	AttendeeName  string
	ExhibitorName string
}

// SkippedMeeting is a placement the commit could not book, and why
// (a message ID with its data).
type SkippedMeeting struct {
	PlannedMeeting
	Reason string
	Data   map[string]any
}

// CommitResult is what a commit did.
type CommitResult struct {
	Committed int
	Skipped   []SkippedMeeting
}

// commitBatch is how many meetings share one transaction.
const commitBatch = 100

// CommitSchedule books the planned meetings as accepted meetings initiated
// by the scheduler, through the booking engine (bookInTx), so every
// invariant — one open meeting per attendee and slot, the exhibitor's
// tables (guarded booked counter), one meeting per area table and per
// interpreter — is enforced by the database exactly as for a request.
//
// Transactions: batches of commitBatch meetings, each meeting inside its
// own savepoint. A meeting that no longer fits (someone booked meanwhile)
// rolls back to its savepoint and is reported as skipped, while the rest of
// the batch goes on — a single all-or-nothing transaction would let one
// late booking void the whole schedule, and would hold SQLite's only
// writer for the whole commit; one transaction per meeting would pay a
// commit (an fsync) per meeting. A pair that meanwhile holds an open
// meeting is skipped too, so committing twice never doubles.
func (s *Store) CommitSchedule(ctx context.Context, actorID int64, plan []PlannedMeeting) (CommitResult, error) {
	var res CommitResult
	for start := 0; start < len(plan); start += commitBatch {
		batch := plan[start:min(start+commitBatch, len(plan))]
		var committed int
		var skipped []SkippedMeeting
		err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			committed, skipped = 0, nil
			for i, p := range batch {
				var n int64
				if err := tx.Table("meetings").Where("attendee_id = ? AND exhibitor_id = ? AND status IN ?",
					p.AttendeeID, p.ExhibitorID, openStatuses).Count(&n).Error; err != nil {
					return err
				}
				if n > 0 {
					skipped = append(skipped, SkippedMeeting{PlannedMeeting: p, Reason: expo.ReasonAlreadyMet})
					continue
				}
				sp := "sched_" + strconv.Itoa(i)
				if err := tx.SavePoint(sp).Error; err != nil {
					return err
				}
				_, err := s.bookInTx(tx, booking{AttendeeID: p.AttendeeID, ExhibitorID: p.ExhibitorID, SlotID: p.SlotID,
					Initiator: expo.SideScheduler, Language: p.Language, ActorID: actorID})
				if err == nil {
					committed++
					continue
				}
				e, ok := expo.AsError(err)
				if !ok {
					return err
				}
				if rerr := tx.RollbackTo(sp).Error; rerr != nil {
					return rerr
				}
				reason, data := e.Message, e.Data
				for _, f := range e.Fields {
					reason = f // the field's message is the specific one
				}
				skipped = append(skipped, SkippedMeeting{PlannedMeeting: p, Reason: reason, Data: data})
			}
			// One audit row per transaction: a batch commits with its row.
			return s.audit(tx, auditEntry{action: AuditSchedulerCommit, subjectType: auditSubjectSchedulerTx,
				details: map[string]any{"committed": committed, "skipped": len(skipped), "batch": start/commitBatch + 1,
					"batches": (len(plan) + commitBatch - 1) / commitBatch, "planned": len(plan)},
				by: &expo.User{ID: actorID}})
		})
		if err != nil {
			return res, dbErr(err, "commit schedule")
		}
		res.Committed += committed
		res.Skipped = append(res.Skipped, skipped...)
	}
	return res, nil
}

// SchedulerMeetings counts the open meetings the scheduler has booked.
func (s *Store) SchedulerMeetings(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Table("meetings").Where("initiator = ? AND status IN ?", string(expo.SideScheduler), openStatuses).Count(&n).Error
	return n, dbErr(err, "count scheduler meetings")
}
