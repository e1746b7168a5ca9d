package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// inFlight is a request written in two halves on its own connection: the
// first half before SIGTERM (so the server holds it), the rest after.
type inFlight struct {
	name   string
	conn   net.Conn
	second string
	meet   *meetAck // set for meeting requests, to record a 201
}

func openInFlight(t *testing.T, base, name, first, second string) *inFlight {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, first); err != nil {
		t.Fatalf("%s: write first half: %v", name, err)
	}
	return &inFlight{name: name, conn: conn, second: second}
}

// finish writes the rest of the request and reads the whole answer.
func (f *inFlight) finish() (*http.Response, []byte, error) {
	_ = f.conn.SetDeadline(time.Now().Add(15 * time.Second))
	if _, err := io.WriteString(f.conn, f.second); err != nil {
		return nil, nil, fmt.Errorf("write second half: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(f.conn), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("read answer: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, nil, fmt.Errorf("read body: %w", err)
	}
	return resp, body, nil
}

// TestGracefulShutdown sends SIGTERM while load runs and requests are in
// flight (their headers received, the body half sent): every in-flight request
// gets its complete answer, no answer is a 5xx, no request sent before the
// signal fails, every acknowledged write is stored, and the process exits
// 0 within 10 s.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("fault tests start child servers; skipped with -short")
	}
	fx := sqliteFixture(t)
	ch := startChild(t, fx.DSN)
	l := newLedger()
	// Background load: API writes plus page reads through the session
	// middleware, each request timed against the signal.
	var sigMu sync.Mutex
	var sigAt time.Time
	signalled := func(at time.Time) bool {
		sigMu.Lock()
		defer sigMu.Unlock()
		return !sigAt.IsZero() && !at.Before(sigAt)
	}
	// A transport error of the API load is a failure unless it ended
	// after the signal (the server had stopped taking requests).
	l.mustAnswer = func() bool { return !signalled(time.Now()) }
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		runLoad(fx, l, []string{ch.URL}, 6, stop)
	}()
	var pages struct {
		sync.Mutex
		ok, refused int
		bad         []string
	}
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := loadClient()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path := []string{"/forums", "/exhibitors", "/", "/floorplan"}[i%4]
				resp, err := c.Get(ch.URL + path)
				var status int
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
				}
				ended := time.Now()
				pages.Lock()
				switch {
				case err != nil && signalled(ended):
					pages.refused++ // the server had stopped taking requests
					time.Sleep(20 * time.Millisecond)
				case err != nil:
					pages.bad = append(pages.bad, fmt.Sprintf("GET %s before SIGTERM: %v", path, err))
				case status >= 500:
					pages.bad = append(pages.bad, fmt.Sprintf("GET %s: %d", path, status))
				default:
					pages.ok++
				}
				pages.Unlock()
			}
		}()
	}

	time.Sleep(700 * time.Millisecond)
	var flights []*inFlight
	host, _ := url.Parse(ch.URL)
	for i := 0; i < 4; i++ {
		u := fx.Users[i]
		o := fx.Offers[len(fx.Offers)-1-i]
		lang := u.Langs[0]
		for _, x := range u.Langs {
			if strings.Contains(","+strings.Join(o.Langs, ",")+",", ","+x+",") {
				lang = x
				break
			}
		}
		body, _ := json.Marshal(map[string]any{"exhibitor": o.Slug, "slot_id": o.SlotID, "message": "In flight at SIGTERM", "language": lang})
		head := fmt.Sprintf("POST /api/v1/meetings HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
			host.Host, u.Token, len(body))
		half := len(body) / 2
		f := openInFlight(t, ch.URL, "POST /api/v1/meetings (body half sent)", head+string(body[:half]), string(body[half:]))
		f.meet = &meetAck{AttendeeID: u.ID, ExhibitorID: o.ExhibitorID, SlotID: o.SlotID}
		flights = append(flights, f)
	}
	// Two log-ins through the page form (session and CSRF middleware), the
	// form body half sent.
	for i := 0; i < 2; i++ {
		b := newBrowser(t, ch.URL)
		login := b.get("/login")
		token, _ := login.Doc.Find(`form[action="/login"] input[name="_csrf"]`).Attr("value")
		if token == "" {
			t.Fatalf("GET /login: no _csrf token in the form")
		}
		var cookies []string
		for _, ck := range b.c.Jar.Cookies(login.URL) {
			cookies = append(cookies, ck.Name+"="+ck.Value)
		}
		form := url.Values{"_csrf": {token}, "email": {fmt.Sprintf("attendee%d@demo.expo", i+1)}, "password": {"expo-demo"}}.Encode()
		head := fmt.Sprintf("POST /login HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nOrigin: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n",
			host.Host, strings.Join(cookies, "; "), ch.URL, len(form))
		half := len(form) / 2
		flights = append(flights, openInFlight(t, ch.URL, "POST /login (form half sent)", head+form[:half], form[half:]))
	}
	// Let the server read the first halves, then signal.
	time.Sleep(300 * time.Millisecond)
	sigMu.Lock()
	sigAt = time.Now()
	sigMu.Unlock()
	exited := make(chan struct {
		code int
		took time.Duration
	}, 1)
	go func() {
		code, took := ch.terminate()
		exited <- struct {
			code int
			took time.Duration
		}{code, took}
	}()
	time.Sleep(300 * time.Millisecond)
	select {
	case <-ch.done:
		t.Fatalf("the server exited before its in-flight requests finished")
	default:
	}
	finished := 0
	var answers []string
	for _, f := range flights {
		resp, body, err := f.finish()
		if err != nil {
			t.Errorf("%s: in flight at SIGTERM: %v", f.name, err)
			continue
		}
		if resp.StatusCode >= 500 {
			t.Errorf("%s: in flight at SIGTERM: status %d: %s", f.name, resp.StatusCode, body)
			continue
		}
		finished++
		answers = append(answers, fmt.Sprintf("%s → %d", f.name, resp.StatusCode))
		if f.meet == nil && resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: status %d, want 303 (logged in)", f.name, resp.StatusCode)
		}
		if f.meet != nil && resp.StatusCode == http.StatusCreated {
			var out struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			}
			if err := json.Unmarshal(body, &out); err != nil {
				t.Errorf("%s: %v", f.name, err)
				continue
			}
			ack := *f.meet
			ack.Status = out.Status
			l.mu.Lock()
			l.meetings[out.ID] = ack
			l.mu.Unlock()
		}
	}
	ex := <-exited
	close(stop)
	wg.Wait()
	if ex.code != 0 {
		t.Errorf("exit code after SIGTERM %d, want 0", ex.code)
	}
	if ex.took > 10*time.Second {
		t.Errorf("exit took %s after SIGTERM, want at most 10s", ex.took)
	}
	if !strings.Contains(ch.stderr.String(), "shutting down") {
		t.Errorf("the server did not log %q", "shutting down")
	}
	l.checkNoFailures(t)
	pages.Lock()
	for _, b := range pages.bad {
		t.Error(b)
	}
	pagesOK, pagesRefused := pages.ok, pages.refused
	pages.Unlock()
	fig := verifyStored(t, fx, fx.DSN, l)
	t.Logf("in-flight answers: %s", strings.Join(answers, "; "))
	t.Logf("FIGURES graceful: %d of %d in-flight requests answered in full after SIGTERM; exit code %d after %s; API load %s; %d page reads ok, %d refused after the signal; %d acknowledged registrations and %d meetings verified",
		finished, len(flights), ex.code, ex.took.Round(time.Millisecond), l.summary(), pagesOK, pagesRefused, fig.Registrations, fig.Meetings)
}
