package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
	next        func(w *worker) (*http.Request, func(status int, body []byte) error)
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

		// Forum sign-up racing for the last seats of the smallest forums;
		// one request in four cancels, which moves the waitlist up.
		write("forum-register", func(w *worker) (*http.Request, func(int, []byte) error) {
			tok := fx.attendeeTokens[w.rng.IntN(len(fx.attendeeTokens))]
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
		// Exhibitors answer pending requests: two in three accepted (which
		// takes a table), the rest declined. When none is waiting, the
		// connection sends a new request instead, so answers keep coming.
		write("accept-decline", func(w *worker) (*http.Request, func(int, []byte) error) {
			m, ok := fx.pending.pop()
			if !ok {
				return meetingRequest(w, fx)
			}
			tok := fx.exhibitorTokens[m.exhibitor]
			if w.rng.IntN(3) == 0 {
				return apiCall(w, http.MethodPost, fmt.Sprintf("/api/v1/meetings/%d/decline", m.id), tok, map[string]string{"reason": "Fully booked"}), nil
			}
			return apiCall(w, http.MethodPost, fmt.Sprintf("/api/v1/meetings/%d/accept", m.id), tok, nil), nil
		}),
	}
}

// meetingRequest is an attendee asking one of the exhibitors with an
// account for a meeting in one of its slots; half the requests go to the
// five most wanted. A created pending meeting joins the queue of meetings
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
