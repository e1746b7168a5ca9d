package store_test

import (
	"context"
	"testing"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// TestBenchPendingRequests checks the load benchmark's supply of pending
// requests: they are what RequestMeeting creates (counters, quotas,
// invariants), they leave the skipped attendees alone, the exhibitor can
// decline every one and accept them while the slot has a free table.
func TestBenchPendingRequests(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		size := store.DemoSize{Exhibitors: 8, Attendees: 400, Meetings: 600}
		if _, err := st.LoadDemo(ctx, demoPassword, size, shanghai(t)); err != nil {
			t.Fatalf("load demo: %v", err)
		}
		fx, err := st.LoadBenchFixtures(ctx, 50, size.Exhibitors)
		if err != nil {
			t.Fatal(err)
		}
		var exIDs, skip []int64
		user := map[int64]expo.User{}
		for _, p := range fx.Popular {
			exIDs = append(exIDs, p.ID)
			id := p.ID
			user[p.ID] = expo.User{ID: p.UserID, Role: expo.RoleExhibitor, ExhibitorID: &id}
		}
		skipped := map[int64]bool{}
		for _, a := range fx.Attendees {
			skip = append(skip, a.ID)
			skipped[a.ID] = true
		}

		small, err := st.BenchPendingRequests(ctx, exIDs, skip, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(small.Requests) != 5 {
			t.Fatalf("n = 5 created %d requests", len(small.Requests))
		}
		sup, err := st.BenchPendingRequests(ctx, exIDs, skip, 100000)
		if err != nil {
			t.Fatal(err)
		}
		if len(sup.Requests) < 50 || sup.FreeTables == 0 || len(sup.Requests) > sup.Capacity {
			t.Fatalf("created %d requests (capacity %d, %d free tables), want at least 50 within the capacity",
				len(sup.Requests), sup.Capacity, sup.FreeTables)
		}
		reqs := append(small.Requests, sup.Requests...)
		perAttendee := map[int64]int{}
		for _, r := range reqs {
			if skipped[r.AttendeeID] {
				t.Fatalf("request %d went to skipped attendee %d", r.ID, r.AttendeeID)
			}
			perAttendee[r.AttendeeID]++
		}
		// At most half the open-request quota (20): the attendees keep
		// the rest for requests of their own.
		for id, k := range perAttendee {
			if k > 10 {
				t.Fatalf("attendee %d got %d supplied requests, want at most 10", id, k)
			}
		}
		check := func(when string) {
			t.Helper()
			if bad, err := st.CheckBookedCounts(ctx); err != nil || len(bad) > 0 {
				t.Fatalf("%s: booked counts differ: %v (err %v)", when, bad, err)
			}
			if broken, err := st.CheckInvariants(ctx); err != nil || len(broken) > 0 {
				t.Fatalf("%s: invariants broken: %v (err %v)", when, broken, err)
			}
		}
		check("after the supply")

		// The booked counters were raised: a second supply finds no place
		// left.
		again, err := st.BenchPendingRequests(ctx, exIDs, skip, 100000)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Requests) != 0 {
			t.Errorf("a second supply created %d more requests, want none (places all taken)", len(again.Requests))
		}

		var accepted, declined, noTable, attempts int
		for i, r := range reqs {
			u := user[r.ExhibitorID]
			m, err := st.Meeting(ctx, r.ID, u)
			if err != nil {
				t.Fatalf("meeting %d: %v", r.ID, err)
			}
			if m.Status != expo.MeetingPending || m.Initiator != expo.SideAttendee || m.ExpiresAt == nil || m.InterpreterID != nil {
				t.Fatalf("meeting %d: %+v, want a pending attendee request with a deadline and no interpreter", r.ID, m)
			}
			if i%3 == 2 {
				if _, err := st.AnswerMeeting(ctx, r.ID, u, false, "Fully booked"); err != nil {
					t.Fatalf("decline %d: %v", r.ID, err)
				}
				declined++
				continue
			}
			attempts++
			m, err = st.AnswerMeeting(ctx, r.ID, u, true, "")
			switch {
			case err == nil:
				if m.Status != expo.MeetingAccepted || m.TableID == nil {
					t.Fatalf("accept %d: %+v, want accepted with a table", r.ID, m)
				}
				accepted++
			case isNoTable(err):
				noTable++
			default:
				t.Fatalf("accept %d: %v", r.ID, err)
			}
		}
		t.Logf("%d requests (capacity %d, %d free tables): %d accepted, %d refused for no table, %d declined",
			len(reqs), sup.Capacity, sup.FreeTables, accepted, noTable, declined)
		if accepted == 0 || accepted < min(attempts, sup.FreeTables)/2 {
			t.Errorf("%d of %d accepts succeeded with %d free tables", accepted, attempts, sup.FreeTables)
		}
		check("after the answers")
	})
}

func isNoTable(err error) bool {
	e, ok := expo.AsError(err)
	return ok && e.Message == expo.ErrNoTableFree.Message
}
