package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"expo/internal/expo"
)

type kind string

const (
	kindLimit kind = "limit"
	kindRead  kind = "read"
	kindWrite kind = "write"
)

// The limits the scenarios are compared with.
const (
	limitPage   = "limit-page"
	limitInsert = "limit-insert"
)

// scenario builds the requests of one load pattern. next returns a request
// and, when the scenario needs the answer, a check of its status and body.
type scenario struct {
	name        string
	kind        kind
	limit       string
	targetRatio float64
	targetP99   time.Duration
	// next returns nil when the connection has nothing left to send; it
	// then stops (the load generator's other connections go on).
	next func(w *worker) (*http.Request, func(status int, body []byte) error)
	// begin, when set, runs just before the scenario's timed window, and
	// end after it, adding the scenario's own counts to its result.
	begin func()
	end   func(r *result)
}

func get(w *worker, path string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, w.lg.base+path, nil)
	return req
}

func apiCall(w *worker, method, path, token string, body any) *http.Request {
	var r *strings.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	} else {
		r = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, w.lg.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// directoryKeywords are searches visitors type: both spellings of demo
// names, sector words, and words that find nothing.
var directoryKeywords = []string{"energy", "medical", "trade", "pharma", "logistics", "materials", "agri", "invest",
	"长春", "한빛", "Яндекс", "札幌", "group", "tech", "korea", "digital", "zzzz", "new energy"}

var directoryCountries = []string{"CN", "KR", "RU", "JP", "MN", "DE"}

// scenarios lists the limits, then the reads, then the writes. pageSize
// is the size of the directory page, which the fixed page copies.
func scenarios(fx *fixtures, pageSize int) []scenario {
	const readRatio, writeRatio = 0.25, 0.5
	const readP99, writeP99 = 50 * time.Millisecond, 100 * time.Millisecond
	pick := func(w *worker, xs []string) string { return xs[w.rng.IntN(len(xs))] }
	read := func(name string, next func(w *worker) (*http.Request, func(int, []byte) error)) scenario {
		return scenario{name: name, kind: kindRead, limit: limitPage, targetRatio: readRatio, targetP99: readP99, next: next}
	}
	write := func(name string, next func(w *worker) (*http.Request, func(int, []byte) error)) scenario {
		return scenario{name: name, kind: kindWrite, limit: limitInsert, targetRatio: writeRatio, targetP99: writeP99, next: next}
	}
	pagePath := "/bench/page?bytes=" + strconv.Itoa(pageSize)
	return []scenario{
		{name: limitPage, kind: kindLimit, next: func(w *worker) (*http.Request, func(int, []byte) error) {
			return get(w, pagePath), nil
		}},
		{name: limitInsert, kind: kindLimit, next: func(w *worker) (*http.Request, func(int, []byte) error) {
			req, _ := http.NewRequest(http.MethodPost, w.lg.base+"/api/bench/insert", nil)
			return req, nil
		}},

		read("directory", func(w *worker) (*http.Request, func(int, []byte) error) {
			q := url.Values{}
			pages := 44 // 1,060 exhibitors, 24 a page
			if w.rng.IntN(2) == 0 {
				q.Set("q", pick(w, directoryKeywords))
				pages = 3
			}
			if w.rng.IntN(3) == 0 {
				q.Set("country", pick(w, directoryCountries))
				pages = 3
			}
			if w.rng.IntN(3) == 0 {
				q.Set("sector", pick(w, expo.SectorCodes))
				pages = 3
			}
			if w.rng.IntN(4) == 0 {
				q.Set("hall", pick(w, fx.Halls))
			}
			if w.rng.IntN(5) == 0 {
				q.Set("sort", "booth")
			}
			q.Set("page", strconv.Itoa(1+w.rng.IntN(pages)))
			return get(w, "/exhibitors?"+q.Encode()), nil
		}),
		read("profile", func(w *worker) (*http.Request, func(int, []byte) error) {
			return get(w, "/exhibitors/"+pick(w, fx.Slugs)), nil
		}),
		read("timetable", func(w *worker) (*http.Request, func(int, []byte) error) {
			return get(w, "/forums?day="+pick(w, fx.Days)), nil
		}),
		read("floorplan-svg", func(w *worker) (*http.Request, func(int, []byte) error) {
			return get(w, "/floorplan/"+pick(w, fx.Halls)+".svg"), nil
		}),
		read("agenda", func(w *worker) (*http.Request, func(int, []byte) error) {
			req := get(w, "/my/agenda")
			req.Header.Set("Cookie", fx.sessions[w.id%len(fx.sessions)])
			return req, func(status int, _ []byte) error {
				if status != http.StatusOK {
					return fmt.Errorf("GET /my/agenda: status %d, want 200 (logged in)", status)
				}
				return nil
			}
		}),
		read("api-exhibitors", func(w *worker) (*http.Request, func(int, []byte) error) {
			if w.rng.IntN(2) == 0 {
				return get(w, "/api/v1/exhibitors/"+pick(w, fx.Slugs)), nil
			}
			q := url.Values{"page": {strconv.Itoa(1 + w.rng.IntN(20))}}
			if w.rng.IntN(2) == 0 {
				q.Set("q", pick(w, directoryKeywords))
				q.Set("page", "1")
			}
			return get(w, "/api/v1/exhibitors?"+q.Encode()), nil
		}),

		// Forum sign-up racing for the last seats of the smallest forums by
		// the first --tokens attendees; one request in four cancels, which
		// moves the waitlist up.
		write("forum-register", func(w *worker) (*http.Request, func(int, []byte) error) {
			tok := fx.forumTokens[w.rng.IntN(len(fx.forumTokens))]
			path := fmt.Sprintf("/api/v1/forums/%d/registration", fx.raceForums[w.rng.IntN(len(fx.raceForums))])
			if w.rng.IntN(4) == 0 {
				return apiCall(w, http.MethodDelete, path, tok, nil), nil
			}
			return apiCall(w, http.MethodPost, path, tok, nil), nil
		}),
		// Meeting requests racing for the slots of the exhibitors with an
		// account (the first of them are available in every slot); the
		// created meetings are answered by the next scenario.
		write("meeting-request", func(w *worker) (*http.Request, func(int, []byte) error) {
			return meetingRequest(w, fx)
		}),
		acceptDecline(fx, write),
	}
}

// acceptDecline is exhibitors answering pending requests: two in three
// accepted (which takes a table), the rest declined. The requests are
// those of the demo, those created for it before the scenarios
// (fixtures.supply) and those the meeting-request scenario created. Every
// request is an answer: when none is waiting, the connection stops, so the
// scenario's rate is answers only, over the time the queue lasted; its
// result counts what the answers got.
func acceptDecline(fx *fixtures, write func(string, func(*worker) (*http.Request, func(int, []byte) error)) scenario) scenario {
	a := &fx.answers
	count := func(ok, refused *atomic.Int64) func(int, []byte) error {
		return func(status int, _ []byte) error {
			switch {
			case status >= 200 && status < 300:
				ok.Add(1)
			case status < 500:
				refused.Add(1)
			}
			return nil
		}
	}
	sc := write("accept-decline", func(w *worker) (*http.Request, func(int, []byte) error) {
		m, ok := fx.pending.pop()
		if !ok {
			a.dryAt.CompareAndSwap(0, int64(max(1, time.Since(a.start))))
			return nil, nil
		}
		tok := fx.exhibitorTokens[m.exhibitor]
		if w.rng.IntN(3) == 0 {
			return apiCall(w, http.MethodPost, fmt.Sprintf("/api/v1/meetings/%d/decline", m.id), tok, map[string]string{"reason": "Fully booked"}),
				count(&a.declined, &a.refusedDecl)
		}
		return apiCall(w, http.MethodPost, fmt.Sprintf("/api/v1/meetings/%d/accept", m.id), tok, nil), count(&a.accepted, &a.refusedAccept)
	})
	sc.begin = func() {
		a.start, a.queued = time.Now(), fx.pending.len()
		a.accepted.Store(0)
		a.declined.Store(0)
		a.refusedAccept.Store(0)
		a.refusedDecl.Store(0)
		a.dryAt.Store(0)
	}
	sc.end = func(r *result) {
		r.Answers = &answers{Queued: a.queued, Accepted: int(a.accepted.Load()), Declined: int(a.declined.Load()),
			RefusedAccepts: int(a.refusedAccept.Load()), RefusedDeclines: int(a.refusedDecl.Load()), DryAfterSeconds: time.Duration(a.dryAt.Load()).Seconds()}
		r.Answers.Refused = r.Answers.RefusedAccepts + r.Answers.RefusedDeclines
	}
	return sc
}

// meetingRequest is an attendee (any of them: all have a token, so none
// sends more than the server's per-user burst) asking one of the
// exhibitors with an account for a meeting in one of its slots; half the
// requests go to the five most wanted. A created pending meeting joins the queue of meetings
// to answer.
func meetingRequest(w *worker, fx *fixtures) (*http.Request, func(int, []byte) error) {
	ai := w.rng.IntN(len(fx.Attendees))
	ei := w.rng.IntN(len(fx.Popular))
	if w.rng.IntN(2) == 0 {
		ei = w.rng.IntN(min(5, len(fx.Popular)))
	}
	ex := fx.Popular[ei]
	if len(ex.Slots) == 0 {
		ex, ei = fx.Popular[0], 0
	}
	lang, _, _ := strings.Cut(fx.Attendees[ai].Languages, ",")
	body := map[string]any{"exhibitor": ex.Slug, "slot_id": ex.Slots[w.rng.IntN(len(ex.Slots))], "language": lang,
		"message": "We would like to discuss a distribution agreement."}
	return apiCall(w, http.MethodPost, "/api/v1/meetings", fx.attendeeTokens[ai], body), func(status int, b []byte) error {
		if status != http.StatusCreated {
			return nil
		}
		var m struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("meeting answer: %w", err)
		}
		if m.Status == string(expo.MeetingPending) {
			fx.pending.push(pendingMeeting{id: m.ID, exhibitor: ei})
		}
		return nil
	}
}
