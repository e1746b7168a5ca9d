package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// TestSharedPageRoutes: every route the page cache wraps exists, and is a
// public GET page, so a renamed route cannot silently lose its cache or a
// protected page gain one.
func TestSharedPageRoutes(t *testing.T) {
	for _, name := range sharedPageRoutes {
		i := slices.IndexFunc(RouteTable(), func(r RouteInfo) bool { return r.Name == name })
		if i < 0 {
			t.Errorf("shared page route %q is not in the route table", name)
			continue
		}
		if r := RouteTable()[i]; r.Method != http.MethodGet || r.Access != Public {
			t.Errorf("shared page route %q is %s %s, want a public GET", name, r.Method, r.Access)
		}
	}
}

// pageCacheEntries is the number of stored pages.
func pageCacheEntries(app *testApp) int {
	pc := app.srv.pages
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return len(pc.entries)
}

// csrfCookie is the anti-forgery cookie the client holds.
func csrfCookie(t testing.TB, c *testClient) string {
	t.Helper()
	req := c.newRequest(http.MethodGet, "/", nil)
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		if ck.Name == "expo_csrf" {
			return ck.Value
		}
	}
	t.Fatal("the client holds no expo_csrf cookie")
	return ""
}

// pageTokens lists every anti-forgery token the page holds.
func pageTokens(r *reply) []string {
	var out []string
	if r.doc != nil {
		r.doc.Find(`input[name="_csrf"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.AttrOr("value", "")) })
	}
	return out
}

func TestPageCache(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{ReadCacheTTL: time.Hour})
		pc := app.srv.pages
		if pc == nil {
			t.Fatal("ReadCacheTTL set, but the page cache is off")
		}
		forum := testForum(t, st, "Page Cache Summit", "new_energy", 50, [2]int{10, 11})
		ev, _, _ := st.Event(context.Background(), time.UTC)
		day1 := ev.StartsOn.Format(time.DateOnly)
		day2 := ev.StartsOn.AddDate(0, 0, 1).Format(time.DateOnly)

		// get fetches a page and fails the test if the sentinel leaked
		// into it or its tokens are not the visitor's own.
		get := func(t *testing.T, c *testClient, path string) *reply {
			t.Helper()
			r := c.get(path)
			checkServed(t, app, c, path, r)
			return r
		}
		anon := func(t *testing.T) *testClient { return app.client(t) }

		home := get(t, anon(t), "/exhibitors")
		slug := strings.TrimPrefix(home.doc.Find(`.directory-results a[href^="/exhibitors/"]`).First().AttrOr("href", ""), "/exhibitors/")
		if slug == "" {
			t.Fatal("no exhibitor profile linked from the directory")
		}
		plan := get(t, anon(t), "/floorplan")
		hall := plan.doc.Find(`a[href^="/floorplan/"]`).First().AttrOr("href", "")
		if hall == "" || strings.HasSuffix(hall, ".svg") {
			t.Fatalf("no hall linked from the floor plan (%q)", hall)
		}

		t.Run("visitors share a page, each with their own token", func(t *testing.T) {
			for _, path := range []string{"/", "/exhibitors?q=energy", "/exhibitors/" + slug, "/floorplan?x=1", hall, "/forums?day=" + day1, forumURL(forum)} {
				t.Run(path, func(t *testing.T) {
					a, b := anon(t), anon(t)
					n := pageCacheEntries(app)
					ra := get(t, a, path)
					if got := pageCacheEntries(app); got != n+1 {
						t.Fatalf("entries %d → %d after the first visit, want one more", n, got)
					}
					rb := get(t, b, path)
					if got := pageCacheEntries(app); got != n+1 {
						t.Errorf("entries %d after the second visit, want %d (served from the cache)", got, n+1)
					}
					ta, tb := csrfCookie(t, a), csrfCookie(t, b)
					if ta == tb {
						t.Fatal("two visitors share one anti-forgery token")
					}
					if len(pageTokens(ra)) == 0 {
						t.Fatal("the page has no form with a token; the test proves nothing")
					}
					if strings.ReplaceAll(ra.body, ta, "TOKEN") != strings.ReplaceAll(rb.body, tb, "TOKEN") {
						t.Error("the two visitors got different pages apart from their tokens")
					}
					if rb.cookie("expo_csrf") == nil && ra.cookie("expo_csrf") != nil {
						t.Error("the cached answer did not set the visitor's anti-forgery cookie")
					}
					if ct := rb.header.Get("Content-Type"); ct != ra.header.Get("Content-Type") || !strings.HasPrefix(ct, "text/html") {
						t.Errorf("Content-Type %q from the cache, %q rendered", ct, ra.header.Get("Content-Type"))
					}
					if cc := rb.header.Get("Cache-Control"); cc != "no-store" {
						t.Errorf("Cache-Control %q from the cache, want no-store", cc)
					}
				})
			}
		})

		t.Run("the token of a cached page works", func(t *testing.T) {
			path := "/forums?day=" + day2
			get(t, anon(t), path) // fills
			c := anon(t)
			page := get(t, c, path)
			if r := c.submit(page, "/lang", values("lang", "zh", "next", "/forums")); r.status != http.StatusSeeOther {
				t.Fatalf("switch language with the cached page's token: status %d, want 303", r.status)
			}
			get(t, anon(t), path) // another visitor fills again after that write
			c = anon(t)
			page = get(t, c, path)
			r := c.post("/login", values("email", demoAttendee, "password", demoPassword, "_csrf", c.csrf(page, "/lang")))
			if r.status != http.StatusSeeOther {
				t.Fatalf("log in with the cached page's token: status %d, want 303: %s", r.status, r.text(".flash-error"))
			}
		})

		t.Run("a write request shows at once; other changes wait for the TTL", func(t *testing.T) {
			seats := func(t *testing.T) int {
				t.Helper()
				n, err := strconv.Atoi(get(t, anon(t), forumURL(forum)).text(".seats .stat-value"))
				if err != nil {
					t.Fatalf("seats left: %v", err)
				}
				return n
			}
			c, _ := newAttendee(t, app, "pagecache@forum.test") // logging in is a write request too
			before := seats(t)
			if _, err := st.Register(context.Background(), forum.ID, app.user(t, demoAttendee2).ID); err != nil {
				t.Fatal(err)
			}
			if got := seats(t); got != before {
				t.Fatalf("seats %d → %d without a write request: the page was not cached; the test proves nothing", before, got)
			}
			if r := c.fill(forumURL(forum), forumURL(forum)+"/register", nil); r.status != http.StatusSeeOther {
				t.Fatalf("register: status %d", r.status)
			}
			if got := seats(t); got != before-2 {
				t.Errorf("seats after a registration through the site %d, want %d", got, before-2)
			}
		})

		t.Run("logged-in visitors never get or make a cached page", func(t *testing.T) {
			path := "/forums?day=" + day1
			for _, email := range []string{demoAttendee, demoOrganizer, demoExhibitor} {
				c := app.as(t, email)
				c.get("/account")     // shows (and so ends) the log-in's flash message
				get(t, anon(t), path) // fills after the log-in
				n := pageCacheEntries(app)
				r := get(t, c, path)
				name := app.user(t, email).Name
				if got := r.text(".site-header .who"); !strings.Contains(got, name) {
					t.Errorf("%s sees %q in the header, want their name %q", email, got, name)
				}
				if r.doc.Find(`form[action="/logout"]`).Length() != 1 {
					t.Errorf("%s has no log-out button", email)
				}
				if got := pageCacheEntries(app); got != n {
					t.Errorf("entries %d → %d: %s's page was stored", n, got, email)
				}
				if r := get(t, anon(t), path); strings.Contains(r.body, name) || r.doc.Find(`form[action="/logout"]`).Length() != 0 {
					t.Errorf("an anonymous visitor sees %s's page", email)
				}
			}
		})

		t.Run("flash messages are neither cached nor leaked", func(t *testing.T) {
			c := app.as(t, demoAttendee)
			out := c.submit(get(t, c, "/account"), "/logout", nil)
			if out.status != http.StatusSeeOther || out.location() != "/" {
				t.Fatalf("log out: status %d to %q", out.status, out.location())
			}
			if r := get(t, anon(t), "/"); r.doc.Find(".flash").Length() != 0 {
				t.Fatalf("an anonymous visitor sees a flash message: %q", r.text(".flash"))
			}
			r := get(t, c, "/")
			if got := r.text(".flash"); got != en("logout.done") {
				t.Errorf("after logging out the home page says %q, want %q", got, en("logout.done"))
			}
			if r := get(t, anon(t), "/"); r.doc.Find(".flash").Length() != 0 {
				t.Errorf("the flash message leaked to another visitor: %q", r.text(".flash"))
			}
			if r := get(t, c, "/"); r.doc.Find(".flash").Length() != 0 {
				t.Errorf("the flash message shows twice: %q", r.text(".flash"))
			}
		})

		t.Run("htmx fragments and full pages are cached apart", func(t *testing.T) {
			for _, tt := range []struct{ path, target string }{
				{"/forums?day=" + day1 + "&theme=new_energy", "programme"},
				{"/exhibitors?q=trade", "directory-results"},
			} {
				hx := anon(t)
				hx.header.Set("HX-Request", "true")
				hx.header.Set("HX-Target", tt.target)
				for i := 0; i < 2; i++ {
					if r := get(t, hx, tt.path); strings.Contains(r.body, "<html") || r.doc.Find("#"+tt.target).Length() != 1 {
						t.Errorf("round %d: htmx asked for #%s of %s and got %.120q", i, tt.target, tt.path, r.body)
					}
					if r := get(t, anon(t), tt.path); !strings.Contains(r.body, "<html") {
						t.Errorf("round %d: a full page of %s was answered with %.120q", i, tt.path, r.body)
					}
				}
			}
		})

		t.Run("languages are cached apart", func(t *testing.T) {
			path := "/forums?day=" + day1 + "&language=zh"
			for i := 0; i < 2; i++ {
				for _, lang := range []string{"en", "zh", "en"} {
					byHeader := anon(t)
					byHeader.header.Set("Accept-Language", map[string]string{"en": "en-GB,en;q=0.8", "zh": "zh-CN,zh;q=0.9"}[lang])
					byCookie := anon(t)
					byCookie.setCookie("expo_lang", lang)
					for _, c := range []*testClient{byHeader, byCookie} {
						r := get(t, c, path)
						if got := r.text("h1"); got != tr(lang, "forum.programme.title") {
							t.Errorf("%s visitor sees the heading %q, want %q", lang, got, tr(lang, "forum.programme.title"))
						}
					}
				}
			}
		})

		t.Run("error answers are not shared and show the visitor's token", func(t *testing.T) {
			n := pageCacheEntries(app)
			for _, tt := range []struct {
				path   string
				status int
			}{
				{"/exhibitors/no-such-company", http.StatusNotFound},
				{"/forums/999999", http.StatusNotFound},
				{"/exhibitors?page=0", http.StatusUnprocessableEntity},
				{"/floorplan?sector=nonsense", http.StatusUnprocessableEntity},
			} {
				for i := 0; i < 2; i++ {
					c := anon(t)
					r := get(t, c, tt.path)
					if r.status != tt.status {
						t.Errorf("%s: status %d, want %d", tt.path, r.status, tt.status)
					}
					if len(pageTokens(r)) == 0 {
						t.Errorf("%s: the answer has no form with a token", tt.path)
					}
				}
			}
			if got := pageCacheEntries(app); got != n {
				t.Errorf("entries %d → %d after error answers, want none stored", n, got)
			}
		})

		t.Run("a token that needs escaping is never put into a shared page", func(t *testing.T) {
			path := "/forums?day=" + day1
			get(t, anon(t), path) // fills
			const odd = `odd<token>&'value'`
			c := anon(t)
			c.setCookie("expo_csrf", odd)
			if got := csrfCookie(t, c); got != odd {
				t.Fatalf("the client sends the cookie %q, want %q; the test proves nothing", got, odd)
			}
			r := get(t, c, path)
			if strings.Contains(r.body, odd) {
				t.Error("the visitor's token is in the page unescaped")
			}
			if toks := pageTokens(r); len(toks) == 0 || toks[0] != odd {
				t.Errorf("page tokens %q, want the visitor's own", toks)
			}
		})

		t.Run("concurrent first visitors each get their own token", func(t *testing.T) {
			path := "/forums?day=" + day1 + "&room=concurrent"
			var wg sync.WaitGroup
			errs := make(chan string, 16)
			for range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c := anon(t)
					r, err := c.send(c.newRequest(http.MethodGet, path, nil))
					if err != nil {
						errs <- err.Error()
						return
					}
					if r.status != http.StatusOK || strings.Contains(r.body, pc.sentinel) {
						errs <- "status " + strconv.Itoa(r.status) + " or the sentinel leaked"
						return
					}
					req := c.newRequest(http.MethodGet, "/", nil)
					var own string
					for _, ck := range c.http.Jar.Cookies(req.URL) {
						if ck.Name == "expo_csrf" {
							own = ck.Value
						}
					}
					for _, tok := range pageTokens(r) {
						if tok != own {
							errs <- "a page carries token " + tok + ", not the visitor's " + own
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		})

		t.Run("HEAD is answered as before", func(t *testing.T) {
			c := anon(t)
			r := c.do(c.newRequest(http.MethodHead, "/forums?day="+day1, nil))
			if r.status >= 500 || r.body != "" {
				t.Errorf("HEAD: status %d, body %.80q", r.status, r.body)
			}
			if r := get(t, anon(t), "/forums?day="+day1); r.status != http.StatusOK || !strings.Contains(r.body, "</html>") {
				t.Errorf("GET after HEAD: status %d, %d bytes", r.status, len(r.body))
			}
		})

		t.Run("entries expire after the TTL", func(t *testing.T) {
			short := newApp(t, st, Config{ReadCacheTTL: 100 * time.Millisecond})
			seats := func() string { return short.client(t).get(forumURL(forum)).text(".seats .stat-value") }
			before := seats()
			u, err := st.CreateAttendee(context.Background(), expo.SignUp{Email: "ttl@forum.test", Password: attendeePassword,
				Profile: expo.Profile{Name: "TTL probe", Country: "KR", Languages: []string{"en"}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Register(context.Background(), forum.ID, u.ID); err != nil {
				t.Fatal(err)
			}
			time.Sleep(150 * time.Millisecond)
			if got := seats(); got == before {
				t.Errorf("seats still %s after the TTL", got)
			}
		})

		t.Run("off without a read cache", func(t *testing.T) {
			off := newApp(t, st, Config{})
			if off.srv.pages != nil {
				t.Fatal("the page cache is on without ReadCacheTTL")
			}
			if r := off.client(t).get("/forums?day=" + day1); r.status != http.StatusOK {
				t.Errorf("status %d", r.status)
			}
		})
	})
}

// checkServed fails the test if the page cache's sentinel shows in an
// answer, or the answer's tokens are not the visitor's cookie.
func checkServed(t *testing.T, app *testApp, c *testClient, path string, r *reply) {
	t.Helper()
	if pc := app.srv.pages; pc != nil && strings.Contains(r.body, pc.sentinel) {
		t.Fatalf("GET %s: the page cache's sentinel leaked into the answer", path)
	}
	toks := pageTokens(r)
	if len(toks) == 0 {
		return
	}
	own := csrfCookie(t, c)
	for _, tok := range toks {
		if tok != own {
			t.Fatalf("GET %s: a form carries the token %q, the visitor's cookie is %q", path, tok, own)
		}
	}
}

// TestSharedPageWrapper drives the wrapper alone on a bare Echo with a
// counting handler: HEAD and GET share entries, HEAD answers carry the
// length of the page, every token goes exactly where the page had it, and
// headers the handler set are replayed while cookies it set are not kept.
func TestSharedPageWrapper(t *testing.T) {
	s := &Server{cache: newReadCache(time.Hour)}
	s.pages = newPageCache(s.cache)
	renders := 0
	page := func(c echo.Context) error {
		renders++
		tok := csrfToken(c)
		c.Response().Header().Set("X-Rendered", "yes")
		c.Response().Header().Set("Cache-Control", "no-store")
		if c.QueryParam("during") == "write" && renders == 5 {
			s.cache.invalidate()                 // a write commits while this page renders,
			s.pages.lookup("some other request") // and another request sees the new generation
		}
		if c.QueryParam("cookie") != "" {
			c.SetCookie(&http.Cookie{Name: "personal", Value: "1"})
		}
		return c.HTML(http.StatusOK, `<form><input name="_csrf" value="`+tok+`"></form><a data-t="`+tok+`">`+tok+`</a>`)
	}
	e := echo.New()
	withToken := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(csrfKey, c.Request().Header.Get("X-Token"))
			return next(c)
		}
	}
	e.Use(withToken)
	e.GET("/p", s.sharedPage(page))
	e.HEAD("/p", s.sharedPage(page))
	do := func(method, path, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("X-Token", token)
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		return w
	}
	want := func(tok string) string {
		return `<form><input name="_csrf" value="` + tok + `"></form><a data-t="` + tok + `">` + tok + `</a>`
	}
	const a, b, c = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "_echo_csrf_using_sec_fetch_site_"

	h := do(http.MethodHead, "/p", a)
	if h.Code != http.StatusOK || h.Header().Get("Content-Length") != strconv.Itoa(len(want(a))) {
		t.Fatalf("HEAD that fills: status %d, Content-Length %q, want 200 and %d", h.Code, h.Header().Get("Content-Length"), len(want(a)))
	}
	g := do(http.MethodGet, "/p", b)
	if renders != 1 || g.Body.String() != want(b) {
		t.Fatalf("GET after HEAD: %d renders, body %q; want 1 render and %q", renders, g.Body.String(), want(b))
	}
	if g.Header().Get("X-Rendered") != "yes" || g.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("cached answer lost the handler's headers: %v", g.Header())
	}
	h = do(http.MethodHead, "/p", c)
	if renders != 1 || h.Header().Get("Content-Length") != strconv.Itoa(len(want(c))) {
		t.Errorf("HEAD from the cache: %d renders, Content-Length %q, want %d", renders, h.Header().Get("Content-Length"), len(want(c)))
	}
	if strings.Contains(g.Body.String(), s.pages.sentinel) || strings.Contains(h.Body.String(), s.pages.sentinel) {
		t.Error("the sentinel leaked")
	}

	// A page that sets a cookie is personal: served, never stored.
	for i := 1; i <= 2; i++ {
		w := do(http.MethodGet, "/p?cookie=1", a)
		if w.Body.String() != want(a) || w.Header().Get("Set-Cookie") == "" {
			t.Errorf("page with a cookie, visit %d: body %q, Set-Cookie %q", i, w.Body.String(), w.Header().Get("Set-Cookie"))
		}
	}
	if renders != 3 {
		t.Errorf("%d renders, want 3: a page that sets a cookie must not be stored", renders)
	}
	// A write (the read cache's generation) empties it.
	s.cache.invalidate()
	if w := do(http.MethodGet, "/p", a); renders != 4 || w.Body.String() != want(a) {
		t.Errorf("after invalidate: %d renders, body %q", renders, w.Body.String())
	}
	// A page rendered while a write ran is answered but not kept.
	if w := do(http.MethodGet, "/p?during=write", a); renders != 5 || w.Body.String() != want(a) {
		t.Errorf("render during a write: %d renders, body %q", renders, w.Body.String())
	}
	if w := do(http.MethodGet, "/p?during=write", b); renders != 6 || w.Body.String() != want(b) {
		t.Errorf("after a render during a write: %d renders (want a new one), body %q", renders, w.Body.String())
	}
}

// TestPageCacheBounds: the cache never holds more entries or bytes than
// allowed, whatever the number of keys.
func TestPageCacheBounds(t *testing.T) {
	pc := newPageCache(newReadCache(time.Hour))
	pc.maxItems, pc.maxBytes = 50, 64<<10
	body := []byte(strings.Repeat("x", 1500) + pc.sentinel + strings.Repeat("y", 500))
	for i := range 1000 {
		key := "k" + strconv.Itoa(i)
		e, f, filler := pc.lookup(key)
		if e != nil || !filler {
			t.Fatalf("key %s: found %v, filler %v", key, e != nil, filler)
		}
		rec := &pageRecorder{header: http.Header{}, status: http.StatusOK}
		rec.body.Write(body)
		pc.finish(key, f, pc.entryOf(rec, http.Header{}))
		pc.mu.Lock()
		n, size := len(pc.entries), pc.size
		pc.mu.Unlock()
		if n > pc.maxItems || size > pc.maxBytes {
			t.Fatalf("after %d keys: %d entries, %d bytes; bounds %d, %d", i+1, n, size, pc.maxItems, pc.maxBytes)
		}
	}
	e, _, _ := pc.lookup("k999")
	if e == nil || len(e.holes) != 1 || len(e.body) != 2000 {
		t.Fatalf("the last entry: %+v", e)
	}
}

// TestSentinel: letters only, random per cache.
func TestSentinel(t *testing.T) {
	a, b := newSentinel(32), newSentinel(32)
	if a == b || len(a) != 32 || !shareableToken(a) || strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		t.Errorf("sentinels %q and %q", a, b)
	}
}
