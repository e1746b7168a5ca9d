package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// registrationFixture is a published forum and a few attendees.
func registrationFixture(t *testing.T, st *store.Store, capacity, attendees int) (forumID int64, users []int64) {
	t.Helper()
	ctx := context.Background()
	users, err := st.TestAttendees(ctx, t.Name(), attendees)
	if err != nil {
		t.Fatalf("create attendees: %v", err)
	}
	forumID, err = st.TestForum(ctx, "Cross-border e-commerce", capacity, true)
	if err != nil {
		t.Fatalf("create forum: %v", err)
	}
	return forumID, users
}

// checkCounts compares the forum's confirmed counter, its registration rows
// and the expected numbers.
func checkCounts(t *testing.T, st *store.Store, forumID int64, confirmed, waitlisted int) {
	t.Helper()
	ctx := context.Background()
	f, err := st.Forum(ctx, forumID)
	if err != nil {
		t.Fatalf("read forum: %v", err)
	}
	counts, err := st.CountRegistrations(ctx)
	if err != nil {
		t.Fatalf("count registrations: %v", err)
	}
	c := counts[forumID]
	if f.Confirmed != confirmed || c.Confirmed != confirmed {
		t.Errorf("confirmed counter %d, confirmed rows %d, want %d", f.Confirmed, c.Confirmed, confirmed)
	}
	if c.Waitlisted != waitlisted || f.Waitlisted != waitlisted {
		t.Errorf("waitlisted rows %d (forum says %d), want %d", c.Waitlisted, f.Waitlisted, waitlisted)
	}
}

func TestRegister(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		forumID, users := registrationFixture(t, st, 2, 5)
		tests := []struct {
			name string
			user int64
			want expo.Registration
		}{
			{"first seat", users[0], expo.Registration{Status: expo.RegistrationConfirmed}},
			{"second seat fills the forum", users[1], expo.Registration{Status: expo.RegistrationConfirmed}},
			{"full forum waitlists", users[2], expo.Registration{Status: expo.RegistrationWaitlisted, Position: 1}},
			{"next in line", users[3], expo.Registration{Status: expo.RegistrationWaitlisted, Position: 2}},
			{"registering again answers the confirmed seat", users[0], expo.Registration{Status: expo.RegistrationConfirmed}},
			{"registering again answers the waitlist place", users[3], expo.Registration{Status: expo.RegistrationWaitlisted, Position: 2}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.Register(ctx, forumID, tt.user)
				if err != nil {
					t.Fatalf("register: %v", err)
				}
				if got != tt.want {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
			})
		}
		checkCounts(t, st, forumID, 2, 2)

		t.Run("the user's registrations", func(t *testing.T) {
			regs, err := st.UserRegistrations(ctx, users[3])
			if err != nil {
				t.Fatal(err)
			}
			if want := (expo.Registration{Status: expo.RegistrationWaitlisted, Position: 2}); regs[forumID] != want || len(regs) != 1 {
				t.Errorf("registrations %+v, want only %+v", regs, want)
			}
			reg, ok, err := st.Registration(ctx, forumID, users[4])
			if err != nil || ok {
				t.Errorf("registration of a user who did not register: %+v, %v, %v", reg, ok, err)
			}
		})

		refused := []struct {
			name  string
			forum func(t *testing.T) int64
			user  func(t *testing.T) int64
			want  error
		}{
			{"unknown forum", func(*testing.T) int64 { return forumID + 1000 }, func(*testing.T) int64 { return users[4] }, expo.ErrNotFound},
			{"draft forum", func(t *testing.T) int64 {
				id, err := st.TestForum(ctx, "Draft", 10, false)
				if err != nil {
					t.Fatal(err)
				}
				return id
			}, func(*testing.T) int64 { return users[4] }, expo.ErrNotFound},
			{"organizer", func(*testing.T) int64 { return forumID }, func(t *testing.T) int64 {
				u, err := st.CreateOrganizer(ctx, expo.NewOrganizer{Name: "Org", Email: "org@test.expo", Password: "a-long-password-1"})
				if err != nil {
					t.Fatal(err)
				}
				return u.ID
			}, store.ErrAttendeesOnly},
			{"unknown user", func(*testing.T) int64 { return forumID }, func(*testing.T) int64 { return 999999 }, expo.ErrNotFound},
		}
		for _, tt := range refused {
			t.Run("refused: "+tt.name, func(t *testing.T) {
				f := tt.forum(t)
				before, _ := st.CountRegistrations(ctx)
				_, err := st.Register(ctx, f, tt.user(t))
				if !errors.Is(err, tt.want) {
					t.Fatalf("err %v, want %v", err, tt.want)
				}
				after, _ := st.CountRegistrations(ctx)
				if len(before) != len(after) || before[forumID] != after[forumID] {
					t.Errorf("registrations changed: %v → %v", before, after)
				}
			})
		}
		checkCounts(t, st, forumID, 2, 2)
	})
}

func TestCancel(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		forumID, users := registrationFixture(t, st, 2, 5)
		for _, u := range users[:4] {
			if _, err := st.Register(ctx, forumID, u); err != nil {
				t.Fatal(err)
			}
		}
		checkCounts(t, st, forumID, 2, 2)

		t.Run("a waitlisted cancellation moves the queue up", func(t *testing.T) {
			if err := st.Cancel(ctx, forumID, users[2]); err != nil {
				t.Fatal(err)
			}
			checkCounts(t, st, forumID, 2, 1)
			reg, _, _ := st.Registration(ctx, forumID, users[3])
			if reg.Position != 1 {
				t.Errorf("the last in line is now at %d, want 1", reg.Position)
			}
		})
		t.Run("a confirmed cancellation promotes the first waiting and notifies them", func(t *testing.T) {
			if err := st.Cancel(ctx, forumID, users[0]); err != nil {
				t.Fatal(err)
			}
			checkCounts(t, st, forumID, 2, 0)
			reg, _, _ := st.Registration(ctx, forumID, users[3])
			if reg.Status != expo.RegistrationConfirmed {
				t.Errorf("promoted registration %+v, want confirmed", reg)
			}
			ns, err := st.Notifications(ctx, users[3], 10)
			if err != nil || len(ns) != 1 || ns[0].Message != "forum.notify.promoted" || ns[0].Params["Forum"] != "Cross-border e-commerce" {
				t.Errorf("notifications %+v, %v; want one forum.notify.promoted", ns, err)
			}
		})
		t.Run("a confirmed cancellation with nobody waiting frees the seat", func(t *testing.T) {
			if err := st.Cancel(ctx, forumID, users[1]); err != nil {
				t.Fatal(err)
			}
			checkCounts(t, st, forumID, 1, 0)
			got, err := st.Register(ctx, forumID, users[4])
			if err != nil || got.Status != expo.RegistrationConfirmed {
				t.Errorf("registration into the freed seat: %+v, %v", got, err)
			}
		})
		t.Run("cancelling twice is not found", func(t *testing.T) {
			if err := st.Cancel(ctx, forumID, users[1]); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("err %v, want not found", err)
			}
		})
		t.Run("cancelling at an unknown forum is not found", func(t *testing.T) {
			if err := st.Cancel(ctx, forumID+1000, users[3]); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("err %v, want not found", err)
			}
		})
		checkCounts(t, st, forumID, 2, 0)
	})
}

// TestRegisterExactCapacityUnderConcurrency is the exact-capacity proof: 500
// attendees register at once for 100 seats.
func TestRegisterExactCapacityUnderConcurrency(t *testing.T) {
	if testing.Short() {
		t.Skip("500 concurrent registrations")
	}
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const seats, people = 100, 500
		forumID, users := registrationFixture(t, st, seats, people)
		results := make([]expo.Registration, people)
		errs := make([]error, people)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				results[i], errs[i] = st.Register(ctx, forumID, u)
			}()
		}
		close(start)
		wg.Wait()
		var confirmed int
		var positions []int
		for i, r := range results {
			if errs[i] != nil {
				t.Fatalf("registration %d failed: %v", i, errs[i])
			}
			switch r.Status {
			case expo.RegistrationConfirmed:
				confirmed++
			case expo.RegistrationWaitlisted:
				positions = append(positions, r.Position)
			}
		}
		if confirmed != seats || len(positions) != people-seats {
			t.Errorf("%d confirmed and %d waitlisted, want %d and %d", confirmed, len(positions), seats, people-seats)
		}
		slices.Sort(positions)
		for i, p := range positions {
			if p != i+1 {
				t.Fatalf("answered waitlist positions are not 1..%d without repeats: position %d at rank %d", people-seats, p, i+1)
			}
		}
		checkCounts(t, st, forumID, seats, people-seats)
	})
}

// TestCancelAndRegisterConcurrently mixes cancellations of confirmed and
// waiting attendees with new sign-ups; the counter must equal the rows and
// never pass capacity, and no one may wait while a seat is free.
func TestCancelAndRegisterConcurrently(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const seats = 20
		forumID, users := registrationFixture(t, st, seats, 120)
		for _, u := range users[:60] {
			if _, err := st.Register(ctx, forumID, u); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, 120)
		start := make(chan struct{})
		// Cancel every other of the first 60 (confirmed and waiting alike)
		// while the other 60 sign up.
		for i := 0; i < 60; i += 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs <- st.Cancel(ctx, forumID, users[i])
			}()
		}
		for _, u := range users[60:] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := st.Register(ctx, forumID, u)
				errs <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent cancel/register: %v", err)
			}
		}
		// 120 - 30 cancelled = 90 registrations; seats stay full.
		checkCounts(t, st, forumID, seats, 90-seats)
	})
}

// TestRegisterAndCancelWhateverThePreCheckSaw runs the sign-up and
// cancellation transactions with the read-pool pre-check's hint wrong in
// every way it can be (the forum filled up or freed a seat, the
// registration was promoted or is gone since): the guards alone decide, and
// the counters stay equal to the rows.
func TestRegisterAndCancelWhateverThePreCheckSaw(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		forumID, users := registrationFixture(t, st, 2, 8)
		confirmed := expo.Registration{Status: expo.RegistrationConfirmed}
		waiting := func(pos int) expo.Registration {
			return expo.Registration{Status: expo.RegistrationWaitlisted, Position: pos}
		}
		registers := []struct {
			name      string
			user      int64
			full      bool
			want      expo.Registration
			confirmed int
			waiting   int
		}{
			{"seat free, assumed full", users[0], true, confirmed, 1, 0},
			{"seat free, assumed free", users[1], false, confirmed, 2, 0},
			{"full, assumed free", users[2], false, waiting(1), 2, 1},
			{"full, assumed full", users[3], true, waiting(2), 2, 2},
			{"already waiting, assumed free", users[3], false, waiting(2), 2, 2},
			{"already seated, assumed full", users[0], true, confirmed, 2, 2},
			{"full, assumed free again", users[4], false, waiting(3), 2, 3},
		}
		for _, tt := range registers {
			t.Run("register: "+tt.name, func(t *testing.T) {
				got, err := st.TestRegisterAssuming(ctx, forumID, tt.user, tt.full)
				if err != nil || got != tt.want {
					t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
				}
				checkCounts(t, st, forumID, tt.confirmed, tt.waiting)
			})
		}
		draft, err := st.TestForum(ctx, "Draft", 5, false)
		if err != nil {
			t.Fatal(err)
		}
		org, err := st.CreateOrganizer(ctx, expo.NewOrganizer{Name: "Org", Email: "org@test.expo", Password: "a-long-password-1"})
		if err != nil {
			t.Fatal(err)
		}
		for _, full := range []bool{false, true} {
			refusals := []struct {
				name        string
				forum, user int64
				want        error
			}{
				{"draft forum", draft, users[5], expo.ErrNotFound},
				{"unknown forum", forumID + 1000, users[5], expo.ErrNotFound},
				{"organizer", forumID, org.ID, store.ErrAttendeesOnly},
				{"unknown user", forumID, 999999, expo.ErrNotFound},
			}
			for _, tt := range refusals {
				t.Run(fmt.Sprintf("register refused: %s, assumed full %v", tt.name, full), func(t *testing.T) {
					if _, err := st.TestRegisterAssuming(ctx, tt.forum, tt.user, full); !errors.Is(err, tt.want) {
						t.Fatalf("err %v, want %v", err, tt.want)
					}
					checkCounts(t, st, forumID, 2, 3)
					checkCounts(t, st, draft, 0, 0)
				})
			}
		}

		// users[0], users[1] seated; users[2], users[3], users[4] waiting.
		cancels := []struct {
			name      string
			user      int64
			waiting   bool
			want      error
			confirmed int
			queue     int
		}{
			{"nothing to cancel, assumed waiting", users[6], true, expo.ErrNotFound, 2, 3},
			{"nothing to cancel, assumed seated", users[6], false, expo.ErrNotFound, 2, 3},
			{"waiting, assumed seated", users[3], false, nil, 2, 2},
			{"seated, assumed waiting: the first waiting moves up", users[0], true, nil, 2, 1},
			{"waiting, assumed waiting", users[4], true, nil, 2, 0},
			{"seated with nobody waiting, assumed waiting", users[1], true, nil, 1, 0},
		}
		for _, tt := range cancels {
			t.Run("cancel: "+tt.name, func(t *testing.T) {
				if err := st.TestCancelAssuming(ctx, forumID, tt.user, tt.waiting); !errors.Is(err, tt.want) {
					t.Fatalf("err %v, want %v", err, tt.want)
				}
				checkCounts(t, st, forumID, tt.confirmed, tt.queue)
			})
		}
		t.Run("the promoted was told", func(t *testing.T) {
			if reg, _, _ := st.Registration(ctx, forumID, users[2]); reg != confirmed {
				t.Errorf("first waiting after a seat was cancelled: %+v, want confirmed", reg)
			}
			ns, err := st.Notifications(ctx, users[2], 10)
			if err != nil || len(ns) != 1 || ns[0].Message != "forum.notify.promoted" {
				t.Errorf("notifications %+v, %v; want one forum.notify.promoted", ns, err)
			}
		})
		t.Run("cancelling at an unknown forum, assumed waiting", func(t *testing.T) {
			if err := st.TestCancelAssuming(ctx, forumID+1000, users[2], true); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("err %v, want not found", err)
			}
		})
	})
}

// TestCountersUnderConcurrentSignUpsAndCancels is the counters' invariant
// test: attendees sign up and cancel at random at three small forums at
// once while the organizer raises a capacity and deletes a forum. At the
// end every forum's confirmed and waitlisted counters equal its rows, no
// forum is over capacity, nobody waits while a seat is free, and the
// waitlist positions read back are 1..n.
func TestCountersUnderConcurrentSignUpsAndCancels(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		users, err := st.TestAttendees(ctx, "race", 40)
		if err != nil {
			t.Fatal(err)
		}
		var forums []int64
		for i, capacity := range []int{3, 5, 8, 4} {
			id, err := st.TestForum(ctx, fmt.Sprintf("Race %d", i), capacity, true)
			if err != nil {
				t.Fatal(err)
			}
			forums = append(forums, id)
		}
		const workers, rounds = 8, 40
		var wg sync.WaitGroup
		errs := make(chan error, workers*rounds+2)
		start := make(chan struct{})
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				rng := rand.New(rand.NewPCG(uint64(w), 7))
				for range rounds {
					f, u := forums[rng.IntN(len(forums))], users[rng.IntN(len(users))]
					var err error
					if rng.IntN(3) == 0 {
						err = st.Cancel(ctx, f, u)
					} else {
						_, err = st.Register(ctx, f, u)
					}
					if err != nil && !errors.Is(err, expo.ErrNotFound) {
						errs <- err
					}
				}
			}()
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			for _, capacity := range []int{6, 9} {
				in := expo.ForumInput{Title: "Race 1", Theme: "investment", Languages: []string{"en"}, Capacity: capacity}
				if _, err := st.UpdateForum(ctx, forums[1], in, time.UTC); err != nil {
					errs <- fmt.Errorf("raise capacity: %w", err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			<-start
			if err := st.DeleteForum(ctx, forums[3]); err != nil {
				errs <- fmt.Errorf("delete forum: %w", err)
			}
		}()
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent sign-ups: %v", err)
		}

		counts, err := st.CountRegistrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := counts[forums[3]]; ok {
			t.Errorf("the deleted forum kept registrations: %+v", counts[forums[3]])
		}
		for _, id := range forums[:3] {
			f, err := st.Forum(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			c := counts[id]
			if f.Confirmed != c.Confirmed || f.Waitlisted != c.Waitlisted {
				t.Errorf("forum %d: counters %d confirmed / %d waiting, rows %d / %d", id, f.Confirmed, f.Waitlisted, c.Confirmed, c.Waitlisted)
			}
			if f.Confirmed > f.Capacity || (f.Confirmed < f.Capacity && f.Waitlisted > 0) {
				t.Errorf("forum %d: %d confirmed of %d seats with %d waiting", id, f.Confirmed, f.Capacity, f.Waitlisted)
			}
			var positions []int
			for _, u := range users {
				reg, ok, err := st.Registration(ctx, id, u)
				if err != nil {
					t.Fatal(err)
				}
				if ok && reg.Status == expo.RegistrationWaitlisted {
					positions = append(positions, reg.Position)
				}
			}
			slices.Sort(positions)
			for i, p := range positions {
				if p != i+1 {
					t.Fatalf("forum %d: waitlist positions %v, want 1..%d", id, positions, len(positions))
				}
			}
			if len(positions) != f.Waitlisted {
				t.Errorf("forum %d: %d waiting registrations read back, counter %d", id, len(positions), f.Waitlisted)
			}
		}
	})
}

// TestUpgradeCountsTheWaitlists: a database of version 8, whose forums have
// no waitlisted counter, gets it from its rows on upgrade, so the next
// waitlister's position continues the queue.
func TestUpgradeCountsTheWaitlists(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		old := openStore(t, dsn, store.Options{MigrateTo: 8})
		users, err := old.TestAttendees(ctx, "v8", 6)
		if err != nil {
			t.Fatal(err)
		}
		old.Close()

		// Rows as version 8 wrote them: a full forum with three waiting (one
		// of them promoted in between, so ids have gaps) and an empty one.
		db := rawDB(t, dsn)
		now := time.Now().UTC()
		var forums []int64
		for _, f := range []struct {
			title               string
			capacity, confirmed int
		}{{"Full", 2, 2}, {"Empty", 10, 0}} {
			if err := db.Exec(`INSERT INTO forums (title, capacity, confirmed, published, created_at, updated_at)
				VALUES (?, ?, ?, TRUE, ?, ?)`, f.title, f.capacity, f.confirmed, now, now).Error; err != nil {
				t.Fatalf("insert forum: %v", err)
			}
			var id int64
			if err := db.Raw("SELECT MAX(id) FROM forums").Scan(&id).Error; err != nil {
				t.Fatal(err)
			}
			forums = append(forums, id)
		}
		for i, status := range []string{"confirmed", "waitlisted", "confirmed", "waitlisted", "waitlisted"} {
			if err := db.Exec("INSERT INTO forum_registrations (forum_id, user_id, status, created_at) VALUES (?, ?, ?, ?)",
				forums[0], users[i], status, now).Error; err != nil {
				t.Fatalf("insert registration: %v", err)
			}
		}

		st := openStore(t, dsn, store.Options{})
		wantVersion(t, st, store.LatestVersion())
		checkCounts(t, st, forums[0], 2, 3)
		checkCounts(t, st, forums[1], 0, 0)
		got, err := st.Register(ctx, forums[0], users[5])
		if want := (expo.Registration{Status: expo.RegistrationWaitlisted, Position: 4}); err != nil || got != want {
			t.Fatalf("first sign-up after the upgrade: %+v, %v; want %+v", got, err, want)
		}
		if err := st.Cancel(ctx, forums[0], users[1]); err != nil {
			t.Fatal(err)
		}
		checkCounts(t, st, forums[0], 2, 3)
		if reg, _, err := st.Registration(ctx, forums[0], users[5]); err != nil || reg.Position != 3 {
			t.Errorf("last in line after a cancellation ahead: %+v, %v; want position 3", reg, err)
		}
	})
}
