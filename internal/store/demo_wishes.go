package store

import (
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// demoWishes gives the auto-scheduler something to place: every demo
// attendee wishes to meet 2–6 approved exhibitors (popular ones more often),
// weights 1–3; exhibitors return about a third of those wishes (mutual,
// heavier in the scheduler) and add a few of their own. Deterministic (fixed
// seed), bulk inserted, a few thousand rows at demo scale. It only needs
// attendees and approved exhibitors; the slot grid and availability (the
// matchmaking core's demo) make the wishes placeable.
func demoWishes(tx *gorm.DB, now time.Time) error {
	var attendees, exhibitors []int64
	if err := tx.Model(&userRow{}).Where("role = ?", string(expo.RoleAttendee)).Order("id").Pluck("id", &attendees).Error; err != nil {
		return err
	}
	if err := tx.Table("exhibitors").Where("state = ?", string(expo.StateApproved)).Order("id").Pluck("id", &exhibitors).Error; err != nil {
		return err
	}
	if len(attendees) == 0 || len(exhibitors) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(5, 2026))
	type key struct {
		a, e int64
		side string
	}
	seen := map[key]bool{}
	var rows []wishRow
	add := func(a, e int64, side expo.Side, w int) {
		k := key{a, e, string(side)}
		if seen[k] {
			return
		}
		seen[k] = true
		rows = append(rows, wishRow{AttendeeID: a, ExhibitorID: e, Side: string(side), Weight: w, CreatedAt: now})
	}
	pick := func() int64 {
		f := rng.Float64()
		return exhibitors[int(f*f*float64(len(exhibitors)))]
	}
	for _, a := range attendees {
		for range 2 + rng.IntN(5) {
			e := pick()
			add(a, e, expo.SideAttendee, 1+rng.IntN(3))
			if rng.IntN(3) == 0 {
				add(a, e, expo.SideExhibitor, 1+rng.IntN(3))
			}
		}
		if rng.IntN(4) == 0 {
			add(a, pick(), expo.SideExhibitor, 1+rng.IntN(3))
		}
	}
	return tx.CreateInBatches(&rows, 500).Error
}
