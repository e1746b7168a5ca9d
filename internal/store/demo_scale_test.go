package store_test

import (
	"context"
	"testing"

	"expo/internal/store"
	"expo/internal/storetest"
)

// TestDemoScale loads a demo larger than the default (more attendees and
// an explicit meeting target) and checks that it reaches the target and
// that every invariant the load benchmark checks holds on it.
func TestDemoScale(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		size := store.DemoSize{Exhibitors: 8, Attendees: 1500, Meetings: 6000}
		if _, err := st.LoadDemo(ctx, demoPassword, size, shanghai(t)); err != nil {
			t.Fatalf("load demo: %v", err)
		}
		c, err := st.DemoCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Attendees != int64(size.Attendees) || c.Meetings != int64(size.Meetings) {
			t.Errorf("counts %+v, want %d attendees and %d meetings", c, size.Attendees, size.Meetings)
		}
		if c.Exhibitors < 1000 || c.Forums < 30 || c.Waitlisted == 0 || c.OpenMeetings == 0 {
			t.Errorf("counts %+v, want 1,000+ exhibitors, 30+ forums, a waitlist and open meetings", c)
		}
		broken, err := st.CheckInvariants(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(broken) > 0 {
			t.Errorf("invariants broken on the demo: %v", broken)
		}
	})
}

func TestBenchWrite(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		for range 3 {
			if err := st.BenchWrite(context.Background(), "probe"); err != nil {
				t.Fatalf("bench write: %v", err)
			}
		}
	})
}
