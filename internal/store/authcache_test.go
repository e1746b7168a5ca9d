package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// TestWhoIsAskingFollowsChanges checks that the users the requests
// authenticate as (by API token, by session) follow every change at once
// when this store made it, and within the cache's lifetime when another
// process or instance did. On PostgreSQL nothing is cached.
func TestWhoIsAskingFollowsChanges(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			open := storetest.Opener(t, d)
			st, outside := open(), open()
			u := mustAttendee(t, st, "cache@example.jp")
			secret, tok, err := st.CreateToken(ctx, u.ID, "cache")
			if err != nil {
				t.Fatal(err)
			}
			byToken := func(t *testing.T) expo.User {
				t.Helper()
				got, err := st.UserByToken(ctx, secret)
				if err != nil {
					t.Fatalf("user by token: %v", err)
				}
				return got
			}
			bySession := func(t *testing.T) expo.User {
				t.Helper()
				got, err := st.User(ctx, u.ID)
				if err != nil {
					t.Fatalf("user: %v", err)
				}
				return got
			}
			profile := signUp("").Profile

			t.Run("a profile change shows at once", func(t *testing.T) {
				byToken(t)
				bySession(t)
				profile.Name = "Anna Petrova"
				if _, err := st.UpdateProfile(ctx, u.ID, profile); err != nil {
					t.Fatal(err)
				}
				if got := byToken(t).Name; got != "Anna Petrova" {
					t.Errorf("by token: name %q", got)
				}
				if got := bySession(t).Name; got != "Anna Petrova" {
					t.Errorf("by session: name %q", got)
				}
			})
			t.Run("each caller gets its own copy", func(t *testing.T) {
				a := byToken(t)
				lang := a.Languages[0]
				a.Languages[0] = "xx"
				b := bySession(t)
				interest := b.Interests[0]
				b.Interests[0] = "xx"
				if got := byToken(t); got.Languages[0] != lang {
					t.Errorf("languages %v after a caller changed its copy", got.Languages)
				}
				if got := bySession(t); got.Interests[0] != interest {
					t.Errorf("interests %v after a caller changed its copy", got.Interests)
				}
			})
			t.Run("a new password ends the sessions at once", func(t *testing.T) {
				before := bySession(t).CredentialsVersion
				if err := st.ChangePassword(ctx, u.ID, testPassword, "another horse battery"); err != nil {
					t.Fatal(err)
				}
				if bySession(t).CredentialsVersion == before {
					t.Error("the credentials version did not change with the password")
				}
			})
			t.Run("a change by another process shows within the cache's lifetime", func(t *testing.T) {
				byToken(t)
				bySession(t)
				profile.Name = "Anna Sidorova"
				if _, err := outside.UpdateProfile(ctx, u.ID, profile); err != nil {
					t.Fatal(err)
				}
				if d == "sqlite" {
					if got := byToken(t).Name; got != "Anna Petrova" {
						t.Errorf("by token right after an outside change: name %q, want the cached one (is the cache used?)", got)
					}
					st.AppTestShiftClock(31 * time.Second)
				}
				if got := byToken(t).Name; got != "Anna Sidorova" {
					t.Errorf("by token: name %q", got)
				}
				if got := bySession(t).Name; got != "Anna Sidorova" {
					t.Errorf("by session: name %q", got)
				}
			})
			t.Run("a revoked token stops at once", func(t *testing.T) {
				byToken(t)
				if err := st.RevokeToken(ctx, u.ID, tok.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := st.UserByToken(ctx, secret); !errors.Is(err, expo.ErrUnauthorized) {
					t.Fatalf("revoked token: got %v, want expo.ErrUnauthorized", err)
				}
			})
		})
	}
}

// TestRevokeWhileInUse revokes a token that other goroutines keep using:
// no read that starts after the revocation returned may still succeed.
func TestRevokeWhileInUse(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "busy@example.vn")
		for round := range 5 {
			secret, tok, err := st.CreateToken(ctx, u.ID, "busy")
			if err != nil {
				t.Fatal(err)
			}
			var revoked atomic.Bool
			var late atomic.Int64
			var wg sync.WaitGroup
			stop := make(chan struct{})
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						after := revoked.Load()
						_, err := st.UserByToken(ctx, secret)
						if after && err == nil {
							late.Add(1)
						}
					}
				}()
			}
			time.Sleep(20 * time.Millisecond)
			if err := st.RevokeToken(ctx, u.ID, tok.ID); err != nil {
				t.Fatal(err)
			}
			revoked.Store(true)
			time.Sleep(20 * time.Millisecond)
			close(stop)
			wg.Wait()
			if n := late.Load(); n > 0 {
				t.Fatalf("round %d: %d reads that started after the revocation still found the token", round, n)
			}
		}
	})
}

// TestRevokeDuringRead revokes a token between the read that found it and
// the caching of what it found: the entry must not be kept.
func TestRevokeDuringRead(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "race@example.ph")
		secret, tok, err := st.CreateToken(ctx, u.ID, "race")
		if err != nil {
			t.Fatal(err)
		}
		restore := store.AuthTestDuringTokenRead(func() {
			if err := st.RevokeToken(ctx, u.ID, tok.ID); err != nil {
				t.Error(err)
			}
		})
		_, err = st.UserByToken(ctx, secret) // found before the revocation
		restore()
		if err != nil {
			t.Fatalf("read that began before the revocation: %v", err)
		}
		if _, err := st.UserByToken(ctx, secret); !errors.Is(err, expo.ErrUnauthorized) {
			t.Fatalf("after the revocation: got %v, want expo.ErrUnauthorized", err)
		}
	})
}
