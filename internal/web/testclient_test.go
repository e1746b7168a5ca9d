package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
)

// The harness drives the application the way a browser does: a real HTTP
// server, a cookie jar, forms fetched first so their anti-forgery token can
// be sent back. Redirects are never followed implicitly, so every test sees
// the 303 it caused; follow asks for the next page explicitly.

// demoPassword is the password of every demo account.
const demoPassword = "expo-demo"

// Demo accounts that loadDemo creates.
const (
	demoOrganizer = "organizer@demo.expo"
	demoExhibitor = "exhibitor1@demo.expo"
	demoAttendee  = "attendee1@demo.expo"
	demoAttendee2 = "attendee2@demo.expo"
)

// loadDemo fills st with the small demo expo.
func loadDemo(t testing.TB, st *store.Store) {
	t.Helper()
	if _, err := st.LoadDemo(context.Background(), demoPassword, store.DemoSize{Exhibitors: 2, Attendees: 2}, time.UTC); err != nil {
		t.Fatalf("load demo data: %v", err)
	}
}

// catalog is the real translation catalogue, loaded once per test binary.
var catalog = func() *i18n.Catalog {
	cat, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	return cat
}()

// tr is the text of a message in a language, as the pages show it.
func tr(lang, id string, data ...map[string]any) string {
	return i18n.T(catalog.With(context.Background(), lang), id, data...)
}

// en is the English text of a message.
func en(id string, data ...map[string]any) string { return tr("en", id, data...) }

// testApp is the application served on a local listener.
type testApp struct {
	st  *store.Store
	srv *Server
	ts  *httptest.Server
}

// newApp serves a new Server over st; cfg may set BaseURL (an https://
// BaseURL gets a TLS listener, as in production) and Limits (zero Limits
// allow many logins per account).
func newApp(t testing.TB, st *store.Store, cfg Config) *testApp {
	t.Helper()
	if cfg.Logger == nil {
		// Warnings and errors (every 5xx) show in the test's output.
		cfg.Logger = slog.New(slog.NewTextHandler(testLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if cfg.Limits == (Limits{}) {
		// Tests log in as the same demo account many times; the tests of
		// the limits set their own.
		cfg.Limits = Limits{LoginPerAccount: Limit{Every: time.Millisecond, Burst: 1000}}
	}
	srv := New(st, catalog, cfg)
	var ts *httptest.Server
	if strings.HasPrefix(cfg.BaseURL, "https://") {
		ts = httptest.NewTLSServer(srv)
	} else {
		ts = httptest.NewServer(srv)
	}
	t.Cleanup(ts.Close)
	return &testApp{st: st, srv: srv, ts: ts}
}

type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// client is a new visitor, an empty cookie jar; failures are reported to t.
func (a *testApp) client(t testing.TB) *testClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	hc := a.ts.Client()
	return &testClient{
		t:   t,
		app: a,
		http: &http.Client{
			Transport: hc.Transport,
			Jar:       jar,
			Timeout:   30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		header: http.Header{},
	}
}

// as is a new visitor logged in with a demo account.
func (a *testApp) as(t testing.TB, email string) *testClient {
	t.Helper()
	c := a.client(t)
	c.logIn(email, demoPassword)
	return c
}

// countUsers counts the accounts of role.
func (a *testApp) countUsers(t testing.TB, role expo.Role) int64 {
	t.Helper()
	n, err := a.st.CountUsersByRole(context.Background())
	if err != nil {
		t.Fatalf("count users: %v", err)
	}
	return n[role]
}

// user reads an account from the store.
func (a *testApp) user(t testing.TB, email string) expo.User {
	t.Helper()
	u, err := a.st.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

// in is the same browser (cookies included) reporting failures to t, for a
// client shared by subtests.
func (c *testClient) in(t testing.TB) *testClient {
	cc := *c
	cc.t = t
	cc.header = c.header.Clone()
	return &cc
}

// testClient is one browser.
type testClient struct {
	t    testing.TB
	app  *testApp
	http *http.Client
	// header is sent with every request, e.g. Accept-Language.
	header http.Header
}

// reply is a response with its body read and, for HTML, parsed.
type reply struct {
	status int
	header http.Header
	// cookies are the cookies this response set.
	cookies []*http.Cookie
	body    string
	doc     *goquery.Document // nil unless the body is HTML
}

// location is the redirect target.
func (r *reply) location() string { return r.header.Get("Location") }

// cookie is a cookie the response set, or nil.
func (r *reply) cookie(name string) *http.Cookie {
	for _, c := range r.cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// text is the trimmed text of the elements matching sel.
func (r *reply) text(sel string) string {
	if r.doc == nil {
		return ""
	}
	return strings.TrimSpace(r.doc.Find(sel).Text())
}

// fieldError is the error shown next to a form field: the .field-error in
// the container of the control named name, within form (a selector).
func (r *reply) fieldError(form, name string) string {
	if r.doc == nil {
		return ""
	}
	control := r.doc.Find(form).Find(`[name="` + name + `"]`).First()
	return strings.TrimSpace(control.Closest(".field").Find(".field-error").Text())
}

// fieldErrors lists every field with an error, for failure messages.
func (r *reply) fieldErrors() map[string]string {
	out := map[string]string{}
	if r.doc == nil {
		return out
	}
	r.doc.Find(".field-error").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		out[strings.TrimPrefix(id, "e-")] = strings.TrimSpace(s.Text())
	})
	return out
}

// json decodes a JSON body.
func (r *reply) json(t testing.TB, dst any) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want JSON; body: %.300s", ct, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), dst); err != nil {
		t.Fatalf("decode JSON %q: %v", r.body, err)
	}
}

// setCookie puts a cookie into the browser, as if the site had set it.
func (c *testClient) setCookie(name, value string) {
	c.t.Helper()
	u, err := url.Parse(c.app.ts.URL)
	if err != nil {
		c.t.Fatal(err)
	}
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// url is the absolute address of a path on the test server.
func (c *testClient) url(path string) string { return c.app.ts.URL + path }

// do sends req and reads the answer. Every HTML page is checked for
// missing translations, which render as ⟦id⟧.
func (c *testClient) do(req *http.Request) *reply {
	c.t.Helper()
	r, err := c.send(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return r
}

// send is do without failing the test, for other goroutines than the
// test's own.
func (c *testClient) send(req *http.Request) (*reply, error) {
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", req.Method, req.URL.Path, err)
	}
	r := &reply{status: resp.StatusCode, header: resp.Header, cookies: resp.Cookies(), body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if r.doc, err = goquery.NewDocumentFromReader(strings.NewReader(r.body)); err != nil {
			return nil, fmt.Errorf("%s %s: parse HTML: %w", req.Method, req.URL.Path, err)
		}
	}
	if i := strings.Index(r.body, "⟦"); i >= 0 {
		c.t.Errorf("%s %s: missing translation in the answer: %.80s", req.Method, req.URL.Path, r.body[i:])
	}
	return r, nil
}

func (c *testClient) newRequest(method, path string, body io.Reader) *http.Request {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url(path), body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return req
}

// get fetches a page without following a redirect.
func (c *testClient) get(path string) *reply {
	c.t.Helper()
	return c.do(c.newRequest(http.MethodGet, path, nil))
}

// post sends form values as they are: no anti-forgery token is added.
func (c *testClient) post(path string, form url.Values) *reply {
	c.t.Helper()
	return c.do(c.formRequest(path, form))
}

func (c *testClient) formRequest(path string, form url.Values) *http.Request {
	c.t.Helper()
	req := c.newRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// follow fetches where a redirect points; it fails the test if r is not a
// redirect.
func (c *testClient) follow(r *reply) *reply {
	c.t.Helper()
	if r.status < 300 || r.status > 399 || r.location() == "" {
		c.t.Fatalf("status %d, want a redirect; body: %.300s", r.status, r.body)
	}
	return c.get(r.location())
}

// followAll follows redirects until a page that is not one.
func (c *testClient) followAll(r *reply) *reply {
	c.t.Helper()
	for i := 0; r.status >= 300 && r.status <= 399; i++ {
		if i == 10 {
			c.t.Fatalf("more than 10 redirects, last to %s", r.location())
		}
		r = c.follow(r)
	}
	return r
}

// csrf is the anti-forgery token of the page: the _csrf field of its form
// posting to action, or of any form when action is "".
func (c *testClient) csrf(page *reply, action string) string {
	c.t.Helper()
	if page.doc == nil {
		c.t.Fatalf("status %d: not an HTML page: %.300s", page.status, page.body)
	}
	sel := "form"
	if action != "" {
		sel = `form[action="` + action + `"]`
	}
	token, ok := page.doc.Find(sel).Find(`input[name="_csrf"]`).First().Attr("value")
	if !ok || token == "" {
		c.t.Fatalf("no %s with a _csrf token on the page (status %d)", sel, page.status)
	}
	return token
}

// submit posts values to the form of page that posts to action, with the
// form's anti-forgery token.
func (c *testClient) submit(page *reply, action string, values url.Values) *reply {
	c.t.Helper()
	form := url.Values{}
	for k, v := range values {
		form[k] = append([]string(nil), v...)
	}
	form.Set("_csrf", c.csrf(page, action))
	return c.post(action, form)
}

// fill fetches the page at path and submits its form posting to action.
func (c *testClient) fill(path, action string, values url.Values) *reply {
	c.t.Helper()
	page := c.get(path)
	if page.status != http.StatusOK {
		c.t.Fatalf("GET %s: status %d, want 200", path, page.status)
	}
	return c.submit(page, action, values)
}

// logIn logs in through the login form and expects the 303 of success.
func (c *testClient) logIn(email, password string) *reply {
	c.t.Helper()
	r := c.fill("/login", "/login", url.Values{"email": {email}, "password": {password}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("log in as %s: status %d, want 303; errors %v %s", email, r.status, r.fieldErrors(), r.text(".flash-error"))
	}
	return r
}

// api sends a request to the JSON API; token, when set, is sent as a
// bearer token.
func (c *testClient) api(method, path, contentType, body, token string) *reply {
	c.t.Helper()
	req := c.newRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return c.do(req)
}

// apiToken creates a token through the API.
func (c *testClient) apiToken(email, password string) string {
	c.t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	r := c.api(http.MethodPost, "/api/v1/tokens", "application/json", string(body), "")
	if r.status != http.StatusCreated {
		c.t.Fatalf("create token for %s: status %d: %s", email, r.status, r.body)
	}
	var tok struct{ Token string }
	r.json(c.t, &tok)
	return tok.Token
}

// values builds url.Values from pairs; a key may repeat.
func values(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}
