package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"expo/internal/store"
)

// demoPassword is the password of the generated accounts.
const demoPassword = "expo-demo"

// popularExhibitors is how many exhibitors with an account the meeting
// scenarios race for: all those of store.ExpoScale.
var popularExhibitors = store.ExpoScale.Exhibitors

// fixtures are the generated expo as the scenarios see it.
type fixtures struct {
	store.BenchFixtures
	counts   store.DemoCounts
	generate time.Duration
	// attendeeTokens[i] is the API token of Attendees[i] (every attendee).
	attendeeTokens []string
	// forumTokens are the tokens of the first --tokens attendees, those
	// forum-register uses.
	forumTokens []string
	// exhibitorTokens[i] is the API token of Popular[i]'s account.
	exhibitorTokens []string
	// sessions are the session cookies of logged-in attendees.
	sessions []string
	// raceForums are the forums the registration scenario races for: the
	// smallest ones, whose seats run out first.
	raceForums []int64
	pending    pendingQueue
	// supply is the accept-decline scenario's set-up: the pending requests
	// created for it before the scenarios run.
	supply supplyInfo
	// answers counts what the accept-decline scenario's answers got.
	answers answerCounter
}

// supplyRate is the answers a second accept-decline is supplied for: a
// little above the rates seen (7–8k a second on 2 cores).
const supplyRate = 8000

// exhibitorTables is the meeting tables set-up gives each exhibitor with an
// account: the most SetExhibitorMeetingSettings allows.
const exhibitorTables = 20

// supplyInfo describes the write scenarios' set-up: the tokens, the
// matchmaking area and the pending requests created for accept-decline.
type supplyInfo struct {
	Tokens       int     `json:"attendee_tokens"`    // attendees with an API token
	TokenSeconds float64 `json:"token_seconds"`      // time to create them
	Tables       int     `json:"negotiation_tables"` // the area's tables after set-up
	AreaSeconds  float64 `json:"area_seconds"`       // time to set the tables and the exhibitors' settings
	Wanted       int     `json:"wanted"`             // asked for: 8,000 a second of a scenario
	Created      int     `json:"created"`            // created (capped by the data)
	Capacity     int     `json:"capacity"`           // places the data allowed
	FreeTables   int     `json:"free_tables"`        // (table, slot) pairs free in their slots: at most that many accepts
	Demo         int     `json:"demo_pending"`       // pending requests of the demo, answered too
	Seconds      float64 `json:"seconds"`            // time to create the pending requests
	SetupSeconds float64 `json:"setup_seconds"`      // the whole set-up, not part of any scenario
}

// answerCounter counts the answers of the accept-decline scenario.
type answerCounter struct {
	start                      time.Time
	queued                     int
	accepted, declined         atomic.Int64
	refusedAccept, refusedDecl atomic.Int64
	dryAt                      atomic.Int64 // nanoseconds after start when the queue ran dry; 0 while not
}

// answers is what an answering scenario did, for the report.
type answers struct {
	Queued   int `json:"queued"`   // pending requests waiting when the scenario started
	Accepted int `json:"accepted"` // 2xx to an accept
	Declined int `json:"declined"` // 2xx to a decline
	// Refused are answers refused with 3xx/4xx: accepts mostly for no
	// table free in the slot (accepts are bounded by the free tables).
	Refused         int `json:"refused"`
	RefusedAccepts  int `json:"refused_accepts"`
	RefusedDeclines int `json:"refused_declines"`
	// DryAfterSeconds is when the queue ran dry (0: it did not); the
	// connections stop then, so the scenario measures answers only.
	DryAfterSeconds float64 `json:"dry_after_seconds"`
}

// pendingQueue holds meetings waiting for their exhibitor's answer: those
// of the demo and those the request scenario creates.
type pendingQueue struct {
	mu    sync.Mutex
	items []pendingMeeting
}

type pendingMeeting struct {
	id        int64
	exhibitor int // index in Popular
}

func (q *pendingQueue) push(m pendingMeeting) {
	q.mu.Lock()
	q.items = append(q.items, m)
	q.mu.Unlock()
}

func (q *pendingQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

func (q *pendingQueue) pop() (pendingMeeting, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return pendingMeeting{}, false
	}
	m := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return m, true
}

// generate builds the expo-scale database at path with the demo generator
// (timed), then sets up the write scenarios (see setUp).
func generate(ctx context.Context, path string, o options) (*fixtures, error) {
	// The demo accounts share one hash; the minimum bcrypt cost keeps the
	// benchmark's own logins cheap, so they do not distort the run.
	st, err := store.Open(ctx, path, store.Options{BcryptCost: bcrypt.MinCost})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, err
	}
	size := store.ExpoScale
	size.Attendees, size.Meetings = o.attendees, o.meetings
	t0 := time.Now()
	if _, err := st.LoadDemo(ctx, demoPassword, size, loc); err != nil {
		return nil, err
	}
	fx := &fixtures{generate: time.Since(t0)}
	if fx.counts, err = st.DemoCounts(ctx); err != nil {
		return nil, err
	}
	// Every attendee: all of them send meeting requests.
	if fx.BenchFixtures, err = st.LoadBenchFixtures(ctx, math.MaxInt32, popularExhibitors); err != nil {
		return nil, err
	}
	if len(fx.Slugs) == 0 || len(fx.Halls) == 0 || len(fx.Days) == 0 || len(fx.Forums) == 0 || len(fx.Attendees) == 0 || len(fx.Popular) == 0 {
		return nil, errors.New("the generated demo lacks exhibitors, halls, days, forums, attendees or exhibitor accounts")
	}
	t0 = time.Now()
	if err := fx.setUp(ctx, st, o); err != nil {
		return nil, err
	}
	fx.supply.SetupSeconds = time.Since(t0).Seconds()
	for _, f := range fx.Forums[:min(6, len(fx.Forums))] {
		fx.raceForums = append(fx.raceForums, f.ID)
	}
	return fx, nil
}

// setUp prepares the write scenarios through the store, before the server
// starts (no scenario times it):
//
//   - API tokens: the first --tokens attendees get theirs through
//     CreateToken (forum-register uses those), every other attendee one
//     from the bulk BenchTokens, so meeting-request spreads its requests
//     over all attendees and none exceeds the server's per-user meeting
//     rate limit (a burst of 30); the exhibitors with an account get one
//     each;
//   - the matchmaking area an organizer and the exhibitors would set for a
//     busy expo: store.MaxMeetingTables negotiation tables (SetTables keeps
//     tables 1..n and their meetings, it only adds the others) and 20
//     meeting tables for each exhibitor with an account (its auto-accept
//     kept);
//   - the pending requests accept-decline answers: enough to last its
//     duration at supplyRate answers a second, as far as the data allows.
func (fx *fixtures) setUp(ctx context.Context, st *store.Store, o options) error {
	t0 := time.Now()
	forum := fx.Attendees[:min(o.tokens, len(fx.Attendees))]
	for _, a := range forum {
		tok, _, err := st.CreateToken(ctx, a.ID, "expobench")
		if err != nil {
			return err
		}
		fx.attendeeTokens = append(fx.attendeeTokens, tok)
	}
	var rest []int64
	for _, a := range fx.Attendees[len(forum):] {
		rest = append(rest, a.ID)
	}
	toks, err := st.BenchTokens(ctx, rest, "expobench")
	if err != nil {
		return err
	}
	fx.attendeeTokens = append(fx.attendeeTokens, toks...)
	fx.forumTokens = fx.attendeeTokens[:len(forum)]
	fx.supply.Tokens = len(fx.attendeeTokens)
	fx.supply.TokenSeconds = time.Since(t0).Seconds()

	t0 = time.Now()
	_, area, err := st.TableCount(ctx)
	if err != nil {
		return err
	}
	if area == "" {
		area = "Negotiation area"
	}
	if err := st.SetTables(ctx, store.MaxMeetingTables, area); err != nil {
		return fmt.Errorf("set %d negotiation tables: %w", store.MaxMeetingTables, err)
	}
	if fx.supply.Tables, _, err = st.TableCount(ctx); err != nil {
		return err
	}
	index := map[int64]int{}
	var exhibitorIDs []int64
	for i, p := range fx.Popular {
		set, err := st.ExhibitorMeetingSettings(ctx, p.ID)
		if err != nil {
			return err
		}
		set.Tables = exhibitorTables
		if err := st.SetExhibitorMeetingSettings(ctx, p.ID, set); err != nil {
			return fmt.Errorf("set the meeting tables of exhibitor %d: %w", p.ID, err)
		}
		tok, _, err := st.CreateToken(ctx, p.UserID, "expobench")
		if err != nil {
			return err
		}
		fx.exhibitorTokens = append(fx.exhibitorTokens, tok)
		for _, id := range p.Pending {
			fx.pending.push(pendingMeeting{id: id, exhibitor: i})
		}
		fx.supply.Demo += len(p.Pending)
		index[p.ID] = i
		exhibitorIDs = append(exhibitorIDs, p.ID)
	}
	fx.supply.AreaSeconds = time.Since(t0).Seconds()

	// The requests accept-decline answers, to the exhibitors with a token.
	// Pushed best last: the queue pops from its end.
	fx.supply.Wanted = int(math.Ceil(o.duration.Seconds() * supplyRate))
	t0 = time.Now()
	sup, err := st.BenchPendingRequests(ctx, exhibitorIDs, nil, fx.supply.Wanted)
	if err != nil {
		return err
	}
	fx.supply.Seconds = time.Since(t0).Seconds()
	fx.supply.Created, fx.supply.Capacity, fx.supply.FreeTables = len(sup.Requests), sup.Capacity, sup.FreeTables
	for i := len(sup.Requests) - 1; i >= 0; i-- {
		r := sup.Requests[i]
		ei, ok := index[r.ExhibitorID]
		if !ok {
			return fmt.Errorf("supplied request %d to exhibitor %d, who has no token", r.ID, r.ExhibitorID)
		}
		fx.pending.push(pendingMeeting{id: r.ID, exhibitor: ei})
	}
	return nil
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// logIn logs n attendees in through the real login form (fetch it for its
// anti-forgery token and cookie, then post it) and keeps their session
// cookies for the logged-in scenarios.
func (fx *fixtures) logIn(ctx context.Context, lg *loadGen, n int) error {
	for _, a := range fx.Attendees[:min(n, len(fx.Attendees))] {
		cookie, err := logInOne(ctx, lg.client, lg.base, a.Email)
		if err != nil {
			return fmt.Errorf("log in %s: %w", a.Email, err)
		}
		fx.sessions = append(fx.sessions, cookie)
	}
	return nil
}

func logInOne(ctx context.Context, hc *http.Client, base, email string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login", nil)
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfInput.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		return "", fmt.Errorf("GET /login: status %d, no form token", resp.StatusCode)
	}
	var cookies []string
	for _, c := range resp.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	form := url.Values{"_csrf": {string(m[1])}, "email": {email}, "password": {demoPassword}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", strings.Join(cookies, "; "))
	resp, err = hc.Do(req)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("POST /login: status %d, want 303", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "expo_session" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", errors.New("POST /login set no session cookie")
}

// checkInvariants opens the database after the server stopped and lists
// every broken rule.
func checkInvariants(ctx context.Context, path string) ([]string, error) {
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.CheckInvariants(ctx)
}
