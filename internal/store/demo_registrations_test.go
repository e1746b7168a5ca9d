package store_test

import (
	"context"
	"testing"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

func TestDemoRegistrations(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := st.LoadDemo(ctx, demoPassword, store.DemoSize{Exhibitors: 2, Attendees: 20}, shanghai(t)); err != nil {
			t.Fatal(err)
		}
		published := true
		forums, err := st.Forums(ctx, store.ForumFilter{Published: &published})
		if err != nil {
			t.Fatal(err)
		}
		if len(forums) == 0 {
			t.Skip("the demo has no published forums yet")
		}
		counts, err := st.CountRegistrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		full := 0
		for _, f := range forums {
			c := counts[f.ID]
			if f.Confirmed != c.Confirmed || f.Waitlisted != c.Waitlisted || f.Confirmed > f.Capacity {
				t.Errorf("forum %q: counter %d/%d, rows %d confirmed %d waiting", f.Title, f.Confirmed, f.Capacity, c.Confirmed, c.Waitlisted)
			}
			if f.Confirmed == f.Capacity && f.Waitlisted > 0 {
				full++
			}
		}
		if full < 2 {
			t.Errorf("%d forums are full with a waitlist, want at least 2", full)
		}
		u, err := st.UserByEmail(ctx, "attendee1@demo.expo")
		if err != nil {
			t.Fatal(err)
		}
		regs, err := st.UserRegistrations(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		var waiting, seats int
		for _, r := range regs {
			if r.Status == expo.RegistrationWaitlisted {
				waiting++
			} else {
				seats++
			}
		}
		if waiting == 0 || seats == 0 {
			t.Errorf("attendee1 has %d seats and %d waitlist places, want some of both", seats, waiting)
		}
	})
}
