package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

const (
	testPassword = "correct horse battery"
	sqlFragment  = "Robert'); DROP TABLE users;--"
)

// signUp returns a valid sign-up for email.
func signUp(email string) expo.SignUp {
	return expo.SignUp{Email: email, Password: testPassword, Profile: expo.Profile{
		Name: "Anna Ivanova", Organization: "Vladivostok Port Holding", Country: "RU", JobTitle: "Head of business development",
		Languages: []string{"ru", "en"}, Interests: []string{"logistics"}, Locale: "en",
	}}
}

// mustAttendee creates an attendee or fails the test.
func mustAttendee(t *testing.T, st *store.Store, email string) expo.User {
	t.Helper()
	u, err := st.CreateAttendee(context.Background(), signUp(email))
	if err != nil {
		t.Fatalf("create attendee %s: %v", email, err)
	}
	return u
}

// countUsers returns the number of accounts of every role.
func countUsers(t *testing.T, st *store.Store) int64 {
	t.Helper()
	counts, err := st.CountUsersByRole(context.Background())
	if err != nil {
		t.Fatalf("count users: %v", err)
	}
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

// wantCode fails the test unless err is an *expo.Error of code.
func wantCode(t *testing.T, err error, code expo.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if _, ok := expo.AsError(err); !ok || expo.ErrorCode(err) != code {
		t.Fatalf("got %v, want an *expo.Error of code %s", err, code)
	}
}

// wantFields fails the test unless err is an invalid-input error with
// exactly these field errors.
func wantFields(t *testing.T, err error, fields map[string]string) {
	t.Helper()
	wantCode(t, err, expo.CodeInvalid)
	e, _ := expo.AsError(err)
	if !maps.Equal(e.Fields, fields) {
		t.Fatalf("got fields %v, want %v", e.Fields, fields)
	}
}

func TestCreateAttendee(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()

		t.Run("created", func(t *testing.T) {
			in := signUp(" Anna.Ivanova@Example.RU ")
			in.Languages = []string{"en", "ru", "en"}
			u, err := st.CreateAttendee(ctx, in)
			if err != nil {
				t.Fatalf("create attendee: %v", err)
			}
			if u.ID == 0 || u.Role != expo.RoleAttendee || u.Email != "anna.ivanova@example.ru" || u.ExhibitorID != nil {
				t.Fatalf("unexpected user %+v", u)
			}
			got, err := st.User(ctx, u.ID)
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			if got.Email != "anna.ivanova@example.ru" || got.Name != "Anna Ivanova" || got.Country != "RU" ||
				got.Organization != "Vladivostok Port Holding" || got.JobTitle != "Head of business development" || got.Locale != "en" {
				t.Errorf("stored user %+v differs from the sign-up", got)
			}
			if want := []string{"en", "ru"}; !slices.Equal(got.Languages, want) {
				t.Errorf("languages %v, want %v", got.Languages, want)
			}
			if want := []string{"logistics"}; !slices.Equal(got.Interests, want) {
				t.Errorf("interests %v, want %v", got.Interests, want)
			}
			if got.CreatedAt.IsZero() {
				t.Error("created_at not set")
			}
		})

		t.Run("no interests stored as empty list", func(t *testing.T) {
			in := signUp("no.interests@example.ru")
			in.Interests = nil
			u, err := st.CreateAttendee(ctx, in)
			if err != nil {
				t.Fatalf("create attendee: %v", err)
			}
			got, err := st.User(ctx, u.ID)
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			if got.Interests == nil || len(got.Interests) != 0 {
				t.Errorf("interests %#v, want empty non-nil", got.Interests)
			}
		})

		invalid := []struct {
			name   string
			edit   func(s *expo.SignUp)
			fields map[string]string
		}{
			{"bad e-mail", func(s *expo.SignUp) { s.Email = "nobody" }, map[string]string{"email": "error.email_invalid"}},
			{"short password", func(s *expo.SignUp) { s.Password = "short" }, map[string]string{"password": "error.password_short"}},
			{"markup name", func(s *expo.SignUp) { s.Name = "<script>alert(1)</script>" }, map[string]string{"name": "error.no_markup"}},
			{"unknown country", func(s *expo.SignUp) { s.Country = "XX" }, map[string]string{"country": "error.choice_invalid"}},
			{"no languages", func(s *expo.SignUp) { s.Languages = nil }, map[string]string{"languages": "error.choose_one"}},
			{"invalid UTF-8", func(s *expo.SignUp) { s.Organization = "\xff" }, map[string]string{"organization": "error.invalid_utf8"}},
		}
		for _, tt := range invalid {
			t.Run("invalid "+tt.name+" writes nothing", func(t *testing.T) {
				before := countUsers(t, st)
				in := signUp("invalid@example.ru")
				tt.edit(&in)
				_, err := st.CreateAttendee(ctx, in)
				wantFields(t, err, tt.fields)
				if after := countUsers(t, st); after != before {
					t.Errorf("users went from %d to %d", before, after)
				}
			})
		}

		duplicates := []struct{ name, first, second string }{
			{"same e-mail", "dup@example.ru", "dup@example.ru"},
			{"different case", "case@example.ru", "CASE@Example.RU"},
			{"surrounding spaces", "space@example.ru", "  space@example.ru  "},
		}
		for _, tt := range duplicates {
			t.Run("duplicate "+tt.name, func(t *testing.T) {
				first := mustAttendee(t, st, tt.first)
				before := countUsers(t, st)
				_, err := st.CreateAttendee(ctx, signUp(tt.second))
				if !errors.Is(err, expo.ErrEmailTaken) {
					t.Fatalf("got %v, want expo.ErrEmailTaken", err)
				}
				wantCode(t, err, expo.CodeConflict)
				if after := countUsers(t, st); after != before {
					t.Errorf("users went from %d to %d", before, after)
				}
				if u, err := st.Authenticate(ctx, tt.first, testPassword); err != nil || u.ID != first.ID {
					t.Errorf("first account no longer authenticates: %v", err)
				}
			})
		}

		t.Run("SQL fragment stored verbatim", func(t *testing.T) {
			before := countUsers(t, st)
			in := signUp("bobby.tables@example.ru")
			in.Name, in.Organization, in.JobTitle = sqlFragment, sqlFragment, "'; DELETE FROM users WHERE '1'='1"
			u, err := st.CreateAttendee(ctx, in)
			if err != nil {
				t.Fatalf("create attendee: %v", err)
			}
			got, err := st.UserByEmail(ctx, "bobby.tables@example.ru")
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			if got.ID != u.ID || got.Name != sqlFragment || got.Organization != sqlFragment || got.JobTitle != in.JobTitle {
				t.Errorf("stored %+v, want the fragments verbatim", got)
			}
			if after := countUsers(t, st); after != before+1 {
				t.Errorf("users went from %d to %d, want one more", before, after)
			}
			if _, err := st.Authenticate(ctx, "anna.ivanova@example.ru", testPassword); err != nil {
				t.Errorf("earlier account lost: %v", err)
			}
		})
	})
}

func TestAuthenticate(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "li.wei@example.cn")
		tests := []struct {
			name, email, password string
			ok                    bool
		}{
			{"right password", "li.wei@example.cn", testPassword, true},
			{"e-mail case and spaces ignored", "  LI.Wei@Example.CN ", testPassword, true},
			{"wrong password", "li.wei@example.cn", "wrong horse battery", false},
			{"password case matters", "li.wei@example.cn", "CORRECT HORSE BATTERY", false},
			{"password not trimmed", "li.wei@example.cn", " " + testPassword, false},
			{"empty password", "li.wei@example.cn", "", false},
			{"unknown e-mail", "nobody@example.cn", testPassword, false},
			{"empty e-mail", "", testPassword, false},
			{"SQL fragment e-mail", "' OR '1'='1", "' OR '1'='1", false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.Authenticate(ctx, tt.email, tt.password)
				if tt.ok {
					if err != nil {
						t.Fatalf("authenticate: %v", err)
					}
					if got.ID != u.ID {
						t.Fatalf("got user %d, want %d", got.ID, u.ID)
					}
					return
				}
				if !errors.Is(err, expo.ErrInvalidCredentials) {
					t.Fatalf("got %v, want expo.ErrInvalidCredentials", err)
				}
				wantCode(t, err, expo.CodeUnauthorized)
			})
		}
	})
}

func TestUserLookups(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "sato@example.jp")
		t.Run("by id", func(t *testing.T) {
			got, err := st.User(ctx, u.ID)
			if err != nil || got.Email != "sato@example.jp" {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
		t.Run("by e-mail any case", func(t *testing.T) {
			got, err := st.UserByEmail(ctx, "SATO@example.jp")
			if err != nil || got.ID != u.ID {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
		t.Run("unknown id", func(t *testing.T) {
			if _, err := st.User(ctx, u.ID+1000); !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("got %v, want expo.ErrNotFound", err)
			}
		})
		t.Run("unknown e-mail", func(t *testing.T) {
			if _, err := st.UserByEmail(ctx, "nobody@example.jp"); !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("got %v, want expo.ErrNotFound", err)
			}
		})
	})
}

func TestUpdateProfile(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "batbayar@example.mn")

		t.Run("updated", func(t *testing.T) {
			p := expo.Profile{Name: "  Батбаяр Эрдэнэ ", Organization: "Mongolian Mining Group", Country: "MN", JobTitle: "Engineer",
				Languages: []string{"ru", "mn", "mn"}, Interests: []string{"mech_electronics", "new_materials"}, Locale: "zh"}
			got, err := st.UpdateProfile(ctx, u.ID, p)
			if err != nil {
				t.Fatalf("update profile: %v", err)
			}
			if got.Name != "Батбаяр Эрдэнэ" || got.Country != "MN" || got.Locale != "zh" || got.Email != u.Email || got.Role != expo.RoleAttendee {
				t.Errorf("returned %+v", got)
			}
			if want := []string{"ru", "mn"}; !slices.Equal(got.Languages, want) {
				t.Errorf("languages %v, want %v", got.Languages, want)
			}
			if want := []string{"new_materials", "mech_electronics"}; !slices.Equal(got.Interests, want) {
				t.Errorf("interests %v, want %v", got.Interests, want)
			}
			again, err := st.User(ctx, u.ID)
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			if again.Name != got.Name || !slices.Equal(again.Languages, got.Languages) || again.Locale != "zh" {
				t.Errorf("stored %+v, returned %+v", again, got)
			}
		})

		t.Run("invalid leaves the profile alone", func(t *testing.T) {
			before, err := st.User(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = st.UpdateProfile(ctx, u.ID, expo.Profile{Name: "<b>x</b>", Country: "MN", Languages: []string{"mn"}})
			wantFields(t, err, map[string]string{"name": "error.no_markup"})
			after, err := st.User(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.Name != before.Name || after.Country != before.Country {
				t.Errorf("profile changed from %+v to %+v", before, after)
			}
		})

		t.Run("unknown user", func(t *testing.T) {
			_, err := st.UpdateProfile(ctx, u.ID+1000, expo.Profile{Name: "Ghost", Country: "MN", Languages: []string{"mn"}})
			if !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("got %v, want expo.ErrNotFound", err)
			}
		})
	})
}

func TestSetLocale(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "zhang@example.cn")
		tests := []struct {
			name, locale string
			wantErr      string
			want         string
		}{
			{name: "chinese", locale: "zh", want: "zh"},
			{name: "english", locale: "en", want: "en"},
			{name: "empty", locale: "", wantErr: "error.required"},
			{name: "untranslated language", locale: "ko", wantErr: "error.choice_invalid"},
			{name: "full tag", locale: "zh-CN", wantErr: "error.choice_invalid"},
			{name: "SQL fragment", locale: "en'; --", wantErr: "error.choice_invalid"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, err := st.User(ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				err = st.SetLocale(ctx, u.ID, tt.locale)
				after, rerr := st.User(ctx, u.ID)
				if rerr != nil {
					t.Fatal(rerr)
				}
				if tt.wantErr != "" {
					wantFields(t, err, map[string]string{"locale": tt.wantErr})
					if after.Locale != before.Locale {
						t.Errorf("locale changed from %q to %q", before.Locale, after.Locale)
					}
					return
				}
				if err != nil {
					t.Fatalf("set locale: %v", err)
				}
				if after.Locale != tt.want {
					t.Errorf("locale %q, want %q", after.Locale, tt.want)
				}
			})
		}
	})
}

func TestChangePassword(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustAttendee(t, st, "kim@example.kr")
		const next = "a much better passphrase"

		refused := []struct {
			name, current, next string
			fields              map[string]string
		}{
			{"wrong current", "not my password", next, map[string]string{"current_password": "error.password_wrong"}},
			{"empty current", "", next, map[string]string{"current_password": "error.required"}},
			{"short new", testPassword, "short", map[string]string{"new_password": "error.password_short"}},
			{"empty new", testPassword, "", map[string]string{"new_password": "error.required"}},
			{"too long new", testPassword, string(make([]byte, expo.MaxPasswordLen+1)), map[string]string{"new_password": "error.too_long"}},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				wantFields(t, st.ChangePassword(ctx, u.ID, tt.current, tt.next), tt.fields)
				if _, err := st.Authenticate(ctx, u.Email, testPassword); err != nil {
					t.Errorf("old password stopped working: %v", err)
				}
			})
		}

		t.Run("unknown user", func(t *testing.T) {
			if err := st.ChangePassword(ctx, u.ID+1000, testPassword, next); !errors.Is(err, expo.ErrNotFound) {
				t.Fatalf("got %v, want expo.ErrNotFound", err)
			}
		})

		t.Run("changed", func(t *testing.T) {
			if err := st.ChangePassword(ctx, u.ID, testPassword, next); err != nil {
				t.Fatalf("change password: %v", err)
			}
			if got, err := st.Authenticate(ctx, u.Email, next); err != nil || got.ID != u.ID {
				t.Errorf("new password: got %v, want to authenticate", err)
			}
			if _, err := st.Authenticate(ctx, u.Email, testPassword); !errors.Is(err, expo.ErrInvalidCredentials) {
				t.Errorf("old password: got %v, want expo.ErrInvalidCredentials", err)
			}
		})

		t.Run("old password no longer counts as current", func(t *testing.T) {
			err := st.ChangePassword(ctx, u.ID, testPassword, "yet another passphrase")
			wantFields(t, err, map[string]string{"current_password": "error.password_wrong"})
		})
	})
}

func organizer(email string) expo.NewOrganizer {
	return expo.NewOrganizer{Email: email, Name: "Expo Organizer", Password: "organizer-password"}
}

func TestCreateFirstOrganizer(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()

		t.Run("invalid writes nothing", func(t *testing.T) {
			_, err := st.CreateFirstOrganizer(ctx, expo.NewOrganizer{Email: "ops@expo.example", Name: "<x>", Password: "organizer-password"})
			wantFields(t, err, map[string]string{"name": "error.no_markup"})
			if n := countUsers(t, st); n != 0 {
				t.Errorf("%d users after a refused setup, want 0", n)
			}
			if done, err := st.SetupDone(ctx); err != nil || done {
				t.Errorf("setup done = %v, %v; want false", done, err)
			}
		})

		t.Run("concurrent attempts, one winner", func(t *testing.T) {
			const n = 20
			var wg sync.WaitGroup
			errs := make([]error, n)
			users := make([]expo.User, n)
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					users[i], errs[i] = st.CreateFirstOrganizer(ctx, organizer(fmt.Sprintf("organizer%d@expo.example", i)))
				}()
			}
			close(start)
			wg.Wait()

			winner := -1
			for i, err := range errs {
				switch {
				case err == nil:
					if winner >= 0 {
						t.Errorf("attempts %d and %d both succeeded", winner, i)
					}
					winner = i
				case !errors.Is(err, expo.ErrSetupDone):
					t.Errorf("attempt %d: got %v, want expo.ErrSetupDone", i, err)
				}
			}
			if winner < 0 {
				t.Fatal("no attempt succeeded")
			}
			counts, err := st.CountUsersByRole(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[expo.Role]int64{expo.RoleOrganizer: 1}; !maps.Equal(counts, want) {
				t.Errorf("users by role %v, want %v", counts, want)
			}
			if _, err := st.Authenticate(ctx, users[winner].Email, "organizer-password"); err != nil {
				t.Errorf("winner cannot log in: %v", err)
			}
			if done, err := st.SetupDone(ctx); err != nil || !done {
				t.Errorf("setup done = %v, %v; want true", done, err)
			}
		})

		t.Run("later attempt refused", func(t *testing.T) {
			_, err := st.CreateFirstOrganizer(ctx, organizer("late@expo.example"))
			if !errors.Is(err, expo.ErrSetupDone) {
				t.Fatalf("got %v, want expo.ErrSetupDone", err)
			}
			wantCode(t, err, expo.CodeConflict)
			if _, err := st.UserByEmail(ctx, "late@expo.example"); !errors.Is(err, expo.ErrNotFound) {
				t.Errorf("refused organizer was stored: %v", err)
			}
		})

		t.Run("shell organizer after setup", func(t *testing.T) {
			u, err := st.CreateOrganizer(ctx, organizer("second@expo.example"))
			if err != nil {
				t.Fatalf("create organizer: %v", err)
			}
			if u.Role != expo.RoleOrganizer {
				t.Errorf("role %q, want organizer", u.Role)
			}
			if _, err := st.Authenticate(ctx, "second@expo.example", "organizer-password"); err != nil {
				t.Errorf("shell organizer cannot log in: %v", err)
			}
			counts, err := st.CountUsersByRole(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if counts[expo.RoleOrganizer] != 2 {
				t.Errorf("organizers %d, want 2", counts[expo.RoleOrganizer])
			}
		})

		t.Run("shell organizer with taken e-mail", func(t *testing.T) {
			_, err := st.CreateOrganizer(ctx, organizer("SECOND@expo.example"))
			if !errors.Is(err, expo.ErrEmailTaken) {
				t.Fatalf("got %v, want expo.ErrEmailTaken", err)
			}
		})
	})
}

func TestCreateOrganizerBeforeSetup(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := st.CreateOrganizer(ctx, organizer("shell@expo.example")); err != nil {
			t.Fatalf("create organizer: %v", err)
		}
		// An organizer made from the shell closes the setup page too.
		if done, err := st.SetupDone(ctx); err != nil || !done {
			t.Errorf("setup done = %v, %v; want true", done, err)
		}
		if _, err := st.CreateFirstOrganizer(ctx, organizer("web@expo.example")); !errors.Is(err, expo.ErrSetupDone) {
			t.Errorf("got %v, want expo.ErrSetupDone", err)
		}
	})
}

func TestCountUsersByRole(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		counts, err := st.CountUsersByRole(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(counts) != 0 {
			t.Errorf("empty database: %v, want no roles", counts)
		}
		if has, err := st.HasUsers(ctx); err != nil || has {
			t.Errorf("HasUsers = %v, %v; want false", has, err)
		}
		mustAttendee(t, st, "a1@example.cn")
		mustAttendee(t, st, "a2@example.cn")
		if _, err := st.CreateFirstOrganizer(ctx, organizer("ops@expo.example")); err != nil {
			t.Fatal(err)
		}
		counts, err = st.CountUsersByRole(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[expo.Role]int64{expo.RoleAttendee: 2, expo.RoleOrganizer: 1}; !maps.Equal(counts, want) {
			t.Errorf("got %v, want %v", counts, want)
		}
		if has, err := st.HasUsers(ctx); err != nil || !has {
			t.Errorf("HasUsers = %v, %v; want true", has, err)
		}
	})
}
