package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// coreFixture is an approved exhibitor (KR, ko+en) with its representative,
// a block of slots a few days ahead, and the negotiation area's tables.
type coreFixture struct {
	ex    expo.Exhibitor
	rep   expo.User
	slots []expo.Slot
	day   string
}

func newMatchmaking(t *testing.T, st *store.Store, name string, slots, tables int) coreFixture {
	t.Helper()
	ctx := context.Background()
	ex, rep := mustApply(t, st, name, name, strings.ToLower(strings.ReplaceAll(name, " ", ""))+"@example.kr")
	if _, err := st.Transition(ctx, ex.ID, expo.StateApproved, mustOrganizer(t, st, "mm-"+fmt.Sprint(ex.ID)+"@example.com"), ""); err != nil {
		t.Fatalf("approve: %v", err)
	}
	rep, err := st.User(ctx, rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().UTC().AddDate(0, 0, 10).Format("2006-01-02")
	blocks, err := st.Blocks(ctx, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) == 0 {
		end := fmt.Sprintf("%02d:%02d", 9+slots*30/60, slots*30%60)
		if _, err := st.CreateBlock(ctx, expo.BlockInput{Day: day, Start: "09:00", End: end, SlotMinutes: 30}, time.UTC); err != nil {
			t.Fatalf("block: %v", err)
		}
		if err := st.SetTables(ctx, tables, "Hall D"); err != nil {
			t.Fatalf("tables: %v", err)
		}
	}
	grid, err := st.AvailabilityGrid(ctx, ex.ID)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(grid))
	for i, s := range grid {
		ids[i] = s.ID
	}
	if _, err := st.SetAvailability(ctx, ex.ID, ids, true); err != nil {
		t.Fatalf("availability: %v", err)
	}
	return coreFixture{ex: ex, rep: rep, slots: grid, day: day}
}

func mmAttendees(t *testing.T, st *store.Store, prefix string, n int, country string, langs ...string) []expo.User {
	t.Helper()
	ctx := context.Background()
	ids, err := st.MMTestAttendees(ctx, prefix, n, country, langs...)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]expo.User, n)
	for i, id := range ids {
		if out[i], err = st.User(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func wantErrMsg(t *testing.T, err error, code expo.Code, msg string) {
	t.Helper()
	e, ok := expo.AsError(err)
	if !ok || e.Code != code || e.Message != msg {
		t.Fatalf("error = %v, want %s %s", err, code, msg)
	}
}

func checkBooked(t *testing.T, st *store.Store) {
	t.Helper()
	bad, err := st.CheckBookedCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("booked counters differ from open meetings: %+v", bad)
	}
}

func TestBlocksAndAvailability(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Grid Co", 6, 3)
		if len(f.slots) != 6 {
			t.Fatalf("slots = %d, want 6", len(f.slots))
		}
		_, err := st.CreateBlock(ctx, expo.BlockInput{Day: f.day, Start: "10:00", End: "11:00", SlotMinutes: 20}, time.UTC)
		wantField(t, err, "start", "slots.error.overlap")
		_, err = st.CreateBlock(ctx, expo.BlockInput{Day: f.day, Start: "13:00", End: "12:00", SlotMinutes: 5}, time.UTC)
		wantField(t, err, "slot_minutes", "slots.error.slot_minutes")
		wantField(t, err, "end", "slots.error.end_before_start")
		b, err := st.CreateBlock(ctx, expo.BlockInput{Day: f.day, Start: "13:30", End: "15:00", SlotMinutes: 20, BreakMinutes: 10, Theme: "Korean Business Day", RestrictCountry: "KR"}, time.UTC)
		if err != nil || b.Slots != 3 {
			t.Fatalf("second block: %+v %v", b, err)
		}
		n, area, err := st.TableCount(ctx)
		if err != nil || n != 3 || area != "Hall D" {
			t.Fatalf("tables = %d %q %v", n, area, err)
		}
		// Availability off for a slot with a meeting keeps it.
		a := mmAttendees(t, st, "grid", 1, "CN", "en")[0]
		if _, err := st.RequestMeeting(ctx, a.ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}
		kept, err := st.SetAvailability(ctx, f.ex.ID, []int64{f.slots[0].ID, f.slots[1].ID}, false)
		if err != nil || kept != 1 {
			t.Fatalf("kept = %d, %v", kept, err)
		}
		if err := st.DeleteBlock(ctx, f.slots[0].BlockID); err == nil {
			t.Fatal("deleted a block with meetings")
		}
		if err := st.DeleteBlock(ctx, b.ID); err != nil {
			t.Fatalf("delete empty block: %v", err)
		}
		// Tables below what is booked are refused.
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 0}); err == nil {
			t.Fatal("0 tables accepted")
		}
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 2, AutoAccept: true}); err != nil {
			t.Fatal(err)
		}
		set, _ := st.ExhibitorMeetingSettings(ctx, f.ex.ID)
		if set.Tables != 2 || !set.AutoAccept {
			t.Fatalf("settings = %+v", set)
		}
	})
}

func TestRequestMeetingBadInput(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Rules Co", 4, 2)
		a := mmAttendees(t, st, "rules", 2, "CN", "en", "zh")
		other := newMatchmaking(t, st, "Other Co", 4, 2)
		// A slot the exhibitor is not available in.
		if _, err := st.SetAvailability(ctx, f.ex.ID, []int64{f.slots[3].ID}, false); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			user  int64
			slug  string
			slot  int64
			req   expo.MeetingRequest
			code  expo.Code
			msg   string
			clock time.Duration
		}{
			{"not available", a[0].ID, f.ex.Slug, f.slots[3].ID, expo.MeetingRequest{Language: "en"}, expo.CodeConflict, "meeting.error.not_available", 0},
			{"no such slot", a[0].ID, f.ex.Slug, 999999, expo.MeetingRequest{Language: "en"}, expo.CodeNotFound, "error.form", 0},
			{"no such exhibitor", a[0].ID, "nobody", f.slots[0].ID, expo.MeetingRequest{Language: "en"}, expo.CodeNotFound, "error.not_found", 0},
			{"own company", other.rep.ID, other.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"}, expo.CodeForbidden, "meeting.error.own_company", 0},
			{"exhibitor of another company", other.rep.ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"}, expo.CodeForbidden, "meeting.error.not_attendee", 0},
			{"100 KB message", a[0].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en", Message: strings.Repeat("x", 100<<10)}, expo.CodeInvalid, "error.form", 0},
			{"language nobody speaks", a[0].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "fr"}, expo.CodeInvalid, "error.form", 0},
			{"slot in the past", a[0].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"}, expo.CodeInvalid, "meeting.error.slot_past", 30 * 24 * time.Hour},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.clock != 0 {
					st.AppTestShiftClock(c.clock)
					defer st.AppTestShiftClock(-c.clock)
				}
				_, err := st.RequestMeeting(ctx, c.user, c.slug, c.slot, c.req)
				wantErrMsg(t, err, c.code, c.msg)
				if n := st.AppTestCount(ctx, "meetings"); n != 0 {
					t.Fatalf("%d meetings written", n)
				}
				checkBooked(t, st)
			})
		}
		// The same attendee twice in one slot, with another exhibitor.
		if _, err := st.RequestMeeting(ctx, a[0].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}
		_, err := st.RequestMeeting(ctx, a[0].ID, other.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"})
		// other has its own availability rows on the shared grid.
		wantErrMsg(t, err, expo.CodeConflict, "meeting.error.attendee_busy")
		checkBooked(t, st)
	})
}

func TestMeetingLifecycle(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Life Co", 4, 2)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 2}); err != nil {
			t.Fatal(err)
		}
		as := mmAttendees(t, st, "life", 4, "CN", "en")
		m, err := st.RequestMeeting(ctx, as[0].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en", Message: "Hello"})
		if err != nil || m.Status != expo.MeetingPending || m.TableNumber != 0 || m.ExpiresAt == nil {
			t.Fatalf("request: %+v %v", m, err)
		}
		if q := st.MMTestQuota(ctx, as[0].ID); q != 1 {
			t.Fatalf("quota = %d", q)
		}
		t.Run("the requester cannot accept its own request", func(t *testing.T) {
			_, err := st.AnswerMeeting(ctx, m.ID, as[0], true, "")
			wantErrMsg(t, err, expo.CodeForbidden, "meeting.error.not_your_turn")
		})
		t.Run("another attendee cannot see or touch it", func(t *testing.T) {
			_, err := st.AnswerMeeting(ctx, m.ID, as[1], true, "")
			wantErrMsg(t, err, expo.CodeNotFound, "error.not_found")
			_, err = st.CancelMeeting(ctx, m.ID, as[1], "")
			wantErrMsg(t, err, expo.CodeNotFound, "error.not_found")
			_, err = st.Meeting(ctx, m.ID, as[1])
			wantErrMsg(t, err, expo.CodeNotFound, "error.not_found")
		})
		t.Run("another exhibitor cannot act on it", func(t *testing.T) {
			g := newMatchmaking(t, st, "Stranger Co", 4, 2)
			_, err := st.AnswerMeeting(ctx, m.ID, g.rep, true, "")
			wantErrMsg(t, err, expo.CodeNotFound, "error.not_found")
		})
		t.Run("accept assigns the lowest free table", func(t *testing.T) {
			got, err := st.AnswerMeeting(ctx, m.ID, f.rep, true, "")
			if err != nil || got.Status != expo.MeetingAccepted || got.TableNumber != 1 {
				t.Fatalf("accept: %+v %v", got, err)
			}
			if q := st.MMTestQuota(ctx, as[0].ID); q != 0 {
				t.Fatalf("quota after accept = %d", q)
			}
			_, err = st.AnswerMeeting(ctx, m.ID, f.rep, false, "")
			wantErrMsg(t, err, expo.CodeConflict, "meeting.error.answered")
		})
		t.Run("second meeting in the slot gets table 2, a third is slot taken", func(t *testing.T) {
			if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 2, AutoAccept: true}); err != nil {
				t.Fatal(err)
			}
			got, err := st.RequestMeeting(ctx, as[1].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"})
			if err != nil || got.Status != expo.MeetingAccepted || got.TableNumber != 2 {
				t.Fatalf("auto-accept: %+v %v", got, err)
			}
			_, err = st.RequestMeeting(ctx, as[2].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"})
			wantErrMsg(t, err, expo.CodeConflict, "meeting.error.slot_taken")
			if !expo.IsSlotTaken(err) {
				t.Fatal("IsSlotTaken false")
			}
		})
		t.Run("cancel frees the slot and the table", func(t *testing.T) {
			got, err := st.CancelMeeting(ctx, m.ID, as[0], "Flight changed")
			if err != nil || got.Status != expo.MeetingCancelled || got.Reason != "Flight changed" || got.TableID != nil {
				t.Fatalf("cancel: %+v %v", got, err)
			}
			again, err := st.RequestMeeting(ctx, as[2].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"})
			if err != nil || again.TableNumber != 1 {
				t.Fatalf("rebook: %+v %v", again, err)
			}
			checkBooked(t, st)
		})
		t.Run("decline by the exhibitor frees the quota", func(t *testing.T) {
			if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 2}); err != nil {
				t.Fatal(err)
			}
			p, err := st.RequestMeeting(ctx, as[3].ID, f.ex.Slug, f.slots[1].ID, expo.MeetingRequest{Language: "en"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.AnswerMeeting(ctx, p.ID, f.rep, false, "Fully booked that day")
			if err != nil || got.Status != expo.MeetingDeclined {
				t.Fatalf("decline: %+v %v", got, err)
			}
			if q := st.MMTestQuota(ctx, as[3].ID); q != 0 {
				t.Fatalf("quota after decline = %d", q)
			}
			checkBooked(t, st)
		})
		t.Run("an invitation waits for the attendee", func(t *testing.T) {
			inv, err := st.InviteAttendee(ctx, f.ex.ID, f.rep.ID, as[3].ID, f.slots[2].ID, expo.MeetingRequest{Language: "en"})
			if err != nil || inv.Status != expo.MeetingPending || inv.Initiator != expo.SideExhibitor {
				t.Fatalf("invite: %+v %v", inv, err)
			}
			_, err = st.AnswerMeeting(ctx, inv.ID, f.rep, true, "")
			wantErrMsg(t, err, expo.CodeForbidden, "meeting.error.not_your_turn")
			got, err := st.AnswerMeeting(ctx, inv.ID, as[3], true, "")
			if err != nil || got.Status != expo.MeetingAccepted || got.TableNumber == 0 {
				t.Fatalf("attendee accepts: %+v %v", got, err)
			}
		})
		t.Run("unanswered requests expire and free the slot", func(t *testing.T) {
			p, err := st.RequestMeeting(ctx, as[0].ID, f.ex.Slug, f.slots[3].ID, expo.MeetingRequest{Language: "en"})
			if err != nil {
				t.Fatal(err)
			}
			n, err := st.ExpireRequests(ctx, p.ExpiresAt.Add(-time.Minute))
			if err != nil || n != 0 {
				t.Fatalf("early expiry: %d %v", n, err)
			}
			n, err = st.ExpireRequests(ctx, p.ExpiresAt.Add(time.Second))
			if err != nil || n != 1 {
				t.Fatalf("expiry: %d %v", n, err)
			}
			got, _ := st.Meeting(ctx, p.ID, as[0])
			if got.Status != expo.MeetingExpired || st.MMTestQuota(ctx, as[0].ID) != 0 {
				t.Fatalf("after expiry: %+v quota %d", got, st.MMTestQuota(ctx, as[0].ID))
			}
			notes, err := st.Notifications(ctx, as[0].ID, 1)
			if err != nil || len(notes) != 1 || notes[0].Message != "meeting.notify.expired" {
				t.Errorf("the requester's latest notification = %+v, %v; want meeting.notify.expired", notes, err)
			}
			checkBooked(t, st)
		})
		t.Run("lists", func(t *testing.T) {
			mine, err := st.MyMeetings(ctx, as[0])
			if err != nil || len(mine) != 2 {
				t.Fatalf("attendee list: %d %v", len(mine), err)
			}
			theirs, err := st.MyMeetings(ctx, f.rep)
			if err != nil || len(theirs) != 6 {
				t.Fatalf("exhibitor list: %d %v", len(theirs), err)
			}
		})
	})
}

func TestRequestLimitAndInterpreter(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		st.SetMatchmakingOptions(store.MatchmakingOptions{OpenRequestLimit: 2})
		f := newMatchmaking(t, st, "Limit Co", 4, 2)
		a := mmAttendees(t, st, "limit", 1, "CN", "en")[0]
		for i := 0; i < 2; i++ {
			if _, err := st.RequestMeeting(ctx, a.ID, f.ex.Slug, f.slots[i].ID, expo.MeetingRequest{Language: "en"}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := st.RequestMeeting(ctx, a.ID, f.ex.Slug, f.slots[2].ID, expo.MeetingRequest{Language: "en"})
		wantErrMsg(t, err, expo.CodeRateLimited, "meeting.error.request_limit")
		checkBooked(t, st)

		// A Russian speaker and the Korean exhibitor share no language.
		if err := st.MMTestExhibitorLangs(ctx, f.ex.ID, "KR", "ko"); err != nil {
			t.Fatal(err)
		}
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 2}); err != nil {
			t.Fatal(err)
		}
		ru := mmAttendees(t, st, "ru", 2, "RU", "ru")
		_, err = st.RequestMeeting(ctx, ru[0].ID, f.ex.Slug, f.slots[3].ID, expo.MeetingRequest{Language: "ru"})
		wantErrMsg(t, err, expo.CodeConflict, "meeting.error.no_interpreter")
		e, _ := expo.AsError(err)
		if e.Data["A"] != "ko" || e.Data["B"] != "ru" || e.Data["Time"] != "10:30" {
			t.Fatalf("interpreter error data = %v", e.Data)
		}
		if _, err := st.MMTestInterpreter(ctx, "Kim Interpreter", "ko", "ru", f.slots[3].ID); err != nil {
			t.Fatal(err)
		}
		m, err := st.RequestMeeting(ctx, ru[0].ID, f.ex.Slug, f.slots[3].ID, expo.MeetingRequest{Language: "ru"})
		if err != nil || m.InterpreterName != "Kim Interpreter" {
			t.Fatalf("with interpreter: %+v %v", m, err)
		}
		// The only interpreter is busy then.
		_, err = st.RequestMeeting(ctx, ru[1].ID, f.ex.Slug, f.slots[3].ID, expo.MeetingRequest{Language: "ru"})
		wantErrMsg(t, err, expo.CodeConflict, "meeting.error.no_interpreter")
		checkBooked(t, st)
	})
}

// TestMeetingRace: 200 attendees race for one exhibitor's 10 slots with
// one table each; exactly 10 get a meeting and 190 hear "slot taken",
// whether the exhibitor auto-accepts or not.
func TestMeetingRace(t *testing.T) {
	for _, auto := range []bool{false, true} {
		t.Run(fmt.Sprintf("auto-accept=%v", auto), func(t *testing.T) {
			storetest.ForEach(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				f := newMatchmaking(t, st, "Race Co", 10, 10)
				if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 1, AutoAccept: auto}); err != nil {
					t.Fatal(err)
				}
				as := mmAttendees(t, st, "race", 200, "CN", "en")
				var mu sync.Mutex
				booked, taken := 0, 0
				var other []error
				var wg sync.WaitGroup
				for i, a := range as {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, err := st.RequestMeeting(ctx, a.ID, f.ex.Slug, f.slots[i%10].ID, expo.MeetingRequest{Language: "en"})
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err == nil:
							booked++
						case expo.IsSlotTaken(err):
							taken++
						default:
							other = append(other, err)
						}
					}()
				}
				wg.Wait()
				if booked != 10 || taken != 190 || len(other) > 0 {
					t.Fatalf("booked %d, taken %d, other %v", booked, taken, other)
				}
				if n := st.AppTestCount(ctx, "meetings"); n != 10 {
					t.Fatalf("%d meeting rows", n)
				}
				checkBooked(t, st)
			})
		})
	}
}

// TestConcurrentAcceptCancel: accepts, declines and cancels racing with new
// requests keep booked equal to the open meetings and tables unique.
func TestConcurrentAcceptCancel(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Churn Co", 4, 3)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 3}); err != nil {
			t.Fatal(err)
		}
		as := mmAttendees(t, st, "churn", 40, "CN", "en")
		var first []expo.Meeting
		for i := 0; i < 12; i++ {
			m, err := st.RequestMeeting(ctx, as[i].ID, f.ex.Slug, f.slots[i%4].ID, expo.MeetingRequest{Language: "en"})
			if err != nil {
				t.Fatal(err)
			}
			first = append(first, m)
		}
		var wg sync.WaitGroup
		for i, m := range first {
			wg.Add(2)
			go func() {
				defer wg.Done()
				if i%3 == 0 {
					st.CancelMeeting(ctx, m.ID, as[i], "")
				} else {
					st.AnswerMeeting(ctx, m.ID, f.rep, i%3 == 1, "")
				}
			}()
			go func() {
				defer wg.Done()
				st.CancelMeeting(ctx, m.ID, f.rep, "double")
			}()
		}
		for i := 12; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st.RequestMeeting(ctx, as[i].ID, f.ex.Slug, f.slots[i%4].ID, expo.MeetingRequest{Language: "en"})
			}()
		}
		wg.Wait()
		checkBooked(t, st)
	})
}

// TestDemoMatchmaking: the demo's grid, availability and meetings in every
// state obey the booking invariants, and loading stays fast.
func TestDemoMatchmaking(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		began := time.Now()
		if _, err := st.LoadDemo(ctx, demoPassword, store.DemoSize{Exhibitors: 8, Attendees: 500}, shanghai(t)); err != nil {
			t.Fatal(err)
		}
		t.Logf("demo with 500 attendees loaded in %v", time.Since(began))
		blocks, err := st.Blocks(ctx, shanghai(t))
		if err != nil || len(blocks) != 10 {
			t.Fatalf("blocks = %d, %v", len(blocks), err)
		}
		if n, _, _ := st.TableCount(ctx); n != 40 {
			t.Fatalf("tables = %d", n)
		}
		states := map[string]int64{}
		for _, s := range expo.MeetingStatuses {
			states[string(s)] = st.AppTestCountWhere(ctx, "meetings", "status = ?", string(s))
			if states[string(s)] == 0 {
				t.Errorf("no %s meetings", s)
			}
		}
		total := st.AppTestCount(ctx, "meetings")
		if total < 2000 {
			t.Fatalf("only %d demo meetings: %v", total, states)
		}
		t.Logf("demo meetings: %d %v", total, states)
		checkBooked(t, st)
		a, err := st.UserByEmail(ctx, "attendee1@demo.expo")
		if err != nil {
			t.Fatal(err)
		}
		mine, err := st.MyMeetings(ctx, a)
		if err != nil || len(mine) < 10 {
			t.Fatalf("attendee1 has %d meetings, %v", len(mine), err)
		}
	})
}

// TestFreeSlots: only slots free for both sides are offered.
func TestFreeSlots(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Free Co", 4, 1)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 2, AutoAccept: true}); err != nil {
			t.Fatal(err)
		}
		as := mmAttendees(t, st, "free", 3, "CN", "en")
		ids := func(slots []expo.Slot) []int64 {
			var out []int64
			for _, s := range slots {
				out = append(out, s.ID)
			}
			return out
		}
		all, err := st.FreeSlots(ctx, f.ex.ID, as[0].ID, time.Now())
		if err != nil || len(all) != 4 || all[0].TablesFree != 2 {
			t.Fatalf("free = %+v, %v", all, err)
		}
		// as[0] books slot 0: gone for as[0], one table less for as[1];
		// the area's only table is now taken, so nobody else gets slot 0.
		if _, err := st.RequestMeeting(ctx, as[0].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}
		mine, _ := st.FreeSlots(ctx, f.ex.ID, as[0].ID, time.Now())
		if got := ids(mine); len(got) != 3 || got[0] != f.slots[1].ID {
			t.Fatalf("after booking: %v", got)
		}
		other, _ := st.FreeSlots(ctx, f.ex.ID, as[1].ID, time.Now())
		if got := ids(other); len(got) != 3 {
			t.Fatalf("area full in slot 0, yet offered: %v", got)
		}
		// Slots that have started are not offered.
		st.AppTestShiftClock(30 * 24 * time.Hour)
		defer st.AppTestShiftClock(-30 * 24 * time.Hour)
		later, _ := st.FreeSlots(ctx, f.ex.ID, as[2].ID, time.Now().Add(30*24*time.Hour))
		if len(later) != 0 {
			t.Fatalf("past slots offered: %v", ids(later))
		}
	})
}

// TestKoreanBusinessDay: a block limited to Korea takes meetings only where
// the exhibitor or the attendee is Korean.
func TestKoreanBusinessDay(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Theme Co", 2, 4)
		b, err := st.CreateBlock(ctx, expo.BlockInput{Day: f.day, Start: "14:00", End: "15:00", SlotMinutes: 30, Theme: "Korean Business Day", RestrictCountry: "KR"}, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		grid, _ := st.AvailabilityGrid(ctx, f.ex.ID)
		var themed []int64
		for _, s := range grid {
			if s.BlockID == b.ID {
				themed = append(themed, s.ID)
			}
		}
		if _, err := st.SetAvailability(ctx, f.ex.ID, themed, true); err != nil {
			t.Fatal(err)
		}
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 3}); err != nil {
			t.Fatal(err)
		}
		cn := mmAttendees(t, st, "cn", 1, "CN", "en")[0]
		kr := mmAttendees(t, st, "kr", 1, "KR", "en")[0]
		// A Korean exhibitor: anyone may meet it then.
		if _, err := st.RequestMeeting(ctx, cn.ID, f.ex.Slug, themed[0], expo.MeetingRequest{Language: "en"}); err != nil {
			t.Fatalf("Korean exhibitor, Chinese attendee: %v", err)
		}
		// A Chinese exhibitor: only Korean attendees.
		if err := st.MMTestExhibitorLangs(ctx, f.ex.ID, "CN", "en"); err != nil {
			t.Fatal(err)
		}
		_, err = st.RequestMeeting(ctx, cn.ID, f.ex.Slug, themed[1], expo.MeetingRequest{Language: "en"})
		wantErrMsg(t, err, expo.CodeForbidden, "meeting.error.restricted")
		free, _ := st.FreeSlots(ctx, f.ex.ID, cn.ID, time.Now())
		for _, s := range free {
			if s.BlockID == b.ID {
				t.Fatalf("restricted slot %d offered to a Chinese attendee of a Chinese exhibitor", s.ID)
			}
		}
		if _, err := st.RequestMeeting(ctx, kr.ID, f.ex.Slug, themed[1], expo.MeetingRequest{Language: "en"}); err != nil {
			t.Fatalf("Korean attendee: %v", err)
		}
		checkBooked(t, st)
	})
}

// TestAnswerMatchesStoredMeeting: AnswerMeeting builds its answer from the
// meeting it read and the changes it made (no second read on the writer);
// that answer must be what a fresh read of the meeting shows, for every
// field it has (not the parties' details, which it does not read).
func TestAnswerMatchesStoredMeeting(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Answer Co", 2, 3)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 3}); err != nil {
			t.Fatal(err)
		}
		as := mmAttendees(t, st, "answer", 3, "CN", "en")
		for _, tt := range []struct {
			name   string
			who    expo.User
			accept bool
			reason string
		}{
			{"accepted, with its table", as[0], true, ""},
			{"second accepted, the next table", as[1], true, ""},
			{"declined, with the reason and no table", as[2], false, "  Fully booked  "},
		} {
			t.Run(tt.name, func(t *testing.T) {
				m, err := st.RequestMeeting(ctx, tt.who.ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en", Message: "Hi"})
				if err != nil {
					t.Fatal(err)
				}
				got, err := st.AnswerMeeting(ctx, m.ID, f.rep, tt.accept, tt.reason)
				if err != nil {
					t.Fatal(err)
				}
				stored, err := st.Meeting(ctx, m.ID, f.rep)
				if err != nil {
					t.Fatal(err)
				}
				// updated_at is written by the transaction's own clock reads
				// and is not part of any answer.
				got.UpdatedAt, stored.UpdatedAt = time.Time{}, time.Time{}
				stored.ExhibitorLatin, stored.ExhibitorCountry, stored.AttendeeOrganization = "", "", ""
				stored.AttendeeCountry, stored.AttendeeLanguages, stored.CreatedAt = "", nil, time.Time{}
				if !reflect.DeepEqual(got, stored) {
					t.Errorf("answer %+v\nstored %+v", got, stored)
				}
			})
		}
		checkBooked(t, st)
	})
}

// TestAnswerChangedAfterRead: an answer reads the meeting on the read pool
// before its transaction; when the meeting is cancelled or answered in
// between, the answer writes nothing and says what the meeting became.
// Fails if the transaction trusts the earlier read.
func TestAnswerChangedAfterRead(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Meanwhile Co", 3, 3)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 3}); err != nil {
			t.Fatal(err)
		}
		as := mmAttendees(t, st, "meanwhile", 3, "CN", "en")
		for i, tt := range []struct {
			name      string
			accept    bool
			meanwhile func(m expo.Meeting) error
			want      error
			status    expo.MeetingStatus
			table     bool
		}{
			{"accept after the attendee cancelled", true, func(m expo.Meeting) error {
				_, err := st.CancelMeeting(ctx, m.ID, as[0], "")
				return err
			}, expo.ErrMeetingClosed, expo.MeetingCancelled, false},
			{"decline after a colleague accepted", false, func(m expo.Meeting) error {
				_, err := st.AnswerMeeting(ctx, m.ID, f.rep, true, "")
				return err
			}, expo.ErrAlreadyAnswered, expo.MeetingAccepted, true},
			{"accept after a colleague declined", true, func(m expo.Meeting) error {
				_, err := st.AnswerMeeting(ctx, m.ID, f.rep, false, "No")
				return err
			}, expo.ErrMeetingClosed, expo.MeetingDeclined, false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				m, err := st.RequestMeeting(ctx, as[i].ID, f.ex.Slug, f.slots[i].ID, expo.MeetingRequest{Language: "en"})
				if err != nil {
					t.Fatal(err)
				}
				notes := st.AppTestCount(ctx, "notifications")
				var meanwhile error
				restore := store.MMTestDuringAnswerRead(nil)
				restore = store.MMTestDuringAnswerRead(func() {
					restore() // once: the change below is an answer too
					meanwhile = tt.meanwhile(m)
				})
				defer restore()
				_, err = st.AnswerMeeting(ctx, m.ID, f.rep, tt.accept, "")
				if meanwhile != nil {
					t.Fatalf("the change in between: %v", meanwhile)
				}
				if !errors.Is(err, tt.want) {
					t.Fatalf("answer after the change: %v, want %v", err, tt.want)
				}
				got, err := st.Meeting(ctx, m.ID, f.rep)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != tt.status || (got.TableID != nil) != tt.table {
					t.Errorf("meeting is %s with table %v, want %s (table %v)", got.Status, got.TableID, tt.status, tt.table)
				}
				// One notification: the change's; the refused answer wrote none.
				if n := st.AppTestCount(ctx, "notifications"); n != notes+1 {
					t.Errorf("%d notifications written, want 1", n-notes)
				}
				checkBooked(t, st)
			})
		}
	})
}

// TestRawInsertDuplicateRecognised: on PostgreSQL a unique violation of an
// INSERT … RETURNING read through Raw(…).Scan comes back untranslated; the
// meeting insert must still answer "attendee busy", not 500 (found by
// TestCrashSafety/postgres).
func TestRawInsertDuplicateRecognised(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := st.MMTestAttendees(ctx, "dupe", 1, "CN", "en"); err != nil {
			t.Fatal(err)
		}
		dup, err := st.RawInsertDuplicate(ctx, "dupe1@test.expo")
		if err != nil {
			t.Fatal(err)
		}
		if !dup {
			t.Fatal("a unique violation read through Raw(…).Scan is not recognised as a duplicate")
		}
	})
}

// TestBookingAnswerMatchesStoredMeeting: a booking builds its answer from
// what it read and wrote (no second read on the writer); that answer must
// be what a fresh read of the meeting shows, field for field.
func TestBookingAnswerMatchesStoredMeeting(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Echo Co", 3, 3)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 3}); err != nil {
			t.Fatal(err)
		}
		auto := newMatchmaking(t, st, "Auto Echo Co", 3, 3)
		if err := st.SetExhibitorMeetingSettings(ctx, auto.ex.ID, store.MeetingSettings{Tables: 3, AutoAccept: true}); err != nil {
			t.Fatal(err)
		}
		// A Russian speaker and a Korean and English exhibitor need an
		// interpreter.
		if err := st.MMTestExhibitorLangs(ctx, auto.ex.ID, "KR", "ko", "en"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.MMTestInterpreter(ctx, "Echo Interpreter", "ko", "ru", auto.slots[1].ID); err != nil {
			t.Fatal(err)
		}
		en := mmAttendees(t, st, "echo", 3, "CN", "en")
		ru := mmAttendees(t, st, "echoru", 1, "RU", "ru")
		for _, tt := range []struct {
			name string
			book func() (expo.Meeting, error)
			want expo.MeetingStatus
		}{
			{"a pending request, with its deadline", func() (expo.Meeting, error) {
				return st.RequestMeeting(ctx, en[0].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en", Message: " Hello\r\nthere "})
			}, expo.MeetingPending},
			{"an auto-accepted request, with its table", func() (expo.Meeting, error) {
				return st.RequestMeeting(ctx, en[1].ID, auto.ex.Slug, auto.slots[0].ID, expo.MeetingRequest{Language: "en"})
			}, expo.MeetingAccepted},
			{"with an interpreter", func() (expo.Meeting, error) {
				return st.RequestMeeting(ctx, ru[0].ID, auto.ex.Slug, auto.slots[1].ID, expo.MeetingRequest{Language: "ru"})
			}, expo.MeetingAccepted},
			{"an invitation", func() (expo.Meeting, error) {
				return st.InviteAttendee(ctx, f.ex.ID, f.rep.ID, en[2].ID, f.slots[1].ID, expo.MeetingRequest{Language: "en", Message: "Come by"})
			}, expo.MeetingPending},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := tt.book()
				if err != nil || got.Status != tt.want {
					t.Fatalf("booking: %+v %v", got, err)
				}
				stored, err := st.Meeting(ctx, got.ID, expo.User{ID: got.AttendeeID, Role: expo.RoleAttendee})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, stored) {
					t.Errorf("answer %+v\nstored %+v", got, stored)
				}
			})
		}
		checkBooked(t, st)
	})
}

// TestReadPoolRefusals: refusals the read pool answers before the write
// transaction (no table free for an exhibitor who auto-accepts, no table
// free to accept a request) give the transaction's answer and write
// nothing.
func TestReadPoolRefusals(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		// One table in the negotiation area, taken by the first meeting.
		f := newMatchmaking(t, st, "Full Co", 2, 1)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 1, AutoAccept: true}); err != nil {
			t.Fatal(err)
		}
		g := newMatchmaking(t, st, "Waiting Co", 2, 1)
		as := mmAttendees(t, st, "full", 3, "CN", "en")
		if _, err := st.RequestMeeting(ctx, as[0].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}
		pending, err := st.RequestMeeting(ctx, as[1].ID, g.ex.Slug, g.slots[0].ID, expo.MeetingRequest{Language: "en"})
		if err != nil || pending.Status != expo.MeetingPending {
			t.Fatalf("request: %+v %v", pending, err)
		}
		if err := st.SetExhibitorMeetingSettings(ctx, g.ex.ID, store.MeetingSettings{Tables: 2, AutoAccept: true}); err != nil {
			t.Fatal(err)
		}
		meetings := func() int64 { return st.AppTestCountWhere(ctx, "meetings", "1 = 1") }
		notes := func() int64 { return st.AppTestCountWhere(ctx, "notifications", "1 = 1") }
		before, notesBefore := meetings(), notes()

		t.Run("auto-accept with no table free", func(t *testing.T) {
			_, err := st.RequestMeeting(ctx, as[2].ID, g.ex.Slug, g.slots[0].ID, expo.MeetingRequest{Language: "en"})
			wantErrMsg(t, err, expo.CodeConflict, "meeting.error.no_table")
			if q := st.MMTestQuota(ctx, as[2].ID); q != 0 {
				t.Errorf("quota = %d, want 0", q)
			}
		})
		t.Run("accepting with no table free", func(t *testing.T) {
			_, err := st.AnswerMeeting(ctx, pending.ID, g.rep, true, "")
			wantErrMsg(t, err, expo.CodeConflict, "meeting.error.no_table")
			m, err := st.Meeting(ctx, pending.ID, g.rep)
			if err != nil || m.Status != expo.MeetingPending || m.TableID != nil {
				t.Fatalf("meeting after refusal: %+v %v", m, err)
			}
			if q := st.MMTestQuota(ctx, as[1].ID); q != 1 {
				t.Errorf("quota = %d, want 1", q)
			}
		})
		t.Run("the requester still cannot accept", func(t *testing.T) {
			_, err := st.AnswerMeeting(ctx, pending.ID, as[1], true, "")
			wantErrMsg(t, err, expo.CodeForbidden, "meeting.error.not_your_turn")
		})
		t.Run("an unknown meeting", func(t *testing.T) {
			_, err := st.AnswerMeeting(ctx, pending.ID+1000, g.rep, true, "")
			wantErrMsg(t, err, expo.CodeNotFound, "error.not_found")
		})
		if meetings() != before || notes() != notesBefore {
			t.Errorf("refusals wrote: meetings %d → %d, notifications %d → %d", before, meetings(), notesBefore, notes())
		}
		checkBooked(t, st)

		t.Run("declining still works and frees the slot", func(t *testing.T) {
			m, err := st.AnswerMeeting(ctx, pending.ID, g.rep, false, "Busy")
			if err != nil || m.Status != expo.MeetingDeclined {
				t.Fatalf("decline: %+v %v", m, err)
			}
			if q := st.MMTestQuota(ctx, as[1].ID); q != 0 {
				t.Errorf("quota = %d, want 0", q)
			}
		})
		checkBooked(t, st)
	})
}

// TestInvitationRefusals: an invitation has no read-pool pre-check; the
// write transaction reads the parties only and leaves the counters to its
// guarded statements, which must give the same answers in the same order.
func TestInvitationRefusals(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Invite Co", 4, 3)
		other := newMatchmaking(t, st, "Invite Other Co", 4, 3)
		a := mmAttendees(t, st, "inv", 3, "CN", "en")
		if _, err := st.SetAvailability(ctx, f.ex.ID, []int64{f.slots[3].ID}, false); err != nil {
			t.Fatal(err)
		}
		// slots[1] full (one table), a[1] busy in slots[2] with the other exhibitor.
		if _, err := st.InviteAttendee(ctx, f.ex.ID, f.rep.ID, a[0].ID, f.slots[1].ID, expo.MeetingRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.RequestMeeting(ctx, a[1].ID, other.ex.Slug, other.slots[2].ID, expo.MeetingRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}
		meetings := st.AppTestCount(ctx, "meetings")
		for _, c := range []struct {
			name     string
			attendee int64
			slot     int64
			lang     string
			code     expo.Code
			msg      string
		}{
			{"not available", a[2].ID, f.slots[3].ID, "en", expo.CodeConflict, "meeting.error.not_available"},
			{"no such slot", a[2].ID, 999999, "en", expo.CodeNotFound, "error.form"},
			{"no such attendee", 999999, f.slots[0].ID, "en", expo.CodeNotFound, "error.not_found"},
			{"not an attendee", other.rep.ID, f.slots[0].ID, "en", expo.CodeForbidden, "meeting.error.not_attendee"},
			{"language nobody speaks", a[2].ID, f.slots[0].ID, "fr", expo.CodeInvalid, "error.form"},
			{"slot taken", a[2].ID, f.slots[1].ID, "en", expo.CodeConflict, "meeting.error.slot_taken"},
			{"attendee busy", a[1].ID, f.slots[2].ID, "en", expo.CodeConflict, "meeting.error.attendee_busy"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := st.InviteAttendee(ctx, f.ex.ID, f.rep.ID, c.attendee, c.slot, expo.MeetingRequest{Language: c.lang})
				wantErrMsg(t, err, c.code, c.msg)
				if n := st.AppTestCount(ctx, "meetings"); n != meetings {
					t.Fatalf("%d meetings, want %d", n, meetings)
				}
				checkBooked(t, st)
			})
		}
	})
}

// TestPrecheckFollowsMeetingSettings: new meeting settings (more tables,
// accepting at once) apply to the very next request, whose pre-check
// refused while the tables were full. It guards any caching of what the
// pre-check reads of the exhibitor.
func TestPrecheckFollowsMeetingSettings(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newMatchmaking(t, st, "Settings Co", 2, 3)
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 1}); err != nil {
			t.Fatal(err)
		}
		as := mmAttendees(t, st, "settings", 2, "CN", "en")
		if _, err := st.RequestMeeting(ctx, as[0].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.RequestMeeting(ctx, as[1].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"}); !expo.IsSlotTaken(err) {
			t.Fatalf("second request with one table: %v, want slot taken", err)
		}
		if err := st.SetExhibitorMeetingSettings(ctx, f.ex.ID, store.MeetingSettings{Tables: 2, AutoAccept: true}); err != nil {
			t.Fatal(err)
		}
		m, err := st.RequestMeeting(ctx, as[1].ID, f.ex.Slug, f.slots[0].ID, expo.MeetingRequest{Language: "en"})
		if err != nil {
			t.Fatalf("request after a second table: %v", err)
		}
		if m.Status != expo.MeetingAccepted || m.TableID == nil {
			t.Errorf("request to an exhibitor now accepting at once: %s, table %v", m.Status, m.TableID)
		}
		checkBooked(t, st)
	})
}
