package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
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
	// attendeeTokens[i] is the API token of Attendees[i].
	attendeeTokens []string
	// exhibitorTokens[i] is the API token of Popular[i]'s account.
	exhibitorTokens []string
	// sessions are the session cookies of logged-in attendees.
	sessions []string
	// raceForums are the forums the registration scenario races for: the
	// smallest ones, whose seats run out first.
	raceForums []int64
	pending    pendingQueue
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
// (timed), then gives API tokens to attendees and popular exhibitors.
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
	if fx.BenchFixtures, err = st.LoadBenchFixtures(ctx, o.tokens, popularExhibitors); err != nil {
		return nil, err
	}
	if len(fx.Slugs) == 0 || len(fx.Halls) == 0 || len(fx.Days) == 0 || len(fx.Forums) == 0 || len(fx.Attendees) == 0 || len(fx.Popular) == 0 {
		return nil, errors.New("the generated demo lacks exhibitors, halls, days, forums, attendees or exhibitor accounts")
	}
	for _, a := range fx.Attendees {
		tok, _, err := st.CreateToken(ctx, a.ID, "expobench")
		if err != nil {
			return nil, err
		}
		fx.attendeeTokens = append(fx.attendeeTokens, tok)
	}
	for i, p := range fx.Popular {
		tok, _, err := st.CreateToken(ctx, p.UserID, "expobench")
		if err != nil {
			return nil, err
		}
		fx.exhibitorTokens = append(fx.exhibitorTokens, tok)
		for _, id := range p.Pending {
			fx.pending.push(pendingMeeting{id: id, exhibitor: i})
		}
	}
	for _, f := range fx.Forums[:min(6, len(fx.Forums))] {
		fx.raceForums = append(fx.raceForums, f.ID)
	}
	return fx, nil
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
