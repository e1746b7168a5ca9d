package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// approvedCompanies adds n approved exhibitors through the application
// path and returns their ids.
func approvedCompanies(t *testing.T, st *store.Store, prefix string, n int, wish expo.BoothWish, raw int) []int64 {
	t.Helper()
	ctx := context.Background()
	org := boothOrganizer(t, st)
	ids := make([]int64, n)
	for i := range ids {
		ex, _, err := st.Apply(ctx, store.NewApplication{Application: expo.Application{
			Name: fmt.Sprintf("%s %d", prefix, i), NameLatin: fmt.Sprintf("%s %d", prefix, i), Country: "CN", Sectors: []string{"automotive"},
			Description: "Parts", ContactName: "Li", ContactEmail: fmt.Sprintf("%s%d@example.com", prefix, i), ContactPhone: "+86 431 1234567",
			BoothWish: wish, RawSpaceM2: raw, Languages: []string{"zh"},
		}, Password: "a long password", Submit: true})
		if err != nil {
			t.Fatalf("apply %d: %v", i, err)
		}
		if _, err := st.Transition(ctx, ex.ID, expo.StateApproved, org, ""); err != nil {
			t.Fatalf("approve %d: %v", i, err)
		}
		ids[i] = ex.ID
	}
	return ids
}

func boothOrganizer(t *testing.T, st *store.Store) expo.User {
	t.Helper()
	ctx := context.Background()
	if u, err := st.UserByEmail(ctx, "boss@example.com"); err == nil {
		return u
	}
	u, err := st.CreateOrganizer(ctx, expo.NewOrganizer{Email: "boss@example.com", Name: "Boss", Password: "a long password"})
	if err != nil {
		t.Fatalf("organizer: %v", err)
	}
	return u
}

func wantBoothErr(t *testing.T, err error, code expo.Code, msg string) {
	t.Helper()
	e, ok := expo.AsError(err)
	if !ok || e.Code != code {
		t.Fatalf("error %v, want code %s", err, code)
	}
	if msg != "" && e.Message != msg {
		if _, ok := e.Fields[msg]; !ok {
			found := false
			for _, v := range e.Fields {
				found = found || v == msg
			}
			if !found {
				t.Fatalf("error %v, want message %s", err, msg)
			}
		}
	}
}

func TestHallsAndBooths(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		hall, err := st.CreateHall(ctx, expo.HallInput{Code: "g", Name: "Hall G", Width: 40, Height: 20})
		if err != nil {
			t.Fatal(err)
		}
		if hall.Code != "G" || hall.Width != 40 {
			t.Fatalf("hall %+v", hall)
		}
		t.Run("duplicate hall code", func(t *testing.T) {
			_, err := st.CreateHall(ctx, expo.HallInput{Code: "G", Name: "Other", Width: 10, Height: 10})
			wantBoothErr(t, err, expo.CodeConflict, "error.hall_code_taken")
		})
		t.Run("invalid hall", func(t *testing.T) {
			_, err := st.CreateHall(ctx, expo.HallInput{Code: "", Name: "", Width: 0, Height: 10})
			wantBoothErr(t, err, expo.CodeInvalid, "")
		})
		row, err := st.LayoutRow(ctx, hall.ID, expo.BoothRow{From: 101, Count: 10, Kind: expo.BoothStandard, X: 0, Y: 0, W: 3, H: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(row) != 10 || row[9].Code != "G-110" || row[9].ID == 0 {
			t.Fatalf("row %+v", row)
		}
		t.Run("overlapping row writes nothing", func(t *testing.T) {
			_, err := st.LayoutRow(ctx, hall.ID, expo.BoothRow{From: 201, Count: 5, Kind: expo.BoothStandard, X: 27, Y: 0, W: 3, H: 3, Vertical: true})
			wantBoothErr(t, err, expo.CodeConflict, "error.booth_overlap")
			booths, _ := st.Booths(ctx, hall.ID)
			if len(booths) != 10 {
				t.Errorf("%d booths after a failed row, want 10", len(booths))
			}
		})
		t.Run("one booth, then its code again", func(t *testing.T) {
			b, err := st.CreateBooth(ctx, hall.ID, expo.BoothInput{Code: "G-1", Kind: expo.BoothRaw, X: 0, Y: 10, W: 6, H: 6})
			if err != nil {
				t.Fatal(err)
			}
			if b.SizeM2 != 36 {
				t.Errorf("size %d", b.SizeM2)
			}
			_, err = st.CreateBooth(ctx, hall.ID, expo.BoothInput{Code: "G-1", Kind: expo.BoothStandard, X: 20, Y: 10, W: 3, H: 3})
			wantBoothErr(t, err, expo.CodeConflict, "error.booth_code_taken")
			moved, err := st.UpdateBooth(ctx, b.ID, expo.BoothInput{Code: "G-1", Kind: expo.BoothRaw, X: 1, Y: 10, W: 6, H: 6})
			if err != nil || moved.X != 1 {
				t.Fatalf("move: %+v %v", moved, err)
			}
		})
		t.Run("hall cannot shrink below its booths", func(t *testing.T) {
			_, err := st.UpdateHall(ctx, hall.ID, expo.HallInput{Name: "Hall G", Width: 20, Height: 20})
			wantBoothErr(t, err, expo.CodeConflict, "error.hall_too_small")
			h, err := st.UpdateHall(ctx, hall.ID, expo.HallInput{Name: "Hall G renamed", Width: 35, Height: 20})
			if err != nil || h.Name != "Hall G renamed" || h.Code != "G" {
				t.Fatalf("update: %+v %v", h, err)
			}
		})
		plans, err := st.HallPlans(ctx)
		if err != nil || len(plans) != 1 || plans[0].Booths != 11 || plans[0].Free != 11 {
			t.Fatalf("plans %+v %v", plans, err)
		}

		ids := approvedCompanies(t, st, "Holder", 2, expo.BoothRaw, 30)
		t.Run("free booths fitting a wish", func(t *testing.T) {
			std, err := st.FreeBoothsFitting(ctx, expo.BoothStandard, 0, "", 100)
			if err != nil || len(std) != 10 {
				t.Fatalf("standard: %d %v", len(std), err)
			}
			raw, _ := st.FreeBoothsFitting(ctx, expo.BoothRaw, 30, "G", 100)
			tooBig, _ := st.FreeBoothsFitting(ctx, expo.BoothRaw, 40, "", 100)
			if len(raw) != 1 || len(tooBig) != 0 || raw[0].HallCode != "G" {
				t.Errorf("raw 30: %d, raw 40: %d", len(raw), len(tooBig))
			}
		})
		t.Run("assign, move, unassign", func(t *testing.T) {
			if err := st.AssignBooth(ctx, row[0].ID, ids[0]); err != nil {
				t.Fatal(err)
			}
			wantBoothErr(t, st.AssignBooth(ctx, row[0].ID, ids[1]), expo.CodeConflict, "error.booth_taken")
			if err := st.AssignBooth(ctx, row[0].ID, ids[0]); err != nil {
				t.Errorf("assigning the same booth again: %v", err)
			}
			if err := st.AssignBooth(ctx, row[1].ID, ids[0]); err != nil {
				t.Fatal(err)
			}
			b0, _ := st.Booth(ctx, row[0].ID)
			b1, _ := st.Booth(ctx, row[1].ID)
			if b0.ExhibitorID != nil || b1.ExhibitorID == nil || *b1.ExhibitorID != ids[0] {
				t.Errorf("after the move: %v %v", b0.ExhibitorID, b1.ExhibitorID)
			}
			got, ok, err := st.BoothOf(ctx, ids[0])
			if err != nil || !ok || got.Code != "G-102" {
				t.Errorf("BoothOf = %+v %v %v", got, ok, err)
			}
			wantBoothErr(t, st.DeleteBooth(ctx, row[1].ID), expo.CodeConflict, "error.booth_assigned")
			wantBoothErr(t, st.DeleteHall(ctx, hall.ID), expo.CodeConflict, "error.hall_has_holders")
			if err := st.UnassignBooth(ctx, row[1].ID); err != nil {
				t.Fatal(err)
			}
			if _, ok, _ := st.BoothOf(ctx, ids[0]); ok {
				t.Error("still holds a booth after unassign")
			}
			wantBoothErr(t, st.AssignBooth(ctx, 999999, ids[0]), expo.CodeNotFound, "")
			wantBoothErr(t, st.AssignBooth(ctx, row[2].ID, 999999), expo.CodeNotFound, "")
		})
		t.Run("only approved exhibitors get booths", func(t *testing.T) {
			ex, _, err := st.Apply(ctx, store.NewApplication{Application: expo.Application{
				Name: "Pending Co", NameLatin: "Pending Co", Country: "CN", Sectors: []string{"other"}, Description: "x",
				ContactName: "P", ContactEmail: "pending@example.com", ContactPhone: "+86 431 1234567", BoothWish: expo.BoothStandard, Languages: []string{"zh"},
			}, Password: "a long password", Submit: true})
			if err != nil {
				t.Fatal(err)
			}
			wantBoothErr(t, st.AssignBooth(ctx, row[3].ID, ex.ID), expo.CodeConflict, "error.booth_not_approved")
		})
		t.Run("delete booth and hall", func(t *testing.T) {
			if err := st.DeleteBooth(ctx, row[9].ID); err != nil {
				t.Fatal(err)
			}
			wantBoothErr(t, st.DeleteBooth(ctx, row[9].ID), expo.CodeNotFound, "")
			if err := st.DeleteHall(ctx, hall.ID); err != nil {
				t.Fatal(err)
			}
			if b, _ := st.Booths(ctx, hall.ID); len(b) != 0 {
				t.Errorf("%d booths left after deleting the hall", len(b))
			}
			wantBoothErr(t, st.DeleteHall(ctx, hall.ID), expo.CodeNotFound, "")
		})
	})
}

// Twenty organizers assign one booth to twenty companies at once: exactly
// one wins, the others are told the booth is taken.
func TestAssignBoothConcurrently(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		hall, err := st.CreateHall(ctx, expo.HallInput{Code: "R", Name: "Race hall", Width: 30, Height: 30})
		if err != nil {
			t.Fatal(err)
		}
		booth, err := st.CreateBooth(ctx, hall.ID, expo.BoothInput{Code: "R-1", Kind: expo.BoothStandard, X: 0, Y: 0, W: 3, H: 3})
		if err != nil {
			t.Fatal(err)
		}
		ids := approvedCompanies(t, st, "Racer", 20, expo.BoothStandard, 0)
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		start := make(chan struct{})
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				errs[i] = st.AssignBooth(ctx, booth.ID, id)
			}()
		}
		close(start)
		wg.Wait()
		wins, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case errors.Is(err, expo.ErrBoothTaken):
				conflicts++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if wins != 1 || conflicts != 19 {
			t.Errorf("%d winners and %d conflicts, want 1 and 19", wins, conflicts)
		}
		plan, err := st.PlanBooths(ctx, hall.ID)
		if err != nil || len(plan) != 1 || plan[0].ExhibitorID == nil || plan[0].Slug == "" {
			t.Fatalf("plan %+v %v", plan, err)
		}
		// A holder that is withdrawn later has no public profile to link to.
		if _, err := st.Transition(ctx, *plan[0].ExhibitorID, expo.StateWithdrawn, boothOrganizer(t, st), "Cancelled participation"); err != nil {
			t.Fatal(err)
		}
		if plan, _ := st.PlanBooths(ctx, hall.ID); plan[0].Slug != "" {
			t.Errorf("withdrawn holder still linked as %q", plan[0].Slug)
		}
	})
}

func TestWithdrawnExhibitorFreesItsBooth(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		hall, err := st.CreateHall(ctx, expo.HallInput{Code: "W", Name: "Withdrawal hall", Width: 30, Height: 30})
		if err != nil {
			t.Fatal(err)
		}
		booth, err := st.CreateBooth(ctx, hall.ID, expo.BoothInput{Code: "W-1", Kind: expo.BoothStandard, X: 0, Y: 0, W: 3, H: 3})
		if err != nil {
			t.Fatal(err)
		}
		id := approvedCompanies(t, st, "Leaver", 1, expo.BoothStandard, 0)[0]
		if err := st.AssignBooth(ctx, booth.ID, id); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := st.BoothOf(ctx, id); err != nil || !ok {
			t.Fatalf("BoothOf before withdrawal = %v, %v; want the booth", ok, err)
		}
		if _, err := st.Transition(ctx, id, expo.StateWithdrawn, boothOrganizer(t, st), "changed plans"); err != nil {
			t.Fatalf("withdraw: %v", err)
		}
		if b, ok, err := st.BoothOf(ctx, id); err != nil || ok {
			t.Fatalf("BoothOf after withdrawal = %+v, %v, %v; want no booth", b, ok, err)
		}
		other := approvedCompanies(t, st, "Newcomer", 1, expo.BoothStandard, 0)[0]
		if err := st.AssignBooth(ctx, booth.ID, other); err != nil {
			t.Errorf("the freed booth cannot be assigned again: %v", err)
		}
	})
}
