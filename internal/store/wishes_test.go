package store_test

import (
	"context"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

func TestWishes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		fx := newMatchmaking(t, st, "Wish Korea Co", 4, 10)
		att := mmAttendees(t, st, "wisher", 2, "CN", "zh", "en")
		t.Run("bad weight", func(t *testing.T) {
			for _, w := range []int{0, 4, -1} {
				err := st.SetWish(ctx, att[0].ID, fx.ex.ID, expo.SideAttendee, w)
				if e, ok := expo.AsError(err); !ok || e.Fields["weight"] != "wish.error.weight" {
					t.Errorf("weight %d: %v", w, err)
				}
			}
		})
		t.Run("unknown exhibitor or non-attendee", func(t *testing.T) {
			wantErrMsg(t, st.SetWish(ctx, att[0].ID, 999999, expo.SideAttendee, 2), expo.CodeNotFound, "error.not_found")
			wantErrMsg(t, st.SetWish(ctx, fx.rep.ID, fx.ex.ID, expo.SideAttendee, 2), expo.CodeNotFound, "error.not_found")
		})
		t.Run("set, re-weight, list, remove", func(t *testing.T) {
			if err := st.SetWish(ctx, att[0].ID, fx.ex.ID, expo.SideAttendee, 2); err != nil {
				t.Fatal(err)
			}
			if err := st.SetWish(ctx, att[0].ID, fx.ex.ID, expo.SideAttendee, 3); err != nil {
				t.Fatal(err)
			}
			if err := st.SetWish(ctx, att[0].ID, fx.ex.ID, expo.SideExhibitor, 1); err != nil {
				t.Fatal(err)
			}
			mine, err := st.WishesOf(ctx, expo.SideAttendee, att[0].ID)
			if err != nil || len(mine) != 1 || mine[0].Weight != 3 || mine[0].ExhibitorName != fx.ex.Name {
				t.Fatalf("mine = %+v, %v", mine, err)
			}
			theirs, err := st.WishesOf(ctx, expo.SideExhibitor, fx.ex.ID)
			if err != nil || len(theirs) != 1 || theirs[0].AttendeeID != att[0].ID {
				t.Fatalf("exhibitor's = %+v, %v", theirs, err)
			}
			if err := st.RemoveWish(ctx, att[0].ID, fx.ex.ID, expo.SideExhibitor); err != nil {
				t.Fatal(err)
			}
			if w, _ := st.WishOf(ctx, att[0].ID, fx.ex.ID, expo.SideExhibitor); w != 0 {
				t.Errorf("removed wish still weighs %d", w)
			}
		})
		t.Run("schedule, commit, commit again", func(t *testing.T) {
			if err := st.SetWish(ctx, att[1].ID, fx.ex.ID, expo.SideExhibitor, 2); err != nil {
				t.Fatal(err)
			}
			d, err := st.SchedulerInput(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Input.Wishes) != 2 || len(d.Wishes) != 2 {
				t.Fatalf("wishes %+v", d.Input.Wishes)
			}
			if d.Input.Wishes[0].Weight != 3 || d.Input.Wishes[1].Weight != 2 {
				t.Errorf("weights %+v", d.Input.Wishes)
			}
			r := expo.ScheduleWishes(d.Input)
			if len(r.Placed) != 2 {
				t.Fatalf("placed %+v unplaced %+v", r.Placed, r.Unplaced)
			}
			var plan []store.PlannedMeeting
			for _, p := range r.Placed {
				w := d.Wishes[p.Wish]
				plan = append(plan, store.PlannedMeeting{AttendeeID: w.AttendeeID, ExhibitorID: w.ExhibitorID, SlotID: p.Slot, Language: w.Language})
			}
			// Someone books the first placement's slot meanwhile: that one is skipped.
			if _, err := st.RequestMeeting(ctx, att[0].ID, fx.ex.Slug, plan[0].SlotID, expo.MeetingRequest{Language: "en"}); err != nil {
				t.Fatalf("request: %v", err)
			}
			res, err := st.CommitSchedule(ctx, fx.rep.ID, plan)
			if err != nil {
				t.Fatal(err)
			}
			if res.Committed != 1 || len(res.Skipped) != 1 || res.Skipped[0].Reason != expo.ReasonAlreadyMet {
				t.Fatalf("result %+v", res)
			}
			again, err := st.CommitSchedule(ctx, fx.rep.ID, plan)
			if err != nil || again.Committed != 0 || len(again.Skipped) != 2 {
				t.Fatalf("second commit %+v, %v", again, err)
			}
			checkBooked(t, st)
			ms, err := st.MyMeetings(ctx, att[1])
			if err != nil || len(ms) != 1 || ms[0].Status != expo.MeetingAccepted || ms[0].Initiator != expo.SideScheduler {
				t.Fatalf("meetings %+v, %v", ms, err)
			}
			d2, err := st.SchedulerInput(ctx)
			if err != nil {
				t.Fatal(err)
			}
			r2 := expo.ScheduleWishes(d2.Input)
			if len(r2.Placed) != 0 {
				t.Errorf("wishes with meetings placed again: %+v", r2.Placed)
			}
		})
		t.Run("slot taken at commit is skipped", func(t *testing.T) {
			fx2 := newMatchmaking(t, st, "Wish Full Co", 4, 10)
			more := mmAttendees(t, st, "late", 2, "CN", "zh", "en")
			plan := []store.PlannedMeeting{{AttendeeID: more[0].ID, ExhibitorID: fx2.ex.ID, SlotID: fx2.slots[0].ID, Language: "en"}}
			if _, err := st.RequestMeeting(ctx, more[1].ID, fx2.ex.Slug, fx2.slots[0].ID, expo.MeetingRequest{Language: "en"}); err != nil {
				t.Fatalf("request: %v", err)
			}
			res, err := st.CommitSchedule(ctx, fx2.rep.ID, plan)
			if err != nil || res.Committed != 0 || len(res.Skipped) != 1 || res.Skipped[0].Reason != expo.ErrSlotTaken.Message {
				t.Fatalf("result %+v, %v", res, err)
			}
			checkBooked(t, st)
		})
	})
}

// TestSchedulerRespectsThemedBlocks: the scheduler never places a Chinese
// attendee with a Chinese exhibitor in a block limited to Korea, and says why.
func TestSchedulerRespectsThemedBlocks(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Themed Wish Co", 2, 4)
		b, err := st.CreateBlock(ctx, expo.BlockInput{Day: f.day, Start: "14:00", End: "15:00", SlotMinutes: 30, Theme: "Korean Business Day", RestrictCountry: "KR"}, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		grid, err := st.AvailabilityGrid(ctx, f.ex.ID)
		if err != nil {
			t.Fatal(err)
		}
		var themed, other []int64
		for _, s := range grid {
			if s.BlockID == b.ID {
				themed = append(themed, s.ID)
			} else {
				other = append(other, s.ID)
			}
		}
		// The exhibitor is available only in the Korean block.
		if _, err := st.SetAvailability(ctx, f.ex.ID, other, false); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetAvailability(ctx, f.ex.ID, themed, true); err != nil {
			t.Fatal(err)
		}
		if err := st.MMTestExhibitorLangs(ctx, f.ex.ID, "CN", "en"); err != nil {
			t.Fatal(err)
		}
		cn := mmAttendees(t, st, "themedcn", 1, "CN", "en")[0]
		kr := mmAttendees(t, st, "themedkr", 1, "KR", "en")[0]
		for _, a := range []int64{cn.ID, kr.ID} {
			if err := st.SetWish(ctx, a, f.ex.ID, expo.SideAttendee, 2); err != nil {
				t.Fatal(err)
			}
		}
		d, err := st.SchedulerInput(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r := expo.ScheduleWishes(d.Input)
		for _, p := range r.Placed {
			if d.Input.Wishes[p.Wish].Attendee == cn.ID {
				t.Fatalf("the Chinese attendee was placed in slot %d of the Korean block", p.Slot)
			}
		}
		placedKR := false
		for _, p := range r.Placed {
			placedKR = placedKR || d.Input.Wishes[p.Wish].Attendee == kr.ID
		}
		if !placedKR {
			t.Errorf("the Korean attendee was not placed: %+v", r.Unplaced)
		}
		for _, u := range r.Unplaced {
			if d.Input.Wishes[u.Wish].Attendee == cn.ID && u.Reason != expo.ReasonThemedBlock {
				t.Errorf("the Chinese attendee's reason = %s, want %s", u.Reason, expo.ReasonThemedBlock)
			}
		}
	})
}
