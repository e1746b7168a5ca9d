package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// validSignUp is a sign-up form every field of which is acceptable.
func validSignUp() url.Values {
	return url.Values{
		"name":         {"Ada Lovelace"},
		"email":        {"ada@example.com"},
		"organization": {"Analytical Engines Ltd"},
		"job_title":    {"Engineer"},
		"country":      {"GB"},
		"password":     {"correct horse battery"},
		"languages":    {"en", "fr"},
		"interests":    {"digital_it"},
		"locale":       {"en"},
	}
}

func TestSignUp(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		app := newApp(t, st, Config{})

		t.Run("valid form creates an attendee and logs in", func(t *testing.T) {
			c := app.client(t)
			r := c.fill("/signup", "/signup", validSignUp())
			if r.status != http.StatusSeeOther || r.location() != "/account" {
				t.Fatalf("status %d to %q, want 303 to /account; errors %v", r.status, r.location(), r.fieldErrors())
			}
			account := c.follow(r)
			if account.status != http.StatusOK {
				t.Fatalf("account page: status %d", account.status)
			}
			if got := account.doc.Find("#f-name").AttrOr("value", ""); got != "Ada Lovelace" {
				t.Errorf("name field = %q, want Ada Lovelace", got)
			}
			if got := account.text(".who"); !strings.Contains(got, "Ada Lovelace") {
				t.Errorf("header shows %q, want the name", got)
			}
			if got := account.text(".flash-success"); got != en("signup.welcome") {
				t.Errorf("flash = %q, want %q", got, en("signup.welcome"))
			}
			u := app.user(t, "ada@example.com")
			if u.Role != expo.RoleAttendee || u.Name != "Ada Lovelace" || u.Country != "GB" ||
				strings.Join(u.Languages, ",") != "en,fr" || strings.Join(u.Interests, ",") != "digital_it" {
				t.Errorf("stored user = %+v", u)
			}
		})

		t.Run("duplicate e-mail in another case is a conflict", func(t *testing.T) {
			before := app.countUsers(t, expo.RoleAttendee)
			form := validSignUp()
			form.Set("email", "ADA@Example.com")
			r := app.client(t).fill("/signup", "/signup", form)
			if r.status != http.StatusConflict {
				t.Fatalf("status %d, want 409", r.status)
			}
			if got := r.fieldError(`form[action="/signup"]`, "email"); got != en("error.email_taken") {
				t.Errorf("email error = %q, want %q", got, en("error.email_taken"))
			}
			if after := app.countUsers(t, expo.RoleAttendee); after != before {
				t.Errorf("attendees %d → %d", before, after)
			}
		})

		const script = "<script>alert(1)</script>"
		long := strings.Repeat("x", 500)
		tests := []struct {
			name  string
			field string
			value []string // nil removes the field
			want  string   // message ID shown next to the field
		}{
			{"name empty", "name", []string{""}, "error.required"},
			{"name only spaces", "name", []string{"   "}, "error.required"},
			{"name oversized", "name", []string{long}, "error.too_long"},
			{"name script tag", "name", []string{script}, "error.no_markup"},
			{"name invalid UTF-8", "name", []string{"Ada \xff\xfe"}, "error.invalid_utf8"},
			{"name control character", "name", []string{"Ada\x00Lovelace"}, "error.control_chars"},
			{"email empty", "email", []string{""}, "error.required"},
			{"email oversized", "email", []string{strings.Repeat("a", 250) + "@example.com"}, "error.too_long"},
			{"email SQL fragment", "email", []string{"' OR 1=1; DROP TABLE users;--"}, "error.email_invalid"},
			{"email script tag", "email", []string{script + "@example.com"}, "error.no_markup"},
			{"email without domain dot", "email", []string{"ada@localhost"}, "error.email_invalid"},
			{"organization oversized", "organization", []string{long}, "error.too_long"},
			{"organization script tag", "organization", []string{script}, "error.no_markup"},
			{"job title oversized", "job_title", []string{long}, "error.too_long"},
			{"job title script tag", "job_title", []string{script}, "error.no_markup"},
			{"country missing", "country", nil, "error.required"},
			{"country unknown", "country", []string{"XX"}, "error.choice_invalid"},
			{"country SQL fragment", "country", []string{"' OR 1=1;--"}, "error.choice_invalid"},
			{"password empty", "password", []string{""}, "error.required"},
			{"password short", "password", []string{"short"}, "error.password_short"},
			{"password oversized", "password", []string{long}, "error.too_long"},
			{"password invalid UTF-8", "password", []string{"correct horse \xff\xfe"}, "error.invalid_utf8"},
			{"no languages", "languages", nil, "error.choose_one"},
			{"unknown language", "languages", []string{"en", "xx"}, "error.choice_invalid"},
			{"unknown sector", "interests", []string{"weapons"}, "error.choice_invalid"},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := app.countUsers(t, expo.RoleAttendee)
				form := validSignUp()
				// Never the e-mail of an existing account, so only the field
				// under test can be wrong.
				form.Set("email", "case"+strconv.Itoa(i)+"@example.com")
				if tt.value == nil {
					form.Del(tt.field)
				} else {
					form[tt.field] = tt.value
				}
				r := app.client(t).fill("/signup", "/signup", form)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.status)
				}
				if got, want := r.fieldError(`form[action="/signup"]`, tt.field), en(tt.want); got != want {
					t.Errorf("%s error = %q, want %q (all errors %v)", tt.field, got, want, r.fieldErrors())
				}
				if errs := r.fieldErrors(); len(errs) != 1 {
					t.Errorf("errors on %d fields, want only %s: %v", len(errs), tt.field, errs)
				}
				if got := r.text(`form[action="/signup"] .flash-error`); got != en("error.form") {
					t.Errorf("form message = %q, want %q", got, en("error.form"))
				}
				if strings.Contains(r.body, script) {
					t.Error("the answer contains the raw script tag")
				}
				// Text inputs show what was sent (escaped), so nothing is
				// lost; passwords are never sent back.
				if in := r.doc.Find(`input#f-` + tt.field); in.Length() == 1 && tt.value != nil && printable(tt.value[0]) {
					if tt.field == "password" {
						if v, ok := in.Attr("value"); ok {
							t.Errorf("password echoed back: %q", v)
						}
					} else if got := in.AttrOr("value", ""); got != tt.value[0] {
						t.Errorf("%s echoed as %q, want %q", tt.field, got, tt.value[0])
					}
				}
				if after := app.countUsers(t, expo.RoleAttendee); after != before {
					t.Errorf("attendees %d → %d: a user was written", before, after)
				}
			})
		}
	})
}

// printable reports whether s survives an HTML parser unchanged: valid
// UTF-8 without control characters.
func printable(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

func TestLogin(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		tests := []struct {
			name     string
			email    string
			password string
			next     string // query parameter of the login page
			status   int
			location string
			message  string // form-level message ID
			fields   map[string]string
		}{
			{name: "attendee", email: demoAttendee, password: demoPassword, status: http.StatusSeeOther, location: "/account"},
			{name: "exhibitor", email: demoExhibitor, password: demoPassword, status: http.StatusSeeOther, location: "/account"},
			{name: "organizer", email: demoOrganizer, password: demoPassword, status: http.StatusSeeOther, location: "/organizer"},
			{name: "e-mail in another case", email: "  Attendee1@Demo.EXPO ", password: demoPassword, status: http.StatusSeeOther, location: "/account"},
			{name: "local next", email: demoOrganizer, password: demoPassword, next: "/account?tab=tokens", status: http.StatusSeeOther, location: "/account?tab=tokens"},
			{name: "protocol-relative next ignored", email: demoAttendee, password: demoPassword, next: "//evil.example", status: http.StatusSeeOther, location: "/account"},
			{name: "absolute next ignored", email: demoAttendee, password: demoPassword, next: "https://evil.example/", status: http.StatusSeeOther, location: "/account"},
			{name: "backslash next ignored", email: demoAttendee, password: demoPassword, next: "/\\evil.example", status: http.StatusSeeOther, location: "/account"},
			// Browsers drop tabs and newlines from a URL, so "/\t/evil.example"
			// would lead to //evil.example.
			{name: "tab-split next ignored", email: demoAttendee, password: demoPassword, next: "/\t/evil.example", status: http.StatusSeeOther, location: "/account"},
			{name: "newline-split next ignored", email: demoAttendee, password: demoPassword, next: "/\n/evil.example", status: http.StatusSeeOther, location: "/account"},
			{name: "wrong password", email: demoAttendee, password: "wrong password", status: http.StatusUnauthorized, message: "error.invalid_credentials"},
			{name: "unknown e-mail", email: "nobody@demo.expo", password: demoPassword, status: http.StatusUnauthorized, message: "error.invalid_credentials"},
			{name: "empty form", status: http.StatusUnprocessableEntity, fields: map[string]string{"email": "error.required", "password": "error.required"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := app.client(t)
				path := "/login"
				if tt.next != "" {
					path += "?next=" + url.QueryEscape(tt.next)
				}
				page := c.get(path)
				next := page.doc.Find(`form[action="/login"] input[name="next"]`).AttrOr("value", "")
				if next != safeNext(tt.next) {
					t.Errorf("login form carries next %q, want %q", next, safeNext(tt.next))
				}
				r := c.submit(page, "/login", values("email", tt.email, "password", tt.password, "next", next))
				if r.status != tt.status {
					t.Fatalf("status %d, want %d; errors %v %q", r.status, tt.status, r.fieldErrors(), r.text(".flash-error"))
				}
				if r.location() != tt.location {
					t.Errorf("Location = %q, want %q", r.location(), tt.location)
				}
				if tt.message != "" {
					if got := r.text(`form[action="/login"] .flash-error`); got != en(tt.message) {
						t.Errorf("message = %q, want %q", got, en(tt.message))
					}
				}
				for field, id := range tt.fields {
					if got := r.fieldError(`form[action="/login"]`, field); got != en(id) {
						t.Errorf("%s error = %q, want %q", field, got, en(id))
					}
				}
				if tt.status == http.StatusSeeOther {
					if r := c.get("/account"); r.status != http.StatusOK {
						t.Errorf("account after login: status %d", r.status)
					}
				} else if r := c.get("/account"); r.status != http.StatusSeeOther {
					t.Errorf("account after failed login: status %d, want 303 to login", r.status)
				}
			})
		}

		t.Run("next survives a failed attempt", func(t *testing.T) {
			c := app.client(t)
			page := c.get("/login?next=%2Faccount")
			r := c.submit(page, "/login", values("email", demoAttendee, "password", "wrong", "next", "/account"))
			if got := r.doc.Find(`form[action="/login"] input[name="next"]`).AttrOr("value", ""); got != "/account" {
				t.Errorf("next after a failed attempt = %q, want /account", got)
			}
		})
	})
}

func TestLoginRateLimit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{Limits: Limits{LoginPerAccount: Limit{Every: time.Hour, Burst: 3}}})
		c := app.client(t)
		for i := 1; i <= 3; i++ {
			t.Run("wrong password "+strconv.Itoa(i)+" is refused", func(t *testing.T) {
				c := c.in(t)
				r := c.fill("/login", "/login", values("email", demoAttendee, "password", "guess "+strconv.Itoa(i)))
				if r.status != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401", r.status)
				}
			})
		}
		t.Run("fourth attempt is limited even with the right password", func(t *testing.T) {
			c := c.in(t)
			r := c.fill("/login", "/login", values("email", strings.ToUpper(demoAttendee), "password", demoPassword))
			if r.status != http.StatusTooManyRequests {
				t.Fatalf("status %d, want 429", r.status)
			}
			secs, err := strconv.Atoi(r.header.Get("Retry-After"))
			if err != nil || secs < 1 || secs > 3600 {
				t.Errorf("Retry-After = %q, want 1…3600 seconds", r.header.Get("Retry-After"))
			}
			if got := r.text(`form[action="/login"] .flash-error`); !strings.HasPrefix(got, "Too many attempts") || !strings.Contains(got, strconv.Itoa(secs)) {
				t.Errorf("message = %q, want Too many attempts… %d seconds", got, secs)
			}
			if r := c.get("/account"); r.status != http.StatusSeeOther {
				t.Errorf("limited login logged in: /account status %d", r.status)
			}
		})
		t.Run("another account is not limited", func(t *testing.T) {
			r := app.client(t).fill("/login", "/login", values("email", demoAttendee2, "password", demoPassword))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", r.status)
			}
		})
		t.Run("API token creation shares the limit", func(t *testing.T) {
			r := app.client(t).api(http.MethodPost, "/api/v1/tokens", "application/json",
				`{"email":"`+demoAttendee+`","password":"`+demoPassword+`"}`, "")
			if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
				t.Fatalf("status %d, Retry-After %q; want 429 with Retry-After", r.status, r.header.Get("Retry-After"))
			}
			var body apiError
			r.json(t, &body)
			if body.Error.Code != "rate_limited" {
				t.Errorf("code = %q, want rate_limited", body.Error.Code)
			}
		})
	})
}

func TestCSRF(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		profile := values("name", "Forged Name", "country", "CN", "languages", "zh")
		tests := []struct {
			name    string
			as      string // demo account, or "" for anonymous
			path    string
			form    url.Values
			token   string // "" sends none; "page" sends a token from another visitor
			unwrote func(t *testing.T)
		}{
			{name: "sign-up without token", path: "/signup", form: validSignUp(), unwrote: func(t *testing.T) {
				if n := app.countUsers(t, expo.RoleAttendee); n != 2 {
					t.Errorf("attendees = %d, want the 2 demo ones", n)
				}
			}},
			{name: "sign-up with another visitor's token", path: "/signup", form: validSignUp(), token: "page", unwrote: func(t *testing.T) {
				if n := app.countUsers(t, expo.RoleAttendee); n != 2 {
					t.Errorf("attendees = %d, want the 2 demo ones", n)
				}
			}},
			{name: "login without token", path: "/login", form: values("email", demoAttendee, "password", demoPassword)},
			{name: "profile without token", as: demoAttendee, path: "/account/profile", form: profile, unwrote: func(t *testing.T) {
				if u := app.user(t, demoAttendee); u.Name == "Forged Name" {
					t.Error("the profile was changed")
				}
			}},
			{name: "profile with a made-up token", as: demoAttendee, path: "/account/profile", form: profile, token: "forged", unwrote: func(t *testing.T) {
				if u := app.user(t, demoAttendee); u.Name == "Forged Name" {
					t.Error("the profile was changed")
				}
			}},
			{name: "password without token", as: demoAttendee, path: "/account/password", form: values("current_password", demoPassword, "new_password", "a brand new password")},
			{name: "token without token", as: demoAttendee, path: "/account/tokens", form: values("token_name", "forged"), unwrote: func(t *testing.T) {
				toks, err := st.Tokens(t.Context(), app.user(t, demoAttendee).ID)
				if err != nil || len(toks) != 0 {
					t.Errorf("tokens = %v, %v; want none", toks, err)
				}
			}},
			{name: "logout without token", as: demoAttendee, path: "/logout"},
			{name: "setup without token", path: "/setup", form: values("name", "Mallory", "email", "mallory@example.com", "password", "a long password")},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := app.client(t)
				if tt.as != "" {
					c.logIn(tt.as, demoPassword)
				}
				c.get("/") // the visitor has a CSRF cookie; the form field is missing
				form := url.Values{}
				for k, v := range tt.form {
					form[k] = v
				}
				switch tt.token {
				case "page":
					other := app.client(t)
					form.Set("_csrf", other.csrf(other.get("/"), ""))
				case "":
				default:
					form.Set("_csrf", tt.token)
				}
				r := c.post(tt.path, form)
				if r.status != http.StatusForbidden {
					t.Fatalf("status %d, want 403", r.status)
				}
				if got := r.text(".error-page .lead"); got != en("error.csrf") {
					t.Errorf("message = %q, want %q", got, en("error.csrf"))
				}
				if tt.as != "" {
					if r := c.get("/account"); r.status != http.StatusOK {
						t.Errorf("the session did not survive: /account status %d", r.status)
					}
				} else if r := c.get("/account"); r.status != http.StatusSeeOther {
					t.Errorf("the forged request logged in: /account status %d", r.status)
				}
				if tt.unwrote != nil {
					tt.unwrote(t)
				}
				if app.countUsers(t, expo.RoleOrganizer) != 1 {
					t.Error("an organizer was created")
				}
			})
		}

		t.Run("token in the X-CSRF-Token header is accepted", func(t *testing.T) {
			c := app.client(t)
			c.logIn(demoAttendee2, demoPassword)
			token := c.csrf(c.get("/account"), "/account/profile")
			req := c.newRequest(http.MethodPost, "/account/profile", strings.NewReader(values("name", "Header Name", "country", "KR", "languages", "ko").Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-CSRF-Token", token)
			if r := c.do(req); r.status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", r.status)
			}
			if u := app.user(t, demoAttendee2); u.Name != "Header Name" {
				t.Errorf("name = %q, want Header Name", u.Name)
			}
		})

		t.Run("cross-site form post is refused", func(t *testing.T) {
			c := app.client(t)
			page := c.get("/login")
			form := values("email", demoAttendee, "password", demoPassword, "_csrf", c.csrf(page, "/login"))
			req := c.newRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if r := c.do(req); r.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", r.status)
			}
		})
	})
}

func TestRoles(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		tests := []struct {
			name     string
			as       string
			path     string
			status   int
			location string
			message  string // message ID of the error page
		}{
			{"anonymous account", "", "/account", http.StatusSeeOther, "/login?next=%2Faccount", ""},
			{"anonymous organizer", "", "/organizer", http.StatusSeeOther, "/login?next=%2Forganizer", ""},
			{"attendee organizer", demoAttendee, "/organizer", http.StatusForbidden, "", "error.role_needed.organizer"},
			{"exhibitor organizer", demoExhibitor, "/organizer", http.StatusForbidden, "", "error.role_needed.organizer"},
			{"organizer organizer", demoOrganizer, "/organizer", http.StatusOK, "", ""},
			{"attendee account", demoAttendee, "/account", http.StatusOK, "", ""},
			{"logged-in login page", demoAttendee, "/login", http.StatusSeeOther, "/account", ""},
			{"logged-in sign-up page", demoExhibitor, "/signup", http.StatusSeeOther, "/account", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := app.client(t)
				if tt.as != "" {
					c.logIn(tt.as, demoPassword)
				}
				r := c.get(tt.path)
				if r.status != tt.status {
					t.Fatalf("status %d, want %d", r.status, tt.status)
				}
				if r.location() != tt.location {
					t.Errorf("Location = %q, want %q", r.location(), tt.location)
				}
				if tt.message != "" {
					if got := r.text(".error-page h1"); got != en("error.heading.forbidden") {
						t.Errorf("heading = %q, want %q", got, en("error.heading.forbidden"))
					}
					if got := r.text(".error-page .lead"); got != en(tt.message) {
						t.Errorf("message = %q, want %q", got, en(tt.message))
					}
				}
			})
		}

		t.Run("logout ends the session", func(t *testing.T) {
			c := app.client(t)
			c.logIn(demoAttendee, demoPassword)
			account := c.get("/account")
			r := c.submit(account, "/logout", nil)
			if r.status != http.StatusSeeOther || r.location() != "/" {
				t.Fatalf("status %d to %q, want 303 to /", r.status, r.location())
			}
			home := c.follow(r)
			if got := home.text(".flash-info"); got != en("logout.done") {
				t.Errorf("flash = %q, want %q", got, en("logout.done"))
			}
			if home.doc.Find(`form[action="/logout"]`).Length() != 0 {
				t.Error("the page after logout still offers to log out")
			}
			if r := c.get("/account"); r.status != http.StatusSeeOther || r.location() != "/login?next=%2Faccount" {
				t.Errorf("account after logout: status %d to %q", r.status, r.location())
			}
		})

		t.Run("anonymous logout is unauthorized", func(t *testing.T) {
			c := app.client(t)
			r := c.post("/logout", values("_csrf", c.csrf(c.get("/"), "")))
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", r.status)
			}
		})
	})
}

func TestSetup(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		app := newApp(t, st, Config{})
		organizer := values("name", "First Organizer", "email", "first@example.com", "password", "a long password")

		t.Run("empty database offers setup", func(t *testing.T) {
			r := app.client(t).get("/")
			if r.doc.Find(`a[href="/setup"]`).Length() == 0 {
				t.Error("home page does not link to setup")
			}
			if r := app.client(t).get("/setup"); r.status != http.StatusOK {
				t.Fatalf("status %d, want 200", r.status)
			}
		})

		t.Run("invalid organizer is refused", func(t *testing.T) {
			r := app.client(t).fill("/setup", "/setup", values("name", "<b>", "email", "nope", "password", "short"))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.status)
			}
			for field, id := range map[string]string{"name": "error.no_markup", "email": "error.email_invalid", "password": "error.password_short"} {
				if got := r.fieldError(`form[action="/setup"]`, field); got != en(id) {
					t.Errorf("%s error = %q, want %q", field, got, en(id))
				}
			}
			if n := app.countUsers(t, expo.RoleOrganizer); n != 0 {
				t.Errorf("organizers = %d, want 0", n)
			}
		})

		t.Run("setup creates the organizer and logs in", func(t *testing.T) {
			c := app.client(t)
			r := c.fill("/setup", "/setup", organizer)
			if r.status != http.StatusSeeOther || r.location() != "/organizer" {
				t.Fatalf("status %d to %q, want 303 to /organizer; errors %v", r.status, r.location(), r.fieldErrors())
			}
			if dash := c.follow(r); dash.status != http.StatusOK || dash.text(".flash-success") != en("setup.done") {
				t.Errorf("dashboard: status %d, flash %q", dash.status, dash.text(".flash-success"))
			}
			if u := app.user(t, "first@example.com"); u.Role != expo.RoleOrganizer {
				t.Errorf("role = %q, want organizer", u.Role)
			}
		})

		t.Run("setup page is gone afterwards", func(t *testing.T) {
			r := app.client(t).get("/setup")
			if r.status != http.StatusConflict {
				t.Fatalf("status %d, want 409", r.status)
			}
			if got := r.text(".error-page .lead"); got != en("error.setup_done") {
				t.Errorf("message = %q, want %q", got, en("error.setup_done"))
			}
		})

		for _, tt := range []struct {
			name  string
			email string
		}{
			{"second setup with a new e-mail is refused", "second@example.com"},
			{"second setup with the same e-mail is refused", "first@example.com"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c := app.client(t)
				page := c.get("/setup") // a 409 page; its language form carries a token
				form := values("name", "Second", "email", tt.email, "password", "another long password")
				form.Set("_csrf", c.csrf(page, ""))
				r := c.post("/setup", form)
				if r.status != http.StatusConflict {
					t.Fatalf("status %d, want 409", r.status)
				}
				if n := app.countUsers(t, expo.RoleOrganizer); n != 1 {
					t.Errorf("organizers = %d, want 1", n)
				}
				if r := c.get("/organizer"); r.status != http.StatusSeeOther {
					t.Errorf("refused setup logged in: /organizer status %d", r.status)
				}
			})
		}
	})
}

// TestSetupRace: of simultaneous setups exactly one wins; the database, not
// a check in Go, decides.
func TestSetupRace(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		app := newApp(t, st, Config{})
		const n = 6
		clients := make([]*testClient, n)
		pages := make([]*reply, n)
		for i := range clients {
			clients[i] = app.client(t)
			pages[i] = clients[i].get("/setup")
		}
		reqs := make([]*http.Request, n)
		for i, c := range clients {
			form := values("name", "Racer", "email", "racer"+strconv.Itoa(i)+"@example.com", "password", "a long password",
				"_csrf", c.csrf(pages[i], "/setup"))
			reqs[i] = c.formRequest("/setup", form)
		}
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := c.send(reqs[i])
				if err != nil {
					t.Error(err)
					return
				}
				statuses[i] = r.status
			}()
		}
		wg.Wait()
		won := 0
		for i, s := range statuses {
			switch s {
			case http.StatusSeeOther:
				won++
			case http.StatusConflict:
			default:
				t.Errorf("client %d: status %d, want 303 or 409", i, s)
			}
		}
		if won != 1 {
			t.Errorf("%d setups succeeded, want 1 (statuses %v)", won, statuses)
		}
		if got := app.countUsers(t, expo.RoleOrganizer); got != 1 {
			t.Errorf("organizers = %d, want 1", got)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})

		t.Run("login replaces a planted session token", func(t *testing.T) {
			c := app.client(t)
			const planted = "attacker-chosen-session-token-000000000000"
			c.setCookie("expo_session", planted)
			r := c.logIn(demoAttendee, demoPassword)
			ck := r.cookie("expo_session")
			if ck == nil || ck.Value == "" || ck.Value == planted {
				t.Fatalf("session cookie after login = %v, want a new token", ck)
			}
			replay := app.client(t)
			replay.setCookie("expo_session", planted)
			if r := replay.get("/account"); r.status != http.StatusSeeOther {
				t.Errorf("the planted token is logged in: status %d", r.status)
			}
		})

		t.Run("logout ends the session on the server", func(t *testing.T) {
			c := app.client(t)
			token := c.logIn(demoAttendee, demoPassword).cookie("expo_session").Value
			if r := c.submit(c.get("/account"), "/logout", nil); r.status != http.StatusSeeOther {
				t.Fatalf("logout: status %d, want 303", r.status)
			}
			replay := app.client(t)
			replay.setCookie("expo_session", token)
			if r := replay.get("/account"); r.status != http.StatusSeeOther {
				t.Errorf("the logged-out token still works: status %d", r.status)
			}
		})

		t.Run("password change renews the session token", func(t *testing.T) {
			c := app.client(t)
			token := c.logIn(demoAttendee2, demoPassword).cookie("expo_session").Value
			r := c.fill("/account", "/account/password", values("current_password", demoPassword, "new_password", "a changed password"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", r.status)
			}
			if ck := r.cookie("expo_session"); ck == nil || ck.Value == token {
				t.Errorf("session cookie after the change = %v, want a new token", ck)
			}
			if r := c.get("/account"); r.status != http.StatusOK {
				t.Errorf("this session ended: status %d", r.status)
			}
			replay := app.client(t)
			replay.setCookie("expo_session", token)
			if r := replay.get("/account"); r.status != http.StatusSeeOther {
				t.Errorf("the old token still works: status %d", r.status)
			}
		})
	})
}

func TestIPRateLimits(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		tests := []struct {
			name   string
			limits Limits
			// attempt makes the i-th attempt from the same address.
			attempt func(c *testClient, i int) *reply
			ok      int // status of an attempt within the limit
		}{
			{"login per address", Limits{LoginPerIP: Limit{Every: time.Hour, Burst: 2}}, func(c *testClient, i int) *reply {
				return c.fill("/login", "/login", values("email", "user"+strconv.Itoa(i)+"@example.com", "password", "wrong"))
			}, http.StatusUnauthorized},
			{"sign-up per address", Limits{SignupPerIP: Limit{Every: time.Hour, Burst: 2}}, func(c *testClient, i int) *reply {
				form := validSignUp()
				form.Set("email", "limited"+strconv.Itoa(i)+"@example.com")
				return c.fill("/signup", "/signup", form)
			}, http.StatusSeeOther},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				app := newApp(t, st, Config{Limits: tt.limits})
				before := app.countUsers(t, expo.RoleAttendee)
				for i := range 2 {
					if r := tt.attempt(app.client(t), i); r.status != tt.ok {
						t.Fatalf("attempt %d: status %d, want %d", i+1, r.status, tt.ok)
					}
				}
				r := tt.attempt(app.client(t), 2)
				if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
					t.Fatalf("third attempt: status %d, Retry-After %q; want 429 with Retry-After", r.status, r.header.Get("Retry-After"))
				}
				if got := r.text(".flash-error"); !strings.HasPrefix(got, "Too many attempts") {
					t.Errorf("message = %q, want Too many attempts…", got)
				}
				if after := app.countUsers(t, expo.RoleAttendee); after-before > 2 {
					t.Errorf("%d accounts created, want at most 2", after-before)
				}
			})
		}
	})
}
