package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

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
