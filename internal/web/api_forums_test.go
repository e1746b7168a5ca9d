package web

import (
	"context"
	"net/http"
	"testing"

	"expo/internal/store"
	"expo/internal/storetest"
)

func TestAPIForums(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		f := testForum(t, st, "API Seat Forum", "digital_economy", 1, [2]int{15, 16})
		draft := draftForum(t, st, "API Draft")
		c := app.client(t)

		type forumJSON struct {
			ID         int64
			Title      string
			Capacity   int
			Confirmed  int
			Waitlisted int
			SeatsLeft  int `json:"seats_left"`
			Sessions   []struct {
				ID       int64
				Room     string
				Speakers []struct{ Name string }
			}
		}

		t.Run("list", func(t *testing.T) {
			r := c.api(http.MethodGet, "/api/v1/forums?theme=digital_economy", "", "", "")
			var body struct{ Items []forumJSON }
			r.json(t, &body)
			if r.status != http.StatusOK || len(body.Items) == 0 {
				t.Fatalf("status %d, %d items", r.status, len(body.Items))
			}
			found := false
			for _, it := range body.Items {
				found = found || it.ID == f.ID
				if it.ID == draft.ID {
					t.Error("the draft is listed")
				}
			}
			if !found {
				t.Errorf("forum %d not listed: %s", f.ID, r.body)
			}
		})
		bad := []struct{ name, query, field string }{
			{"unknown theme", "?theme=space", "theme"},
			{"unknown language", "?language=xx", "language"},
			{"malformed day", "?day=14.12.2026", "day"},
		}
		for _, tt := range bad {
			t.Run("list refuses "+tt.name, func(t *testing.T) {
				r := c.api(http.MethodGet, "/api/v1/forums"+tt.query, "", "", "")
				var body apiError
				r.json(t, &body)
				if r.status != http.StatusUnprocessableEntity || body.Error.Fields[tt.field] == "" {
					t.Errorf("status %d, %s", r.status, r.body)
				}
			})
		}
		t.Run("one forum with counts", func(t *testing.T) {
			r := c.api(http.MethodGet, "/api/v1/forums/"+itoa(f.ID), "", "", "")
			var body forumJSON
			r.json(t, &body)
			if r.status != http.StatusOK || body.Capacity != 1 || body.Confirmed != 0 || body.SeatsLeft != 1 ||
				len(body.Sessions) != 1 || body.Sessions[0].Room != "Room of "+f.Title || len(body.Sessions[0].Speakers) != 1 {
				t.Errorf("status %d, %s", r.status, r.body)
			}
		})
		for _, path := range []string{"/api/v1/forums/" + itoa(draft.ID), "/api/v1/forums/0", "/api/v1/forums/x"} {
			t.Run("not found: "+path, func(t *testing.T) {
				if r := c.api(http.MethodGet, path, "", "", ""); r.status != http.StatusNotFound {
					t.Errorf("status %d", r.status)
				}
			})
		}

		_, _ = newAttendee(t, app, "api1@forum.test")
		_, _ = newAttendee(t, app, "api2@forum.test")
		tok1 := c.apiToken("api1@forum.test", attendeePassword)
		tok2 := c.apiToken("api2@forum.test", attendeePassword)
		exhibitorToken := c.apiToken(demoExhibitor, demoPassword)
		path := "/api/v1/forums/" + itoa(f.ID) + "/registration"
		steps := []struct {
			name   string
			method string
			token  string
			status int
			want   string // the body, for 200
		}{
			{"without a token", http.MethodPost, "", http.StatusUnauthorized, ""},
			{"with a wrong token", http.MethodPost, "expo_wrong", http.StatusUnauthorized, ""},
			{"an exhibitor may not register", http.MethodPost, exhibitorToken, http.StatusForbidden, ""},
			{"the first attendee is confirmed", http.MethodPost, tok1, http.StatusOK, `{"status":"confirmed","position":0}`},
			{"the second is waitlisted", http.MethodPost, tok2, http.StatusOK, `{"status":"waitlisted","position":1}`},
			{"registering again answers the same", http.MethodPost, tok2, http.StatusOK, `{"status":"waitlisted","position":1}`},
			{"the first cancels", http.MethodDelete, tok1, http.StatusNoContent, ""},
			{"cancelling again is not found", http.MethodDelete, tok1, http.StatusNotFound, ""},
			{"the second was promoted", http.MethodPost, tok2, http.StatusOK, `{"status":"confirmed","position":0}`},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				r := c.api(s.method, path, "", "", s.token)
				if r.status != s.status {
					t.Fatalf("status %d, want %d: %s", r.status, s.status, r.body)
				}
				if s.want != "" && r.body != s.want+"\n" {
					t.Errorf("body %q, want %s", r.body, s.want)
				}
			})
		}
		t.Run("the counts follow", func(t *testing.T) {
			got, err := st.Forum(context.Background(), f.ID)
			if err != nil || got.Confirmed != 1 || got.Waitlisted != 0 {
				t.Errorf("forum %+v, %v", got, err)
			}
		})
		t.Run("registration for a draft is not found", func(t *testing.T) {
			r := c.api(http.MethodPost, "/api/v1/forums/"+itoa(draft.ID)+"/registration", "", "", tok1)
			if r.status != http.StatusNotFound {
				t.Errorf("status %d", r.status)
			}
		})
	})
}
