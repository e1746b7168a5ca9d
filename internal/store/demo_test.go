package store_test

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

const demoPassword = "expo-demo"

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("load time zone: %v", err)
	}
	return loc
}

func TestLoadDemo(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		loc := shanghai(t)
		// More exhibitors and attendees than the built-in lists, so the
		// numbered copies are exercised too.
		size := store.DemoSize{Exhibitors: 11, Attendees: 9}
		acc, err := st.LoadDemo(ctx, demoPassword, size, loc)
		if err != nil {
			t.Fatalf("load demo: %v", err)
		}

		t.Run("accounts", func(t *testing.T) {
			if acc.Organizer == "" || len(acc.Exhibitors) != size.Exhibitors || len(acc.Attendees) != size.Attendees {
				t.Fatalf("accounts %+v, want 1 organizer, %d exhibitors, %d attendees", acc, size.Exhibitors, size.Attendees)
			}
			counts, err := st.CountUsersByRole(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := map[expo.Role]int64{expo.RoleOrganizer: 1, expo.RoleExhibitor: int64(size.Exhibitors), expo.RoleAttendee: int64(size.Attendees)}
			if !maps.Equal(counts, want) {
				t.Errorf("users by role %v, want %v", counts, want)
			}
		})

		logins := []struct {
			name, email string
			role        expo.Role
		}{
			{"organizer", acc.Organizer, expo.RoleOrganizer},
			{"first exhibitor", acc.Exhibitors[0], expo.RoleExhibitor},
			{"numbered exhibitor", acc.Exhibitors[size.Exhibitors-1], expo.RoleExhibitor},
			{"first attendee", acc.Attendees[0], expo.RoleAttendee},
			{"numbered attendee", acc.Attendees[size.Attendees-1], expo.RoleAttendee},
		}
		for _, l := range logins {
			t.Run("login "+l.name, func(t *testing.T) {
				u, err := st.Authenticate(ctx, l.email, demoPassword)
				if err != nil {
					t.Fatalf("authenticate %s: %v", l.email, err)
				}
				if u.Role != l.role {
					t.Errorf("role %q, want %q", u.Role, l.role)
				}
				if (u.Role == expo.RoleExhibitor) != (u.ExhibitorID != nil) {
					t.Errorf("exhibitor link %v for role %s", u.ExhibitorID, u.Role)
				}
				if len(u.Languages) == 0 || u.Name == "" || u.Country == "" {
					t.Errorf("incomplete profile %+v", u)
				}
				if _, err := st.Authenticate(ctx, l.email, "wrong password"); !errors.Is(err, expo.ErrInvalidCredentials) {
					t.Errorf("wrong password: got %v", err)
				}
			})
		}

		t.Run("exhibitors have distinct companies", func(t *testing.T) {
			seen := map[int64]string{}
			for _, email := range acc.Exhibitors {
				u, err := st.UserByEmail(ctx, email)
				if err != nil {
					t.Fatal(err)
				}
				if u.ExhibitorID == nil {
					t.Fatalf("%s has no company", email)
				}
				if other, dup := seen[*u.ExhibitorID]; dup {
					t.Errorf("%s and %s share company %d", email, other, *u.ExhibitorID)
				}
				seen[*u.ExhibitorID] = email
			}
		})

		t.Run("setup done", func(t *testing.T) {
			if done, err := st.SetupDone(ctx); err != nil || !done {
				t.Errorf("setup done = %v, %v; want true", done, err)
			}
			if _, err := st.CreateFirstOrganizer(ctx, organizer("ops@expo.example")); !errors.Is(err, expo.ErrSetupDone) {
				t.Errorf("got %v, want expo.ErrSetupDone", err)
			}
		})

		t.Run("event", func(t *testing.T) {
			ev, ok, err := st.Event(ctx, loc)
			if err != nil || !ok {
				t.Fatalf("event: ok=%v err=%v", ok, err)
			}
			if ev.Name == "" || ev.City == "" || ev.Venue == "" {
				t.Errorf("incomplete event %+v", ev)
			}
			if ev.StartsOn.Location() != loc || ev.StartsOn.Weekday() != time.Monday {
				t.Errorf("starts %v, want a Monday in %v", ev.StartsOn, loc)
			}
			if h, m, s := ev.StartsOn.Clock(); h+m+s != 0 {
				t.Errorf("starts %v, want midnight", ev.StartsOn)
			}
			if want := ev.StartsOn.AddDate(0, 0, 4); !ev.EndsOn.Equal(want) {
				t.Errorf("ends %v, want %v", ev.EndsOn, want)
			}
			if !ev.StartsOn.After(time.Now()) {
				t.Errorf("demo expo starts %v, in the past", ev.StartsOn)
			}
		})

		t.Run("halls and rooms", func(t *testing.T) {
			halls, err := st.Halls(ctx)
			if err != nil {
				t.Fatal(err)
			}
			rooms, err := st.Rooms(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(halls) == 0 || len(rooms) == 0 {
				t.Fatalf("%d halls, %d rooms; want some of each", len(halls), len(rooms))
			}
			hallIDs := map[int64]bool{}
			for i, h := range halls {
				hallIDs[h.ID] = true
				if i > 0 && halls[i-1].Code >= h.Code {
					t.Errorf("halls not ordered by code: %q before %q", halls[i-1].Code, h.Code)
				}
			}
			for _, r := range rooms {
				if r.Capacity <= 0 || r.Name == "" {
					t.Errorf("room %+v", r)
				}
				if r.HallID != nil && !hallIDs[*r.HallID] {
					t.Errorf("room %q in unknown hall %d", r.Name, *r.HallID)
				}
			}
		})

		t.Run("opening hours", func(t *testing.T) {
			ev, _, err := st.Event(ctx, loc)
			if err != nil {
				t.Fatal(err)
			}
			hours, err := st.OpeningHours(ctx, loc)
			if err != nil {
				t.Fatal(err)
			}
			if len(hours) != 5 {
				t.Fatalf("%d days of opening hours, want 5", len(hours))
			}
			for i, h := range hours {
				if want := ev.StartsOn.AddDate(0, 0, i); !h.Day.Equal(want) {
					t.Errorf("day %d is %v, want %v", i, h.Day, want)
				}
				next := h.Day.AddDate(0, 0, 1)
				if !h.Opens.Before(h.Closes) || h.Opens.Before(h.Day) || h.Closes.After(next) {
					t.Errorf("day %s: opens %v closes %v, not inside the day", h.Day.Format("2006-01-02"), h.Opens.In(loc), h.Closes.In(loc))
				}
				// Demo hours are whole local hours within office time.
				opens, closes := h.Opens.In(loc), h.Closes.In(loc)
				if opens.Hour() < 8 || closes.Hour() > 18 || opens.Minute() != 0 || closes.Minute() != 0 {
					t.Errorf("day %d: %s–%s local, want whole hours in office time", i, opens.Format("15:04"), closes.Format("15:04"))
				}
			}
		})

		t.Run("second load refused", func(t *testing.T) {
			before, err := st.CountUsersByRole(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.LoadDemo(ctx, demoPassword, size, loc); err == nil {
				t.Fatal("second demo load succeeded")
			}
			after, err := st.CountUsersByRole(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(before, after) {
				t.Errorf("users went from %v to %v", before, after)
			}
			hours, err := st.OpeningHours(ctx, loc)
			if err != nil || len(hours) != 5 {
				t.Errorf("opening hours %d, %v; want 5", len(hours), err)
			}
		})
	})
}

func TestLoadDemoRefused(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		loc := shanghai(t)
		tests := []struct {
			name     string
			password string
		}{
			{"empty password", ""},
			{"password too long", string(make([]byte, expo.MaxPasswordLen+1))},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := st.LoadDemo(ctx, tt.password, store.DemoSize{Exhibitors: 1, Attendees: 1}, loc); err == nil {
					t.Fatal("demo loaded")
				}
				if has, err := st.HasUsers(ctx); err != nil || has {
					t.Errorf("HasUsers = %v, %v; want false", has, err)
				}
			})
		}

		t.Run("database with accounts", func(t *testing.T) {
			mustAttendee(t, st, "real@example.cn")
			if _, err := st.LoadDemo(ctx, demoPassword, store.DemoSize{Exhibitors: 2, Attendees: 2}, loc); err == nil {
				t.Fatal("demo loaded into a database with accounts")
			}
			counts, err := st.CountUsersByRole(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[expo.Role]int64{expo.RoleAttendee: 1}; !maps.Equal(counts, want) {
				t.Errorf("users by role %v, want %v", counts, want)
			}
			if _, ok, err := st.Event(ctx, loc); err != nil || ok {
				t.Errorf("event written by a refused load: ok=%v err=%v", ok, err)
			}
		})
	})
}

func TestLoadDemoWithoutAccounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acc, err := st.LoadDemo(ctx, demoPassword, store.DemoSize{}, time.UTC)
		if err != nil {
			t.Fatalf("load demo: %v", err)
		}
		if len(acc.Exhibitors) != 0 || len(acc.Attendees) != 0 {
			t.Errorf("accounts %+v, want only the organizer", acc)
		}
		counts, err := st.CountUsersByRole(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[expo.Role]int64{expo.RoleOrganizer: 1}; !maps.Equal(counts, want) {
			t.Errorf("users by role %v, want %v", counts, want)
		}
	})
}
