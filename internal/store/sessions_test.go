package store_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"expo/internal/store"
	"expo/internal/storetest"
)

// findSession fails the test on a lookup error and returns the data, if any.
func findSession(t *testing.T, ss store.Sessions, token string) ([]byte, bool) {
	t.Helper()
	b, found, err := ss.Find(token)
	if err != nil {
		t.Fatalf("find %s: %v", token, err)
	}
	return b, found
}

// sessionTokens lists the tokens of every stored session row, expired or not.
func sessionTokens(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var tokens []string
	if err := db.Raw("SELECT token FROM sessions ORDER BY token").Scan(&tokens).Error; err != nil {
		t.Fatalf("list session rows: %v", err)
	}
	return tokens
}

func TestSessions(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		st := openStore(t, dsn, store.Options{})
		db := rawDB(t, dsn)
		ss := st.Sessions()
		hour := time.Now().Add(time.Hour)

		t.Run("commit then find", func(t *testing.T) {
			data := []byte{0, 1, 2, 0xff, 'x'}
			if err := ss.Commit("tok-a", data, hour); err != nil {
				t.Fatalf("commit: %v", err)
			}
			got, found := findSession(t, ss, "tok-a")
			if !found || !bytes.Equal(got, data) {
				t.Fatalf("got %v, %v; want %v", got, found, data)
			}
		})

		t.Run("unknown token", func(t *testing.T) {
			if _, found := findSession(t, ss, "no-such-token"); found {
				t.Fatal("found a session that was never committed")
			}
		})

		t.Run("SQL fragment token", func(t *testing.T) {
			if _, found := findSession(t, ss, "' OR '1'='1"); found {
				t.Fatal("a quote in the token matched a session")
			}
		})

		t.Run("commit twice replaces", func(t *testing.T) {
			if err := ss.Commit("tok-b", []byte("first"), hour); err != nil {
				t.Fatal(err)
			}
			if err := ss.Commit("tok-b", []byte("second"), hour.Add(time.Hour)); err != nil {
				t.Fatalf("second commit: %v", err)
			}
			got, found := findSession(t, ss, "tok-b")
			if !found || string(got) != "second" {
				t.Fatalf("got %q, %v; want \"second\"", got, found)
			}
		})

		t.Run("expired not found", func(t *testing.T) {
			if err := ss.Commit("tok-old", []byte("stale"), time.Now().Add(-time.Minute)); err != nil {
				t.Fatal(err)
			}
			if _, found := findSession(t, ss, "tok-old"); found {
				t.Fatal("found an expired session")
			}
		})

		t.Run("commit extends an expired session", func(t *testing.T) {
			if err := ss.Commit("tok-renew", []byte("x"), time.Now().Add(-time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := ss.Commit("tok-renew", []byte("y"), hour); err != nil {
				t.Fatal(err)
			}
			if got, found := findSession(t, ss, "tok-renew"); !found || string(got) != "y" {
				t.Fatalf("got %q, %v; want \"y\"", got, found)
			}
		})

		t.Run("delete", func(t *testing.T) {
			if err := ss.Commit("tok-c", []byte("bye"), hour); err != nil {
				t.Fatal(err)
			}
			if err := ss.Delete("tok-c"); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if _, found := findSession(t, ss, "tok-c"); found {
				t.Fatal("found a deleted session")
			}
			if _, found := findSession(t, ss, "tok-a"); !found {
				t.Fatal("delete removed another session")
			}
		})

		t.Run("delete unknown", func(t *testing.T) {
			if err := ss.Delete("never-there"); err != nil {
				t.Fatalf("delete unknown: %v", err)
			}
		})

		t.Run("delete expired keeps live ones", func(t *testing.T) {
			past := time.Now().Add(-time.Hour)
			for _, tok := range []string{"exp-1", "exp-2"} {
				if err := ss.Commit(tok, []byte("old"), past); err != nil {
					t.Fatal(err)
				}
			}
			if err := ss.Commit("live", []byte("new"), hour); err != nil {
				t.Fatal(err)
			}
			before := sessionTokens(t, db)
			if want := []string{"exp-1", "exp-2", "live", "tok-a", "tok-b", "tok-old", "tok-renew"}; !slices.Equal(before, want) {
				t.Fatalf("rows before %v, want %v", before, want)
			}
			if err := ss.DeleteExpired(context.Background()); err != nil {
				t.Fatalf("delete expired: %v", err)
			}
			for _, tok := range []string{"live", "tok-a", "tok-b", "tok-renew"} {
				if _, found := findSession(t, ss, tok); !found {
					t.Errorf("live session %s deleted", tok)
				}
			}
			got := sessionTokens(t, db)
			want := []string{"live", "tok-a", "tok-b", "tok-renew"}
			if !slices.Equal(got, want) {
				t.Errorf("rows left %v, want %v", got, want)
			}
		})
	})
}

// TestSessionCommitSkipsIdleRefresh: committing unchanged data with an
// expiry less than an hour later (scs's idle-timeout refresh on every
// request) writes nothing; changed data, or an expiry an hour or more
// later, is written.
func TestSessionCommitSkipsIdleRefresh(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ss := st.Sessions()
		base := time.Now().Add(72 * time.Hour).Truncate(time.Second)
		if err := ss.Commit("tok-idle", []byte("v1"), base); err != nil {
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
				if err := ss.Commit("tok-idle", []byte(s.data), s.expiry); err != nil {
					t.Fatal(err)
				}
				b, ok, err := ss.Find("tok-idle")
				if err != nil || !ok || string(b) != s.data {
					t.Fatalf("Find = %q, %v, %v; want %q", b, ok, err, s.data)
				}
				if got := store.SessionExpiry(t, st, "tok-idle"); got != s.wantExpiry.Unix() {
					t.Errorf("stored expiry %v, want %v", time.Unix(got, 0), s.wantExpiry)
				}
			})
		}
	})
}
