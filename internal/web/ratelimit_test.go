package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"expo/internal/store"
	"expo/internal/storetest"
)

// wantLimited checks a refusal by a rate limit: 429, a Retry-After within
// the bucket's refill time, and (for pages) the limit's own message in the
// reader's language, with the same number of seconds.
func wantLimited(t *testing.T, r *reply, msgID, sel string) {
	t.Helper()
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429: %.300s", r.status, r.body)
	}
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 3600 {
		t.Fatalf("Retry-After = %q, want 1…3600 seconds", r.header.Get("Retry-After"))
	}
	if sel == "" { // JSON
		var body apiErrorReply
		r.json(t, &body)
		if body.Error.Code != "rate_limited" {
			t.Errorf("code = %q, want rate_limited", body.Error.Code)
		}
		if want := en(msgID, map[string]any{"Seconds": secs, "Count": secs}); body.Error.Message != want {
			t.Errorf("message = %q, want %q", body.Error.Message, want)
		}
		return
	}
	if got, want := r.text(sel+" .flash-error"), en(msgID, map[string]any{"Seconds": secs, "Count": secs}); got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}

// TestTokenCreationRateLimit: making API tokens is limited per user, on the
// account page and through the API alike (one bucket); other users are not
// affected, and nothing is created when refused.
func TestTokenCreationRateLimit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{Limits: Limits{TokenPerUser: Limit{Every: time.Hour, Burst: 2}}})
		owner := app.as(t, demoAttendee)
		ownerID := app.user(t, demoAttendee).ID
		count := func(t *testing.T) int {
			toks, err := st.Tokens(t.Context(), ownerID)
			if err != nil {
				t.Fatal(err)
			}
			return len(toks)
		}
		for i := 1; i <= 2; i++ {
			t.Run("account page token "+strconv.Itoa(i), func(t *testing.T) {
				if r := owner.in(t).fill("/account", "/account/tokens", values("token_name", "laptop "+strconv.Itoa(i))); r.status != http.StatusCreated {
					t.Fatalf("status %d, want 201", r.status)
				}
			})
		}
		t.Run("third on the account page is limited", func(t *testing.T) {
			r := owner.in(t).fill("/account", "/account/tokens", values("token_name", "one too many"))
			wantLimited(t, r, "error.rate_limited.tokens", tokenFormSel)
			if n := count(t); n != 2 {
				t.Errorf("%d tokens, want 2", n)
			}
		})
		t.Run("the API shares the limit", func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"email": demoAttendee, "password": demoPassword})
			r := app.client(t).api(http.MethodPost, "/api/v1/tokens", "application/json", string(body), "")
			wantLimited(t, r, "error.rate_limited.tokens", "")
			if n := count(t); n != 2 {
				t.Errorf("%d tokens, want 2", n)
			}
		})
		t.Run("another user is not limited", func(t *testing.T) {
			app.client(t).apiToken(demoAttendee2, demoPassword)
		})
	})
}

// TestMeetingRequestRateLimit: meeting requests are limited per user, on
// the slot picker and through the API alike (one bucket), and so are an
// exhibitor's invitations; a refused request books nothing.
func TestMeetingRequestRateLimit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		m := newMMCase(t, st, false)
		app := newApp(t, st, Config{Limits: Limits{MeetingPerUser: Limit{Every: time.Hour, Burst: 2}}})
		m.app = app
		a1 := app.as(t, demoAttendee)
		tok := app.client(t).apiToken(demoAttendee, demoPassword)
		apiRequest := func(t *testing.T, slot int64) *reply {
			b, _ := json.Marshal(map[string]any{"exhibitor": m.exhibitor.Slug, "slot_id": slot, "language": "en", "message": "Hello"})
			return app.client(t).api(http.MethodPost, "/api/v1/meetings", "application/json", string(b), tok)
		}

		t.Run("first request on the page", func(t *testing.T) {
			if r := m.request(a1.in(t), m.slot, "Hello"); r.status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303: %v %s", r.status, r.fieldErrors(), r.text(".flash-error"))
			}
		})
		t.Run("second through the API", func(t *testing.T) {
			if r := apiRequest(t, m.other.ID); r.status != http.StatusCreated {
				t.Fatalf("status %d, want 201: %s", r.status, r.body)
			}
		})
		before := countMeetings(t, st)
		t.Run("third on the page is limited", func(t *testing.T) {
			r := m.request(a1.in(t), m.other, "Once more")
			wantLimited(t, r, "error.rate_limited.meetings", `form[action="`+m.meetPath()+`"]`)
		})
		t.Run("third through the API is limited", func(t *testing.T) {
			wantLimited(t, apiRequest(t, m.other.ID), "error.rate_limited.meetings", "")
		})
		if after := countMeetings(t, st); after != before {
			t.Errorf("%d meetings after refused requests, want %d", after, before)
		}
		t.Run("another attendee is not limited", func(t *testing.T) {
			// m.slot has one table, now held by attendee 1: the store
			// answers (slot taken), not the limit.
			if r := m.request(app.as(t, demoAttendee2), m.other, "Hi"); r.status == http.StatusTooManyRequests {
				t.Fatalf("status 429: %s", r.text(".flash-error"))
			}
		})
		t.Run("an exhibitor's invitations are limited too", func(t *testing.T) {
			ex := app.as(t, demoExhibitor)
			invite := func(t *testing.T) *reply {
				return ex.in(t).fill("/exhibitor/meetings", "/exhibitor/meetings/invite",
					values("email", demoAttendee2, "slot_id", slotID(m.other), "language", "en", "message", "Let us talk."))
			}
			for i := range 2 {
				if r := invite(t); r.status == http.StatusTooManyRequests {
					t.Fatalf("invitation %d limited", i+1)
				}
			}
			wantLimited(t, invite(t), "error.rate_limited.meetings", `form[action="/exhibitor/meetings/invite"]`)
		})
	})
}
