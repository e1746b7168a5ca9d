package web

import (
	"net/http"
	"strings"
	"testing"

	"expo/internal/store"
	"expo/internal/storetest"
	"expo/web/static"
)

// TestHeadersOnEveryKindOfAnswer checks the security headers on an HTML
// page, a JSON answer, a JSON error, a static asset, an HTML error page and
// a redirect, under an http and an https base URL: HSTS only with https.
func TestHeadersOnEveryKindOfAnswer(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		for _, base := range []struct {
			name, baseURL string
			secure        bool
		}{
			{"http", "", false},
			{"https", "https://expo.example", true},
		} {
			t.Run(base.name, func(t *testing.T) {
				app := newApp(t, st, Config{BaseURL: base.baseURL})
				c := app.client(t)
				answers := []struct {
					name       string
					get        func() *reply
					status     int
					typePrefix string
				}{
					{"HTML page", func() *reply { return c.get("/") }, http.StatusOK, "text/html"},
					{"JSON answer", func() *reply { return c.api(http.MethodGet, "/api/v1/exhibitors", "", "", "") }, http.StatusOK, "application/json"},
					{"JSON error", func() *reply { return c.api(http.MethodGet, "/api/v1/me", "", "", "") }, http.StatusUnauthorized, "application/json"},
					{"static asset", func() *reply { return c.get(static.Path("app.css")) }, http.StatusOK, "text/css"},
					{"HTML error page", func() *reply { return c.get("/no/such/page") }, http.StatusNotFound, "text/html"},
					{"forbidden page", func() *reply { return app.as(t, demoAttendee).get("/organizer/audit") }, http.StatusForbidden, "text/html"},
					{"redirect", func() *reply { return c.get("/organizer/audit") }, http.StatusSeeOther, ""},
				}
				for _, a := range answers {
					t.Run(a.name, func(t *testing.T) {
						r := a.get()
						if r.status != a.status {
							t.Fatalf("status %d, want %d", r.status, a.status)
						}
						if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, a.typePrefix) {
							t.Errorf("Content-Type = %q, want %s", ct, a.typePrefix)
						}
						checkSecurityHeaders(t, r.header, base.secure)
					})
				}
			})
		}
	})
}

// TestHeadAnswersLikeGet: every GET route answers HEAD with GET's status
// and headers and no body (it answered 405 before), public pages, API
// answers and protected pages alike.
func TestHeadAnswersLikeGet(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		for _, tc := range []struct {
			name, path string
			c          *testClient
		}{
			{"home", "/", app.client(t)},
			{"directory", "/exhibitors?q=solar", app.client(t)},
			{"programme", "/forums", app.client(t)},
			{"API list", "/api/v1/exhibitors", app.client(t)},
			{"static asset", static.Path("app.css"), app.client(t)},
			{"protected page, anonymous", "/my/agenda", app.client(t)},
			{"protected page, logged in", "/my/agenda", app.as(t, demoAttendee)},
			{"no such page", "/no/such/page", app.client(t)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				get := tc.c.get(tc.path)
				head := tc.c.do(tc.c.newRequest(http.MethodHead, tc.path, nil))
				if head.status != get.status {
					t.Fatalf("HEAD status %d, GET %d", head.status, get.status)
				}
				if len(head.body) != 0 {
					t.Errorf("HEAD answered a body of %d bytes", len(head.body))
				}
				if h, g := head.header.Get("Content-Type"), get.header.Get("Content-Type"); h != g {
					t.Errorf("HEAD Content-Type %q, GET %q", h, g)
				}
				if h, g := head.header.Get("Location"), get.header.Get("Location"); h != g {
					t.Errorf("HEAD Location %q, GET %q", h, g)
				}
			})
		}
	})
}

// checkSecurityHeaders asserts the headers every answer carries.
func checkSecurityHeaders(t *testing.T, h http.Header, secure bool) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	for name, want := range map[string]string{
		"default-src":     "'self'",
		"script-src":      "'self'",
		"style-src":       "'self'",
		"frame-ancestors": "'none'",
		"object-src":      "'none'",
		"base-uri":        "'self'",
		"form-action":     "'self'",
	} {
		if got := directives[name]; got != want {
			t.Errorf("CSP %s = %q, want %q (policy %q)", name, got, want, csp)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	for header, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := h.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	hsts := h.Get("Strict-Transport-Security")
	switch {
	case secure && !strings.Contains(hsts, "max-age=31536000"):
		t.Errorf("Strict-Transport-Security = %q on https, want max-age of a year", hsts)
	case !secure && hsts != "":
		t.Errorf("Strict-Transport-Security = %q on http, want none", hsts)
	}
}

// TestCookieFlags: the session and anti-forgery cookies are always
// HttpOnly and SameSite=Lax, and Secure exactly when the base URL is https;
// API answers and static files set no cookie.
func TestCookieFlags(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		for _, base := range []struct {
			name, baseURL string
			secure        bool
		}{
			{"http", "", false},
			{"https", "https://expo.example", true},
		} {
			t.Run(base.name, func(t *testing.T) {
				app := newApp(t, st, Config{BaseURL: base.baseURL})
				c := app.client(t)
				t.Run("anti-forgery cookie on a form page", func(t *testing.T) {
					checkCookie(t, c.in(t).get("/login").cookie("expo_csrf"), base.secure)
				})
				var loginToken string
				t.Run("session cookie at login", func(t *testing.T) {
					ck := c.in(t).logIn(demoOrganizer, demoPassword).cookie("expo_session")
					checkCookie(t, ck, base.secure)
					loginToken = ck.Value
				})
				t.Run("logout replaces the session cookie", func(t *testing.T) {
					c := c.in(t)
					page := c.get("/account")
					r := c.post("/logout", values("_csrf", c.csrf(page, "/logout")))
					if r.status != http.StatusSeeOther {
						t.Fatalf("logout status %d", r.status)
					}
					// The session is destroyed; the new cookie carries only
					// the "logged out" message.
					ck := r.cookie("expo_session")
					checkCookie(t, ck, base.secure)
					if ck.Value == loginToken {
						t.Errorf("logout kept the session token")
					}
				})
				t.Run("no cookies from the API or static files", func(t *testing.T) {
					for _, r := range []*reply{
						c.in(t).api(http.MethodGet, "/api/v1/exhibitors", "", "", ""),
						c.in(t).get(static.Path("app.css")),
					} {
						if len(r.cookies) != 0 {
							t.Errorf("cookies set: %v", r.cookies)
						}
					}
				})
			})
		}
	})
}

// TestNoInlineCode: pages carry no inline script, no style attribute and no
// event-handler attribute, which the CSP would block anyway.
func TestNoInlineCode(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		if err := st.AuditLoginFailed(t.Context(), "someone@example.com", false); err != nil {
			t.Fatal(err)
		}
		org, anon := app.as(t, demoOrganizer), app.client(t)
		for _, path := range []string{"/", "/login", "/signup", "/apply", "/exhibitors", "/forums", "/organizer", "/organizer/audit", "/account"} {
			t.Run(path, func(t *testing.T) {
				c := org
				if path == "/login" || path == "/signup" || path == "/apply" {
					c = anon
				}
				r := c.in(t).get(path)
				if r.doc == nil {
					t.Fatalf("status %d, no HTML", r.status)
				}
				if n := r.doc.Find("script:not([src])").Length(); n > 0 {
					t.Errorf("%d inline scripts", n)
				}
				if n := r.doc.Find("[style]").Length(); n > 0 {
					t.Errorf("%d style attributes", n)
				}
				for _, attr := range []string{"onclick", "onload", "onsubmit", "onchange", "oninput", "onerror"} {
					if n := r.doc.Find("[" + attr + "]").Length(); n > 0 {
						t.Errorf("%d %s attributes", n, attr)
					}
				}
			})
		}
	})
}
