package store

import (
	"slices"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// demoWaitlist is how many people wait at each full demo forum (at most).
const demoWaitlist = 12

// demoRegistrations signs the demo attendees up for the published demo
// forums inside LoadDemo's transaction. The two smallest forums end up full
// with a waitlist; when there are too few demo attendees to fill them, their
// capacity is lowered below the number of attendees (never raised, so no
// capacity clash appears). attendee1 holds the first waitlist place of the
// smallest forum and a confirmed seat at the second, so its agenda shows
// both states, plus seats at two more forums. Other forums get a spread of confirmed registrations, never
// beyond capacity. Rows are inserted in bulk and each forum's counters are
// set to its confirmed and waiting rows.
func demoRegistrations(tx *gorm.DB, now time.Time) error {
	var forums []forumRow
	if err := tx.Where("published").Order("capacity, id").Find(&forums).Error; err != nil {
		return err
	}
	var attendees []int64
	if err := tx.Model(&userRow{}).Where("role = ?", string(expo.RoleAttendee)).Order("id").Pluck("id", &attendees).Error; err != nil {
		return err
	}
	if len(forums) == 0 || len(attendees) < 2 {
		return nil
	}
	var rows []registrationRow
	type counts struct{ confirmed, waitlisted int }
	counters := map[int64]*counts{}
	add := func(f forumRow, user int64, status expo.RegistrationStatus) {
		rows = append(rows, registrationRow{ForumID: f.ID, UserID: user, Status: string(status), CreatedAt: now})
		c := counters[f.ID]
		if c == nil {
			c = &counts{}
			counters[f.ID] = c
		}
		if status == expo.RegistrationConfirmed {
			c.confirmed++
		} else {
			c.waitlisted++
		}
	}
	confirmed := func(id int64) int {
		if c := counters[id]; c != nil {
			return c.confirmed
		}
		return 0
	}
	full := min(2, len(forums))
	for i := range full {
		f := &forums[i]
		if f.Capacity >= len(attendees) {
			f.Capacity = max(1, len(attendees)*2/3)
			if err := tx.Model(&forumRow{}).Where("id = ?", f.ID).Update("capacity", f.Capacity).Error; err != nil {
				return err
			}
		}
		order := slices.Clone(attendees[1:])
		at := f.Capacity // attendee1 waits first in line at the smallest forum
		if i == 1 {
			at = 0 // and holds a seat at the second
		}
		order = slices.Insert(order, min(at, len(order)), attendees[0])
		for n, u := range order[:min(len(order), f.Capacity+demoWaitlist)] {
			if n < f.Capacity {
				add(*f, u, expo.RegistrationConfirmed)
			} else {
				add(*f, u, expo.RegistrationWaitlisted)
			}
		}
	}
	mine := demoOverlapPick(tx, forums[:full], forums[full:])
	for j, f := range forums[full:] {
		for i, u := range attendees {
			if confirmed(f.ID) >= f.Capacity*3/4 {
				break
			}
			// attendee1 keeps a readable agenda: one or two more forums,
			// one of them overlapping, so the agenda shows its warning.
			if (i == 0 && mine[f.ID]) || (i > 0 && (i+j)%3 == 0) {
				add(f, u, expo.RegistrationConfirmed)
			}
		}
	}
	if err := tx.CreateInBatches(&rows, 500).Error; err != nil {
		return err
	}
	for id, c := range counters {
		if err := tx.Model(&forumRow{}).Where("id = ?", id).
			Updates(map[string]any{"confirmed": c.confirmed, "waitlisted": c.waitlisted}).Error; err != nil {
			return err
		}
	}
	return nil
}

// demoOverlapPick chooses attendee1's extra forums among others: the first
// one whose sessions overlap a session of the taken forums (or of another
// forum), and the first forum overall.
func demoOverlapPick(tx *gorm.DB, taken, others []forumRow) map[int64]bool {
	pick := map[int64]bool{}
	if len(others) == 0 {
		return pick
	}
	pick[others[0].ID] = true
	var sessions []forumSessionRow
	if err := tx.Order("starts_at, id").Find(&sessions).Error; err != nil {
		return pick
	}
	mineIDs := map[int64]bool{others[0].ID: true}
	for _, f := range taken {
		mineIDs[f.ID] = true
	}
	var mine []forumSessionRow
	for _, s := range sessions {
		if mineIDs[s.ForumID] {
			mine = append(mine, s)
		}
	}
	for _, f := range others[1:] {
		for _, s := range sessions {
			if s.ForumID != f.ID {
				continue
			}
			for _, m := range mine {
				if s.StartsAt.Before(m.EndsAt) && m.StartsAt.Before(s.EndsAt) {
					pick[f.ID] = true
					return pick
				}
			}
		}
	}
	return pick
}
