package store

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// Demo matchmaking: a slot grid over the five expo days (a morning and an
// afternoon block a day, 30-minute slots; the second afternoon is the
// "Korean Business Day" block limited to Korea), the 40 numbered tables of
// the negotiation area, availability for most approved exhibitors (1–3
// tables, every fourth auto-accepting), and meetings in every state that
// obey the same invariants as real bookings: booked equals the open
// meetings, one open meeting per attendee and slot, one per table and
// slot, a shared language, the request quota. Everything is generated in
// Go and written with batched inserts, so it stays fast at expo scale.

type demoAvailabilityRow struct {
	ExhibitorID int64
	SlotID      int64
	Booked      int
}

func (demoAvailabilityRow) TableName() string { return "exhibitor_availability" }

// demoMeetingsWanted is the most meeting attempts the generator makes;
// the invariants turn some away.
const demoMeetingsWanted = 9000

// demoTablesKeptFree tables of every slot stay free for live bookings.
const demoTablesKeptFree = 8

// loadDemoMatchmaking adds the matchmaking demo data inside LoadDemo's
// transaction; start is the first expo day (midnight in loc).
// wanted, when positive, is the number of meetings to reach (the
// expo-scale benchmark); zero keeps the default demo's attempts.
func (s *Store) loadDemoMatchmaking(tx *gorm.DB, start time.Time, loc *time.Location, now time.Time, wanted int) error {
	rng := rand.New(rand.NewPCG(2026, 5))
	// The grid.
	type slotInfo struct {
		id       int64
		start    time.Time
		restrict string
	}
	var slots []slotInfo
	for d := 0; d < 5; d++ {
		day := start.AddDate(0, 0, d)
		afternoonEnd := "17:00"
		if d == 4 {
			afternoonEnd = "15:00" // the last day closes early
		}
		for _, in := range []expo.BlockInput{
			{Day: day.Format(dayLayout), Start: "09:00", End: "12:00", SlotMinutes: 30},
			{Day: day.Format(dayLayout), Start: "13:30", End: afternoonEnd, SlotMinutes: 30},
		} {
			if d == 1 && in.Start == "13:30" {
				in.Theme, in.RestrictCountry = "Korean Business Day", "KR"
			}
			b, err := in.Validate(loc, time.Time{}, time.Time{})
			if err != nil {
				return err
			}
			spans, err := expo.SlotGrid(b)
			if err != nil {
				return err
			}
			row := blockRow{Day: in.Day, StartsAt: b.Start.UTC(), EndsAt: b.End.UTC(), SlotMinutes: b.SlotMinutes, Theme: b.Theme, RestrictCountry: b.RestrictCountry}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			rows := make([]slotRow, len(spans))
			for i, sp := range spans {
				rows[i] = slotRow{BlockID: row.ID, StartsAt: sp.Start.UTC(), EndsAt: sp.End.UTC()}
			}
			if err := tx.CreateInBatches(&rows, 200).Error; err != nil {
				return err
			}
			for _, r := range rows {
				slots = append(slots, slotInfo{id: r.ID, start: r.StartsAt, restrict: b.RestrictCountry})
			}
		}
	}
	tables := make([]meetingTableRow, 40)
	for i := range tables {
		tables[i] = meetingTableRow{Number: i + 1, Area: "Negotiation Area, Hall D"}
	}
	if err := tx.Create(&tables).Error; err != nil {
		return err
	}

	// The parties.
	type party struct {
		ID        int64
		Country   string
		Languages string
		langs     []string
	}
	var exhibitors, attendees []party
	if err := tx.Raw("SELECT id, country, languages FROM exhibitors WHERE state = ? ORDER BY id", string(expo.StateApproved)).Scan(&exhibitors).Error; err != nil {
		return err
	}
	if err := tx.Raw("SELECT id, country, languages FROM users WHERE role = ? ORDER BY id", string(expo.RoleAttendee)).Scan(&attendees).Error; err != nil {
		return err
	}
	for i := range exhibitors {
		exhibitors[i].langs = splitList(exhibitors[i].Languages)
	}
	for i := range attendees {
		attendees[i].langs = splitList(attendees[i].Languages)
	}
	if len(exhibitors) == 0 {
		return nil
	}

	// Settings and availability: 85% of the exhibitors, each in about
	// three slots of four.
	type key struct{ ex, slot int }
	tablesOf := make([]int, len(exhibitors))
	available := map[key]bool{}
	booked := map[key]int{}
	var byTables [3][]int64
	var auto []int64
	for i, e := range exhibitors {
		tablesOf[i] = 1 + rng.IntN(3)
		if i == 0 {
			tablesOf[i] = 1 // exhibitor1@demo.expo: one table, answers requests itself
		}
		byTables[tablesOf[i]-1] = append(byTables[tablesOf[i]-1], e.ID)
		if i%4 == 1 {
			auto = append(auto, e.ID)
		}
		if i%7 == 6 && i > 2 {
			continue // not taking part in the matchmaking
		}
		for j := range slots {
			if i < 3 || rng.IntN(4) != 0 { // the first accounts are available everywhere
				available[key{i, j}] = true
			}
		}
	}
	for n, ids := range byTables {
		for chunk := range slices.Chunk(ids, 500) {
			if err := tx.Exec("UPDATE exhibitors SET meeting_tables = ? WHERE id IN ?", n+1, chunk).Error; err != nil {
				return err
			}
		}
	}
	for chunk := range slices.Chunk(auto, 500) {
		if err := tx.Exec("UPDATE exhibitors SET auto_accept = ? WHERE id IN ?", true, chunk).Error; err != nil {
			return err
		}
	}

	// Meetings.
	var meetings []meetingRow
	busy := map[key]bool{}               // attendee index, slot index
	tableNext := make([]int, len(slots)) // next free table per slot
	quota := map[int64]int{}
	if len(attendees) > 0 {
		// About 18 attempts per attendee (at most demoMeetingsWanted), so a
		// small demo leaves most of everybody's time free.
		attempts := min(demoMeetingsWanted, 18*len(attendees))
		if wanted > 0 {
			attempts = 50 * wanted // the invariants turn most attempts away once the grid fills
		}
		for k := 0; k < attempts && (wanted == 0 || len(meetings) < wanted); k++ {
			// The first demo attendee and exhibitor get a full diary, so the
			// demo accounts show every state.
			ai, ei := rng.IntN(len(attendees)), rng.IntN(len(exhibitors))
			if k%100 == 0 {
				ai = 0
			} else if k%150 == 0 {
				ei = 0
			}
			sj := rng.IntN(len(slots))
			a, e, sl := attendees[ai], exhibitors[ei], slots[sj]
			if !available[key{ei, sj}] || (sl.restrict != "" && sl.restrict != a.Country && sl.restrict != e.Country) {
				continue
			}
			lang := sharedLanguage(a.langs, e.langs)
			if lang == "" {
				continue // would need an interpreter; the demo keeps to shared languages
			}
			m := meetingRow{SlotID: sl.id, ExhibitorID: e.ID, AttendeeID: a.ID, Initiator: string(expo.SideAttendee), Language: lang,
				Message: demoMeetingMessages[rng.IntN(len(demoMeetingMessages))], CreatedAt: now.Add(-time.Duration(1+rng.IntN(240)) * time.Hour)}
			m.UpdatedAt = m.CreatedAt
			if rng.IntN(6) == 0 {
				m.Initiator = string(expo.SideExhibitor)
			}
			r := rng.IntN(100)
			switch {
			case r < 55:
				m.Status = string(expo.MeetingAccepted)
			case r < 75:
				m.Status = string(expo.MeetingPending)
			case r < 87:
				m.Status, m.Reason = string(expo.MeetingDeclined), demoDeclineReasons[rng.IntN(len(demoDeclineReasons))]
			case r < 94:
				m.Status, m.Reason = string(expo.MeetingCancelled), "Travel plans changed"
			default:
				m.Status = string(expo.MeetingExpired)
				exp := m.CreatedAt.Add(expo.DefaultRequestTTL)
				if exp.After(now) {
					exp = now.Add(-time.Hour)
				}
				m.ExpiresAt = &exp
			}
			if expo.MeetingStatus(m.Status).Open() {
				if busy[key{ai, sj}] || booked[key{ei, sj}] >= tablesOf[ei] {
					continue
				}
				if m.Status == string(expo.MeetingAccepted) {
					if tableNext[sj] >= len(tables)-demoTablesKeptFree {
						// The area is nearly full: the request waits for an
						// answer, and live bookings still find a table.
						m.Status = string(expo.MeetingPending)
					} else {
						m.TableID = &tables[tableNext[sj]].ID
						tableNext[sj]++
					}
				}
				if m.Status == string(expo.MeetingPending) {
					if m.Initiator == string(expo.SideAttendee) {
						if quota[a.ID] >= expo.DefaultOpenRequestLimit {
							continue
						}
						quota[a.ID]++
					}
					exp := expo.RequestExpiry(now, sl.start, expo.DefaultRequestTTL)
					m.ExpiresAt = &exp
				}
				busy[key{ai, sj}] = true
				booked[key{ei, sj}]++
			} else if m.Status != string(expo.MeetingExpired) {
				m.ClosedBy = &a.ID
				m.UpdatedAt = m.CreatedAt.Add(time.Hour)
			}
			meetings = append(meetings, m)
		}
	}

	avail := make([]demoAvailabilityRow, 0, len(available))
	for i := range exhibitors {
		for j := range slots {
			if available[key{i, j}] {
				avail = append(avail, demoAvailabilityRow{ExhibitorID: exhibitors[i].ID, SlotID: slots[j].id, Booked: booked[key{i, j}]})
			}
		}
	}
	if err := tx.CreateInBatches(&avail, 1000).Error; err != nil {
		return err
	}
	if len(meetings) > 0 {
		if err := tx.CreateInBatches(&meetings, 500).Error; err != nil {
			return err
		}
	}
	if len(quota) > 0 {
		var b strings.Builder
		args := make([]any, 0, 2*len(quota))
		b.WriteString("INSERT INTO matchmaking_quota (user_id, open_requests) VALUES ")
		first := true
		for id, n := range quota {
			if !first {
				b.WriteString(", ")
			}
			first = false
			b.WriteString("(?, ?)")
			args = append(args, id, n)
		}
		if err := tx.Exec(b.String(), args...).Error; err != nil {
			return err
		}
	}
	return nil
}

var demoMeetingMessages = []string{
	"We distribute medical devices in Northeast China and would like to discuss an agency agreement.",
	"Our group is looking for battery suppliers for electric buses; could we talk about volumes for 2027?",
	"I represent a Mongolian trading company interested in your agricultural products.",
	"We would like to learn more about your investment consultancy services for the Russian market.",
	"Interested in a joint venture for new materials; happy to share our plant data.",
	"Could we discuss logistics via the Tumen River corridor?",
	"",
}

var demoDeclineReasons = []string{
	"Our team is fully booked at that time",
	"Not a match for our product range",
	"",
}

// sharedLanguage is the first of the attendee's languages the exhibitor
// also speaks, or "" (the meeting would need an interpreter).
func sharedLanguage(attendee, exhibitor []string) string {
	for _, l := range attendee {
		if slices.Contains(exhibitor, l) {
			return l
		}
	}
	return ""
}
