package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestTwoInstances runs two app processes on different ports against one
// PostgreSQL database: a session made on one works on the other (and ends on
// both), and concurrent forum registrations and meeting requests split
// across both keep every invariant: exactly the free seats confirmed, the
// waitlist positions 1…n each given once, exactly the exhibitor's tables
// booked per slot.
func TestTwoInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("fault tests start child servers; skipped with -short")
	}
	dsn := postgresDB(t)
	fx := prepareFixture(t, dsn, 60, 1)
	db := openSQL(t, dsn)
	forum := fx.Forums[0]
	var capacity, confirmed int
	if err := db.QueryRow(fmt.Sprintf("SELECT capacity, confirmed FROM forums WHERE id = %d", forum)).Scan(&capacity, &confirmed); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(fmt.Sprintf("SELECT user_id FROM forum_registrations WHERE forum_id = %d", forum))
	if err != nil {
		t.Fatal(err)
	}
	registered := scanIDs(t, rows)
	// The exhibitor of the first offer asks for answers (no auto-accept), so
	// every request is decided by its tables alone.
	ex := fx.Offers[0].ExhibitorID
	if _, err := db.Exec(fmt.Sprintf("UPDATE exhibitors SET auto_accept = FALSE WHERE id = %d", ex)); err != nil {
		t.Fatal(err)
	}
	var tables int
	if err := db.QueryRow(fmt.Sprintf("SELECT meeting_tables FROM exhibitors WHERE id = %d", ex)).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	var offers []meetingOffer
	for _, o := range fx.Offers {
		if o.ExhibitorID == ex {
			offers = append(offers, o)
		}
	}
	a := startChild(t, dsn)
	b := startChild(t, dsn)

	t.Run("session made on one instance works on the other", func(t *testing.T) {
		onA := newBrowser(t, a.URL)
		acct := onA.submit(onA.get("/login"), `form[action="/login"]`, url.Values{"email": {"attendee1@demo.expo"}, "password": {"expo-demo"}})
		if acct.URL.Path != "/account" || acct.Status != http.StatusOK {
			t.Fatalf("log-in on A: at %s with status %d, want /account 200", acct.URL.Path, acct.Status)
		}
		name := headerName(acct)
		// Same cookie jar (cookies do not depend on the port), other instance.
		onB := &browser{t: t, base: b.URL, c: onA.c}
		p := onB.get("/account")
		if p.URL.Path != "/account" || p.Status != http.StatusOK || headerName(p) != name || name == "" {
			t.Fatalf("GET /account on B with A's session: at %s, status %d, header %q; want /account 200 %q", p.URL.Path, p.Status, headerName(p), name)
		}
		home := onB.submit(p, `form[action="/logout"]`, nil)
		if home.URL.Path != "/" {
			t.Fatalf("log-out on B: at %s, want /", home.URL.Path)
		}
		if got := onA.get("/account"); got.URL.Path != "/login" {
			t.Errorf("GET /account on A after logging out on B ended at %s, want /login", got.URL.Path)
		}
	})

	l := newLedger()
	bases := []string{a.URL, b.URL}
	c := loadClient()
	start := make(chan struct{})
	var wg sync.WaitGroup
	var regUsers, meetUsers int
	for i, u := range fx.Users {
		doRegister := !slices.Contains(registered, u.ID)
		doMeet := false
		for _, x := range u.Langs {
			doMeet = doMeet || slices.Contains(offers[0].Langs, x)
		}
		if doRegister {
			regUsers++
		}
		if doMeet {
			meetUsers++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if doRegister {
				l.register(c, bases[i%2], u, forum)
			}
			if doMeet {
				for j, o := range offers {
					l.requestMeeting(c, bases[(i+j)%2], u, o)
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	l.checkNoFailures(t)

	// Exact capacity: the free seats, no more, no fewer; positions 1…n.
	free := capacity - confirmed
	var got, waiting []int
	for key, ack := range l.regs {
		if key[0] != forum {
			continue
		}
		if ack.Status == "confirmed" {
			got = append(got, 0)
		} else {
			waiting = append(waiting, ack.Position)
		}
	}
	slices.Sort(waiting)
	if len(got) != free {
		t.Errorf("forum %d: %d registrations confirmed, want exactly the %d free seats (%d attendees raced)", forum, len(got), free, regUsers)
	}
	for i, p := range waiting {
		if p != i+1 {
			t.Errorf("forum %d: waitlist positions told %v, want 1…%d each once", forum, waiting, len(waiting))
			break
		}
	}
	if len(got)+len(waiting) != regUsers {
		t.Errorf("forum %d: %d of %d registrations acknowledged", forum, len(got)+len(waiting), regUsers)
	}
	perSlot := map[int64]int{}
	for _, m := range l.meetings {
		perSlot[m.SlotID]++
	}
	for _, o := range offers {
		if want := min(tables, meetUsers); perSlot[o.SlotID] != want {
			t.Errorf("slot %d of exhibitor %d: %d meetings booked, want exactly its %d tables (%d attendees raced)", o.SlotID, ex, perSlot[o.SlotID], tables, meetUsers)
		}
	}
	fig := verifyStored(t, fx, dsn, l)
	for _, ch := range []*child{a, b} {
		if code, _ := ch.terminate(); code != 0 {
			t.Errorf("SIGTERM: exit code %d, want 0", code)
		}
	}
	t.Logf("FIGURES two instances: %d attendees raced for %d free seats (%d confirmed, waitlist 1…%d); %d attendees raced for %d slots × %d tables (%d booked); %s; %d registrations and %d meetings verified exactly once",
		regUsers, free, len(got), len(waiting), meetUsers, len(offers), tables, len(l.meetings), l.summary(), fig.Registrations, fig.Meetings)
}

// privatePostgres is a PostgreSQL server of this test alone, which it may
// stop and start.
type privatePostgres struct {
	t      *testing.T
	bin    string
	dir    string
	port   int
	asUser string // run the binaries as this user (when the test runs as root)
}

func (pg *privatePostgres) run(name string, args ...string) (string, error) {
	pg.t.Helper()
	path := filepath.Join(pg.bin, name)
	var cmd *exec.Cmd
	if pg.asUser != "" {
		quoted := []string{shellQuote(path)}
		for _, a := range args {
			quoted = append(quoted, shellQuote(a))
		}
		cmd = exec.Command("su", pg.asUser, "-s", "/bin/sh", "-c", strings.Join(quoted, " "))
	} else {
		cmd = exec.Command(path, args...)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (pg *privatePostgres) start() {
	pg.t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", pg.port, pg.dir)
	if out, err := pg.run("pg_ctl", "-D", filepath.Join(pg.dir, "data"), "-o", opts, "-l", filepath.Join(pg.dir, "log"), "-w", "-t", "30", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(pg.dir, "log"))
		pg.t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

func (pg *privatePostgres) stop(mode string) {
	pg.t.Helper()
	if out, err := pg.run("pg_ctl", "-D", filepath.Join(pg.dir, "data"), "-m", mode, "-w", "-t", "30", "stop"); err != nil {
		pg.t.Fatalf("pg_ctl stop -m %s: %v\n%s", mode, err, out)
	}
}

// startPrivatePostgres initdb's and starts a PostgreSQL in a temporary
// directory on a free port; it skips the test without the binaries.
func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(bins) == 0 {
		t.Skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: the database-unavailable test needs its own server to stop")
	}
	slices.Sort(bins)
	pg := &privatePostgres{t: t, bin: filepath.Dir(bins[len(bins)-1])}
	dir, err := os.MkdirTemp("", "expo-pg-")
	if err != nil {
		t.Fatal(err)
	}
	pg.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user: cannot run a private PostgreSQL")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		pg.asUser = "postgres"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pg.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if out, err := pg.run("initdb", "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	pg.start()
	t.Cleanup(func() { _, _ = pg.run("pg_ctl", "-D", filepath.Join(dir, "data"), "-m", "immediate", "-w", "stop") })
	return pg
}

// TestDatabaseUnavailable stops the PostgreSQL under a running app: pages
// answer a friendly 503 with Retry-After (the API a JSON 503), /readyz
// fails while /healthz still answers, nothing hangs; when the database is
// back the app recovers by itself and the session made before still works.
func TestDatabaseUnavailable(t *testing.T) {
	if testing.Short() {
		t.Skip("fault tests start child servers; skipped with -short")
	}
	if os.Getenv("EXPO_TEST_POSTGRES") == "" {
		t.Skip("EXPO_TEST_POSTGRES is not set: the PostgreSQL fault tests are off")
	}
	pg := startPrivatePostgres(t)
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
	mustRun(t, "correct horse battery staple\n", "admin", "create", "--db", dsn, "--email", "org@example.org", "--name", "Org Anizer", "--password-stdin")
	ch := startChild(t, dsn)
	// Logged in: every page then loads its session from the database.
	b := newBrowser(t, ch.URL)
	acct := b.submit(b.get("/login"), `form[action="/login"]`, url.Values{"email": {"org@example.org"}, "password": {"correct horse battery staple"}})
	if acct.Status != http.StatusOK || acct.URL.Path == "/login" {
		t.Fatalf("log-in: at %s with status %d", acct.URL.Path, acct.Status)
	}
	c := &http.Client{Jar: b.c.Jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	type answer struct {
		status int
		retry  string
		body   string
		took   time.Duration
	}
	get := func(path string) answer {
		t.Helper()
		start := time.Now()
		resp, err := c.Get(ch.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v (after %s)", path, err, time.Since(start))
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return answer{resp.StatusCode, resp.Header.Get("Retry-After"), string(body), time.Since(start)}
	}
	pages := []string{"/", "/forums", "/account"}
	for _, p := range append(pages, "/api/v1/forums", "/readyz") {
		if got := get(p); got.status != http.StatusOK {
			t.Fatalf("GET %s with the database up: %d, want 200", p, got.status)
		}
	}

	for _, mode := range []string{"immediate", "fast"} {
		t.Run("stopped "+mode, func(t *testing.T) {
			pg.stop(mode)
			for _, p := range pages {
				got := get(p)
				if got.status != http.StatusServiceUnavailable {
					t.Errorf("GET %s without the database: %d, want 503\n%s", p, got.status, tail(got.body, 400))
					continue
				}
				if got.retry == "" {
					t.Errorf("GET %s: 503 without a Retry-After header", p)
				}
				if !strings.Contains(got.body, "<html") || !strings.Contains(strings.ToLower(got.body), "try again") {
					t.Errorf("GET %s: the 503 page does not say to try again:\n%s", p, tail(got.body, 600))
				}
				if got.took > 5*time.Second {
					t.Errorf("GET %s took %s without the database, want under 5s", p, got.took)
				}
			}
			api := get("/api/v1/forums")
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if api.status != http.StatusServiceUnavailable || json.Unmarshal([]byte(api.body), &e) != nil || e.Error.Code != "unavailable" {
				t.Errorf("GET /api/v1/forums without the database: %d %s, want 503 with code unavailable", api.status, api.body)
			}
			// Anonymous too (no session to load).
			if got, err := http.Get(ch.URL + "/forums"); err != nil || got.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("anonymous GET /forums without the database: %v %v, want 503", got.StatusCode, err)
			} else {
				got.Body.Close()
			}
			if got := get("/readyz"); got.status != http.StatusServiceUnavailable || got.took > 4*time.Second {
				t.Errorf("GET /readyz without the database: %d after %s, want 503 within 4s", got.status, got.took)
			}
			// Probes carry no cookie.
			if got, err := http.Get(ch.URL + "/healthz"); err != nil || got.StatusCode != http.StatusOK {
				t.Errorf("GET /healthz without the database: %v %v, want 200 (the process is alive)", got.StatusCode, err)
			} else {
				got.Body.Close()
			}

			pg.start()
			back := time.Now()
			waitStatus(t, ch.URL+"/readyz", http.StatusOK, 20*time.Second)
			t.Logf("FIGURES database unavailable (%s stop): %d pages and the API answered 503, /readyz 503, /healthz 200; ready again %s after PostgreSQL restarted",
				mode, len(pages), time.Since(back).Round(time.Millisecond))
			for _, p := range append(pages, "/api/v1/forums") {
				if got := get(p); got.status != http.StatusOK {
					t.Errorf("GET %s after the database came back: %d, want 200", p, got.status)
				}
			}
		})
	}
	if code, _ := ch.terminate(); code != 0 {
		t.Errorf("SIGTERM: exit code %d, want 0", code)
	}
}
