package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"expo/internal/store"
	"expo/internal/storetest"
)

type apiErrorReply struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func TestAPIMeetings(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		m := newMMCase(t, st, false)
		c := m.app.client(t)
		tok1 := c.apiToken(demoAttendee, demoPassword)
		tok2 := c.apiToken(demoAttendee2, demoPassword)
		tokEx := c.apiToken(demoExhibitor, demoPassword)
		tokEx2 := c.apiToken("exhibitor2@demo.expo", demoPassword)
		const js = "application/json"

		// Free slots for the caller.
		r := c.api(http.MethodGet, "/api/v1/exhibitors/"+m.exhibitor.Slug+"/slots", "", "", tok1)
		var slots struct {
			Items []struct {
				ID         int64 `json:"id"`
				TablesFree int   `json:"tables_free"`
			} `json:"items"`
		}
		r.json(t, &slots)
		if r.status != http.StatusOK || len(slots.Items) == 0 {
			t.Fatalf("slots: %d %s", r.status, r.body)
		}
		found := false
		for _, s := range slots.Items {
			found = found || s.ID == m.slot.ID && s.TablesFree == 1
		}
		if !found {
			t.Fatalf("slot %d not listed with 1 free table", m.slot.ID)
		}
		body := func(slot int64, msg, lang string) string {
			b, _ := json.Marshal(map[string]any{"exhibitor": m.exhibitor.Slug, "slot_id": slot, "message": msg, "language": lang})
			return string(b)
		}
		r = c.api(http.MethodPost, "/api/v1/meetings", js, body(m.slot.ID, "Hello", "en"), tok1)
		var mt struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
			Table  int    `json:"table"`
		}
		r.json(t, &mt)
		if r.status != http.StatusCreated || mt.Status != "pending" || mt.ID == 0 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		t.Run("slot taken", func(t *testing.T) {
			r := c.api(http.MethodPost, "/api/v1/meetings", js, body(m.slot.ID, "", "en"), tok2)
			var e apiErrorReply
			r.json(t, &e)
			if r.status != http.StatusConflict || e.Error.Code != "slot_taken" {
				t.Fatalf("status %d, %s", r.status, r.body)
			}
		})
		bad := []struct {
			name, token, body string
			status            int
			code, field       string
		}{
			{"not JSON", tok2, "{", http.StatusUnprocessableEntity, "invalid", ""},
			{"unknown field", tok2, `{"exhibitor":"x","slot_id":1,"language":"en","extra":1}`, http.StatusUnprocessableEntity, "invalid", ""},
			{"no slot", tok2, fmt.Sprintf(`{"exhibitor":%q,"language":"en"}`, m.exhibitor.Slug), http.StatusUnprocessableEntity, "invalid", "slot_id"},
			{"unknown exhibitor", tok2, body(m.other.ID, "", "en")[:0] + `{"exhibitor":"nobody-here","slot_id":1,"language":"en"}`, http.StatusNotFound, "not_found", ""},
			{"100 KB message", tok2, body(m.other.ID, strings.Repeat("x", 100<<10), "en"), 0, "", ""},
			{"bad language", tok2, body(m.other.ID, "", "xx"), http.StatusUnprocessableEntity, "invalid", "language"},
			{"exhibitor books own company", tokEx, body(m.other.ID, "", "en"), http.StatusForbidden, "forbidden", ""},
			{"exhibitor books another company", tokEx2, body(m.other.ID, "", "en"), http.StatusForbidden, "forbidden", ""},
			{"no token", "", body(m.other.ID, "", "en"), http.StatusUnauthorized, "unauthorized", ""},
		}
		for _, b := range bad {
			t.Run(b.name, func(t *testing.T) {
				r := c.api(http.MethodPost, "/api/v1/meetings", js, b.body, b.token)
				if b.status == 0 {
					if r.status < 400 || r.status > 499 {
						t.Fatalf("status %d", r.status)
					}
					return
				}
				var e apiErrorReply
				r.json(t, &e)
				if r.status != b.status || e.Error.Code != b.code || (b.field != "" && e.Error.Fields[b.field] == "") {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
			})
		}
		path := fmt.Sprintf("/api/v1/meetings/%d", mt.ID)
		t.Run("others cannot act on the meeting", func(t *testing.T) {
			for _, x := range []struct{ tok, action string }{{tok2, "cancel"}, {tok2, "accept"}, {tokEx2, "accept"}, {tokEx2, "cancel"}} {
				if r := c.api(http.MethodPost, path+"/"+x.action, "", "", x.tok); r.status != http.StatusNotFound {
					t.Fatalf("%s: %d %s", x.action, r.status, r.body)
				}
			}
			if r := c.api(http.MethodPost, path+"/accept", "", "", tok1); r.status != http.StatusForbidden {
				t.Fatalf("requester accepts: %d", r.status)
			}
			var list struct{ Items []struct{ ID int64 } }
			c.api(http.MethodGet, "/api/v1/meetings", "", "", tok2).json(t, &list)
			for _, it := range list.Items {
				if it.ID == mt.ID {
					t.Fatal("another attendee lists the meeting")
				}
			}
		})
		r = c.api(http.MethodPost, path+"/accept", "", "", tokEx)
		r.json(t, &mt)
		if r.status != http.StatusOK || mt.Status != "accepted" || mt.Table == 0 {
			t.Fatalf("accept: %d %s", r.status, r.body)
		}
		if r := c.api(http.MethodPost, path+"/decline", js, `{"reason":"late"}`, tokEx); r.status != http.StatusConflict {
			t.Fatalf("decline accepted: %d", r.status)
		}
		var list struct {
			Items []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"items"`
		}
		c.api(http.MethodGet, "/api/v1/meetings", "", "", tok1).json(t, &list)
		ok := false
		for _, it := range list.Items {
			ok = ok || it.ID == mt.ID && it.Status == "accepted"
		}
		if !ok {
			t.Fatalf("my meetings lack the accepted one: %+v", list)
		}
		r = c.api(http.MethodPost, path+"/cancel", js, `{"reason":"Plans changed"}`, tok1)
		r.json(t, &mt)
		if r.status != http.StatusOK || mt.Status != "cancelled" {
			t.Fatalf("cancel: %d %s", r.status, r.body)
		}
		if r := c.api(http.MethodPost, "/api/v1/meetings", js, body(m.slot.ID, "", "en"), tok2); r.status != http.StatusCreated {
			t.Fatalf("rebook after cancel: %d %s", r.status, r.body)
		}
	})
}
