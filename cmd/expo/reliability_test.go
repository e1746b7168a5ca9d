package main

// Fault tests (issue 7, "Faults"): the real server runs as a child process
// (the test binary re-executed, see TestMain) so it can be killed with
// SIGKILL, stopped with SIGTERM, run twice on one database, or left without
// its database. Load comes from the JSON API with bearer tokens; every
// request that got a success answer goes into a ledger, and the database is
// read directly afterwards to check each one is stored exactly once and that
// the invariants hold. RELIABILITY.md records the figures of the last run.

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"expo/internal/expo"
	"expo/internal/store"
)

// child is `expo serve` running as a separate process.
type child struct {
	t      *testing.T
	cmd    *exec.Cmd
	URL    string
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
	err    error // cmd.Wait's answer, once done is closed
}

// lineSignal is a writer that keeps everything written and hands over the
// address of the first "Expo listening on" line.
type lineSignal struct {
	buf  *syncBuffer
	once sync.Once
	url  chan string
}

func (w *lineSignal) Write(p []byte) (int, error) {
	n, err := w.buf.Write(p)
	s := w.buf.String()
	if i := strings.Index(s, "Expo listening on "); i >= 0 {
		rest := s[i+len("Expo listening on "):]
		if j := strings.IndexAny(rest, " \n"); j >= 0 {
			w.once.Do(func() { w.url <- rest[:j] })
		}
	}
	return n, err
}

// childEnv is this process's environment without EXPO_* settings, plus the
// switch that makes the test binary run main.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EXPO_") {
			env = append(env, kv)
		}
	}
	return append(env, "EXPO_TEST_EXEC_MAIN=1")
}

// startChild starts `expo serve` on a free port against dsn and waits until
// /readyz answers 200. At cleanup a still running child is killed.
func startChild(t *testing.T, dsn string, extra ...string) *child {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, extra...)
	ch := &child{t: t, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	ls := &lineSignal{buf: ch.stdout, url: make(chan string, 1)}
	ch.cmd = exec.Command(os.Args[0], args...)
	ch.cmd.Env = childEnv()
	ch.cmd.Stdout = ls
	ch.cmd.Stderr = ch.stderr
	if err := ch.cmd.Start(); err != nil {
		t.Fatalf("start expo serve: %v", err)
	}
	go func() {
		ch.err = ch.cmd.Wait()
		close(ch.done)
	}()
	t.Cleanup(func() {
		select {
		case <-ch.done:
		default:
			_ = ch.cmd.Process.Kill()
			<-ch.done
		}
		if t.Failed() {
			t.Logf("child stdout:\n%s", ch.stdout.String())
			t.Logf("child stderr (last 8 KB):\n%s", tail(ch.stderr.String(), 8<<10))
		}
	})
	select {
	case ch.URL = <-ls.url:
	case <-ch.done:
		t.Fatalf("expo serve exited before listening: %v\nstderr:\n%s", ch.err, tail(ch.stderr.String(), 8<<10))
	case <-time.After(60 * time.Second):
		t.Fatalf("no %q line within 60s\nstderr:\n%s", "Expo listening on", tail(ch.stderr.String(), 8<<10))
	}
	waitStatus(t, ch.URL+"/readyz", http.StatusOK, 30*time.Second)
	return ch
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// kill ends the child with SIGKILL and waits for it.
func (ch *child) kill() {
	ch.t.Helper()
	if err := ch.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		ch.t.Fatalf("SIGKILL: %v", err)
	}
	<-ch.done
}

// terminate sends SIGTERM and returns the exit code and how long the
// child took to exit (it fails the test after 15 s).
func (ch *child) terminate() (int, time.Duration) {
	ch.t.Helper()
	start := time.Now()
	if err := ch.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		ch.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-ch.done:
	case <-time.After(15 * time.Second):
		ch.t.Fatalf("expo serve still running 15s after SIGTERM")
	}
	return ch.cmd.ProcessState.ExitCode(), time.Since(start)
}

// waitStatus polls u until it answers want.
func waitStatus(t *testing.T, u string, want int, within time.Duration) {
	t.Helper()
	c := &http.Client{Timeout: 3 * time.Second}
	deadline := time.Now().Add(within)
	for {
		resp, err := c.Get(u)
		got := 0
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			got = resp.StatusCode
			if got == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: want %d within %s, last answer %d (error %v)", u, want, within, got, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// postgresDB creates a fresh database in the EXPO_TEST_POSTGRES server for
// this test, dropped at cleanup, and returns its URL; it skips the test when
// EXPO_TEST_POSTGRES is unset.
func postgresDB(t *testing.T) string {
	t.Helper()
	base := os.Getenv("EXPO_TEST_POSTGRES")
	if base == "" {
		t.Skip("EXPO_TEST_POSTGRES is not set: the PostgreSQL fault tests need a server, e.g. postgres://postgres@127.0.0.1:55432/expo_test?sslmode=disable")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("expo_rel_%d_%d", time.Now().UnixNano(), rand.IntN(1e6))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// openSQL opens dsn (a SQLite path or a postgres:// URL) with database/sql,
// outside the store, to read what is really stored.
func openSQL(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if strings.HasPrefix(dsn, "postgres://") {
		db, err = sql.Open("pgx", dsn)
	} else {
		db, err = sql.Open("sqlite3", "file:"+dsn+"?_busy_timeout=10000&_foreign_keys=on")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// loadUser is an attendee with an API token.
type loadUser struct {
	ID    int64
	Token string
	Langs []string
}

// meetingOffer is a free (exhibitor, slot) pair at fixture time.
type meetingOffer struct {
	Slug        string
	ExhibitorID int64
	SlotID      int64
	Langs       []string
}

// loadFixture is a demo expo prepared for load: attendees with tokens, a
// few forums with 10 free seats (they fill up under load, so capacity and
// the waitlist are exercised) and free meeting slots.
type loadFixture struct {
	DSN    string
	Users  []loadUser
	Forums []int64        // the first group's forums
	Offers []meetingOffer // the first group's slots
	// Groups of fresh targets (3 forums, 6 exhibitors × 6 slots each), one
	// per crash round, so every round makes new writes to acknowledge.
	ForumGroups [][]int64
	OfferGroups [][]meetingOffer
	baseMeet    int64 // highest meeting id before the load
}

// prepareFixture loads the demo expo into the empty database dsn and makes
// the load fixture. It runs in the test process, before any child starts.
func prepareFixture(t *testing.T, dsn string, attendees, groups int) *loadFixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	defer st.Close()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	acc, err := st.LoadDemo(ctx, "expo-demo", store.DemoSize{Exhibitors: 8, Attendees: attendees}, loc)
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	fx := &loadFixture{DSN: dsn}
	db := openSQL(t, dsn)
	for _, email := range acc.Attendees {
		u, err := st.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := st.CreateToken(ctx, u.ID, "reliability load")
		if err != nil {
			t.Fatal(err)
		}
		var langs string
		if err := db.QueryRow(fmt.Sprintf("SELECT languages FROM users WHERE id = %d", u.ID)).Scan(&langs); err != nil {
			t.Fatal(err)
		}
		fx.Users = append(fx.Users, loadUser{ID: u.ID, Token: secret, Langs: splitLangs(langs)})
	}
	// Three published forums without a waitlist per group get 10 free seats.
	rows, err := db.Query(fmt.Sprintf(`SELECT f.id FROM forums f WHERE f.published AND NOT EXISTS
		(SELECT 1 FROM forum_registrations r WHERE r.forum_id = f.id AND r.status = 'waitlisted') ORDER BY f.id LIMIT %d`, 3*groups))
	if err != nil {
		t.Fatal(err)
	}
	forums := scanIDs(t, rows)
	if len(forums) < 3*groups {
		t.Fatalf("demo has %d published forums without a waitlist, want %d", len(forums), 3*groups)
	}
	if _, err := db.Exec("UPDATE forums SET capacity = confirmed + 10 WHERE id IN (" + joinIDs(forums) + ")"); err != nil {
		t.Fatal(err)
	}
	for g := 0; g < groups; g++ {
		fx.ForumGroups = append(fx.ForumGroups, forums[3*g:3*g+3])
	}
	// Six slots each of six approved exhibitors, free at fixture time,
	// outside country-limited blocks.
	rows, err = db.Query(`SELECT a.exhibitor_id, a.slot_id, e.slug, e.languages FROM exhibitor_availability a
		JOIN exhibitors e ON e.id = a.exhibitor_id JOIN slots s ON s.id = a.slot_id JOIN negotiation_blocks b ON b.id = s.block_id
		WHERE e.state = 'approved' AND a.booked = 0 AND b.restrict_country = '' ORDER BY a.exhibitor_id, s.starts_at`)
	if err != nil {
		t.Fatal(err)
	}
	perExhibitor := map[int64]int{}
	var offers []meetingOffer
	for rows.Next() {
		var o meetingOffer
		var langs string
		if err := rows.Scan(&o.ExhibitorID, &o.SlotID, &o.Slug, &langs); err != nil {
			t.Fatal(err)
		}
		o.Langs = splitLangs(langs)
		if perExhibitor[o.ExhibitorID] >= 6 || (perExhibitor[o.ExhibitorID] == 0 && len(perExhibitor) >= 6*groups) {
			continue
		}
		perExhibitor[o.ExhibitorID]++
		offers = append(offers, o)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	per := len(offers) / groups
	if per < 12 {
		t.Fatalf("demo has %d free meeting slots for %d groups, want at least 12 each", len(offers), groups)
	}
	for g := 0; g < groups; g++ {
		fx.OfferGroups = append(fx.OfferGroups, offers[g*per:(g+1)*per])
	}
	fx.Forums, fx.Offers = fx.ForumGroups[0], fx.OfferGroups[0]
	if err := db.QueryRow("SELECT COALESCE(MAX(id), 0) FROM meetings").Scan(&fx.baseMeet); err != nil {
		t.Fatal(err)
	}
	db.Close() // the last connection: SQLite folds its WAL into the file
	return fx
}

// sqliteTemplate is the SQLite load fixture, made once per test run and
// copied for each test that needs one (making it is most of a test's
// set-up time). templateDir is removed by TestMain.
var (
	sqliteTemplateOnce sync.Once
	sqliteTemplate     *loadFixture
	templateDir        string
)

// sqliteFixture returns a fresh copy of the SQLite load fixture (40
// attendees, 5 groups of forums and slots) in the test's temp directory.
func sqliteFixture(t *testing.T) *loadFixture {
	t.Helper()
	sqliteTemplateOnce.Do(func() {
		dir, err := os.MkdirTemp("", "expo-reliability-")
		if err != nil {
			t.Fatal(err)
		}
		templateDir = dir
		sqliteTemplate = prepareFixture(t, filepath.Join(dir, "template.db"), 40, 5)
	})
	if sqliteTemplate == nil {
		t.Fatal("the SQLite load fixture could not be made (see the first test that asked for it)")
	}
	body, err := os.ReadFile(sqliteTemplate.DSN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sqliteTemplate.DSN + "-wal"); err == nil {
		t.Fatalf("%s-wal exists: the template is still open", sqliteTemplate.DSN)
	}
	fx := *sqliteTemplate
	fx.DSN = filepath.Join(t.TempDir(), "expo.db")
	if err := os.WriteFile(fx.DSN, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return &fx
}

func splitLangs(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func scanIDs(t *testing.T, rows *sql.Rows) []int64 {
	t.Helper()
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}

// regAck is a forum registration that got a success answer.
type regAck struct {
	Status   string
	Position int
}

// meetAck is a meeting request that got a success answer.
type meetAck struct {
	AttendeeID, ExhibitorID, SlotID int64
	Status                          string
}

// ledger records what the load was told.
type ledger struct {
	mu       sync.Mutex
	regs     map[[2]int64]regAck // (forum, user) → first answer
	meetings map[int64]meetAck   // meeting id → answer
	sent     int                 // requests sent
	answered int                 // requests with any HTTP answer
	acks     int                 // success answers
	statuses map[int]int
	failures []string // 5xx answers and contradicting acks
	errs     []string // transport errors (connection refused after a kill, …)
	// mustAnswer, when set, says whether a transport error now is a
	// failure (the graceful shutdown test: before the signal it is).
	mustAnswer func() bool
}

func newLedger() *ledger {
	return &ledger{regs: map[[2]int64]regAck{}, meetings: map[int64]meetAck{}, statuses: map[int]int{}}
}

func (l *ledger) fail(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures = append(l.failures, fmt.Sprintf(format, args...))
}

// loadClient is the HTTP client of the load generators.
func loadClient() *http.Client {
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
}

// apiCall sends one JSON request with the user's token; status is 0 on a
// transport error.
func apiCall(c *http.Client, method, u, token string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("read answer (status %d): %w", resp.StatusCode, err)
	}
	if resp.StatusCode < 300 && out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return 0, fmt.Errorf("decode answer (status %d): %w", resp.StatusCode, err)
		}
	}
	return resp.StatusCode, nil
}

// register signs u up for forum through base and records the answer.
func (l *ledger) register(c *http.Client, base string, u loadUser, forum int64) (answered bool) {
	var out struct {
		Status   string `json:"status"`
		Position int    `json:"position"`
	}
	status, err := apiCall(c, http.MethodPost, fmt.Sprintf("%s/api/v1/forums/%d/registration", base, forum), u.Token, nil, &out)
	l.record(status, err)
	if status != http.StatusOK {
		return err == nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	key := [2]int64{forum, u.ID}
	ack := regAck{Status: out.Status, Position: out.Position}
	if prev, ok := l.regs[key]; ok && prev != ack {
		l.failures = append(l.failures, fmt.Sprintf("forum %d user %d: registration answered %+v, earlier %+v", forum, u.ID, ack, prev))
	}
	if _, ok := l.regs[key]; !ok {
		l.regs[key] = ack
	}
	return true
}

// requestMeeting asks for a meeting in the offer's slot through base and
// records the answer.
func (l *ledger) requestMeeting(c *http.Client, base string, u loadUser, o meetingOffer) (answered bool) {
	lang := u.Langs[0]
	for _, x := range u.Langs {
		if slices.Contains(o.Langs, x) {
			lang = x
			break
		}
	}
	body := map[string]any{"exhibitor": o.Slug, "slot_id": o.SlotID, "message": "Reliability load", "language": lang}
	var out struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		SlotID int64  `json:"slot_id"`
	}
	status, err := apiCall(c, http.MethodPost, base+"/api/v1/meetings", u.Token, body, &out)
	l.record(status, err)
	if status != http.StatusCreated {
		return err == nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.meetings[out.ID]; ok {
		l.failures = append(l.failures, fmt.Sprintf("meeting id %d answered twice", out.ID))
	}
	l.meetings[out.ID] = meetAck{AttendeeID: u.ID, ExhibitorID: o.ExhibitorID, SlotID: o.SlotID, Status: out.Status}
	return true
}

func (l *ledger) record(status int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent++
	if err != nil {
		if l.mustAnswer != nil && l.mustAnswer() {
			l.failures = append(l.failures, "transport error before the signal: "+err.Error())
		}
		if len(l.errs) < 20 {
			l.errs = append(l.errs, err.Error())
		}
		return
	}
	l.answered++
	l.statuses[status]++
	if status < 300 {
		l.acks++
	}
	if status >= 500 {
		l.failures = append(l.failures, fmt.Sprintf("answer %d", status))
	}
}

// runLoad runs workers that register for the fixture's forums and request
// meetings, each request through one of bases at random, until stop is
// closed. It returns when every worker has finished its last request.
func runLoad(fx *loadFixture, l *ledger, bases []string, workers int, stop <-chan struct{}) {
	c := loadClient()
	defer c.CloseIdleConnections()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				u := fx.Users[rand.IntN(len(fx.Users))]
				base := bases[rand.IntN(len(bases))]
				var ok bool
				if rand.IntN(2) == 0 {
					ok = l.register(c, base, u, fx.Forums[rand.IntN(len(fx.Forums))])
				} else {
					ok = l.requestMeeting(c, base, u, fx.Offers[rand.IntN(len(fx.Offers))])
				}
				if !ok {
					time.Sleep(20 * time.Millisecond) // the server is down: do not spin
				}
			}
		}()
	}
	wg.Wait()
}

// checkFigures are what one verification looked at.
type checkFigures struct {
	Registrations, Meetings int // acknowledged rows found exactly once
	Forums, Slots           int // forums and (exhibitor, slot) pairs whose invariants were checked
}

// verifyStored reads the database at dsn directly and checks that every
// acknowledged registration and meeting is stored exactly once as it was
// answered, and that the invariants hold: forum seats exact (confirmed
// counter = confirmed rows ≤ capacity, a waitlist only when full, the
// acknowledged waitlist positions distinct and still true); no exhibitor
// over its tables in a slot (and its booked counter true), no attendee,
// table or interpreter twice in one slot, no slot with more meetings at
// tables than there are tables, accepted meetings at a table, request
// quotas true; on SQLite, integrity_check and foreign_key_check clean.
func verifyStored(t *testing.T, fx *loadFixture, dsn string, l *ledger) checkFigures {
	t.Helper()
	db := openSQL(t, dsn)
	defer db.Close()
	var fig checkFigures
	if !strings.HasPrefix(dsn, "postgres://") {
		var res string
		if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
			t.Errorf("integrity_check: %q (error %v), want ok", res, err)
		}
		rows, err := db.Query("PRAGMA foreign_key_check")
		if err != nil {
			t.Fatal(err)
		}
		if rows.Next() {
			t.Errorf("foreign_key_check reports violations")
		}
		rows.Close()
	}

	// Registrations.
	type reg struct {
		ID, Forum, User int64
		Status          string
	}
	var regs []reg
	rows, err := db.Query("SELECT id, forum_id, user_id, status FROM forum_registrations ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r reg
		if err := rows.Scan(&r.ID, &r.Forum, &r.User, &r.Status); err != nil {
			t.Fatal(err)
		}
		regs = append(regs, r)
	}
	rows.Close()
	type forumCount struct{ confirmed, waiting int }
	counts := map[int64]*forumCount{}
	position := map[int64]int{} // registration id → waitlist position
	byKey := map[[2]int64][]reg{}
	for _, r := range regs {
		fc := counts[r.Forum]
		if fc == nil {
			fc = &forumCount{}
			counts[r.Forum] = fc
		}
		if r.Status == "confirmed" {
			fc.confirmed++
		} else {
			fc.waiting++
			position[r.ID] = fc.waiting
		}
		byKey[[2]int64{r.Forum, r.User}] = append(byKey[[2]int64{r.Forum, r.User}], r)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	positions := map[[2]int64]int64{} // (forum, acknowledged position) → user
	for key, ack := range l.regs {
		got := byKey[key]
		if len(got) != 1 {
			t.Errorf("forum %d user %d: acknowledged %s, stored %d times", key[0], key[1], ack.Status, len(got))
			continue
		}
		if got[0].Status != ack.Status {
			t.Errorf("forum %d user %d: acknowledged %s, stored %s", key[0], key[1], ack.Status, got[0].Status)
		}
		if ack.Status == "waitlisted" {
			if p := position[got[0].ID]; p != ack.Position {
				t.Errorf("forum %d user %d: acknowledged waitlist position %d, now %d", key[0], key[1], ack.Position, p)
			}
			pk := [2]int64{key[0], int64(ack.Position)}
			if other, ok := positions[pk]; ok {
				t.Errorf("forum %d: users %d and %d both told waitlist position %d", key[0], other, key[1], ack.Position)
			}
			positions[pk] = key[1]
		}
		fig.Registrations++
	}
	rows, err = db.Query("SELECT id, capacity, confirmed FROM forums")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var capacity, confirmed int
		if err := rows.Scan(&id, &capacity, &confirmed); err != nil {
			t.Fatal(err)
		}
		fc := counts[id]
		if fc == nil {
			fc = &forumCount{}
		}
		if confirmed != fc.confirmed || confirmed > capacity {
			t.Errorf("forum %d: confirmed counter %d, confirmed rows %d, capacity %d", id, confirmed, fc.confirmed, capacity)
		}
		if fc.waiting > 0 && confirmed < capacity {
			t.Errorf("forum %d: %d waiting while %d of %d seats are taken", id, fc.waiting, confirmed, capacity)
		}
		fig.Forums++
	}
	rows.Close()
	// Meetings.
	type meeting struct {
		ID, Slot, Exhibitor, Attendee int64
		Status, Initiator             string
		Table, Interpreter            sql.NullInt64
	}
	var ms []meeting
	rows, err = db.Query("SELECT id, slot_id, exhibitor_id, attendee_id, status, initiator, table_id, interpreter_id FROM meetings")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var m meeting
		if err := rows.Scan(&m.ID, &m.Slot, &m.Exhibitor, &m.Attendee, &m.Status, &m.Initiator, &m.Table, &m.Interpreter); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	rows.Close()
	byID := map[int64]meeting{}
	newByTriple := map[[3]int64]int{}
	attendeeSlot := map[[2]int64]int{}
	tableSlot := map[[2]int64]int{}
	interpSlot := map[[2]int64]int{}
	atTables := map[int64]int{} // slot → open meetings at a table
	pending := map[int64]int{}  // attendee → pending requests they sent
	for _, m := range ms {
		byID[m.ID] = m
		if m.ID > fx.baseMeet {
			newByTriple[[3]int64{m.Attendee, m.Exhibitor, m.Slot}]++
		}
		if m.Status != "pending" && m.Status != "accepted" {
			continue
		}
		attendeeSlot[[2]int64{m.Attendee, m.Slot}]++
		if m.Table.Valid {
			tableSlot[[2]int64{m.Table.Int64, m.Slot}]++
			atTables[m.Slot]++
		} else if m.Status == "accepted" && m.ID > fx.baseMeet {
			t.Errorf("meeting %d: accepted without a table", m.ID)
		}
		if m.Interpreter.Valid {
			interpSlot[[2]int64{m.Interpreter.Int64, m.Slot}]++
		}
		if m.Status == "pending" && m.Initiator == "attendee" {
			pending[m.Attendee]++
		}
	}
	for id, ack := range l.meetings {
		m, ok := byID[id]
		switch {
		case !ok:
			t.Errorf("meeting %d: acknowledged (%s), not stored", id, ack.Status)
			continue
		case m.Attendee != ack.AttendeeID || m.Exhibitor != ack.ExhibitorID || m.Slot != ack.SlotID || m.Status != ack.Status:
			t.Errorf("meeting %d: acknowledged %+v, stored %+v", id, ack, m)
		}
		if n := newByTriple[[3]int64{ack.AttendeeID, ack.ExhibitorID, ack.SlotID}]; n != 1 {
			t.Errorf("meeting %d: attendee %d, exhibitor %d, slot %d stored %d times", id, ack.AttendeeID, ack.ExhibitorID, ack.SlotID, n)
		}
		fig.Meetings++
	}
	for k, n := range attendeeSlot {
		if n > 1 {
			t.Errorf("attendee %d has %d open meetings in slot %d", k[0], n, k[1])
		}
	}
	for k, n := range tableSlot {
		if n > 1 {
			t.Errorf("table %d holds %d meetings in slot %d", k[0], n, k[1])
		}
	}
	for k, n := range interpSlot {
		if n > 1 {
			t.Errorf("interpreter %d has %d meetings in slot %d", k[0], n, k[1])
		}
	}
	var tables int
	if err := db.QueryRow("SELECT COUNT(*) FROM meeting_tables").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	for slot, n := range atTables {
		if n > tables {
			t.Errorf("slot %d: %d meetings at tables, the area has %d", slot, n, tables)
		}
	}
	// Per exhibitor and slot (tens of thousands of rows): the database
	// compares and returns only the rows that break the rule.
	rows, err = db.Query(`SELECT x.exhibitor_id, x.slot_id, x.booked, x.open, x.meeting_tables FROM (
			SELECT a.exhibitor_id, a.slot_id, a.booked, e.meeting_tables,
				(SELECT COUNT(*) FROM meetings m WHERE m.exhibitor_id = a.exhibitor_id AND m.slot_id = a.slot_id
					AND m.status IN ('pending', 'accepted')) AS open
			FROM exhibitor_availability a JOIN exhibitors e ON e.id = a.exhibitor_id) x
		WHERE x.booked <> x.open OR x.open > x.meeting_tables`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ex, slot int64
		var booked, open, capacity int
		if err := rows.Scan(&ex, &slot, &booked, &open, &capacity); err != nil {
			t.Fatal(err)
		}
		t.Errorf("exhibitor %d slot %d: booked counter %d, open meetings %d, tables %d", ex, slot, booked, open, capacity)
	}
	rows.Close()
	if err := db.QueryRow("SELECT COUNT(*) FROM exhibitor_availability").Scan(&fig.Slots); err != nil {
		t.Fatal(err)
	}
	rows, err = db.Query(`SELECT m.exhibitor_id, m.slot_id FROM meetings m WHERE m.status IN ('pending', 'accepted') AND NOT EXISTS
		(SELECT 1 FROM exhibitor_availability a WHERE a.exhibitor_id = m.exhibitor_id AND a.slot_id = m.slot_id)`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ex, slot int64
		if err := rows.Scan(&ex, &slot); err != nil {
			t.Fatal(err)
		}
		t.Errorf("exhibitor %d has an open meeting in slot %d it does not offer", ex, slot)
	}
	rows.Close()
	for _, u := range fx.Users {
		var quota int
		err := db.QueryRow(fmt.Sprintf("SELECT open_requests FROM matchmaking_quota WHERE user_id = %d", u.ID)).Scan(&quota)
		if err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		if quota != pending[u.ID] {
			t.Errorf("attendee %d: request quota counter %d, pending requests %d", u.ID, quota, pending[u.ID])
		}
	}
	return fig
}

// summary is the one-line account of the load that the FIGURES lines and
// RELIABILITY.md quote.
func (l *ledger) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	codes := make([]int, 0, len(l.statuses))
	for c := range l.statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", l.statuses[c], c))
	}
	return fmt.Sprintf("%d requests sent, %d answered (%s), %d acknowledged (%d registrations, %d meetings), %d transport errors",
		l.sent, l.answered, strings.Join(parts, " "), l.acks, len(l.regs), len(l.meetings), l.sent-l.answered)
}

func (l *ledger) checkNoFailures(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.failures {
		t.Errorf("load: %s", f)
	}
}

// crashRounds runs rounds of: start the server on dsn, load it, SIGKILL it
// mid-load, restart it on the same database and verify every acknowledged
// request. It returns the ledger and the last check's figures.
func crashRounds(t *testing.T, fx *loadFixture, rounds int) (*ledger, checkFigures) {
	l := newLedger()
	var fig checkFigures
	ch := startChild(t, fx.DSN)
	for round := 1; round <= rounds; round++ {
		stop := make(chan struct{})
		done := make(chan struct{})
		// Fresh forums and slots each round, so each round's writes are new.
		target := *fx
		target.Forums, target.Offers = fx.ForumGroups[round-1], fx.OfferGroups[round-1]
		go func() {
			runLoad(&target, l, []string{ch.URL}, 12, stop)
			close(done)
		}()
		// Kill while requests are in flight: the load keeps going through
		// the kill and stops only afterwards.
		time.Sleep(time.Duration(400+rand.IntN(800)) * time.Millisecond)
		ch.kill()
		close(stop)
		<-done
		if ch.cmd.ProcessState.ExitCode() != -1 {
			t.Fatalf("round %d: child exited with %d before the kill", round, ch.cmd.ProcessState.ExitCode())
		}
		t0 := time.Now()
		ch = startChild(t, fx.DSN)
		t1 := time.Now()
		fig = verifyStored(t, fx, fx.DSN, l)
		t.Logf("restart %s, verify %s", t1.Sub(t0), time.Since(t1))
		t.Logf("round %d: %s; verified %d registrations and %d meetings exactly once", round, l.summary(), fig.Registrations, fig.Meetings)
		if t.Failed() {
			break
		}
	}
	l.checkNoFailures(t)
	code, took := ch.terminate()
	if code != 0 {
		t.Errorf("final SIGTERM: exit code %d after %s, want 0", code, took)
	}
	return l, fig
}

// TestCrashSafety kills the server with SIGKILL in the middle of concurrent
// forum registrations and meeting requests, restarts it on the same
// database, and checks that every acknowledged request is stored exactly
// once and every invariant holds: five rounds on SQLite, one on PostgreSQL.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("fault tests start child servers; skipped with -short")
	}
	t.Run("sqlite", func(t *testing.T) {
		t0 := time.Now()
		fx := sqliteFixture(t)
		t.Logf("fixture %s", time.Since(t0))
		l, fig := crashRounds(t, fx, 5)
		if len(l.regs) == 0 || len(l.meetings) == 0 {
			t.Errorf("the load acknowledged %d registrations and %d meetings; want some of each", len(l.regs), len(l.meetings))
		}
		t.Logf("FIGURES crash sqlite: 5 rounds survived; %s; %d forums and %d exhibitor slots checked", l.summary(), fig.Forums, fig.Slots)
	})
	t.Run("postgres", func(t *testing.T) {
		fx := prepareFixture(t, postgresDB(t), 40, 1)
		l, fig := crashRounds(t, fx, 1)
		if len(l.regs) == 0 || len(l.meetings) == 0 {
			t.Errorf("the load acknowledged %d registrations and %d meetings; want some of each", len(l.regs), len(l.meetings))
		}
		t.Logf("FIGURES crash postgres: 1 round survived; %s; %d forums and %d exhibitor slots checked", l.summary(), fig.Forums, fig.Slots)
	})
}

// TestUnavailableErrors pins which database errors the app answers with
// 503 (try again) instead of 500: lost or refused connections and a
// database that is shutting down, starting or still locked — not wrong
// requests, constraint violations or missing rows.
func TestUnavailableErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", fmt.Errorf("list forums: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), true},
		{"connection lost mid-answer", fmt.Errorf("read expo: %w", io.ErrUnexpectedEOF), true},
		{"bad pooled connection", driver.ErrBadConn, true},
		{"PostgreSQL shutting down (57P01)", &pgconn.PgError{Code: "57P01"}, true},
		{"PostgreSQL starting up (57P03)", &pgconn.PgError{Code: "57P03"}, true},
		{"too many connections (53300)", &pgconn.PgError{Code: "53300"}, true},
		{"SQLite still locked after the busy timeout", sqlite3.Error{Code: sqlite3.ErrBusy}, true},
		{"unique violation (23505)", &pgconn.PgError{Code: "23505"}, false},
		{"SQLite constraint", sqlite3.Error{Code: sqlite3.ErrConstraint}, false},
		{"duplicate key", gorm.ErrDuplicatedKey, false},
		{"no row", gorm.ErrRecordNotFound, false},
		{"domain error", expo.ErrNotFound, false},
		{"nil", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := store.Unavailable(tc.err); got != tc.want {
				t.Errorf("store.Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
