package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// noEnv keeps the tests hermetic: EXPO_* variables of the machine running the
// tests must not change what run does.
func noEnv(string) string { return "" }

// syncBuffer is a bytes.Buffer that the server goroutine writes while the
// test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testApp is a running `expo serve` on a port of its own.
type testApp struct {
	URL string
	DB  string
}

// startApp runs `expo serve` on port 0 against the SQLite file db (a new one
// in t.TempDir when empty) and waits until it is healthy. At cleanup it
// cancels the context and fails the test unless run shuts down cleanly.
func startApp(t *testing.T, db string, extraArgs ...string) *testApp {
	t.Helper()
	if db == "" {
		db = filepath.Join(t.TempDir(), "expo.db")
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, extraArgs...)

	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, noEnv, strings.NewReader(""), pw, stderr)
		pw.Close()
		done <- err
	}()

	// Read stdout for the whole life of the server, so a late line never
	// blocks it; hand over the address from the "listening" line.
	urls := make(chan string, 1)
	stdout := &syncBuffer{}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			stdout.Write([]byte(line + "\n"))
			if rest, ok := strings.CutPrefix(line, "Expo listening on "); ok {
				u, _, _ := strings.Cut(rest, " ")
				urls <- u
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()

	stopped := false
	t.Cleanup(func() {
		if stopped {
			return
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v after the context was cancelled; want nil (graceful shutdown)", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("run did not return within 20s of the context being cancelled")
		}
		if t.Failed() {
			t.Logf("server stdout:\n%s", stdout.String())
			t.Logf("server stderr:\n%s", stderr.String())
		}
	})

	var base string
	select {
	case base = <-urls:
	case err := <-done:
		stopped = true
		cancel()
		t.Fatalf("run stopped before listening: %v\nstderr:\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("no %q line on stdout within 60s\nstdout:\n%s\nstderr:\n%s", "Expo listening on", stdout.String(), stderr.String())
	}
	waitHealthy(t, base)
	return &testApp{URL: base, DB: db}
}

// waitHealthy polls /healthz until it answers 200.
func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz not healthy after 30s (last error: %v)", base, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runCommand runs one non-server subcommand and returns its stdout.
func runCommand(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, args, noEnv, strings.NewReader(stdin), &stdout, &stderr)
	if err != nil {
		t.Logf("expo %s: stderr:\n%s", strings.Join(args, " "), stderr.String())
	}
	return stdout.String(), err
}

// mustRun is runCommand for commands that must succeed.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, err := runCommand(t, stdin, args...)
	if err != nil {
		t.Fatalf("expo %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// browser is an HTTP client with a cookie jar: it keeps the session and
// the CSRF cookie across requests, as a real browser does.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// page is a fetched HTML page: where the redirects ended, its status and DOM.
type page struct {
	URL    *url.URL
	Status int
	Doc    *goquery.Document
}

func (b *browser) read(resp *http.Response, err error) page {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		b.t.Fatalf("parse %s: %v", resp.Request.URL, err)
	}
	return page{URL: resp.Request.URL, Status: resp.StatusCode, Doc: doc}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	return b.read(b.c.Get(b.base + path))
}

// submit fills the form that sel finds on p, as a browser would: the form's
// hidden inputs (the CSRF token among them) plus fields, posted to the
// form's action. Redirects are followed.
func (b *browser) submit(p page, sel string, fields url.Values) page {
	b.t.Helper()
	form := p.Doc.Find(sel)
	if form.Length() != 1 {
		b.t.Fatalf("%s: want one form %q, found %d", p.URL, sel, form.Length())
	}
	values := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		val, _ := in.Attr("value")
		values.Add(name, val)
	})
	if values.Get("_csrf") == "" {
		b.t.Fatalf("%s: form %q has no _csrf token", p.URL, sel)
	}
	for k, vs := range fields {
		values[k] = vs
	}
	action, _ := form.Attr("action")
	target := p.URL.ResolveReference(&url.URL{Path: action})
	return b.read(b.c.PostForm(target.String(), values))
}

// headerName is the name of the logged-in user shown in the header.
func headerName(p page) string {
	who := p.Doc.Find(".site-header .who").Clone()
	who.Find(".badge").Remove()
	return strings.TrimSpace(who.Text())
}

func TestSignUpLogOutLogIn(t *testing.T) {
	t.Parallel()
	app := startApp(t, "")
	b := newBrowser(t, app.URL)

	const (
		name     = "Sarnai Bold"
		email    = "sarnai@example.mn"
		password = "correct horse battery"
	)
	signup := b.get("/signup")
	if signup.Status != http.StatusOK {
		t.Fatalf("GET /signup: status %d", signup.Status)
	}
	acct := b.submit(signup, `form[action="/signup"]`, url.Values{
		"name":         {name},
		"email":        {email},
		"organization": {"Gobi Cashmere"},
		"job_title":    {"Buyer"},
		"country":      {"MN"},
		"password":     {password},
		"languages":    {"mn", "en"},
	})
	if acct.URL.Path != "/account" || acct.Status != http.StatusOK {
		t.Fatalf("after sign-up: at %s with status %d, want /account 200; errors: %q",
			acct.URL.Path, acct.Status, acct.Doc.Find(".field-error, .flash-error").Text())
	}
	if got := headerName(acct); got != name {
		t.Errorf("after sign-up the header shows %q, want %q", got, name)
	}
	if got, _ := acct.Doc.Find("#f-name").Attr("value"); got != name {
		t.Errorf("profile form name = %q, want %q", got, name)
	}
	if got := acct.Doc.Find(`input[name="languages"][value="mn"]`).Is("[checked]"); !got {
		t.Errorf("the Mongolian language box is not checked on /account")
	}

	home := b.submit(acct, `form[action="/logout"]`, nil)
	if home.URL.Path != "/" {
		t.Fatalf("after log-out: at %s, want /", home.URL.Path)
	}
	if home.Doc.Find(`form[action="/logout"]`).Length() != 0 {
		t.Errorf("the header still offers to log out after logging out")
	}
	if got := b.get("/account"); got.URL.Path != "/login" {
		t.Errorf("GET /account after log-out ended at %s, want /login", got.URL.Path)
	}

	login := b.get("/login")
	wrong := b.submit(login, `form[action="/login"]`, url.Values{"email": {email}, "password": {"not the password"}})
	if wrong.Status != http.StatusUnauthorized || wrong.URL.Path != "/login" {
		t.Errorf("log-in with a wrong password: %s %d, want /login 401", wrong.URL.Path, wrong.Status)
	}
	acct = b.submit(wrong, `form[action="/login"]`, url.Values{"email": {email}, "password": {password}})
	if acct.URL.Path != "/account" || acct.Status != http.StatusOK {
		t.Fatalf("after log-in: at %s with status %d, want /account 200", acct.URL.Path, acct.Status)
	}
	acct = b.get("/account")
	if got := headerName(acct); got != name {
		t.Errorf("after log-in the header shows %q, want %q", got, name)
	}
	if !strings.Contains(acct.Doc.Find(".lead").Text(), email) {
		t.Errorf("/account does not show the e-mail %q", email)
	}
}

func TestAdminCreateThenOrganizerLogsIn(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "expo.db")
	const (
		email    = "chief@example.org"
		password = "organizer-secret-1"
	)
	out := mustRun(t, password+"\n", "admin", "create", "--db", db, "--email", email, "--name", "Chief Organizer", "--password-stdin")
	if !strings.Contains(out, email) {
		t.Errorf("admin create printed %q; want it to name %s", out, email)
	}
	// The same e-mail again is a conflict, said in words.
	if _, err := runCommand(t, password+"\n", "admin", "create", "--db", db, "--email", email, "--name", "Again", "--password-stdin"); err == nil {
		t.Errorf("admin create with an existing e-mail succeeded")
	}

	app := startApp(t, db)
	b := newBrowser(t, app.URL)
	if got := b.get("/setup"); got.Status == http.StatusOK {
		t.Errorf("/setup still offers to create the first organizer after admin create")
	}
	dash := b.submit(b.get("/login"), `form[action="/login"]`, url.Values{"email": {email}, "password": {password}})
	if dash.URL.Path != "/organizer" || dash.Status != http.StatusOK {
		t.Fatalf("organizer log-in ended at %s with status %d, want /organizer 200", dash.URL.Path, dash.Status)
	}
	if dash.Doc.Find(`.main-nav a[href="/organizer"]`).Length() != 1 {
		t.Errorf("the organizer has no Organizer link in the navigation")
	}
	if got := headerName(dash); got != "Chief Organizer" {
		t.Errorf("header shows %q, want %q", got, "Chief Organizer")
	}

	// An attendee must not see the dashboard.
	att := newBrowser(t, app.URL)
	att.submit(att.get("/signup"), `form[action="/signup"]`, url.Values{
		"name": {"Visitor"}, "email": {"visitor@example.org"}, "country": {"DE"},
		"password": {"visitor-password"}, "languages": {"de"},
	})
	if got := att.get("/organizer"); got.Status != http.StatusForbidden {
		t.Errorf("attendee GET /organizer: status %d, want 403", got.Status)
	}
}

// apiMe calls GET /api/v1/me with a bearer token.
func apiMe(t *testing.T, base, token string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("GET /api/v1/me: decode: %v", err)
	}
	return resp.StatusCode, body
}

func TestAdminTokenWorksOnTheAPI(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "expo.db")
	const email, password = "api@example.org", "api-user-password"
	mustRun(t, password+"\n", "admin", "create", "--db", db, "--email", email, "--name", "API User", "--password-stdin")
	app := startApp(t, db)

	// The command writes to the database the server is using.
	token := strings.TrimSpace(mustRun(t, "", "admin", "token", "--db", db, "--email", email))
	if token == "" || strings.ContainsAny(token, " \n") {
		t.Fatalf("admin token printed %q; want one token", token)
	}
	status, me := apiMe(t, app.URL, token)
	if status != http.StatusOK || me["email"] != email || me["role"] != "organizer" {
		t.Fatalf("GET /api/v1/me with the admin token: %d %v", status, me)
	}

	if status, _ := apiMe(t, app.URL, ""); status != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me without a token: status %d, want 401", status)
	}
	if status, _ := apiMe(t, app.URL, token+"x"); status != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me with a wrong token: status %d, want 401", status)
	}
	if _, err := runCommand(t, "", "admin", "token", "--db", db, "--email", "nobody@example.org"); err == nil {
		t.Errorf("admin token for an unknown e-mail succeeded")
	}

	// A token from the API's own log-in works the same way.
	resp, err := http.Post(app.URL+"/api/v1/tokens", "application/json",
		strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var created struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/tokens: status %d, decode error %v", resp.StatusCode, err)
	}
	if status, me := apiMe(t, app.URL, created.Token); status != http.StatusOK || me["email"] != email {
		t.Errorf("GET /api/v1/me with the API-issued token: %d %v", status, me)
	}
}

func TestBackupOpensWithMigrate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "expo.db")
	const email = "kept@example.org"
	mustRun(t, "backup-test-password\n", "admin", "create", "--db", db, "--email", email, "--name", "Kept", "--password-stdin")
	startApp(t, db) // back up a database that a server has open

	backupFile := filepath.Join(dir, "copy.db")
	out := mustRun(t, "", "backup", "--db", db, "--to", backupFile)
	if !strings.Contains(out, backupFile) {
		t.Errorf("backup printed %q; want it to name %s", out, backupFile)
	}
	if fi, err := os.Stat(backupFile); err != nil || fi.Size() == 0 {
		t.Fatalf("backup file: %v (size %d)", err, sizeOf(fi))
	}
	out = mustRun(t, "", "migrate", "--db", backupFile)
	if !strings.Contains(out, "schema version") {
		t.Errorf("migrate on the backup printed %q", out)
	}
	// The copy holds the data, not only the schema.
	if tok := strings.TrimSpace(mustRun(t, "", "admin", "token", "--db", backupFile, "--email", email)); tok == "" {
		t.Errorf("admin token on the backup printed nothing")
	}
	if _, err := runCommand(t, "", "backup", "--db", db, "--to", backupFile); err == nil {
		t.Errorf("backup over an existing file succeeded; it must refuse")
	}
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return 0
	}
	return fi.Size()
}

func TestBadCommands(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "expo.db")
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"admin without subcommand", []string{"admin"}, "admin needs a subcommand"},
		{"unknown admin subcommand", []string{"admin", "delete"}, `unknown admin subcommand "delete"`},
		{"unknown flag", []string{"migrate", "--no-such-flag"}, "flag provided but not defined"},
		{"admin create without --password-stdin", []string{"admin", "create", "--db", db, "--email", "a@example.org", "--name", "A"}, "--password-stdin"},
		{"backup without --to", []string{"backup", "--db", db}, "--to FILE is required"},
		{"bad time zone", []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--timezone", "Mars/Olympus"}, "time zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runCommand(t, "", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("expo %s: error %v, want one containing %q", strings.Join(tt.args, " "), err, tt.wantErr)
			}
		})
	}

	t.Run("help is not an error", func(t *testing.T) {
		out, err := runCommand(t, "", "help")
		if err != nil || !strings.Contains(out, "Usage: expo") {
			t.Errorf("expo help: %v, output %q", err, out)
		}
	})
	t.Run("short password is refused in words", func(t *testing.T) {
		_, err := runCommand(t, "short\n", "admin", "create", "--db", db, "--email", "b@example.org", "--name", "B", "--password-stdin")
		if err == nil || !strings.Contains(err.Error(), "password") {
			t.Errorf("admin create with a short password: %v", err)
		}
	})
}
