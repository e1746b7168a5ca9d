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

// mmFixture is an approved exhibitor (KR, ko/en) and an attendee (RU, ru).
type mmFixture struct {
	org       expo.User
	exhibitor expo.Exhibitor
	owner     expo.User
	attendee  expo.User
}

func newMMFixture(t *testing.T, st *store.Store) mmFixture {
	t.Helper()
	ctx := context.Background()
	org := mustOrganizer(t, st, "staff@test.expo")
	ex, owner := mustApply(t, st, "메디텍", "Meditech", "owner@meditech.kr")
	ex, err := st.Transition(ctx, ex.ID, expo.StateApproved, org, "")
	if err != nil {
		t.Fatal(err)
	}
	att, err := st.CreateAttendee(ctx, expo.SignUp{Email: "ivan@test.ru", Password: "attendee-password",
		Profile: expo.Profile{Name: "Ivan", Country: "RU", Languages: []string{"ru"}, Interests: []string{"pharma_medical"}, Organization: "Volga Clinics"}})
	if err != nil {
		t.Fatal(err)
	}
	return mmFixture{org: org, exhibitor: ex, owner: owner, attendee: att}
}

func TestInterpreterCRUD(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		fx := newMMFixture(t, st)
		bad := []struct {
			name  string
			in    store.InterpreterInput
			field string
			msg   string
		}{
			{"name required", store.InterpreterInput{Pairs: []string{"ko-ru"}}, "name", "error.required"},
			{"no pairs", store.InterpreterInput{Name: "A"}, "pairs", "interpreter.error.pairs_required"},
			{"same language", store.InterpreterInput{Name: "A", Pairs: []string{"ko-ko"}}, "pairs", "interpreter.error.pair_same"},
			{"unknown language", store.InterpreterInput{Name: "A", Pairs: []string{"ko-xx"}}, "pairs", "interpreter.error.pair_unknown"},
			{"not a pair", store.InterpreterInput{Name: "A", Pairs: []string{"ko"}}, "pairs", "interpreter.error.pair_unknown"},
			{"bad email", store.InterpreterInput{Name: "A", Email: "nope", Pairs: []string{"ko-ru"}}, "email", "error.email_invalid"},
			{"unknown account", store.InterpreterInput{Name: "A", Email: "ghost@test.expo", Pairs: []string{"ko-ru"}}, "email", "interpreter.error.no_account"},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				_, err := st.CreateInterpreter(ctx, tc.in)
				wantFieldErr(t, err, tc.field, tc.msg)
				if n := st.MMTestCount(ctx, "interpreters"); n != 0 {
					t.Fatalf("%d interpreters written", n)
				}
			})
		}

		id, err := st.CreateInterpreter(ctx, store.InterpreterInput{Name: "Kim Ivanova", Email: "IVAN@test.ru", Pairs: []string{"ru-ko", "ko-ru", "en-zh"}})
		if err != nil {
			t.Fatal(err)
		}
		it, err := st.Interpreter(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.InterpreterPair{{A: "en", B: "zh"}, {A: "ko", B: "ru"}}
		if it.Name != "Kim Ivanova" || it.Email != "ivan@test.ru" || len(it.Pairs) != 2 || it.Pairs[0] != want[0] || it.Pairs[1] != want[1] {
			t.Fatalf("interpreter %+v", it)
		}
		if got, ok, err := st.InterpreterOfUser(ctx, fx.attendee.ID); err != nil || !ok || got.ID != id {
			t.Fatalf("InterpreterOfUser = %+v %v %v", got, ok, err)
		}
		t.Run("account linked twice", func(t *testing.T) {
			_, err := st.CreateInterpreter(ctx, store.InterpreterInput{Name: "B", Email: "ivan@test.ru", Pairs: []string{"ko-ru"}})
			wantFieldErr(t, err, "email", "interpreter.error.account_taken")
		})
		t.Run("update replaces pairs and unlinks", func(t *testing.T) {
			if err := st.UpdateInterpreter(ctx, id, store.InterpreterInput{Name: "Kim I.", Pairs: []string{"ja-zh"}}); err != nil {
				t.Fatal(err)
			}
			it, _ := st.Interpreter(ctx, id)
			if it.Name != "Kim I." || it.UserID != nil || len(it.Pairs) != 1 || it.Pairs[0] != (store.InterpreterPair{A: "ja", B: "zh"}) {
				t.Fatalf("after update %+v", it)
			}
		})
		t.Run("update of a missing one", func(t *testing.T) {
			err := st.UpdateInterpreter(ctx, id+100, store.InterpreterInput{Name: "X", Pairs: []string{"ja-zh"}})
			if !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
		})
		if _, err := st.CreateInterpreter(ctx, store.InterpreterInput{Name: "Aa", Pairs: []string{"en-ko"}}); err != nil {
			t.Fatal(err)
		}
		list, total, err := st.Interpreters(ctx, 0, 10)
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("list %+v %d %v", list, total, err)
		}

		t.Run("delete refused with open meeting", func(t *testing.T) {
			start := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Minute)
			_, slot := st.MMTestSlot(ctx, start.Format(time.DateOnly), start, start.Add(30*time.Minute))
			mid := st.MMTestMeeting(ctx, slot, fx.exhibitor.ID, fx.attendee.ID, "accepted", &id)
			if err := st.DeleteInterpreter(ctx, id); !errors.Is(err, store.ErrInterpreterBusy) {
				t.Fatalf("delete = %v, want busy", err)
			}
			if mid == 0 {
				t.Fatal("no meeting")
			}
		})
		t.Run("delete", func(t *testing.T) {
			other := list[0].ID
			if other == id {
				other = list[1].ID
			}
			if err := st.DeleteInterpreter(ctx, other); err != nil {
				t.Fatal(err)
			}
			if err := st.DeleteInterpreter(ctx, other); !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("second delete = %v", err)
			}
		})
	})
}

func TestInterpreterAvailabilityAndFree(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		fx := newMMFixture(t, st)
		start := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Minute)
		day := start.Format(time.DateOnly)
		block1, slot1 := st.MMTestSlot(ctx, day, start, start.Add(30*time.Minute))
		block2, slot2 := st.MMTestSlot(ctx, day, start.Add(time.Hour), start.Add(90*time.Minute))
		a, err := st.CreateInterpreter(ctx, store.InterpreterInput{Name: "A", Pairs: []string{"ko-ru"}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := st.CreateInterpreter(ctx, store.InterpreterInput{Name: "B", Pairs: []string{"ru-ko", "en-ru"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetInterpreterBlocks(ctx, a, []int64{block1, block2}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetInterpreterBlocks(ctx, b, []int64{block1}); err != nil {
			t.Fatal(err)
		}
		blocks, err := st.InterpreterBlocks(ctx, b)
		if err != nil || len(blocks) != 2 || blocks[0].Available != 1 || blocks[1].Available != 0 || blocks[0].Slots != 1 {
			t.Fatalf("blocks %+v %v", blocks, err)
		}
		if err := st.SetInterpreterBlocks(ctx, a+b+100, nil); !errors.Is(err, expo.ErrNotFound) {
			t.Fatalf("unknown interpreter: %v", err)
		}

		free := func(slot int64, x, y string) (int64, bool) {
			t.Helper()
			id, ok, err := st.MMTestFreeInterpreter(ctx, slot, x, y)
			if err != nil {
				t.Fatal(err)
			}
			return id, ok
		}
		t.Run("either order, lowest load then id", func(t *testing.T) {
			if id, ok := free(slot1, "ru", "ko"); !ok || id != a {
				t.Fatalf("got %d %v, want %d", id, ok, a)
			}
		})
		t.Run("no pair", func(t *testing.T) {
			if _, ok := free(slot1, "ja", "ko"); ok {
				t.Fatal("found an interpreter for ja-ko")
			}
			if _, ok := free(slot1, "ko", "ko"); ok {
				t.Fatal("found an interpreter for ko-ko")
			}
		})
		t.Run("busy one skipped", func(t *testing.T) {
			st.MMTestMeeting(ctx, slot1, fx.exhibitor.ID, fx.attendee.ID, "pending", &a)
			if id, ok := free(slot1, "ko", "ru"); !ok || id != b {
				t.Fatalf("got %d %v, want %d", id, ok, b)
			}
		})
		t.Run("not available in slot", func(t *testing.T) {
			// b is not available in slot2; a is.
			if id, ok := free(slot2, "ko", "ru"); !ok || id != a {
				t.Fatalf("got %d %v, want %d", id, ok, a)
			}
			if _, ok := free(slot2, "en", "ru"); ok {
				t.Fatal("b is not available in slot2")
			}
		})
		t.Run("availability with an open meeting stays", func(t *testing.T) {
			if err := st.SetInterpreterBlocks(ctx, a, nil); err != nil {
				t.Fatal(err)
			}
			blocks, _ := st.InterpreterBlocks(ctx, a)
			if blocks[0].Available != 1 || blocks[1].Available != 0 {
				t.Fatalf("blocks %+v", blocks)
			}
		})
		t.Run("agenda", func(t *testing.T) {
			ag, err := st.InterpreterAgenda(ctx, a, time.Now(), 50)
			if err != nil || len(ag) != 1 || ag[0].ExhibitorName != "메디텍" || ag[0].AttendeeName != "Ivan" || !ag[0].Start.Equal(start) {
				t.Fatalf("agenda %+v %v", ag, err)
			}
		})
	})
}

func TestDemoInterpreters(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acc, err := st.LoadDemo(ctx, demoPassword, store.DemoSize{Exhibitors: 3, Attendees: 3}, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		list, total, err := st.Interpreters(ctx, 0, 100)
		if err != nil || total < 10 {
			t.Fatalf("%d interpreters, %v", total, err)
		}
		covered := map[store.InterpreterPair]bool{}
		for _, it := range list {
			for _, p := range it.Pairs {
				covered[p] = true
			}
		}
		for _, p := range [][2]string{{"ko", "zh"}, {"ru", "zh"}, {"ja", "zh"}, {"en", "zh"}, {"en", "ko"}, {"en", "ru"}, {"en", "ja"}, {"ko", "ru"}} {
			a, b := expo.LanguagePair(p[0], p[1])
			if !covered[store.InterpreterPair{A: a, B: b}] {
				t.Errorf("no interpreter for %s-%s", a, b)
			}
		}
		last := acc.Attendees[len(acc.Attendees)-1]
		u, err := st.UserByEmail(ctx, last)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, err := st.InterpreterOfUser(ctx, u.ID); err != nil || !ok {
			t.Errorf("%s is not linked to an interpreter: %v", last, err)
		}
	})
}
