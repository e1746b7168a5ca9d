package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"expo/internal/store"
	"expo/internal/storetest"
)

const (
	profileFormSel  = `form[action="/account/profile"]`
	passwordFormSel = `form[action="/account/password"]`
	tokenFormSel    = `form[action="/account/tokens"]`
)

func TestAccountProfile(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})

		t.Run("valid profile is saved", func(t *testing.T) {
			c := app.as(t, demoAttendee)
			form := values("name", "Li Wei (李伟)", "organization", "Shenyang Auto Parts", "job_title", "Director",
				"country", "CN", "locale", "en", "languages", "zh", "languages", "ko", "interests", "automotive")
			r := c.fill("/account", "/account/profile", form)
			if r.status != http.StatusSeeOther || r.location() != "/account" {
				t.Fatalf("status %d to %q, want 303 to /account; errors %v", r.status, r.location(), r.fieldErrors())
			}
			page := c.follow(r)
			if got := page.text(".flash-success"); got != en("account.profile.saved") {
				t.Errorf("flash = %q, want %q", got, en("account.profile.saved"))
			}
			if got := page.doc.Find("#f-name").AttrOr("value", ""); got != "Li Wei (李伟)" {
				t.Errorf("name field = %q", got)
			}
			u := app.user(t, demoAttendee)
			if u.Name != "Li Wei (李伟)" || u.JobTitle != "Director" || strings.Join(u.Languages, ",") != "zh,ko" || u.Locale != "en" {
				t.Errorf("stored user = %+v", u)
			}
			if c.follow(r).text(".flash-success") != "" {
				t.Error("the flash is shown twice")
			}
		})

		tests := []struct {
			name, field, value string
			want               string // message ID next to the field
		}{
			{"empty name", "name", "", "error.required"},
			{"markup in name", "name", "<img src=x onerror=alert(1)>", "error.no_markup"},
			{"oversized job title", "job_title", strings.Repeat("y", 500), "error.too_long"},
			{"unknown country", "country", "XX", "error.choice_invalid"},
			{"unknown interface language", "locale", "fr", "error.choice_invalid"},
			{"no languages", "languages", "", "error.choose_one"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := app.user(t, demoExhibitor)
				c := app.as(t, demoExhibitor)
				form := values("name", "Valid Name", "organization", "Hanbit", "country", "KR", "languages", "ko", "locale", "en")
				if tt.value == "" {
					form.Del(tt.field)
				} else {
					form.Set(tt.field, tt.value)
				}
				r := c.fill("/account", "/account/profile", form)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.status)
				}
				if got := r.fieldError(profileFormSel, tt.field); got != en(tt.want) {
					t.Errorf("%s error = %q, want %q (all %v)", tt.field, got, en(tt.want), r.fieldErrors())
				}
				if strings.Contains(r.body, "<img src=x") {
					t.Error("the answer contains the raw markup")
				}
				if after := app.user(t, demoExhibitor); after.Name != before.Name || after.Country != before.Country {
					t.Errorf("profile changed from %+v to %+v", before, after)
				}
			})
		}
	})
}

func TestAccountPassword(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		const newPassword = "a much longer password"
		tests := []struct {
			name, current, next string
			field, want         string
		}{
			{"wrong current password", "not my password", newPassword, "current_password", "error.password_wrong"},
			{"missing current password", "", newPassword, "current_password", "error.required"},
			{"short new password", demoPassword, "short", "new_password", "error.password_short"},
			{"oversized new password", demoPassword, strings.Repeat("p", 200), "new_password", "error.too_long"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := app.as(t, demoAttendee)
				r := c.fill("/account", "/account/password", values("current_password", tt.current, "new_password", tt.next))
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.status)
				}
				if got := r.fieldError(passwordFormSel, tt.field); got != en(tt.want) {
					t.Errorf("%s error = %q, want %q (all %v)", tt.field, got, en(tt.want), r.fieldErrors())
				}
				if r.doc.Find(passwordFormSel+` input[type="password"][value]`).Length() != 0 {
					t.Error("a password is echoed back")
				}
				app.client(t).logIn(demoAttendee, demoPassword) // unchanged
			})
		}

		t.Run("right current password changes it", func(t *testing.T) {
			other := app.as(t, demoAttendee) // the same user in another browser
			c := app.as(t, demoAttendee)
			r := c.fill("/account", "/account/password", values("current_password", demoPassword, "new_password", newPassword))
			if r.status != http.StatusSeeOther || r.location() != "/account" {
				t.Fatalf("status %d to %q, want 303 to /account; errors %v", r.status, r.location(), r.fieldErrors())
			}
			if got := c.follow(r).text(".flash-success"); got != en("account.password.saved") {
				t.Errorf("flash = %q, want %q", got, en("account.password.saved"))
			}
			if r := c.get("/account"); r.status != http.StatusOK {
				t.Errorf("the session that changed the password: /account status %d, want 200", r.status)
			}
			if r := other.get("/account"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
				t.Errorf("another session after the change: /account status %d to %q, want 303 to /login", r.status, r.location())
			}
			app.client(t).logIn(demoAttendee, newPassword)
			old := app.client(t).fill("/login", "/login", values("email", demoAttendee, "password", demoPassword))
			if old.status != http.StatusUnauthorized {
				t.Errorf("old password: status %d, want 401", old.status)
			}
		})
	})
}

func TestAccountTokens(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		owner := app.as(t, demoAttendee)
		ownerID := app.user(t, demoAttendee).ID

		var secret string
		var tokenID int64
		t.Run("create shows the secret once", func(t *testing.T) {
			owner := owner.in(t)
			r := owner.fill("/account", "/account/tokens", values("token_name", "CI laptop"))
			if r.status != http.StatusCreated {
				t.Fatalf("status %d, want 201; errors %v", r.status, r.fieldErrors())
			}
			secret = r.doc.Find("input#new-token").AttrOr("value", "")
			if !strings.HasPrefix(secret, "expo_") {
				t.Fatalf("secret = %q, want expo_…", secret)
			}
			toks, err := st.Tokens(t.Context(), ownerID)
			if err != nil || len(toks) != 1 {
				t.Fatalf("tokens = %v, %v; want one", toks, err)
			}
			tokenID = toks[0].ID
			item := r.doc.Find("#token-" + strconv.FormatInt(tokenID, 10))
			if got := strings.TrimSpace(item.Find("strong").Text()); got != "CI laptop" {
				t.Errorf("listed name = %q, want CI laptop", got)
			}
			if strings.Contains(item.Text(), secret) {
				t.Error("the list shows the whole secret")
			}
			again := owner.get("/account")
			if again.doc.Find("input#new-token").Length() != 0 || strings.Contains(again.body, secret) {
				t.Error("the secret is shown a second time")
			}
			if again.doc.Find("#token-"+strconv.FormatInt(tokenID, 10)).Length() != 1 {
				t.Error("the token is not listed on the account page")
			}
			if r := owner.api(http.MethodGet, "/api/v1/me", "", "", secret); r.status != http.StatusOK {
				t.Errorf("the new token does not work: status %d", r.status)
			}
		})

		for _, tt := range []struct{ name, value, want string }{
			{"markup in token name", "<b>x</b>", "error.no_markup"},
			{"oversized token name", strings.Repeat("n", 61), "error.too_long"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				owner := owner.in(t)
				r := owner.fill("/account", "/account/tokens", values("token_name", tt.value))
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.status)
				}
				if got := r.fieldError(tokenFormSel, "token_name"); got != en(tt.want) {
					t.Errorf("token_name error = %q, want %q", got, en(tt.want))
				}
				if toks, _ := st.Tokens(t.Context(), ownerID); len(toks) != 1 {
					t.Errorf("%d tokens, want still 1", len(toks))
				}
			})
		}

		t.Run("another user cannot revoke it", func(t *testing.T) {
			other := app.as(t, demoExhibitor)
			page := other.get("/account")
			path := "/account/tokens/" + strconv.FormatInt(tokenID, 10) + "/revoke"
			r := other.post(path, values("_csrf", other.csrf(page, "")))
			if r.status != http.StatusNotFound {
				t.Fatalf("status %d, want 404", r.status)
			}
			if toks, _ := st.Tokens(t.Context(), ownerID); len(toks) != 1 {
				t.Errorf("%d tokens, want still 1", len(toks))
			}
		})

		for _, id := range []string{"abc", "0", "-1", "99999999"} {
			t.Run("revoke of token "+id+" is not found", func(t *testing.T) {
				owner := owner.in(t)
				page := owner.get("/account")
				r := owner.post("/account/tokens/"+id+"/revoke", values("_csrf", owner.csrf(page, "")))
				if r.status != http.StatusNotFound {
					t.Fatalf("status %d, want 404", r.status)
				}
			})
		}

		t.Run("owner revokes it", func(t *testing.T) {
			owner := owner.in(t)
			page := owner.get("/account")
			r := owner.submit(page, "/account/tokens/"+strconv.FormatInt(tokenID, 10)+"/revoke", nil)
			if r.status != http.StatusSeeOther || r.location() != "/account#tokens" {
				t.Fatalf("status %d to %q, want 303 to /account#tokens", r.status, r.location())
			}
			if got := owner.follow(r).text(".flash-success"); got != en("account.tokens.revoked") {
				t.Errorf("flash = %q, want %q", got, en("account.tokens.revoked"))
			}
			if toks, _ := st.Tokens(t.Context(), ownerID); len(toks) != 0 {
				t.Errorf("%d tokens, want none", len(toks))
			}
			if r := owner.api(http.MethodGet, "/api/v1/me", "", "", secret); r.status != http.StatusUnauthorized {
				t.Errorf("revoked token: status %d, want 401", r.status)
			}
		})
	})
}

// TestMalformedForm: a body that is not a readable form is the client's
// fault, answered 400, never a server error.
func TestMalformedForm(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		c := app.as(t, demoAttendee)
		before := app.user(t, demoAttendee)
		token := c.csrf(c.get("/account"), "/account/profile")
		for _, tt := range []struct{ name, contentType, body string }{
			{"multipart without boundary", "multipart/form-data", "name=x"},
			{"multipart with a broken body", "multipart/form-data; boundary=xyz", "--nope"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c := c.in(t)
				req := c.newRequest(http.MethodPost, "/account/profile", strings.NewReader(tt.body))
				req.Header.Set("Content-Type", tt.contentType)
				req.Header.Set("X-CSRF-Token", token)
				r := c.do(req)
				if r.status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400", r.status)
				}
				if got := r.text(".error-page .lead"); got != en("error.bad_request") {
					t.Errorf("message = %q, want %q", got, en("error.bad_request"))
				}
				if after := app.user(t, demoAttendee); after.Name != before.Name {
					t.Errorf("name changed to %q", after.Name)
				}
			})
		}
		t.Run("form over 1 MB", func(t *testing.T) {
			c := c.in(t)
			form := values("name", strings.Repeat("n", 1<<20), "country", "CN", "languages", "zh")
			r := c.submit(c.get("/account"), "/account/profile", form)
			if r.status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413", r.status)
			}
			if got := r.text(".error-page .lead"); got != en("error.too_large") {
				t.Errorf("message = %q, want %q", got, en("error.too_large"))
			}
		})
	})
}
