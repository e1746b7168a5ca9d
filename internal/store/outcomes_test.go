package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

func TestRecordOutcome(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		fx := newMMFixture(t, st)
		stranger, err := st.CreateAttendee(ctx, expo.SignUp{Email: "x@test.expo", Password: "attendee-password", Profile: expo.Profile{Name: "X", Country: "DE", Languages: []string{"de"}}})
		if err != nil {
			t.Fatal(err)
		}
		past := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Minute)
		future := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Minute)
		_, pastSlot := st.MMTestSlot(ctx, past.Format(time.DateOnly), past, past.Add(30*time.Minute))
		_, futureSlot := st.MMTestSlot(ctx, future.Format(time.DateOnly), future, future.Add(30*time.Minute))
		done := st.MMTestMeeting(ctx, pastSlot, fx.exhibitor.ID, fx.attendee.ID, "accepted", nil)
		upcoming := st.MMTestMeeting(ctx, futureSlot, fx.exhibitor.ID, fx.attendee.ID, "accepted", nil)
		declined := st.MMTestMeeting(ctx, pastSlot, fx.exhibitor.ID, stranger.ID, "declined", nil)
		held := expo.OutcomeInput{Attendance: "held", LetterOfIntent: true, DealValue: "1,250,000.50", Currency: "USD"}

		refused := []struct {
			name    string
			meeting int64
			user    expo.User
			in      expo.OutcomeInput
			code    expo.Code
		}{
			{"someone else's meeting", done, stranger, held, expo.CodeNotFound},
			{"organizer is no side", done, fx.org, held, expo.CodeNotFound},
			{"missing meeting", done + 1000, fx.attendee, held, expo.CodeNotFound},
			{"before the slot ends", upcoming, fx.attendee, held, expo.CodeConflict},
			{"declined meeting", declined, stranger, held, expo.CodeConflict},
			{"bad value", done, fx.attendee, expo.OutcomeInput{Attendance: "held", DealValue: "lots", Currency: "USD"}, expo.CodeInvalid},
		}
		for _, tc := range refused {
			t.Run(tc.name, func(t *testing.T) {
				_, err := st.RecordOutcome(ctx, tc.meeting, tc.user, tc.in)
				if expo.ErrorCode(err) != tc.code {
					t.Fatalf("err = %v, want %s", err, tc.code)
				}
				if n := st.MMTestCount(ctx, "meeting_outcomes"); n != 0 {
					t.Fatalf("%d outcomes written", n)
				}
			})
		}

		t.Run("attendee records, then updates", func(t *testing.T) {
			out, err := st.RecordOutcome(ctx, done, fx.attendee, held)
			if err != nil || out.DealCents != 125000050 || out.Side != expo.SideAttendee {
				t.Fatalf("record = %+v %v", out, err)
			}
			if _, err := st.RecordOutcome(ctx, done, fx.attendee, expo.OutcomeInput{Attendance: "held", Memorandum: true, DealValue: "2000000", Currency: "USD"}); err != nil {
				t.Fatal(err)
			}
			m, err := st.MeetingOutcome(ctx, done, fx.attendee)
			if err != nil || !m.Recorded || !m.Outcome.Memorandum || m.Outcome.LetterOfIntent || m.Outcome.DealCents != 200000000 {
				t.Fatalf("outcome %+v %v", m, err)
			}
			if n := st.MMTestCount(ctx, "meeting_outcomes"); n != 1 {
				t.Fatalf("%d rows, want 1", n)
			}
		})
		t.Run("exhibitor side records its own", func(t *testing.T) {
			m, err := st.MeetingOutcome(ctx, done, fx.owner)
			if err != nil || m.Side != expo.SideExhibitor || m.Recorded {
				t.Fatalf("before: %+v %v", m, err)
			}
			if _, err := st.RecordOutcome(ctx, done, fx.owner, expo.OutcomeInput{Attendance: "held", FollowUp: true, DealValue: "1500000", Currency: "USD"}); err != nil {
				t.Fatal(err)
			}
			if n := st.MMTestCount(ctx, "meeting_outcomes"); n != 2 {
				t.Fatalf("%d rows, want 2", n)
			}
		})
		t.Run("others cannot read it", func(t *testing.T) {
			if _, err := st.MeetingOutcome(ctx, done, stranger); !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
		})
	})
}

func TestMatchmakingTotals(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		fx := newMMFixture(t, st)
		empty, err := st.MatchmakingTotals(ctx)
		if err != nil || empty.All.Booked != 0 || len(empty.ByDay) != 0 || len(empty.Deals) != 0 {
			t.Fatalf("empty totals %+v %v", empty, err)
		}
		ids, err := st.TestAttendees(ctx, "buyer", 3)
		if err != nil {
			t.Fatal(err)
		}
		d1 := time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC)
		d2 := d1.Add(24 * time.Hour)
		_, s1 := st.MMTestSlot(ctx, "2026-01-05", d1, d1.Add(30*time.Minute))
		_, s2 := st.MMTestSlot(ctx, "2026-01-06", d2, d2.Add(30*time.Minute))
		m1 := st.MMTestMeeting(ctx, s1, fx.exhibitor.ID, fx.attendee.ID, "accepted", nil)
		m2 := st.MMTestMeeting(ctx, s1, fx.exhibitor.ID, ids[0], "accepted", nil)
		m3 := st.MMTestMeeting(ctx, s2, fx.exhibitor.ID, ids[1], "accepted", nil)
		st.MMTestMeeting(ctx, s2, fx.exhibitor.ID, ids[2], "cancelled", nil) // not booked
		owner := fx.owner
		b0 := expo.User{ID: ids[0], Role: expo.RoleAttendee}
		record := func(m int64, u expo.User, in expo.OutcomeInput) {
			t.Helper()
			if _, err := st.RecordOutcome(ctx, m, u, in); err != nil {
				t.Fatal(err)
			}
		}
		// m1: both sides say held, deals in USD (larger counts) and a LOI.
		record(m1, fx.attendee, expo.OutcomeInput{Attendance: "held", LetterOfIntent: true, DealValue: "100", Currency: "USD"})
		record(m1, owner, expo.OutcomeInput{Attendance: "held", DealValue: "150", Currency: "USD", FollowUp: true})
		// m2: attendee no-show per the exhibitor; the attendee says held: held wins.
		record(m2, owner, expo.OutcomeInput{Attendance: "no_show"})
		record(m2, b0, expo.OutcomeInput{Attendance: "held", Memorandum: true, DealValue: "1,000", Currency: "CNY"})
		// m3: no-show only.
		record(m3, owner, expo.OutcomeInput{Attendance: "no_show"})

		got, err := st.MatchmakingTotals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.All != (store.OutcomeCount{Booked: 3, Held: 2, NoShow: 1}) {
			t.Errorf("all %+v", got.All)
		}
		if len(got.ByDay) != 2 || got.ByDay[0] != (store.OutcomeCount{Key: "2026-01-05", Booked: 2, Held: 2}) ||
			got.ByDay[1] != (store.OutcomeCount{Key: "2026-01-06", Booked: 1, NoShow: 1}) {
			t.Errorf("by day %+v", got.ByDay)
		}
		// The exhibitor is in two sectors: each counts its meetings.
		if len(got.BySector) != 2 || got.BySector[0].Booked != 3 {
			t.Errorf("by sector %+v", got.BySector)
		}
		// Ivan is from RU, the test buyers have no country.
		if len(got.ByCountryPair) != 2 {
			t.Errorf("by country pair %+v", got.ByCountryPair)
		}
		for _, p := range got.ByCountryPair {
			if p.From == "RU" && (p.To != "KR" || p.Booked != 1 || p.Held != 1) {
				t.Errorf("RU→KR %+v", p)
			}
		}
		wantDeals := []store.DealTotal{{Currency: "CNY", Meetings: 1, Cents: 100000}, {Currency: "USD", Meetings: 1, Cents: 15000}}
		if len(got.Deals) != 2 || got.Deals[0] != wantDeals[0] || got.Deals[1] != wantDeals[1] {
			t.Errorf("deals %+v", got.Deals)
		}
		if got.Letters != 1 || got.Memoranda != 1 || got.FollowUps != 1 {
			t.Errorf("flags %d %d %d", got.Letters, got.Memoranda, got.FollowUps)
		}
	})
}

func TestRecommendStore(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		fx := newMMFixture(t, st)
		// A second, unapproved exhibitor is never recommended.
		mustApply(t, st, "Pending Co", "Pending Co", "p@pending.kr")
		recs, total, err := st.RecommendExhibitors(ctx, fx.attendee, 0, 10)
		if err != nil || total != 1 || len(recs) != 1 || recs[0].Slug != fx.exhibitor.Slug {
			t.Fatalf("recs %+v %d %v", recs, total, err)
		}
		if recs[0].Reasons[0].ID != "recommend.reason.sector" || recs[0].Reasons[len(recs[0].Reasons)-1].ID != "recommend.reason.interpreter" {
			t.Errorf("reasons %+v", recs[0].Reasons)
		}
		if recs, total, _ := st.RecommendExhibitors(ctx, fx.attendee, 10, 10); len(recs) != 0 || total != 1 {
			t.Errorf("page 2: %+v %d", recs, total)
		}
		atts, total, err := st.RecommendAttendees(ctx, fx.exhibitor.ID, 0, 10)
		if err != nil || total != 1 || len(atts) != 1 || atts[0].ID != fx.attendee.ID || atts[0].Organization != "Volga Clinics" {
			t.Fatalf("attendees %+v %d %v", atts, total, err)
		}
	})
}
