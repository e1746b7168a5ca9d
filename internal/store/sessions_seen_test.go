package store_test

import (
	"context"
	"testing"
	"time"

	"expo/internal/store"
	"expo/internal/storetest"
)

// TestSessionCommitCtx: with the row FindCtx read in the request's
// context, CommitCtx decides as Commit does (skip an unchanged session's
// idle refresh, write changed data or a refresh an hour on) without reading
// the row again.
func TestSessionCommitCtx(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ss := st.Sessions()
		base := time.Now().Add(72 * time.Hour).Truncate(time.Second)
		// request finds the session as a page view does and commits data
		// with expiry in the same context.
		request := func(t *testing.T, token, data string, expiry time.Time) {
			t.Helper()
			ctx := store.WithSessionSeen(context.Background())
			if _, found, err := ss.FindCtx(ctx, token); err != nil || !found {
				t.Fatalf("find %s: %v, %v", token, found, err)
			}
			if err := ss.CommitCtx(ctx, token, []byte(data), expiry); err != nil {
				t.Fatal(err)
			}
		}
		stored := func(t *testing.T, token string) (string, int64) {
			t.Helper()
			b, found, err := ss.Find(token)
			if err != nil || !found {
				t.Fatalf("find %s: %v, %v", token, found, err)
			}
			return string(b), store.SessionExpiry(t, st, token)
		}
		if err := ss.Commit("tok-seen", []byte("v1"), base); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name       string
			data       string
			expiry     time.Time
			wantExpiry time.Time
		}{
			{"idle refresh a minute later is skipped", "v1", base.Add(time.Minute), base},
			{"changed data is written", "v2", base.Add(2 * time.Minute), base.Add(2 * time.Minute)},
			{"idle refresh two hours later is written", "v2", base.Add(2 * time.Hour), base.Add(2 * time.Hour)},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				request(t, "tok-seen", s.data, s.expiry)
				if data, expiry := stored(t, "tok-seen"); data != s.data || expiry != s.wantExpiry.Unix() {
					t.Errorf("stored %q until %v, want %q until %v", data, time.Unix(expiry, 0), s.data, s.wantExpiry)
				}
			})
		}
		t.Run("a new token is written", func(t *testing.T) {
			ctx := store.WithSessionSeen(context.Background())
			if _, _, err := ss.FindCtx(ctx, "tok-seen"); err != nil {
				t.Fatal(err)
			}
			// As after RenewToken at login: the session commits under a new token.
			if err := ss.CommitCtx(ctx, "tok-renewed", []byte("v2"), base); err != nil {
				t.Fatal(err)
			}
			if data, _ := stored(t, "tok-renewed"); data != "v2" {
				t.Errorf("stored %q, want v2", data)
			}
		})
		t.Run("a session deleted meanwhile is not brought back unchanged", func(t *testing.T) {
			ctx := store.WithSessionSeen(context.Background())
			if _, _, err := ss.FindCtx(ctx, "tok-renewed"); err != nil {
				t.Fatal(err)
			}
			// Logged out in another tab while this request ran.
			if err := ss.Delete("tok-renewed"); err != nil {
				t.Fatal(err)
			}
			if err := ss.CommitCtx(ctx, "tok-renewed", []byte("v2"), base.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if _, found, _ := ss.Find("tok-renewed"); found {
				t.Error("the idle refresh wrote the deleted session back")
			}
		})
		t.Run("without a seen row CommitCtx reads it as Commit does", func(t *testing.T) {
			if err := ss.CommitCtx(context.Background(), "tok-seen", []byte("v2"), base.Add(2*time.Hour+time.Minute)); err != nil {
				t.Fatal(err)
			}
			if _, expiry := stored(t, "tok-seen"); expiry != base.Add(2*time.Hour).Unix() {
				t.Errorf("stored expiry %v, want the unchanged %v", time.Unix(expiry, 0), base.Add(2*time.Hour))
			}
		})
	})
}
