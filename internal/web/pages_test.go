package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"expo/internal/store"
	"expo/internal/storetest"
)

func TestHomeLanguage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		app := newApp(t, st, Config{})
		tests := []struct {
			name           string
			acceptLanguage string
			wantLang       string // the html lang attribute
			wantUI         string // the interface language
		}{
			{"no preference is English", "", "en", "en"},
			{"English", "en-GB,en;q=0.9", "en", "en"},
			{"simplified Chinese", "zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans", "zh"},
			{"unsupported falls back to English", "fr-FR", "en", "en"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := app.client(t)
				if tt.acceptLanguage != "" {
					c.header.Set("Accept-Language", tt.acceptLanguage)
				}
				r := c.get("/")
				if r.status != http.StatusOK {
					t.Fatalf("status %d, want 200", r.status)
				}
				if got := r.doc.Find("html").AttrOr("lang", ""); got != tt.wantLang {
					t.Errorf("html lang = %q, want %q", got, tt.wantLang)
				}
				if got, want := r.text(".main-nav li:first-child a"), tr(tt.wantUI, "nav.home"); got != want {
					t.Errorf("first nav item = %q, want %q", got, want)
				}
			})
		}

		t.Run("switch to Chinese sets the cookie and later pages are Chinese", func(t *testing.T) {
			c := app.client(t)
			c.header.Set("Accept-Language", "en")
			r := c.submit(c.get("/login"), "/lang", values("lang", "zh", "next", "/login"))
			if r.status != http.StatusSeeOther || r.location() != "/login" {
				t.Fatalf("status %d to %q, want 303 to /login", r.status, r.location())
			}
			ck := r.cookie(langCookie)
			if ck == nil || ck.Value != "zh" {
				t.Fatalf("cookie %s = %v, want zh", langCookie, ck)
			}
			next := c.follow(r)
			if got := next.doc.Find("html").AttrOr("lang", ""); got != "zh-Hans" {
				t.Errorf("html lang after switch = %q, want zh-Hans", got)
			}
			if got, want := next.text("h1"), tr("zh", "login.title"); got != want {
				t.Errorf("heading = %q, want %q", got, want)
			}
			if got := c.get("/").doc.Find("html").AttrOr("lang", ""); got != "zh-Hans" {
				t.Errorf("html lang of the home page = %q, want zh-Hans", got)
			}
		})

		t.Run("a logged-in user's choice follows the account", func(t *testing.T) {
			c := app.client(t)
			form := validSignUp()
			form.Set("email", "polyglot@example.com")
			if r := c.fill("/signup", "/signup", form); r.status != http.StatusSeeOther {
				t.Fatalf("sign-up: status %d; errors %v", r.status, r.fieldErrors())
			}
			if r := c.submit(c.get("/account"), "/lang", values("lang", "zh", "next", "/account")); r.status != http.StatusSeeOther {
				t.Fatalf("switch: status %d", r.status)
			}
			if u := app.user(t, "polyglot@example.com"); u.Locale != "zh" {
				t.Errorf("stored locale = %q, want zh", u.Locale)
			}
			other := app.client(t) // another browser, no language cookie
			other.header.Set("Accept-Language", "en")
			other.logIn("polyglot@example.com", form.Get("password"))
			if got := other.get("/account").doc.Find("html").AttrOr("lang", ""); got != "zh-Hans" {
				t.Errorf("html lang in another browser = %q, want zh-Hans", got)
			}
		})

		t.Run("switch refuses an unknown language", func(t *testing.T) {
			c := app.client(t)
			r := c.submit(c.get("/"), "/lang", values("lang", "xx"))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.status)
			}
			if r.cookie(langCookie) != nil {
				t.Errorf("cookie %s set for an unknown language", langCookie)
			}
		})

		for _, next := range []string{"//evil.example/", "https://evil.example/", "/\t/evil.example", "/\\evil.example"} {
			t.Run("switch does not send to "+strconv.Quote(next), func(t *testing.T) {
				c := app.client(t)
				r := c.submit(c.get("/"), "/lang", values("lang", "en", "next", next))
				if r.status != http.StatusSeeOther || r.location() != "/" {
					t.Fatalf("status %d to %q, want 303 to /", r.status, r.location())
				}
			})
		}
	})
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		for _, base := range []struct {
			name    string
			baseURL string
			secure  bool
		}{
			{"http", "", false},
			{"https", "https://expo.example", true},
		} {
			t.Run(base.name, func(t *testing.T) {
				app := newApp(t, st, Config{BaseURL: base.baseURL})
				c := app.client(t)

				login := c.get("/login")
				for _, tt := range []struct{ header, want string }{
					{"Content-Security-Policy", "frame-ancestors 'none'"},
					{"Content-Security-Policy", "default-src 'self'"},
					{"X-Content-Type-Options", "nosniff"},
					{"Referrer-Policy", "same-origin"},
					{"X-Frame-Options", "DENY"},
				} {
					if got := login.header.Get(tt.header); !strings.Contains(got, tt.want) {
						t.Errorf("%s = %q, want it to contain %q", tt.header, got, tt.want)
					}
				}
				if hsts := login.header.Get("Strict-Transport-Security"); (hsts != "") != base.secure {
					t.Errorf("Strict-Transport-Security = %q with secure=%v", hsts, base.secure)
				}
				if cc := login.header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("Cache-Control of a page = %q, want no-store", cc)
				}
				checkCookie(t, login.cookie("expo_csrf"), base.secure)

				r := c.logIn(demoAttendee, demoPassword)
				checkCookie(t, r.cookie("expo_session"), base.secure)

				lang := c.submit(c.follow(r), "/lang", values("lang", "zh"))
				checkCookie(t, lang.cookie(langCookie), base.secure)

				missing := c.get("/no/such/page")
				if got := missing.header.Get("Content-Security-Policy"); !strings.Contains(got, "frame-ancestors 'none'") {
					t.Errorf("404 page Content-Security-Policy = %q", got)
				}
			})
		}
	})
}

func checkCookie(t *testing.T, ck *http.Cookie, secure bool) {
	t.Helper()
	if ck == nil {
		t.Fatal("cookie not set")
	}
	if !ck.HttpOnly {
		t.Errorf("cookie %s is not HttpOnly", ck.Name)
	}
	if ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie %s SameSite = %v, want Lax", ck.Name, ck.SameSite)
	}
	if ck.Secure != secure {
		t.Errorf("cookie %s Secure = %v, want %v", ck.Name, ck.Secure, secure)
	}
}

func TestProbesAndMissingPages(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		app := newApp(t, st, Config{})
		tests := []struct {
			name, path  string
			status      int
			contentType string
			want        string // in the body
		}{
			{"liveness", "/healthz", http.StatusOK, "text/plain", "ok"},
			{"readiness", "/readyz", http.StatusOK, "text/plain", "ready"},
			{"unknown page", "/no/such/page", http.StatusNotFound, "text/html", en("error.heading.not_found")},
			{"unknown static file", "/static/nope.css", http.StatusNotFound, "text/html", en("error.heading.not_found")},
			{"unknown API path", "/api/v1/nope", http.StatusNotFound, "application/json", `"code":"not_found"`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := app.client(t).get(tt.path)
				if r.status != tt.status {
					t.Fatalf("status %d, want %d", r.status, tt.status)
				}
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
					t.Errorf("Content-Type = %q, want %s", ct, tt.contentType)
				}
				if !strings.Contains(r.body, tt.want) {
					t.Errorf("body does not contain %q: %.300s", tt.want, r.body)
				}
				if tt.contentType == "text/html" {
					if got := r.text("h1"); got != tt.want {
						t.Errorf("heading = %q, want %q", got, tt.want)
					}
				}
			})
		}

		t.Run("layout assets are served", func(t *testing.T) {
			c := app.client(t)
			home := c.get("/")
			for _, sel := range []string{`link[rel="stylesheet"]`, `script[src]`, `link[rel="icon"]`} {
				attr := "href"
				if strings.HasPrefix(sel, "script") {
					attr = "src"
				}
				path := home.doc.Find(sel).AttrOr(attr, "")
				if !strings.HasPrefix(path, "/static/") {
					t.Fatalf("%s %s = %q, want a /static/ path", sel, attr, path)
				}
				if r := c.get(path); r.status != http.StatusOK || len(r.body) == 0 {
					t.Errorf("GET %s: status %d, %d bytes", path, r.status, len(r.body))
				}
			}
		})
	})
}

// TestEveryPageAnswers walks the route table: each GET route without a path
// parameter must answer every kind of visitor without a server error and
// without a missing translation (checked by the client).
func TestEveryPageAnswers(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		visitors := []struct{ name, email string }{
			{"anonymous", ""},
			{"attendee", demoAttendee},
			{"exhibitor", demoExhibitor},
			{"organizer", demoOrganizer},
		}
		for _, v := range visitors {
			c := app.client(t)
			if v.email != "" {
				c.logIn(v.email, demoPassword)
			}
			for _, route := range app.srv.Routes() {
				if route.Method != http.MethodGet || strings.Contains(route.Path, ":") {
					continue
				}
				t.Run(v.name+" "+route.Path, func(t *testing.T) {
					c := c.in(t)
					r := c.get(route.Path)
					if r.status >= 500 {
						t.Fatalf("status %d: %.300s", r.status, r.body)
					}
					if r.doc != nil && r.status < 300 {
						if got := r.doc.Find("html").AttrOr("lang", ""); got == "" {
							t.Errorf("page without html lang")
						}
					}
				})
			}
		}
	})
}
