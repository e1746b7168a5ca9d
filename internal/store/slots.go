package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"expo/internal/expo"
)

// The slot grid of the matchmaking: negotiation blocks cut into slots, the
// numbered tables of the negotiation area, and each exhibitor's tables,
// auto-accept setting and availability.

type blockRow struct {
	ID              int64
	Day             string
	StartsAt        time.Time
	EndsAt          time.Time
	SlotMinutes     int
	BreakMinutes    int
	Theme           string
	RestrictCountry string
}

func (blockRow) TableName() string { return "negotiation_blocks" }

type slotRow struct {
	ID       int64
	BlockID  int64
	StartsAt time.Time
	EndsAt   time.Time
}

func (slotRow) TableName() string { return "slots" }

type meetingTableRow struct {
	ID     int64
	Number int
	Area   string
}

func (meetingTableRow) TableName() string { return "meeting_tables" }

// ErrBlockOverlap: a block may not overlap another on the same day (an
// attendee could otherwise hold two meetings at once in two slots).
var ErrBlockOverlap = &expo.Error{Code: expo.CodeConflict, Message: "error.form", Fields: map[string]string{"start": "slots.error.overlap"}}

// ErrBlockInUse: a block whose slots hold meetings is not deleted.
var ErrBlockInUse = expo.Errorf(expo.CodeConflict, "slots.error.in_use")

// CreateBlock validates the input against the expo's days and creates the
// block with its slots in one transaction. Overlapping another block of the
// day is ErrBlockOverlap.
func (s *Store) CreateBlock(ctx context.Context, in expo.BlockInput, loc *time.Location) (expo.Block, error) {
	ev, ok, err := s.Event(ctx, loc)
	if err != nil {
		return expo.Block{}, err
	}
	var first, last time.Time
	if ok {
		first, last = ev.StartsOn, ev.EndsOn
	}
	b, err := in.Validate(loc, first, last)
	if err != nil {
		return expo.Block{}, err
	}
	spans, err := expo.SlotGrid(b)
	if err != nil {
		return expo.Block{}, err
	}
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&blockRow{}).Where("starts_at < ? AND ends_at > ?", b.End.UTC(), b.Start.UTC()).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrBlockOverlap
		}
		row := blockRow{Day: b.Day.Format(dayLayout), StartsAt: b.Start.UTC(), EndsAt: b.End.UTC(), SlotMinutes: b.SlotMinutes,
			BreakMinutes: b.BreakMinutes, Theme: b.Theme, RestrictCountry: b.RestrictCountry}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		slots := make([]slotRow, len(spans))
		for i, sp := range spans {
			slots[i] = slotRow{BlockID: row.ID, StartsAt: sp.Start.UTC(), EndsAt: sp.End.UTC()}
		}
		if err := tx.CreateInBatches(&slots, 500).Error; err != nil {
			return err
		}
		b.ID, b.Slots = row.ID, len(slots)
		return nil
	})
	return b, dbErr(err, "create negotiation block")
}

// Blocks lists the negotiation blocks by start, with their slot counts.
func (s *Store) Blocks(ctx context.Context, loc *time.Location) ([]expo.Block, error) {
	var rows []struct {
		ID              int64
		Day             string
		StartsAt        time.Time
		EndsAt          time.Time
		SlotMinutes     int
		BreakMinutes    int
		Theme           string
		RestrictCountry string
		Slots           int
		Meetings        int
	}
	err := s.r.WithContext(ctx).Raw(`SELECT b.id, b.day, b.starts_at, b.ends_at, b.slot_minutes, b.break_minutes, b.theme, b.restrict_country,
			(SELECT COUNT(*) FROM slots s WHERE s.block_id = b.id) AS slots,
			(SELECT COUNT(*) FROM meetings m JOIN slots s ON s.id = m.slot_id WHERE s.block_id = b.id) AS meetings
		FROM negotiation_blocks b ORDER BY b.starts_at, b.id`).Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "list blocks")
	}
	out := make([]expo.Block, len(rows))
	for i, r := range rows {
		day, _ := time.ParseInLocation(dayLayout, r.Day, loc)
		out[i] = expo.Block{ID: r.ID, Day: day, Start: r.StartsAt.In(loc), End: r.EndsAt.In(loc), SlotMinutes: r.SlotMinutes,
			BreakMinutes: r.BreakMinutes, Theme: r.Theme, RestrictCountry: r.RestrictCountry, Slots: r.Slots, Meetings: r.Meetings}
	}
	return out, nil
}

// DeleteBlock deletes a block and its slots (and availability); a block
// with any meeting, open or past, is ErrBlockInUse.
func (s *Store) DeleteBlock(ctx context.Context, id int64) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Raw("SELECT COUNT(*) FROM meetings m JOIN slots s ON s.id = m.slot_id WHERE s.block_id = ?", id).Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrBlockInUse
		}
		res := tx.Delete(&blockRow{}, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return expo.ErrNotFound
		}
		return nil
	})
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return ErrBlockInUse
	}
	return dbErr(err, "delete block")
}

// MaxMeetingTables bounds the negotiation area.
const MaxMeetingTables = 500

// TableCount returns how many numbered tables the negotiation area has, and
// its area label.
func (s *Store) TableCount(ctx context.Context) (n int, area string, err error) {
	var row struct {
		N    int
		Area string
	}
	err = s.r.WithContext(ctx).Raw("SELECT COUNT(*) AS n, COALESCE(MAX(area), '') AS area FROM meeting_tables").Scan(&row).Error
	return row.N, row.Area, dbErr(err, "count tables")
}

// SetTables makes the negotiation area tables 1..n labelled area. Tables
// above n that hold an open meeting stop the change (a conflict on field
// "tables"); free ones are removed.
func (s *Store) SetTables(ctx context.Context, n int, area string) error {
	var v expo.Validator
	if n < 0 || n > MaxMeetingTables {
		v.Fail("tables", "slots.error.tables")
	}
	area = v.Line("area", area, false, expo.MaxNameLen)
	if err := v.Err(); err != nil {
		return err
	}
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var busy int64
		if err := tx.Raw(`SELECT COUNT(*) FROM meetings m JOIN meeting_tables t ON t.id = m.table_id
			WHERE t.number > ? AND m.status IN ?`, n, openStatuses).Scan(&busy).Error; err != nil {
			return err
		}
		if busy > 0 {
			return &expo.Error{Code: expo.CodeConflict, Message: "error.form", Fields: map[string]string{"tables": "slots.error.tables_in_use"}}
		}
		if err := tx.Where("number > ?", n).Delete(&meetingTableRow{}).Error; err != nil {
			return err
		}
		if err := tx.Model(&meetingTableRow{}).Where("1 = 1").Update("area", area).Error; err != nil {
			return err
		}
		rows := make([]meetingTableRow, 0, n)
		for i := 1; i <= n; i++ {
			rows = append(rows, meetingTableRow{Number: i, Area: area})
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "number"}}, DoNothing: true}).CreateInBatches(&rows, 500).Error
	})
	return dbErr(err, "set tables")
}

// MeetingSettings are an exhibitor's matchmaking settings.
type MeetingSettings struct {
	Tables     int
	AutoAccept bool
}

// ExhibitorMeetingSettings returns the exhibitor's tables and auto-accept.
func (s *Store) ExhibitorMeetingSettings(ctx context.Context, exhibitorID int64) (MeetingSettings, error) {
	var out struct {
		MeetingTables int
		AutoAccept    bool
	}
	res := s.r.WithContext(ctx).Table("exhibitors").Select("meeting_tables, auto_accept").Where("id = ?", exhibitorID).Scan(&out)
	if res.Error != nil {
		return MeetingSettings{}, dbErr(res.Error, "read meeting settings")
	}
	if res.RowsAffected == 0 {
		return MeetingSettings{}, expo.ErrNotFound
	}
	return MeetingSettings{Tables: out.MeetingTables, AutoAccept: out.AutoAccept}, nil
}

// SetExhibitorMeetingSettings sets tables (1–20) and auto-accept. Fewer
// tables than the exhibitor already has booked in some slot is refused
// (a guarded update), so booked never exceeds tables.
func (s *Store) SetExhibitorMeetingSettings(ctx context.Context, exhibitorID int64, set MeetingSettings) error {
	if set.Tables < 1 || set.Tables > 20 {
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"tables": "slots.error.exhibitor_tables"}}
	}
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE exhibitors SET meeting_tables = ?, auto_accept = ? WHERE id = ?
			AND NOT EXISTS (SELECT 1 FROM exhibitor_availability a WHERE a.exhibitor_id = ? AND a.booked > ?)`,
			set.Tables, set.AutoAccept, exhibitorID, exhibitorID, set.Tables)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Table("exhibitors").Where("id = ?", exhibitorID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return expo.ErrNotFound
			}
			return &expo.Error{Code: expo.CodeConflict, Message: "error.form", Fields: map[string]string{"tables": "slots.error.tables_booked"}}
		}
		return nil
	})
	return dbErr(err, "set meeting settings")
}

// AvailabilityGrid lists every slot with whether the exhibitor is
// available in it and how many meetings it holds there, by start.
func (s *Store) AvailabilityGrid(ctx context.Context, exhibitorID int64) ([]expo.Slot, error) {
	var rows []struct {
		ID, BlockID            int64
		StartsAt, EndsAt       time.Time
		Theme, RestrictCountry string
		Available              bool
		Booked                 int
	}
	err := s.r.WithContext(ctx).Raw(`SELECT s.id, s.block_id, s.starts_at, s.ends_at, b.theme, b.restrict_country,
			a.exhibitor_id IS NOT NULL AS available, COALESCE(a.booked, 0) AS booked
		FROM slots s JOIN negotiation_blocks b ON b.id = s.block_id
		LEFT JOIN exhibitor_availability a ON a.slot_id = s.id AND a.exhibitor_id = ?
		ORDER BY s.starts_at, s.id`, exhibitorID).Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "read availability")
	}
	out := make([]expo.Slot, len(rows))
	for i, r := range rows {
		out[i] = expo.Slot{ID: r.ID, BlockID: r.BlockID, Start: r.StartsAt.UTC(), End: r.EndsAt.UTC(), Theme: r.Theme,
			RestrictCountry: r.RestrictCountry, Available: r.Available, Booked: r.Booked}
	}
	return out, nil
}

// SetAvailability marks the exhibitor available (or not) in the slots.
// Slots that already hold a meeting stay available when turning off; the
// number of slots kept for that reason is returned.
func (s *Store) SetAvailability(ctx context.Context, exhibitorID int64, slotIDs []int64, available bool) (kept int, err error) {
	if len(slotIDs) == 0 {
		return 0, nil
	}
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if available {
			var ids []int64
			if err := tx.Model(&slotRow{}).Where("id IN ?", slotIDs).Pluck("id", &ids).Error; err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil
			}
			rows := make([]map[string]any, len(ids))
			for i, id := range ids {
				rows[i] = map[string]any{"exhibitor_id": exhibitorID, "slot_id": id, "booked": 0}
			}
			return tx.Table("exhibitor_availability").Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 500).Error
		}
		if err := tx.Exec("DELETE FROM exhibitor_availability WHERE exhibitor_id = ? AND slot_id IN ? AND booked = 0", exhibitorID, slotIDs).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.Table("exhibitor_availability").Where("exhibitor_id = ? AND slot_id IN ?", exhibitorID, slotIDs).Count(&n).Error; err != nil {
			return err
		}
		kept = int(n)
		return nil
	})
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return 0, expo.ErrNotFound
	}
	return kept, dbErr(err, "set availability")
}

// SlotsOfDay returns the ids of the slots on day ("YYYY-MM-DD").
func (s *Store) SlotsOfDay(ctx context.Context, day string) ([]int64, error) {
	var ids []int64
	err := s.r.WithContext(ctx).Raw("SELECT s.id FROM slots s JOIN negotiation_blocks b ON b.id = s.block_id WHERE b.day = ?", day).
		Scan(&ids).Error
	return ids, dbErr(err, "list slots of day")
}

// FreeSlots lists the exhibitor's slots free for the attendee, by start:
// not started at now, the exhibitor available with a free table, the
// attendee (when attendeeID > 0) without an open meeting then, and the
// block's country restriction met by either side, and a table of the
// negotiation area still free. TablesFree is the
// exhibitor's tables minus its meetings in the slot.
func (s *Store) FreeSlots(ctx context.Context, exhibitorID, attendeeID int64, now time.Time) ([]expo.Slot, error) {
	var attCountry string
	if attendeeID > 0 {
		if err := s.r.WithContext(ctx).Model(&userRow{}).Select("country").Where("id = ?", attendeeID).Scan(&attCountry).Error; err != nil {
			return nil, dbErr(err, "read attendee")
		}
	}
	var rows []struct {
		ID, BlockID            int64
		StartsAt, EndsAt       time.Time
		Theme, RestrictCountry string
		TablesFree             int
	}
	err := s.r.WithContext(ctx).Raw(`SELECT s.id, s.block_id, s.starts_at, s.ends_at, b.theme, b.restrict_country,
			e.meeting_tables - a.booked AS tables_free
		FROM exhibitor_availability a
		JOIN exhibitors e ON e.id = a.exhibitor_id
		JOIN slots s ON s.id = a.slot_id
		JOIN negotiation_blocks b ON b.id = s.block_id
		WHERE a.exhibitor_id = ? AND a.booked < e.meeting_tables AND s.starts_at > ?
		  AND (b.restrict_country = '' OR b.restrict_country = e.country OR b.restrict_country = ?)
		  AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.attendee_id = ? AND m.slot_id = s.id AND m.status IN ?)
		  AND `+tableFree("s.id")+`
		ORDER BY s.starts_at, s.id`, exhibitorID, now, attCountry, attendeeID, openStatuses).Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "list free slots")
	}
	out := make([]expo.Slot, len(rows))
	for i, r := range rows {
		out[i] = expo.Slot{ID: r.ID, BlockID: r.BlockID, Start: r.StartsAt.UTC(), End: r.EndsAt.UTC(), Theme: r.Theme,
			RestrictCountry: r.RestrictCountry, TablesFree: r.TablesFree, Available: true}
	}
	return out, nil
}
