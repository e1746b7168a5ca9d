package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// schedulerFixture loads the demo, makes sure the negotiation grid has a
// block of future slots and tables, opens every slot for exhibitor1's
// company, and returns that company's slug and id.
func schedulerFixture(t *testing.T, st *store.Store, app *testApp) (string, int64) {
	t.Helper()
	ctx := context.Background()
	loadDemo(t, st)
	ev, ok, err := st.Event(ctx, time.UTC)
	if err != nil || !ok {
		t.Fatalf("event: %v %v", ok, err)
	}
	_, err = st.CreateBlock(ctx, expo.BlockInput{Day: ev.EndsOn.Format("2006-01-02"), Start: "16:00", End: "17:00", SlotMinutes: 30}, time.UTC)
	if err != nil && !errors.Is(err, store.ErrBlockOverlap) {
		t.Fatalf("block: %v", err)
	}
	if n, _, err := st.TableCount(ctx); err != nil || n == 0 {
		if err := st.SetTables(ctx, 10, "Hall D"); err != nil {
			t.Fatalf("tables: %v", err)
		}
	}
	rep := app.user(t, demoExhibitor)
	grid, err := st.AvailabilityGrid(ctx, *rep.ExhibitorID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, s := range grid {
		ids = append(ids, s.ID)
	}
	if _, err := st.SetAvailability(ctx, *rep.ExhibitorID, ids, true); err != nil {
		t.Fatalf("availability: %v", err)
	}
	ex, err := st.Application(ctx, *rep.ExhibitorID)
	if err != nil || ex.Slug == "" {
		t.Fatalf("exhibitor: %v", err)
	}
	// A fresh attendee speaking the exhibitor's languages, without demo
	// meetings or wishes.
	if _, err := st.CreateAttendee(ctx, expo.SignUp{Email: wishAttendee, Password: wishPassword, Profile: expo.Profile{
		Name: "Wish Tester", Organization: "Test Trading", Country: "CN", Languages: ex.Languages, Interests: []string{expo.SectorCodes[0]}}}); err != nil {
		t.Fatalf("attendee: %v", err)
	}
	return ex.Slug, ex.ID
}

func TestWishPages(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		app := newApp(t, st, Config{})
		slug, exID := schedulerFixture(t, st, app)
		ctx := context.Background()
		att := app.as(t, demoAttendee)
		other := app.user(t, demoAttendee2)
		wishPath := "/exhibitors/" + slug + "/wish"

		t.Run("profile links to the wish form for attendees", func(t *testing.T) {
			r := att.get("/exhibitors/" + slug)
			if r.doc.Find(`a[href="`+wishPath+`"]`).Length() != 1 {
				t.Error("no wish link on the profile")
			}
		})
		t.Run("bad weight is a 422 next to the field", func(t *testing.T) {
			for _, w := range []string{"7", "", "x", "-1"} {
				r := att.fill(wishPath, wishPath, values("weight", w))
				if r.status != http.StatusUnprocessableEntity || r.fieldError("", "weight") == "" && !strings.Contains(r.body, en("wish.error.weight")) {
					t.Errorf("weight %q: status %d", w, r.status)
				}
			}
		})
		t.Run("unknown exhibitor is a 404", func(t *testing.T) {
			if r := att.get("/exhibitors/no-such-company/wish"); r.status != http.StatusNotFound {
				t.Errorf("status %d", r.status)
			}
		})
		t.Run("attendee sets a wish for themselves only", func(t *testing.T) {
			// A forged attendee_id is ignored: the wish is the session user's.
			r := att.fill(wishPath, wishPath, values("weight", "3", "attendee_id", strconv.FormatInt(other.ID, 10)))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d: %.300s", r.status, r.body)
			}
			me := app.user(t, demoAttendee)
			if w, _ := st.WishOf(ctx, me.ID, exID, expo.SideAttendee); w != 3 {
				t.Errorf("own wish weight %d", w)
			}
			if w, _ := st.WishOf(ctx, other.ID, exID, expo.SideAttendee); w != 0 {
				t.Errorf("another attendee got a wish of weight %d", w)
			}
			page := att.get("/my/wishes")
			if !strings.Contains(page.body, "/exhibitors/"+slug) {
				t.Error("my wishes does not list the exhibitor")
			}
		})
		t.Run("attendee cannot use the exhibitor's add form", func(t *testing.T) {
			page := att.get("/my/wishes")
			form := values("attendee_id", strconv.FormatInt(other.ID, 10), "weight", "2", "_csrf", att.csrf(page, ""))
			if r := att.post("/my/wishes", form); r.status != http.StatusForbidden {
				t.Errorf("status %d", r.status)
			}
		})
		t.Run("attendee removes the wish", func(t *testing.T) {
			me := app.user(t, demoAttendee)
			r := att.fill("/my/wishes", "/my/wishes/remove", values("other", strconv.FormatInt(exID, 10)))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d", r.status)
			}
			if w, _ := st.WishOf(ctx, me.ID, exID, expo.SideAttendee); w != 0 {
				t.Errorf("wish still there: %d", w)
			}
		})
		t.Run("exhibitor finds an attendee and adds a wish", func(t *testing.T) {
			ex := app.as(t, demoExhibitor)
			page := ex.get("/my/wishes?q=" + demoAttendee2)
			if page.status != http.StatusOK || !strings.Contains(page.body, demoAttendee2) {
				t.Fatalf("search: status %d", page.status)
			}
			r := ex.submit(page, "/my/wishes", values("attendee_id", strconv.FormatInt(other.ID, 10), "weight", "2"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d: %.300s", r.status, r.body)
			}
			if w, _ := st.WishOf(ctx, other.ID, exID, expo.SideExhibitor); w != 2 {
				t.Errorf("exhibitor wish weight %d", w)
			}
			for _, bad := range []url2{{"attendee_id", "abc"}, {"attendee_id", "99999999"}, {"weight", "9"}} {
				v := values("attendee_id", strconv.FormatInt(other.ID, 10), "weight", "2")
				v.Set(bad.k, bad.v)
				if r := ex.submit(page, "/my/wishes", v); r.status != http.StatusUnprocessableEntity {
					t.Errorf("%s=%s: status %d", bad.k, bad.v, r.status)
				}
			}
			// The exhibitor's own representative is not an attendee.
			v := values("attendee_id", strconv.FormatInt(app.user(t, demoExhibitor).ID, 10), "weight", "2")
			if r := ex.submit(page, "/my/wishes", v); r.status != http.StatusUnprocessableEntity {
				t.Errorf("own rep: status %d", r.status)
			}
		})
		t.Run("organizer has no wish list", func(t *testing.T) {
			if r := app.as(t, demoOrganizer).get("/my/wishes"); r.status != http.StatusForbidden {
				t.Errorf("status %d", r.status)
			}
		})
	})
}

type url2 struct{ k, v string }

const (
	wishAttendee = "wish.tester@example.com"
	wishPassword = "wish-tester-password"
)

func TestSchedulerPages(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		app := newApp(t, st, Config{})
		slug, exID := schedulerFixture(t, st, app)
		ctx := context.Background()
		att := app.client(t)
		att.logIn(wishAttendee, wishPassword)
		if r := att.fill("/exhibitors/"+slug+"/wish", "/exhibitors/"+slug+"/wish", values("weight", "3")); r.status != http.StatusSeeOther {
			t.Fatalf("wish: %d", r.status)
		}
		const base = "/organizer/matchmaking/scheduler"

		t.Run("organizer only", func(t *testing.T) {
			if r := app.client(t).get(base); r.status == http.StatusOK {
				t.Error("anonymous sees the scheduler")
			}
			for _, who := range []string{demoAttendee, demoExhibitor} {
				if r := app.as(t, who).get(base); r.status != http.StatusForbidden {
					t.Errorf("%s: status %d", who, r.status)
				}
			}
		})
		org := app.as(t, demoOrganizer)
		meetings := func() int64 {
			n, err := st.SchedulerMeetings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		run := org.get(base + "/run")
		if run.status != http.StatusSeeOther || !strings.HasPrefix(run.location(), base+"/") {
			t.Fatalf("run: %d %s", run.status, run.location())
		}
		preview := org.follow(run)
		if preview.status != http.StatusOK {
			t.Fatalf("preview: %d", preview.status)
		}
		placed, _ := strconv.Atoi(strings.TrimSpace(preview.text(".sched-placed")))
		if placed == 0 {
			t.Fatalf("nothing placed: %.2000s", preview.text("main"))
		}
		id := strings.TrimPrefix(run.location(), base+"/")
		commit := base + "/" + id + "/commit"

		t.Run("another user cannot open the preview", func(t *testing.T) {
			if r := att.get(run.location()); r.status != http.StatusForbidden {
				t.Errorf("status %d", r.status)
			}
			if r := org.get(base + "/0123456789abcdef"); r.status != http.StatusNotFound {
				t.Errorf("unknown id: status %d", r.status)
			}
		})
		t.Run("commit needs the confirmation", func(t *testing.T) {
			r := org.submit(preview, commit, nil)
			if r.status != http.StatusUnprocessableEntity || meetings() != 0 {
				t.Fatalf("status %d, %d meetings", r.status, meetings())
			}
		})
		t.Run("commit books the placed meetings", func(t *testing.T) {
			r := org.submit(preview, commit, values("confirm", "yes"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d: %.300s", r.status, r.body)
			}
			res := org.follow(r)
			if n := meetings(); int(n) != placed {
				t.Errorf("%d meetings, %d placed", n, placed)
			}
			if !strings.Contains(res.body, en("scheduler.result", map[string]any{"Committed": placed, "Skipped": 0})) {
				t.Errorf("result not shown: %.1000s", res.text("main"))
			}
			me := app.user(t, wishAttendee)
			ms, err := st.MyMeetings(ctx, me)
			found := false
			for _, m := range ms {
				found = found || (m.ExhibitorID == exID && m.Status == expo.MeetingAccepted)
			}
			if err != nil || !found {
				t.Errorf("attendee's meeting with the exhibitor missing: %v", err)
			}
		})
		t.Run("commit twice does not double", func(t *testing.T) {
			before := meetings()
			r := org.submit(preview, commit, values("confirm", "yes"))
			if r.status != http.StatusSeeOther || meetings() != before {
				t.Errorf("status %d, meetings %d → %d", r.status, before, meetings())
			}
			// A fresh run places nothing for pairs that now meet.
			again := org.follow(org.get(base + "/run"))
			if p := strings.TrimSpace(again.text(".sched-placed")); p != "0" {
				t.Errorf("second run placed %s: %s", p, again.text("main"))
			}
			if !strings.Contains(again.body, en("scheduler.reason.already_met")) {
				t.Error("already met reason not shown")
			}
		})
	})
}
