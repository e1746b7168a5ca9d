package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// planFixture is the small demo expo (times in UTC) with its programme.
type planFixture struct {
	app  *testApp
	org  *testClient
	prog expo.Programme
	day  func(d, h, m int) time.Time
}

func newPlanFixture(t *testing.T, st *store.Store) planFixture {
	t.Helper()
	loadDemo(t, st)
	app := newApp(t, st, Config{})
	prog, err := st.Programme(context.Background(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	start := prog.Expo.StartsOn
	return planFixture{app: app, org: app.as(t, demoOrganizer), prog: prog,
		day: func(d, h, m int) time.Time {
			return start.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
		}}
}

func (f planFixture) room(t *testing.T, name string) expo.Room {
	t.Helper()
	for _, r := range f.prog.Rooms {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no room %q", name)
	return expo.Room{}
}

func (f planFixture) forum(t *testing.T, title string) expo.Forum {
	t.Helper()
	for _, fr := range f.prog.Forums {
		if fr.Title == title {
			return fr
		}
	}
	t.Fatalf("no forum %q", title)
	return expo.Forum{}
}

func dayKey(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func sessionValues(title string, day time.Time, start, end string, roomID int64) url.Values {
	return values("title", title, "day", dayKey(day), "start", start, "end", end, "room_id", strconv.FormatInt(roomID, 10), "language", "en")
}

func TestPlanPagesAreForOrganizersOnly(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		fr := f.prog.Forums[0]
		pages := []string{"/organizer/rooms", "/organizer/rooms/1", "/organizer/rooms/1/delete", "/organizer/forums", "/organizer/forums/new",
			"/organizer/forums/" + itoa(fr.ID), "/organizer/forums/" + itoa(fr.ID) + "/delete",
			"/organizer/sessions/" + itoa(fr.Sessions[0].ID), "/organizer/sessions/" + itoa(fr.Sessions[0].ID) + "/delete",
			"/organizer/speakers", "/organizer/speakers/1", "/organizer/speakers/1/delete", "/organizer/clashes",
			"/organizer/timetable", "/organizer/timetable?day=" + dayKey(f.day(2, 0, 0)), "/organizer/hours/" + dayKey(f.day(0, 0, 0)) + "/delete"}
		attendee := f.app.as(t, demoAttendee)
		exhibitor := f.app.as(t, demoExhibitor)
		anonymous := f.app.client(t)
		for _, p := range pages {
			t.Run(p, func(t *testing.T) {
				if r := f.org.in(t).get(p); r.status != http.StatusOK {
					t.Errorf("organizer: status %d, want 200", r.status)
				}
				for name, c := range map[string]*testClient{"attendee": attendee, "exhibitor": exhibitor} {
					if r := c.in(t).get(p); r.status != http.StatusForbidden {
						t.Errorf("%s: status %d, want 403", name, r.status)
					}
				}
				if r := anonymous.in(t).get(p); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
					t.Errorf("anonymous: status %d to %q, want 303 to the login", r.status, r.location())
				}
			})
		}
		t.Run("every page in Chinese", func(t *testing.T) {
			zh := f.app.as(t, demoOrganizer)
			if r := zh.submit(zh.get("/"), "/lang", values("lang", "zh", "next", "/")); r.status != http.StatusSeeOther {
				t.Fatalf("switch to Chinese: status %d", r.status)
			}
			for _, p := range pages {
				// The harness fails the test on any missing translation.
				if r := zh.get(p); r.status != http.StatusOK || r.doc.Find(`html[lang="zh-Hans"]`).Length() != 1 {
					t.Errorf("%s in Chinese: status %d", p, r.status)
				}
			}
		})
		t.Run("an attendee cannot post", func(t *testing.T) {
			page := attendee.in(t).get("/forums")
			form := values("title", "Sneaky", "theme", "tourism", "languages", "en", "capacity", "10", "_csrf", attendee.in(t).csrf(page, ""))
			if r := attendee.in(t).post("/organizer/forums", form); r.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", r.status)
			}
			if n, _ := st.CountForums(context.Background(), store.ForumFilter{}); n != int64(len(f.prog.Forums)) {
				t.Fatalf("forums %d, want %d", n, len(f.prog.Forums))
			}
		})
	})
}

func TestPlanForumBadInput(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		ok := values("title", "Hydrogen Valley", "theme", "new_energy", "languages", "zh", "languages", "en", "capacity", "50")
		cases := []struct {
			name, field, value, msg string
		}{
			{"capacity 0", "capacity", "0", "forum.error.capacity_positive"},
			{"capacity -1", "capacity", "-1", "forum.error.capacity_positive"},
			{"capacity not a number", "capacity", "many", "forum.error.capacity_positive"},
			{"title of 10,000 characters", "title", strings.Repeat("x", 10000), "forum.error.title_too_long"},
			{"no title", "title", "", "error.required"},
			{"unknown theme", "theme", "golf", "error.choice_invalid"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				v := url.Values{}
				for k, vs := range ok {
					v[k] = vs
				}
				v.Set(tc.field, tc.value)
				r := f.org.in(t).fill("/organizer/forums/new", "/organizer/forums", v)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.status)
				}
				if got := r.fieldError(`form[action="/organizer/forums"]`, tc.field); got != en(tc.msg) {
					t.Fatalf("%s error = %q, want %q (all: %v)", tc.field, got, en(tc.msg), r.fieldErrors())
				}
				if n, _ := st.CountForums(context.Background(), store.ForumFilter{}); n != int64(len(f.prog.Forums)) {
					t.Fatalf("a forum was saved")
				}
			})
		}
		t.Run("valid forum is created as a draft", func(t *testing.T) {
			r := f.org.in(t).fill("/organizer/forums/new", "/organizer/forums", ok)
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/organizer/forums/") {
				t.Fatalf("status %d to %q, want 303 to the forum", r.status, r.location())
			}
			page := f.org.in(t).follow(r)
			if !strings.Contains(page.text("h1"), "Hydrogen Valley") || !strings.Contains(page.text(".page-head .badge"), en("plan.status.draft")) {
				t.Fatalf("forum page: h1 %q badge %q", page.text("h1"), page.text(".page-head .badge"))
			}
		})
	})
}

// newDraft creates a draft forum through the store and returns its page path.
func newDraft(t *testing.T, st *store.Store, title string, capacity int) (expo.Forum, string) {
	t.Helper()
	fr, err := st.CreateForum(context.Background(), expo.ForumInput{Title: title, Theme: "investment", Languages: []string{"en"}, Capacity: capacity})
	if err != nil {
		t.Fatal(err)
	}
	return fr, "/organizer/forums/" + itoa(fr.ID)
}

func TestPlanSessionBadInput(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		fr, path := newDraft(t, st, "Bad sessions", 30)
		room := f.room(t, "Negotiation Area")
		action := path + "/sessions"
		cases := []struct {
			name, field, msg string
			v                url.Values
		}{
			{"ends before it starts", "end", "session.error.ends_before_start", sessionValues("Talk", f.day(0, 0, 0), "11:00", "10:00", room.ID)},
			{"unknown room", "room_id", "session.error.unknown_room", sessionValues("Talk", f.day(0, 0, 0), "10:00", "11:00", 999999)},
			{"day outside the expo", "start", "session.error.outside_expo", sessionValues("Talk", f.day(-1, 0, 0), "10:00", "11:00", room.ID)},
			{"day after the expo", "start", "session.error.outside_expo", sessionValues("Talk", f.day(7, 0, 0), "10:00", "11:00", room.ID)},
			{"no start time", "start", "session.error.time_required", sessionValues("Talk", f.day(0, 0, 0), "", "11:00", room.ID)},
			{"not a day", "day", "plan.error.day", values("title", "Talk", "day", "tomorrow", "start", "10:00", "end", "11:00", "room_id", itoa(room.ID))},
			{"title of 10,000 characters", "title", "session.error.title_too_long", sessionValues(strings.Repeat("長", 10000), f.day(0, 0, 0), "10:00", "11:00", room.ID)},
			{"unknown speaker", "speakers", "session.error.unknown_speaker", func() url.Values {
				v := sessionValues("Talk", f.day(0, 0, 0), "10:00", "11:00", room.ID)
				v.Add("speakers", "999999")
				return v
			}()},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := f.org.in(t).fill(path, action, tc.v)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422 (%v)", r.status, r.fieldErrors())
				}
				got := r.fieldError(`form[action="`+action+`"]`, tc.field)
				if tc.field == "speakers" {
					got = strings.TrimSpace(r.doc.Find(`form[action="` + action + `"] fieldset .field-error`).Text())
				}
				if got != en(tc.msg) {
					t.Fatalf("%s error = %q, want %q (all: %v)", tc.field, got, en(tc.msg), r.fieldErrors())
				}
				if got, _ := st.Forum(context.Background(), fr.ID); len(got.Sessions) != 0 {
					t.Fatalf("a session was saved: %+v", got.Sessions)
				}
			})
		}
	})
}

func TestPlanPublishBlockedByClash(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPlanFixture(t, st)
		fr, path := newDraft(t, st, "Battery Swap Summit", 100)
		// Forum Hall 1 on day 1 from 13:30 belongs to a published demo forum.
		hall := f.room(t, "Forum Hall 1")
		r := f.org.fill(path, path+"/sessions", sessionValues("Swap stations", f.day(0, 0, 0), "13:00", "13:45", hall.ID))
		if r.status != http.StatusSeeOther {
			t.Fatalf("add session: status %d (%v)", r.status, r.fieldErrors())
		}
		page := f.org.follow(r)
		if got := page.text(".flash-error"); !strings.Contains(got, en("plan.session.saved.with_clashes")) {
			t.Fatalf("flash = %q, want the saved-with-clashes warning", got)
		}
		if n := page.doc.Find("#clashes .clash-room").Length(); n != 1 {
			t.Fatalf("room clashes shown = %d, want 1", n)
		}
		other := f.forum(t, "New Energy Vehicles: Supply Chains for Northeast Asia")
		if page.doc.Find(`#clashes a[href="/organizer/forums/`+itoa(other.ID)+`"]`).Length() == 0 {
			t.Fatal("the clash does not link to the other forum")
		}
		if got := page.text("#clashes .flash-error"); got != en("plan.forum.publish_blocked", map[string]any{"Count": 1}) {
			t.Fatalf("blocked note = %q", got)
		}

		r = f.org.submit(page, path+"/publish", nil)
		if r.status != http.StatusConflict {
			t.Fatalf("publish with a clash: status %d, want 409", r.status)
		}
		if got := r.text(".flash-error"); !strings.Contains(got, en("clash.error.publish_blocked", map[string]any{"Count": 1})) {
			t.Fatalf("publish message = %q", got)
		}
		if got, _ := st.Forum(ctx, fr.ID); got.Published {
			t.Fatal("the forum was published despite its clash")
		}

		// Move the session into the free Negotiation Area: no clash left.
		got, _ := st.Forum(ctx, fr.ID)
		sessPath := "/organizer/sessions/" + itoa(got.Sessions[0].ID)
		r = f.org.fill(sessPath, sessPath, sessionValues("Swap stations", f.day(0, 0, 0), "14:00", "15:00", f.room(t, "Negotiation Area").ID))
		if r.status != http.StatusSeeOther {
			t.Fatalf("update session: status %d (%v)", r.status, r.fieldErrors())
		}
		if got := f.org.follow(r).text(".flash-success"); !strings.Contains(got, en("plan.session.saved")) {
			t.Fatalf("flash = %q", got)
		}
		r = f.org.fill(path, path+"/publish", nil)
		if r.status != http.StatusSeeOther {
			t.Fatalf("publish: status %d, want 303", r.status)
		}
		if got, _ := st.Forum(ctx, fr.ID); !got.Published {
			t.Fatal("the forum is not published")
		}
	})
}

func TestPlanMoveSessionRechecksClashes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPlanFixture(t, st)
		timetable := "/organizer/timetable?day=" + dayKey(f.day(0, 0, 0))
		page := f.org.get(timetable)
		if page.status != http.StatusOK {
			t.Fatalf("timetable: status %d", page.status)
		}
		if cols := page.doc.Find(".plan-grid thead th").Length(); cols != len(f.prog.Rooms)+1 {
			t.Fatalf("timetable columns = %d, want a time column and %d rooms", cols, len(f.prog.Rooms))
		}
		hydrogen := f.forum(t, "Hydrogen Economy Forum")
		nev := f.forum(t, "New Energy Vehicles: Supply Chains for Northeast Asia")
		moving := hydrogen.Sessions[0]
		action := "/organizer/sessions/" + itoa(moving.ID) + "/move"
		if page.doc.Find(`form[action="`+action+`"]`).Length() != 1 {
			t.Fatal("the session has no move form in the timetable")
		}

		t.Run("a published session cannot move into a clash", func(t *testing.T) {
			r := f.org.in(t).submit(page, action, values("room_id", itoa(nev.Sessions[0].RoomID), "day", dayKey(f.day(0, 0, 0)), "start", "13:30"))
			if r.status != http.StatusConflict {
				t.Fatalf("status %d, want 409", r.status)
			}
			msg := strings.TrimSpace(r.doc.Find(`form[action="` + action + `"] .field-error`).Text())
			if !strings.Contains(msg, en("clash.error.published", map[string]any{"Count": 1})) {
				t.Fatalf("message = %q", msg)
			}
			if got, _ := st.Session(ctx, moving.ID); !got.StartsAt.Equal(moving.StartsAt) || got.RoomID != moving.RoomID {
				t.Fatalf("the refused move was saved: %+v", got)
			}
		})
		t.Run("bad input is refused with a message", func(t *testing.T) {
			r := f.org.in(t).submit(page, action, values("room_id", itoa(moving.RoomID), "day", dayKey(f.day(9, 0, 0)), "start", "10:00"))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.status)
			}
			if msg := r.doc.Find(`form[action="` + action + `"] .field-error`).Text(); !strings.Contains(msg, en("session.error.outside_expo")) {
				t.Fatalf("message = %q", msg)
			}
		})
		t.Run("a move to a free slot is saved", func(t *testing.T) {
			// The hall must hold the forum's 200 seats, or the move is a
			// capacity clash.
			free := f.room(t, "International Conference Hall")
			r := f.org.in(t).submit(page, action, values("room_id", itoa(free.ID), "day", dayKey(f.day(1, 0, 0)), "start", "14:00"))
			if r.status != http.StatusSeeOther || !strings.Contains(r.location(), "day="+dayKey(f.day(1, 0, 0))) {
				t.Fatalf("status %d to %q, want 303 to day 2: %s", r.status, r.location(), r.doc.Find(".plan-move-form .field-error").Text())
			}
			got, _ := st.Session(ctx, moving.ID)
			if got.RoomID != free.ID || !got.StartsAt.Equal(f.day(1, 14, 0)) || !got.EndsAt.Equal(f.day(1, 14, 45)) {
				t.Fatalf("moved session = %+v, want the conference hall on day 2 14:00–14:45", got)
			}
			next := f.org.in(t).follow(r)
			if !strings.Contains(next.text(".flash-success"), en("plan.session.moved")) {
				t.Fatalf("flash = %q", next.text(".flash"))
			}
			if next.doc.Find("#block-"+itoa(moving.ID)).Length() != 1 {
				t.Fatal("the moved session is not in day 2's timetable")
			}
		})
		t.Run("a draft session may move into a clash, which is then reported", func(t *testing.T) {
			fr, _ := newDraft(t, st, "Draft mover", 50)
			s, err := st.CreateSession(ctx, expo.SessionInput{ForumID: fr.ID, Title: "Mover", StartsAt: f.day(0, 9, 0), EndsAt: f.day(0, 10, 0),
				RoomID: f.room(t, "Negotiation Area").ID}, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			page := f.org.in(t).get(timetable)
			r := f.org.in(t).submit(page, "/organizer/sessions/"+itoa(s.ID)+"/move", values("room_id", itoa(nev.Sessions[0].RoomID), "day", dayKey(f.day(0, 0, 0)), "start", "13:30"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", r.status)
			}
			next := f.org.in(t).follow(r)
			if !strings.Contains(next.text(".flash-error"), en("plan.session.moved.with_clashes")) {
				t.Fatalf("flash = %q", next.text(".flash"))
			}
			if next.doc.Find("#block-"+itoa(s.ID)+".plan-block-clash").Length() != 1 {
				t.Fatal("the clashing block is not marked")
			}
			report := f.org.in(t).get("/organizer/clashes")
			if report.doc.Find(`.clash a[href="/organizer/sessions/`+itoa(s.ID)+`"]`).Length() == 0 {
				t.Fatal("the clash report does not list the moved session")
			}
		})
	})
}

func TestPlanClashReportAndTimetable(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		r := f.org.get("/organizer/clashes")
		draft := f.forum(t, "Cold-Chain Logistics for Seafood")
		for _, kind := range []string{"room", "hours", "capacity"} {
			if r.doc.Find(".clash-"+kind).Length() == 0 {
				t.Errorf("the report shows no %s clash of the demo draft", kind)
			}
		}
		if r.doc.Find(`.clash a[href="/organizer/forums/`+itoa(draft.ID)+`"]`).Length() == 0 {
			t.Error("the report does not link to the draft")
		}
		list := f.org.get("/organizer/forums?status=draft")
		if n := list.doc.Find(".plan-table tbody tr").Length(); n != 1 {
			t.Errorf("drafts listed = %d, want 1", n)
		}
		if got := list.text(".plan-table tbody .badge-clash"); got != "4" {
			t.Errorf("draft clash count = %q, want 4 (two room, one hours, one capacity)", got)
		}
		if r := f.org.get("/organizer/timetable?day=someday"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad day: status %d, want 422", r.status)
		}
		page2 := f.org.get("/organizer/forums?page=2")
		if page2.status != http.StatusOK || page2.doc.Find(".plan-table tbody tr").Length() == 0 {
			t.Errorf("page 2 of the forum list is empty (status %d)", page2.status)
		}
	})
}

func TestPlanRoomsHoursSpeakers(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPlanFixture(t, st)
		t.Run("room with bad capacity", func(t *testing.T) {
			r := f.org.in(t).fill("/organizer/rooms", "/organizer/rooms", values("name", "Room X", "capacity", "-1"))
			if r.status != http.StatusUnprocessableEntity || r.fieldError(`form[action="/organizer/rooms"]`, "capacity") != en("forum.error.capacity_positive") {
				t.Fatalf("status %d, errors %v", r.status, r.fieldErrors())
			}
		})
		t.Run("room with a taken name", func(t *testing.T) {
			r := f.org.in(t).fill("/organizer/rooms", "/organizer/rooms", values("name", "Forum Hall 1", "capacity", "10"))
			if r.status != http.StatusConflict || r.fieldError(`form[action="/organizer/rooms"]`, "name") != en("room.error.name_taken") {
				t.Fatalf("status %d, errors %v", r.status, r.fieldErrors())
			}
		})
		var roomID int64
		t.Run("room created, confirmed and deleted", func(t *testing.T) {
			r := f.org.in(t).fill("/organizer/rooms", "/organizer/rooms", values("name", "Tumen Room", "capacity", "35", "equipment", "Screen"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d, errors %v", r.status, r.fieldErrors())
			}
			rooms, _ := st.Rooms(ctx)
			for _, rm := range rooms {
				if rm.Name == "Tumen Room" {
					roomID = rm.ID
				}
			}
			confirm := f.org.in(t).get("/organizer/rooms/" + itoa(roomID) + "/delete")
			if !strings.Contains(confirm.text("h1"), "Tumen Room") {
				t.Fatalf("confirmation = %q", confirm.text("h1"))
			}
			if _, err := st.Room(ctx, roomID); err != nil {
				t.Fatal("the confirmation page deleted the room")
			}
			r = f.org.in(t).submit(confirm, "/organizer/rooms/"+itoa(roomID)+"/delete", nil)
			if r.status != http.StatusSeeOther {
				t.Fatalf("delete: status %d", r.status)
			}
			if _, err := st.Room(ctx, roomID); err == nil {
				t.Fatal("the room still exists")
			}
		})
		t.Run("a room in use is not deleted", func(t *testing.T) {
			hall := f.room(t, "Forum Hall 1")
			r := f.org.in(t).fill("/organizer/rooms/"+itoa(hall.ID)+"/delete", "/organizer/rooms/"+itoa(hall.ID)+"/delete", nil)
			if r.status != http.StatusConflict || !strings.Contains(r.text(".flash-error"), en("room.error.in_use")) {
				t.Fatalf("status %d, message %q", r.status, r.text(".flash-error"))
			}
		})
		t.Run("opening hours closing before opening", func(t *testing.T) {
			day := dayKey(f.day(0, 0, 0))
			r := f.org.in(t).fill("/organizer/rooms", "/organizer/hours", values("day", day, "opens", "18:00", "closes", "08:00"))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", r.status)
			}
			if msg := r.doc.Find("#h-" + strings.ReplaceAll(day, "-", "") + "-closes").Parent().Find(".field-error").Text(); msg != en("hours.error.closes_before_opens") {
				t.Fatalf("message = %q", msg)
			}
			hours, _ := st.OpeningHours(ctx, time.UTC)
			if !hours[0].Opens.Equal(f.day(0, 9, 0)) {
				t.Fatalf("hours changed: %+v", hours[0])
			}
		})
		t.Run("narrower opening hours are saved and reported as clashes", func(t *testing.T) {
			r := f.org.in(t).fill("/organizer/rooms", "/organizer/hours", values("day", dayKey(f.day(0, 0, 0)), "opens", "10:00", "closes", "17:00"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d", r.status)
			}
			if !strings.Contains(f.org.in(t).follow(r).text(".flash-error"), en("plan.hours.saved.with_clashes")) {
				t.Fatal("no clash warning after narrowing the hours")
			}
		})
		t.Run("speaker without a name", func(t *testing.T) {
			r := f.org.in(t).fill("/organizer/speakers", "/organizer/speakers", values("name_latin", "Nobody"))
			if r.status != http.StatusUnprocessableEntity || r.fieldError(`form[action="/organizer/speakers"]`, "name") != en("error.required") {
				t.Fatalf("status %d, errors %v", r.status, r.fieldErrors())
			}
		})
		t.Run("speaker created and listed", func(t *testing.T) {
			r := f.org.in(t).fill("/organizer/speakers", "/organizer/speakers", values("name", "山田花子", "name_latin", "Yamada Hanako", "country", "JP"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d, errors %v", r.status, r.fieldErrors())
			}
			all, _ := st.Speakers(ctx)
			found := false
			for _, sp := range all {
				found = found || sp.NameLatin == "Yamada Hanako"
			}
			if !found {
				t.Fatal("speaker not saved")
			}
		})
	})
}

func TestPlanHoursOnADayOutsideTheExpo(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		r := f.org.fill("/organizer/rooms", "/organizer/hours", values("day", dayKey(f.day(-5, 0, 0)), "opens", "09:00", "closes", "17:00"))
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", r.status)
		}
		if got := r.text("#hours .flash-error"); !strings.Contains(got, en("hours.error.outside_expo")) {
			t.Fatalf("message = %q", got)
		}
		hours, _ := st.OpeningHours(context.Background(), time.UTC)
		if len(hours) != 5 {
			t.Fatalf("hours = %d days, want the 5 of the demo", len(hours))
		}
	})
}

func TestPlanDeletesAskFirst(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPlanFixture(t, st)
		meeting := f.forum(t, "Medical Device Registration: China, Korea, Russia") // one session, published
		only := meeting.Sessions[0]
		path := "/organizer/sessions/" + itoa(only.ID) + "/delete"
		t.Run("the only session of a published forum stays", func(t *testing.T) {
			confirm := f.org.in(t).get(path)
			if !strings.Contains(confirm.text("h1"), only.Title) {
				t.Fatalf("confirmation heading = %q", confirm.text("h1"))
			}
			r := f.org.in(t).submit(confirm, path, nil)
			if r.status != http.StatusConflict || !strings.Contains(r.text(".flash-error"), en("session.error.last_of_published")) {
				t.Fatalf("status %d, message %q", r.status, r.text(".flash-error"))
			}
			if _, err := st.Session(ctx, only.ID); err != nil {
				t.Fatal("the session was deleted")
			}
		})
		t.Run("a forum is deleted after confirmation", func(t *testing.T) {
			fpath := "/organizer/forums/" + itoa(meeting.ID) + "/delete"
			confirm := f.org.in(t).get(fpath)
			if !strings.Contains(confirm.text(".confirm"), en("plan.delete.forum.detail", map[string]any{"Sessions": 1, "Confirmed": meeting.Confirmed, "Waitlisted": meeting.Waitlisted})) {
				t.Fatalf("confirmation = %q", confirm.text(".confirm"))
			}
			if _, err := st.Forum(ctx, meeting.ID); err != nil {
				t.Fatal("the confirmation page deleted the forum")
			}
			r := f.org.in(t).submit(confirm, fpath, nil)
			if r.status != http.StatusSeeOther || r.location() != "/organizer/forums" {
				t.Fatalf("status %d to %q", r.status, r.location())
			}
			if _, err := st.Forum(ctx, meeting.ID); err == nil {
				t.Fatal("the forum still exists")
			}
		})
	})
}
