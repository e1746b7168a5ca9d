package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"expo/internal/store"
	"expo/internal/storetest"
)

// forEachRaw runs fn per database with the store and a second, raw
// connection to the same database: the outcome tests need meetings whose
// slot has already ended, which no booking path can create.
func forEachRaw(t *testing.T, fn func(t *testing.T, st *store.Store, raw *gorm.DB)) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			st, err := store.Open(context.Background(), dsn, store.Options{BcryptCost: bcrypt.MinCost})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			dial := postgres.Open(dsn)
			if d == "sqlite" {
				dial = sqlite.Open("file:" + dsn + "?_busy_timeout=10000&_foreign_keys=on")
			}
			raw, err := gorm.Open(dial, &gorm.Config{Logger: logger.Discard})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if db, err := raw.DB(); err == nil {
					db.Close()
				}
			})
			fn(t, st, raw)
		})
	}
}

// rawMeeting inserts a one-slot block at start and an accepted meeting in
// it between the attendee and the exhibitor company, returning its id.
func rawMeeting(t *testing.T, raw *gorm.DB, start time.Time, exhibitorID, attendeeID int64, status string) int64 {
	t.Helper()
	end := start.Add(30 * time.Minute)
	var block, slot, id int64
	if err := raw.Raw(`INSERT INTO negotiation_blocks (day, starts_at, ends_at, slot_minutes) VALUES (?, ?, ?, 30) RETURNING id`,
		start.Format(time.DateOnly), start, end).Scan(&block).Error; err != nil {
		t.Fatal(err)
	}
	if err := raw.Raw(`INSERT INTO slots (block_id, starts_at, ends_at) VALUES (?, ?, ?) RETURNING id`, block, start, end).Scan(&slot).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := raw.Raw(`INSERT INTO meetings (slot_id, exhibitor_id, attendee_id, initiator, status, language, created_at, updated_at)
		VALUES (?, ?, ?, 'attendee', ?, 'en', ?, ?) RETURNING id`, slot, exhibitorID, attendeeID, status, now, now).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

func countOutcomes(t *testing.T, raw *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := raw.Table("meeting_outcomes").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOutcomeAuthorizationAndInput(t *testing.T) {
	forEachRaw(t, func(t *testing.T, st *store.Store, raw *gorm.DB) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		att := app.user(t, demoAttendee)
		exh := app.user(t, demoExhibitor)
		past := rawMeeting(t, raw, time.Now().Add(-3*time.Hour).UTC().Truncate(time.Minute), *exh.ExhibitorID, att.ID, "accepted")
		future := rawMeeting(t, raw, time.Now().Add(3*time.Hour).UTC().Truncate(time.Minute), *exh.ExhibitorID, att.ID, "accepted")
		declined := rawMeeting(t, raw, time.Now().Add(-5*time.Hour).UTC().Truncate(time.Minute), *exh.ExhibitorID, att.ID, "declined")
		path := "/my/meetings/" + itoa(past) + "/outcome"
		attendee := app.as(t, demoAttendee)
		good := values("attendance", "held", "letter_of_intent", "on", "deal_value", "1,250,000.50", "currency", "USD")

		t.Run("anonymous is sent to log in", func(t *testing.T) {
			r := app.client(t).get(path)
			if r.status != http.StatusSeeOther && r.status != http.StatusFound {
				t.Fatalf("status %d", r.status)
			}
		})
		for _, who := range []string{demoAttendee2, demoOrganizer, "exhibitor2@demo.expo"} {
			t.Run("not a side: "+who, func(t *testing.T) {
				c := app.as(t, who)
				if r := c.get(path); r.status != http.StatusNotFound {
					t.Fatalf("GET status %d, want 404", r.status)
				}
				page := c.get("/account")
				r := c.post(path, withCSRF(c, page, good))
				if r.status != http.StatusNotFound {
					t.Fatalf("POST status %d, want 404", r.status)
				}
				if n := countOutcomes(t, raw); n != 0 {
					t.Fatalf("%d outcomes written", n)
				}
			})
		}
		t.Run("forged ids", func(t *testing.T) {
			for _, p := range []string{"/my/meetings/0/outcome", "/my/meetings/abc/outcome", "/my/meetings/99999/outcome"} {
				if r := attendee.get(p); r.status != http.StatusNotFound {
					t.Errorf("%s: status %d, want 404", p, r.status)
				}
			}
		})

		bad := []struct {
			name, field, msg string
			form             map[string]string
		}{
			{"attendance missing", "attendance", "error.required", map[string]string{}},
			{"attendance unknown", "attendance", "error.choice_invalid", map[string]string{"attendance": "maybe"}},
			{"negative value", "deal_value", "outcome.error.deal_value", map[string]string{"attendance": "held", "deal_value": "-5", "currency": "USD"}},
			{"text value", "deal_value", "outcome.error.deal_value", map[string]string{"attendance": "held", "deal_value": "a lot", "currency": "USD"}},
			{"three decimals", "deal_value", "outcome.error.deal_value", map[string]string{"attendance": "held", "deal_value": "1.005", "currency": "USD"}},
			{"no currency", "currency", "outcome.error.currency", map[string]string{"attendance": "held", "deal_value": "100"}},
			{"unknown currency", "currency", "outcome.error.currency", map[string]string{"attendance": "held", "deal_value": "100", "currency": "GBP"}},
			{"no-show with a memorandum", "attendance", "outcome.error.no_show_with_deal", map[string]string{"attendance": "no_show", "memorandum": "on"}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				v := values()
				for k, x := range tc.form {
					v.Set(k, x)
				}
				r := attendee.fill(path, path, v)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.status)
				}
				if got := r.fieldError("form[action=\""+path+"\"]", tc.field); got != en(tc.msg) {
					t.Fatalf("error on %s = %q, want %q (all: %v)", tc.field, got, en(tc.msg), r.fieldErrors())
				}
				if n := countOutcomes(t, raw); n != 0 {
					t.Fatalf("%d outcomes written", n)
				}
			})
		}
		t.Run("before the slot ends", func(t *testing.T) {
			fp := "/my/meetings/" + itoa(future) + "/outcome"
			page := attendee.get(fp)
			if page.status != http.StatusOK || page.text(".empty-state") != en("outcome.error.too_early") {
				t.Fatalf("GET status %d", page.status)
			}
			r := attendee.post(fp, withCSRF(attendee, page, good))
			if r.status != http.StatusConflict {
				t.Fatalf("POST status %d, want 409", r.status)
			}
			if n := countOutcomes(t, raw); n != 0 {
				t.Fatalf("%d outcomes written", n)
			}
		})
		t.Run("declined meeting", func(t *testing.T) {
			dp := "/my/meetings/" + itoa(declined) + "/outcome"
			page := attendee.get(dp)
			r := attendee.post(dp, withCSRF(attendee, page, good))
			if r.status != http.StatusConflict {
				t.Fatalf("POST status %d, want 409", r.status)
			}
		})
		t.Run("attendee records", func(t *testing.T) {
			r := attendee.fill(path, path, good)
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d, errors %v", r.status, r.fieldErrors())
			}
			page := attendee.follow(r)
			if v, _ := page.doc.Find(`input[name="deal_value"]`).Attr("value"); v != "1,250,000.50" {
				t.Errorf("deal value shown %q", v)
			}
			if _, ok := page.doc.Find(`input[name="letter_of_intent"]`).Attr("checked"); !ok {
				t.Error("letter of intent not ticked")
			}
		})
		t.Run("exhibitor records its side", func(t *testing.T) {
			c := app.as(t, demoExhibitor)
			r := c.fill(path, path, values("attendance", "held", "follow_up", "on", "deal_value", "2000000", "currency", "USD"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d, errors %v", r.status, r.fieldErrors())
			}
			if n := countOutcomes(t, raw); n != 2 {
				t.Fatalf("%d outcomes, want 2", n)
			}
		})
		t.Run("results for organizers only", func(t *testing.T) {
			if r := attendee.get("/organizer/matchmaking/results"); r.status != http.StatusForbidden {
				t.Fatalf("attendee: status %d", r.status)
			}
			r := app.as(t, demoOrganizer).get("/organizer/matchmaking/results")
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			if got := r.text(".results-summary .stat:first-child .stat-value"); got == "" || got == "0" {
				t.Errorf("booked = %q", got)
			}
			if !strings.Contains(r.text(".results-section"), "2,000,000.00") {
				t.Errorf("deal total missing: %s", r.text(".results-section"))
			}
		})
	})
}

func TestResultsEmptyState(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		r := app.as(t, demoOrganizer).get("/organizer/matchmaking/results")
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		totals, err := st.MatchmakingTotals(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if totals.All.Booked == 0 && r.text(".empty-state") != en("results.empty") {
			t.Error("no empty state")
		}
		if totals.All.Booked > 0 && r.doc.Find(".results-section table").Length() < 3 {
			t.Error("no totals tables")
		}
	})
}

// withCSRF adds the anti-forgery token of any form on page to v.
func withCSRF(c *testClient, page *reply, v map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, x := range v {
		out[k] = x
	}
	out["_csrf"] = []string{c.csrf(page, "")}
	return out
}
