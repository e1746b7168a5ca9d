package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

func countInterpreters(t *testing.T, st *store.Store) int64 {
	t.Helper()
	_, n, err := st.Interpreters(context.Background(), 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInterpreterAdminIsForOrganizersOnly(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		before := countInterpreters(t, st)
		for _, who := range []string{demoAttendee, demoExhibitor} {
			t.Run(who, func(t *testing.T) {
				c := app.as(t, who)
				if r := c.get("/organizer/interpreters"); r.status != http.StatusForbidden {
					t.Fatalf("GET status %d, want 403", r.status)
				}
				page := c.get("/account")
				r := c.post("/organizer/interpreters", withCSRF(c, page, values("name", "Mallory", "pairs", "ko-ru")))
				if r.status != http.StatusForbidden {
					t.Fatalf("POST status %d, want 403", r.status)
				}
				if n := countInterpreters(t, st); n != before {
					t.Fatalf("%d interpreters, want %d", n, before)
				}
			})
		}
		t.Run("anonymous", func(t *testing.T) {
			if r := app.client(t).get("/organizer/interpreters"); r.status < 300 || r.status > 399 {
				t.Fatalf("status %d, want a redirect to log in", r.status)
			}
		})
	})
}

func TestInterpreterAdmin(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		org := app.as(t, demoOrganizer)
		const form = `form[action="/organizer/interpreters"]`
		before := countInterpreters(t, st)

		bad := []struct {
			name, field, msg string
			v                url.Values
		}{
			{"name missing", "name", "error.required", values("pairs", "ko-ru")},
			{"no pair", "pairs", "interpreter.error.pairs_required", values("name", "Kim")},
			{"same language", "pairs", "interpreter.error.pair_same", values("name", "Kim", "pairs", "ko-ko")},
			{"unknown language", "pairs", "interpreter.error.pair_unknown", values("name", "Kim", "pairs", "ko-xx")},
			{"bad e-mail", "email", "error.email_invalid", values("name", "Kim", "email", "kim@", "pairs", "ko-ru")},
			{"unknown account", "email", "interpreter.error.no_account", values("name", "Kim", "email", "nobody@demo.expo", "pairs", "ko-ru")},
			{"markup in name", "name", "error.no_markup", values("name", "<b>Kim</b>", "pairs", "ko-ru")},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				r := org.fill("/organizer/interpreters", "/organizer/interpreters", tc.v)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.status)
				}
				if got := r.fieldError(form, tc.field); got != en(tc.msg) {
					t.Fatalf("error on %s = %q, want %q (%v)", tc.field, got, en(tc.msg), r.fieldErrors())
				}
				if n := countInterpreters(t, st); n != before {
					t.Fatalf("%d interpreters written", n-before)
				}
			})
		}

		r := org.fill("/organizer/interpreters", "/organizer/interpreters", values("name", "Kim Soo-jin", "email", demoAttendee, "pairs", "ko-ru", "pairs", "en-zh"))
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/organizer/interpreters/") {
			t.Fatalf("create: status %d location %q errors %v", r.status, r.location(), r.fieldErrors())
		}
		editPath := r.location()
		edit := org.follow(r)
		if edit.text("h1") != "Kim Soo-jin" {
			t.Fatalf("edit page h1 %q", edit.text("h1"))
		}
		for _, p := range []string{"ko-ru", "en-zh"} {
			if _, ok := edit.doc.Find(`input[name="pairs"][value="` + p + `"]`).Attr("checked"); !ok {
				t.Errorf("pair %s not ticked", p)
			}
		}
		t.Run("linked twice", func(t *testing.T) {
			r := org.fill("/organizer/interpreters", "/organizer/interpreters", values("name", "Other", "email", demoAttendee, "pairs", "ja-zh"))
			if r.status != http.StatusConflict || r.fieldError(form, "email") != en("interpreter.error.account_taken") {
				t.Fatalf("status %d errors %v", r.status, r.fieldErrors())
			}
		})
		t.Run("update", func(t *testing.T) {
			r := org.fill(editPath, editPath, values("name", "Kim S.", "email", demoAttendee, "pairs", "ja-ko"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d errors %v", r.status, r.fieldErrors())
			}
			r = org.fill(editPath, editPath, values("name", "Kim S.", "pairs", "ja-ja"))
			if r.status != http.StatusUnprocessableEntity || r.fieldError(`form[action="`+editPath+`"]`, "pairs") != en("interpreter.error.pair_same") {
				t.Fatalf("bad update: status %d errors %v", r.status, r.fieldErrors())
			}
		})
		t.Run("availability", func(t *testing.T) {
			action := editPath + "/availability"
			page := org.get(editPath)
			if page.doc.Find(`form[action="`+action+`"]`).Length() == 0 {
				// No slot grid in the demo: make one block.
				ev, _, err := st.Event(context.Background(), time.UTC)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := st.CreateBlock(context.Background(), expo.BlockInput{Day: ev.StartsOn.Format(time.DateOnly), Start: "09:00", End: "10:00", SlotMinutes: 30}, time.UTC); err != nil {
					t.Fatal(err)
				}
				page = org.get(editPath)
			}
			r := org.post(action, withCSRF(org, page, values("blocks", "x")))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("bad block: status %d", r.status)
			}
			var blocks []string
			first, _ := page.doc.Find(`input[name="blocks"]`).First().Attr("value")
			blocks = append(blocks, first)
			r = org.post(action, withCSRF(org, page, url.Values{"blocks": blocks}))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d", r.status)
			}
			page = org.follow(r)
			if _, ok := page.doc.Find(`input[name="blocks"][value="` + first + `"]`).Attr("checked"); !ok {
				t.Error("block not ticked after saving")
			}
		})
		t.Run("own agenda", func(t *testing.T) {
			c := app.as(t, demoAttendee)
			if c.get("/account").doc.Find(`a[href="/my/interpreting"]`).Length() != 1 {
				t.Error("no link to the interpreter's agenda on the account page")
			}
			r := c.get("/my/interpreting")
			if r.status != http.StatusOK || r.text("h1") != en("interpreting.title") {
				t.Fatalf("status %d h1 %q", r.status, r.text("h1"))
			}
			r = app.as(t, demoExhibitor).get("/my/interpreting")
			if r.status != http.StatusForbidden || !strings.Contains(r.text(".lead"), en("interpreting.error.not_interpreter")) {
				t.Fatalf("not an interpreter: status %d %q", r.status, r.text(".lead"))
			}
		})
		t.Run("delete with confirmation", func(t *testing.T) {
			page := org.get(editPath + "/delete")
			if page.status != http.StatusOK || page.doc.Find(`form[action="`+editPath+`/delete"]`).Length() != 1 {
				t.Fatalf("confirm page: status %d", page.status)
			}
			r := org.submit(page, editPath+"/delete", nil)
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d", r.status)
			}
			if r := org.get(editPath); r.status != http.StatusNotFound {
				t.Fatalf("after delete: status %d", r.status)
			}
			if n := countInterpreters(t, st); n != before {
				t.Fatalf("%d interpreters, want %d", n, before)
			}
		})
	})
}

func TestInterpretingAgenda(t *testing.T) {
	forEachRaw(t, func(t *testing.T, st *store.Store, raw *gorm.DB) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		ctx := context.Background()
		id, err := st.CreateInterpreter(ctx, store.InterpreterInput{Name: "Ольга", Email: demoOrganizer, Pairs: []string{"ko-ru"}})
		if err != nil {
			t.Fatal(err)
		}
		att := app.user(t, demoAttendee)
		exh := app.user(t, demoExhibitor)
		company, err := st.Application(ctx, *exh.ExhibitorID)
		if err != nil {
			t.Fatal(err)
		}
		m := rawMeeting(t, raw, time.Now().Add(26*time.Hour).UTC().Truncate(time.Minute), company.ID, att.ID, "accepted")
		if err := raw.Exec("UPDATE meetings SET interpreter_id = ? WHERE id = ?", id, m).Error; err != nil {
			t.Fatal(err)
		}
		r := app.as(t, demoOrganizer).get("/my/interpreting")
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		row := r.text("tbody tr")
		if !strings.Contains(row, company.Name) || !strings.Contains(row, att.Name) || !strings.Contains(row, en("interpreting.status.accepted")) {
			t.Errorf("agenda row %q", row)
		}
	})
}
