package store_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// TestTableChoice checks that a meeting gets the lowest-numbered free
// table of its slot, both when the taken tables are 1..c (found from the
// count alone) and when a cancellation left a gap lower down.
func TestTableChoice(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Tables Co", 1, 6)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 8, AutoAccept: true}); err != nil {
			t.Fatal(err)
		}
		as := mmAttendees(t, st, "tables", 10, "CN", "en")
		book := func(t *testing.T, a expo.User, want int) expo.Meeting {
			t.Helper()
			m, err := st.RequestMeeting(ctx, a.ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"})
			if err != nil || m.Status != expo.MeetingAccepted || m.TableNumber != want {
				t.Fatalf("request: table %d, %v; want table %d", m.TableNumber, err, want)
			}
			return m
		}
		var ms []expo.Meeting
		for i := range 4 {
			ms = append(ms, book(t, as[i], i+1))
		}
		// Tables 1 and 4 stay taken: two tables are, and table 3 is free,
		// but table 2 is lower.
		for _, i := range []int{2, 1} {
			if _, err := st.CancelMeeting(ctx, ms[i].ID, as[i], ""); err != nil {
				t.Fatal(err)
			}
		}
		book(t, as[4], 2)
		book(t, as[5], 3)
		book(t, as[6], 5)
		book(t, as[7], 6)
		_, err := st.RequestMeeting(ctx, as[8].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"})
		if e := (*expo.Error)(nil); !errors.As(err, &e) || e.Code != expo.CodeConflict {
			t.Fatalf("seventh meeting with six tables: %v, want a conflict", err)
		}
		if err := st.SetTables(ctx, 7, "Hall D"); err != nil {
			t.Fatal(err)
		}
		book(t, as[8], 7)
		checkBooked(t, st)
	})
}

// TestFreeTableBelowTheHighest: with the area's highest table taken in a
// slot, a free table lower down still counts as free, for an accept (the
// answer's read) and for an exhibitor who accepts at once (the request's
// pre-check); with every table taken, both are refused. The quick free-table
// answer (the highest table taken is below the area's highest) says nothing
// here; the count decides.
func TestFreeTableBelowTheHighest(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Gap Co", 1, 3)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 5}); err != nil {
			t.Fatal(err)
		}
		as := mmAttendees(t, st, "gap", 6, "CN", "en")
		slot := f.slots[0].ID
		var ms []expo.Meeting
		for i := range 4 {
			m, err := st.RequestMeeting(ctx, as[i].ID, f.ex.Slug, slot, expo.MeetingRequest{Language: "en"})
			if err != nil || m.Status != expo.MeetingPending {
				t.Fatalf("request %d: %+v %v", i, m, err)
			}
			ms = append(ms, m)
		}
		accept := func(t *testing.T, m expo.Meeting, want int) {
			t.Helper()
			got, err := st.AnswerMeeting(ctx, m.ID, f.rep, true, "")
			if err != nil || got.TableNumber != want {
				t.Fatalf("accept: table %d, %v; want table %d", got.TableNumber, err, want)
			}
		}
		for i := range 3 {
			accept(t, ms[i], i+1)
		}
		if _, err := st.CancelMeeting(ctx, ms[0].ID, as[0], ""); err != nil {
			t.Fatal(err)
		}
		accept(t, ms[3], 1) // tables 2 and 3 taken: table 1 is free

		if _, err := st.CancelMeeting(ctx, ms[1].ID, as[1], ""); err != nil {
			t.Fatal(err)
		}
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 5, AutoAccept: true}); err != nil {
			t.Fatal(err)
		}
		m, err := st.RequestMeeting(ctx, as[4].ID, f.ex.Slug, slot, expo.MeetingRequest{Language: "en"})
		if err != nil || m.Status != expo.MeetingAccepted || m.TableNumber != 2 {
			t.Fatalf("auto-accepted request with table 2 free: table %d, %+v, %v", m.TableNumber, m.Status, err)
		}
		_, err = st.RequestMeeting(ctx, as[5].ID, f.ex.Slug, slot, expo.MeetingRequest{Language: "en"})
		wantErrMsg(t, err, expo.CodeConflict, "meeting.error.no_table")
		checkBooked(t, st)
	})
}

// TestTableIDsFollowNumbers checks what the quick table choice
// (nextTableSQL) relies on: whatever the sequence of changes to the
// negotiation area, table ids ascend with table numbers, and the numbers
// are 1..n.
func TestTableIDsFollowNumbers(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for _, n := range []int{5, 2, 8, 3, 3, 12, 1, 20} {
			if err := st.SetTables(ctx, n, "Hall D"); err != nil {
				t.Fatal(err)
			}
			ids, err := st.MMTestTableIDs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != n || !slices.IsSorted(ids) {
				t.Fatalf("after SetTables(%d): ids by number %v, want %d ascending", n, ids, n)
			}
			// nextTableSQL takes table c+1 when c tables are taken.
			numbers, err := st.MMTestTableNumbers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i, number := range numbers {
				if number != i+1 {
					t.Fatalf("after SetTables(%d): numbers %v, want 1..%d", n, numbers, n)
				}
			}
		}
	})
}

// TestTableFreedBackfill: migration 0012 marks the slots whose taken tables
// already have a gap (an older release gave a table back without marking
// it), and only those, so that the next meeting there still gets the lowest
// free table instead of the one after the highest taken.
func TestTableFreedBackfill(t *testing.T) {
	migration, err := os.ReadFile("../../db/migrations/0012_table_freed.sql")
	if err != nil {
		t.Fatal(err)
	}
	_, backfill, ok := strings.Cut(string(migration), "UPDATE slots SET table_freed = TRUE")
	backfill, _, _ = strings.Cut(backfill, ";")
	if !ok {
		t.Fatal("0012_table_freed.sql has no backfill")
	}
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Backfill Co", 2, 5)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 5, AutoAccept: true}); err != nil {
			t.Fatal(err)
		}
		as := mmAttendees(t, st, "backfill", 5, "CN", "en")
		book := func(t *testing.T, a expo.User, slot int64, want int) expo.Meeting {
			t.Helper()
			m, err := st.RequestMeeting(ctx, a.ID, f.ex.Slug, slot, expo.MeetingRequest{Language: "en"})
			if err != nil || m.TableNumber != want {
				t.Fatalf("request: table %d, %v; want table %d", m.TableNumber, err, want)
			}
			return m
		}
		var ms []expo.Meeting
		for i := range 3 {
			ms = append(ms, book(t, as[i], f.slots[0].ID, i+1))
		}
		book(t, as[3], f.slots[1].ID, 1)
		if _, err := st.CancelMeeting(ctx, ms[1].ID, as[1], ""); err != nil {
			t.Fatal(err)
		}
		// Before 0012 nothing marked the gap at table 2.
		if err := st.ExecRawForTest(ctx, "UPDATE slots SET table_freed = FALSE"); err != nil {
			t.Fatal(err)
		}
		if err := st.ExecRawForTest(ctx, "UPDATE slots SET table_freed = TRUE"+backfill); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} {
			if got, err := st.TableFreedForTest(ctx, f.slots[i].ID); err != nil || got != want {
				t.Errorf("slot %d: table_freed %v, %v; want %v", i, got, err, want)
			}
		}
		book(t, as[4], f.slots[0].ID, 2)
		checkBooked(t, st)
	})
}
