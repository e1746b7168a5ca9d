package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

func TestCreateToken(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "api@example.cn")

		t.Run("created and listed without secret", func(t *testing.T) {
			secret, tok, err := st.CreateToken(ctx, u.ID, "  CRM sync  ")
			if err != nil {
				t.Fatalf("create token: %v", err)
			}
			if !strings.HasPrefix(secret, "expo_") || len(secret) < len("expo_")+20 {
				t.Fatalf("secret %q, want expo_ and at least 20 random characters", secret)
			}
			if tok.ID == 0 || tok.Name != "CRM sync" || tok.CreatedAt.IsZero() || tok.LastUsedAt != nil {
				t.Errorf("token %+v", tok)
			}
			if !strings.HasPrefix(secret, tok.Prefix) || len(tok.Prefix) >= len(secret) || len(tok.Prefix) <= len("expo_") {
				t.Errorf("prefix %q must be a short, proper prefix of the secret", tok.Prefix)
			}
			list, err := st.Tokens(ctx, u.ID)
			if err != nil {
				t.Fatalf("list tokens: %v", err)
			}
			if len(list) != 1 || list[0].ID != tok.ID || list[0].Name != "CRM sync" || list[0].Prefix != tok.Prefix {
				t.Fatalf("listed %+v, want the one token", list)
			}
			if strings.Contains(list[0].Name+list[0].Prefix, secret[len(tok.Prefix):]) {
				t.Error("listing reveals the secret")
			}
		})

		t.Run("secrets differ", func(t *testing.T) {
			a, _, err := st.CreateToken(ctx, u.ID, "a")
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := st.CreateToken(ctx, u.ID, "b")
			if err != nil {
				t.Fatal(err)
			}
			if a == b {
				t.Errorf("two tokens share the secret %q", a)
			}
		})

		t.Run("newest first", func(t *testing.T) {
			list, err := st.Tokens(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tok := range list {
				names = append(names, tok.Name)
			}
			if got, want := strings.Join(names, ","), "b,a,CRM sync"; got != want {
				t.Errorf("order %s, want %s", got, want)
			}
		})

		t.Run("another user's list is empty", func(t *testing.T) {
			other := mustAttendee(t, st, "other@example.cn")
			list, err := st.Tokens(ctx, other.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 0 {
				t.Errorf("listed %+v for a user without tokens", list)
			}
		})

		t.Run("unknown user", func(t *testing.T) {
			if _, _, err := st.CreateToken(ctx, u.ID+1000, "x"); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("got %v, want expo.ErrNotFound", err)
			}
		})
	})
}

func TestCreateTokenName(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "names@example.cn")
		tests := []struct {
			name, in string
			want     string
			wantErr  string
		}{
			{name: "empty gets a default", in: "", want: "API token"},
			{name: "blank gets a default", in: "   ", want: "API token"},
			{name: "CJK at the limit", in: strings.Repeat("令", expo.MaxTokenName), want: strings.Repeat("令", expo.MaxTokenName)},
			{name: "SQL fragment kept", in: sqlFragment, want: sqlFragment},
			{name: "too long", in: strings.Repeat("令", expo.MaxTokenName+1), wantErr: "error.too_long"},
			{name: "markup", in: "<script>alert(1)</script>", wantErr: "error.no_markup"},
			{name: "control chars", in: "a\tb", wantErr: "error.control_chars"},
			{name: "invalid UTF-8", in: "\xff", wantErr: "error.invalid_utf8"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, err := st.Tokens(ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				secret, tok, err := st.CreateToken(ctx, u.ID, tt.in)
				if tt.wantErr != "" {
					wantFields(t, err, map[string]string{"name": tt.wantErr})
					if secret != "" {
						t.Errorf("refused token returned secret %q", secret)
					}
					after, err := st.Tokens(ctx, u.ID)
					if err != nil {
						t.Fatal(err)
					}
					if len(after) != len(before) {
						t.Errorf("tokens went from %d to %d", len(before), len(after))
					}
					return
				}
				if err != nil {
					t.Fatalf("create token: %v", err)
				}
				if tok.Name != tt.want {
					t.Errorf("name %q, want %q", tok.Name, tt.want)
				}
			})
		}
	})
}

func TestUserByToken(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "owner@example.cn")
		secret, tok, err := st.CreateToken(ctx, u.ID, "script")
		if err != nil {
			t.Fatal(err)
		}

		t.Run("found and use recorded", func(t *testing.T) {
			got, err := st.UserByToken(ctx, secret)
			if err != nil {
				t.Fatalf("user by token: %v", err)
			}
			if got.ID != u.ID || got.Email != u.Email {
				t.Errorf("got user %+v, want %d", got, u.ID)
			}
			list, err := st.Tokens(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].LastUsedAt == nil {
				t.Errorf("last use not recorded: %+v", list)
			}
		})

		refused := []struct{ name, secret string }{
			{"empty", ""},
			{"prefix only", "expo_"},
			{"hash prefix shown in list", tok.Prefix},
			{"one character changed", secret[:len(secret)-1] + flip(secret[len(secret)-1])},
			{"upper-cased", strings.ToUpper(secret)},
			{"with trailing space", secret + " "},
			{"extra character", secret + "a"},
			{"without prefix", strings.TrimPrefix(secret, "expo_")},
			{"garbage", "expo_' OR '1'='1"},
			{"binary garbage", "expo_\x00\xff\xfe"},
			{"huge", "expo_" + strings.Repeat("a", 1<<20)},
			{"bearer header pasted", "Bearer " + secret},
		}
		for _, tt := range refused {
			t.Run("refused "+tt.name, func(t *testing.T) {
				_, err := st.UserByToken(ctx, tt.secret)
				if !errors.Is(err, expo.ErrUnauthorized) {
					t.Fatalf("got %v, want expo.ErrUnauthorized", err)
				}
			})
		}
	})
}

// flip returns a different lower-case base32 character than c.
func flip(c byte) string {
	if c == 'a' {
		return "b"
	}
	return "a"
}

func TestRevokeToken(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		owner := mustAttendee(t, st, "owner@example.kr")
		other := mustAttendee(t, st, "other@example.kr")
		secret, tok, err := st.CreateToken(ctx, owner.ID, "mine")
		if err != nil {
			t.Fatal(err)
		}
		keep, _, err := st.CreateToken(ctx, owner.ID, "kept")
		if err != nil {
			t.Fatal(err)
		}

		t.Run("by another user", func(t *testing.T) {
			if err := st.RevokeToken(ctx, other.ID, tok.ID); !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("got %v, want expo.ErrNotFound", err)
			}
			if got, err := st.UserByToken(ctx, secret); err != nil || got.ID != owner.ID {
				t.Fatalf("token stopped working after a foreign revoke: %v", err)
			}
		})

		t.Run("unknown id", func(t *testing.T) {
			if err := st.RevokeToken(ctx, owner.ID, tok.ID+1000); !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("got %v, want expo.ErrNotFound", err)
			}
		})

		t.Run("by owner", func(t *testing.T) {
			if err := st.RevokeToken(ctx, owner.ID, tok.ID); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			if _, err := st.UserByToken(ctx, secret); !errors.Is(err, expo.ErrUnauthorized) {
				t.Fatalf("revoked token: got %v, want expo.ErrUnauthorized", err)
			}
			list, err := st.Tokens(ctx, owner.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Name != "kept" {
				t.Errorf("listed %+v, want only the kept token", list)
			}
			if _, err := st.UserByToken(ctx, keep); err != nil {
				t.Errorf("other token stopped working: %v", err)
			}
		})

		t.Run("twice", func(t *testing.T) {
			if err := st.RevokeToken(ctx, owner.ID, tok.ID); !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("got %v, want expo.ErrNotFound", err)
			}
		})
	})
}

// TestTokenUseWritten: the last use of tokens is written in the background
// without anyone listing them, and what is noted when the store closes is
// written before it does.
func TestTokenUseWritten(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			open := storetest.Opener(t, d)
			st := open()
			u := mustAttendee(t, st, "touch@example.cn")
			use := func(st *store.Store, n int) {
				for i := range n {
					secret, _, err := st.CreateToken(ctx, u.ID, fmt.Sprintf("script %d", i))
					if err != nil {
						t.Fatal(err)
					}
					if _, err := st.UserByToken(ctx, secret); err != nil {
						t.Fatal(err)
					}
				}
			}
			used := func(st *store.Store) int64 {
				return st.AppTestCountWhere(ctx, "api_tokens", "last_used_at IS NOT NULL")
			}

			use(st, 3)
			deadline := time.Now().Add(10 * time.Second)
			for used(st) < 3 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if n := used(st); n != 3 {
				t.Fatalf("%d of 3 uses written in the background", n)
			}

			use(st, 2) // noted, and the store closes at once
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			st = open()
			if n := used(st); n != 5 {
				t.Fatalf("%d of 5 uses written after closing", n)
			}
		})
	}
}

// TestTokenUseWrittenAfterFailure: when the write of noted uses fails, the
// background writer tries again by itself. Fails if a failed write leaves
// the uses waiting for the next list or shutdown.
func TestTokenUseWrittenAfterFailure(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "retry@example.cn")
		secret, _, err := st.CreateToken(ctx, u.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		var failed atomic.Int32
		restore := store.TokenTestTouchWrite(func() error {
			if failed.Add(1) == 1 {
				return errors.New("disk full, once")
			}
			return nil
		})
		defer restore()
		if _, err := st.UserByToken(ctx, secret); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for st.AppTestCountWhere(ctx, "api_tokens", "last_used_at IS NOT NULL") == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := st.AppTestCountWhere(ctx, "api_tokens", "last_used_at IS NOT NULL"); n != 1 || failed.Load() < 2 {
			t.Fatalf("%d uses written after %d attempts, want 1 after a failed one", n, failed.Load())
		}
	})
}
