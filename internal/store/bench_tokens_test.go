package store_test

import (
	"context"
	"strings"
	"testing"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// TestBenchTokens checks the load benchmark's bulk tokens: each
// authenticates as its owner like a token CreateToken made, is listed with
// the owner's tokens, and a missing owner creates nothing.
func TestBenchTokens(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := st.LoadDemo(ctx, demoPassword, store.DemoSize{Exhibitors: 2, Attendees: 1200}, shanghai(t)); err != nil {
			t.Fatalf("load demo: %v", err)
		}
		fx, err := st.LoadBenchFixtures(ctx, 1<<30, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(fx.Attendees) < 1100 {
			t.Fatalf("%d attendees, want more than two batches", len(fx.Attendees))
		}
		ids := make([]int64, len(fx.Attendees))
		for i, a := range fx.Attendees {
			ids[i] = a.ID
		}
		secrets, err := st.BenchTokens(ctx, ids, "expobench")
		if err != nil {
			t.Fatal(err)
		}
		if len(secrets) != len(ids) {
			t.Fatalf("%d secrets for %d users", len(secrets), len(ids))
		}
		seen := map[string]bool{}
		for i, sec := range secrets {
			if !strings.HasPrefix(sec, "expo_") || len(sec) != len("expo_")+32 || strings.ToLower(sec) != sec || seen[sec] {
				t.Fatalf("secret %d %q: want a distinct expo_ + 32 lowercase base32 characters", i, sec)
			}
			seen[sec] = true
		}
		for _, i := range []int{0, 1, 499, 500, len(ids) - 1} {
			u, err := st.UserByToken(ctx, secrets[i])
			if err != nil {
				t.Fatalf("token of user %d: %v", ids[i], err)
			}
			if u.ID != ids[i] || u.Role != expo.RoleAttendee || u.Email != fx.Attendees[i].Email {
				t.Fatalf("token of user %d authenticated %+v", ids[i], u)
			}
			toks, err := st.Tokens(ctx, ids[i])
			if err != nil || len(toks) != 1 || toks[0].Name != "expobench" || !strings.HasPrefix(secrets[i], toks[0].Prefix) ||
				len(toks[0].Prefix) != len("expo_")+6 {
				t.Fatalf("tokens of user %d: %+v (err %v)", ids[i], toks, err)
			}
		}
		// Used twice (the second within the minute, no touch): still the owner.
		if u, err := st.UserByToken(ctx, secrets[0]); err != nil || u.ID != ids[0] {
			t.Fatalf("second use: %+v, %v", u, err)
		}
		if _, err := st.UserByToken(ctx, secrets[0]+"x"); err == nil {
			t.Fatal("a wrong secret authenticated")
		}

		if _, err := st.BenchTokens(ctx, []int64{ids[0], 1 << 40}, "expobench"); err == nil {
			t.Fatal("a token for a missing user was created")
		}
		if toks, err := st.Tokens(ctx, ids[0]); err != nil || len(toks) != 1 {
			t.Fatalf("after the refused batch user %d has %d tokens (err %v), want 1", ids[0], len(toks), err)
		}
	})
}
