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

// mmCase is the demo expo with exhibitor1's company set to one table and
// no auto-accept, and a slot free for both demo attendees.
type mmCase struct {
	app       *testApp
	st        *store.Store
	exhibitor expo.Exhibitor
	slot      expo.Slot
	other     expo.Slot // a second common free slot
}

func newMMCase(t *testing.T, st *store.Store, auto bool) mmCase {
	t.Helper()
	ctx := context.Background()
	loadDemo(t, st)
	app := newApp(t, st, Config{})
	rep := app.user(t, demoExhibitor)
	ex, err := st.Application(ctx, *rep.ExhibitorID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetExhibitorMeetingSettings(ctx, ex.ID, store.MeetingSettings{Tables: 1, AutoAccept: auto}); err != nil {
		// The demo may have given it more meetings in a slot than 1 table.
		t.Fatalf("settings: %v", err)
	}
	a1, a2 := app.user(t, demoAttendee), app.user(t, demoAttendee2)
	free1, err := st.FreeSlots(ctx, ex.ID, a1.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	free2, err := st.FreeSlots(ctx, ex.ID, a2.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	in2 := map[int64]bool{}
	for _, s := range free2 {
		in2[s.ID] = true
	}
	var common []expo.Slot
	for _, s := range free1 {
		if in2[s.ID] && s.RestrictCountry == "" {
			common = append(common, s)
		}
	}
	if len(common) < 2 {
		t.Fatalf("no common free slots for the demo attendees (%d, %d)", len(free1), len(free2))
	}
	return mmCase{app: app, st: st, exhibitor: ex, slot: common[0], other: common[1]}
}

func (m mmCase) meetPath() string { return "/exhibitors/" + m.exhibitor.Slug + "/meet" }

func slotID(s expo.Slot) string { return strconv.FormatInt(s.ID, 10) }

// request books slot for the client's attendee through the slot picker.
func (m mmCase) request(c *testClient, s expo.Slot, message string) *reply {
	c.t.Helper()
	return c.fill(m.meetPath(), m.meetPath(), values("slot_id", slotID(s), "language", "en", "message", message))
}

func countMeetings(t *testing.T, st *store.Store) int {
	t.Helper()
	n := 0
	for _, e := range []string{demoAttendee, demoAttendee2} {
		u, err := st.UserByEmail(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := st.MyMeetings(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		n += len(ms)
	}
	return n
}

func TestMeetingJourney(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		m := newMMCase(t, st, false)
		a1 := m.app.as(t, demoAttendee)
		a2 := m.app.as(t, demoAttendee2)
		ex := m.app.as(t, demoExhibitor)

		profile := a1.get("/exhibitors/" + m.exhibitor.Slug)
		if href, _ := profile.doc.Find(".book-meeting a").Attr("href"); href != m.meetPath() {
			t.Fatalf("profile has no Book a meeting link: %q", href)
		}
		stale := a2.get(m.meetPath()) // loaded before the slot goes
		picker := a1.get(m.meetPath())
		if picker.status != http.StatusOK || picker.doc.Find(`input[name="slot_id"][value="`+slotID(m.slot)+`"]`).Length() != 1 {
			t.Fatalf("slot picker: status %d, slot %d offered? %d", picker.status, m.slot.ID, picker.doc.Find(`input[name="slot_id"]`).Length())
		}
		r := m.request(a1, m.slot, "We buy battery packs.")
		if r.status != http.StatusSeeOther || r.location() != "/my/meetings" {
			t.Fatalf("request: status %d %v %s", r.status, r.fieldErrors(), r.text(".flash-error"))
		}
		mine := a1.follow(r)
		if !strings.Contains(mine.text(".meeting-group-awaiting"), m.exhibitor.Name) {
			t.Fatalf("attendee does not see the pending request: %s", mine.text("#meetings"))
		}
		// The slot is gone from the picker of the second attendee (one table).
		if a2.get(m.meetPath()).doc.Find(`input[name="slot_id"][value="`+slotID(m.slot)+`"]`).Length() != 0 {
			t.Fatal("a taken slot is still offered")
		}
		t.Run("a second attendee cannot take the same slot", func(t *testing.T) {
			// A stale page: the picker was loaded before the slot went.
			r := a2.in(t).submit(stale, m.meetPath(), values("slot_id", slotID(m.slot), "language", "en"))
			if r.status != http.StatusConflict || !strings.Contains(r.text(".flash-error"), en("meeting.error.slot_taken")) {
				t.Fatalf("status %d, message %q", r.status, r.text(".flash-error"))
			}
		})
		t.Run("the requester cannot accept", func(t *testing.T) {
			list := a1.in(t).get("/my/meetings")
			if list.doc.Find(`form[action$="/accept"]`).Length() != 0 {
				t.Fatal("attendee is offered to accept its own request")
			}
		})
		// The exhibitor accepts.
		list := ex.get("/my/meetings")
		form := list.doc.Find(".meeting-group-to_answer form[action$=\"/accept\"]")
		action, ok := form.Attr("action")
		if !ok {
			t.Fatalf("exhibitor has nothing to accept: %s", list.text("#meetings"))
		}
		if r := ex.submit(list, action, nil); r.status != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", r.status, r.body)
		}
		mine = a1.get("/my/meetings")
		up := mine.text(".meeting-group-upcoming")
		if !strings.Contains(up, m.exhibitor.Name) || !strings.Contains(up, en("meeting.table", map[string]any{"Number": 1})[:6]) {
			t.Fatalf("accepted meeting not upcoming with a table: %q", up)
		}
		// Both see it in their agenda.
		for _, c := range []*testClient{a1, ex} {
			ag := c.get("/my/agenda")
			if ag.doc.Find(".agenda-meeting").Length() == 0 {
				t.Fatalf("agenda has no meeting: %s", ag.text(".agenda"))
			}
		}
		// And in the personal calendar feed.
		a1u := m.app.user(t, demoAttendee)
		secret, err := st.RotateCalendarFeed(context.Background(), a1u.ID)
		if err != nil {
			t.Fatal(err)
		}
		ics := a1.get("/calendar/" + secret + ".ics")
		if !strings.Contains(ics.body, "UID:meeting-") || !strings.Contains(ics.body, "Meeting with") {
			t.Fatalf("calendar feed lacks the meeting: %.400s", ics.body)
		}
		// htmx: cancelling swaps the list.
		list = a1.get("/my/meetings")
		cancel, _ := list.doc.Find(`.meeting-group-upcoming form[action$="/cancel"]`).First().Attr("action")
		req := a1.formRequest(cancel, url.Values{"_csrf": {a1.csrf(list, cancel)}, "reason": {"Flight moved"}})
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "meetings")
		r = a1.do(req)
		if r.status != http.StatusOK || !strings.Contains(r.text(".meeting-group-closed"), "Flight moved") {
			t.Fatalf("htmx cancel: %d %s", r.status, r.body)
		}
		// The slot is free again.
		if r := m.request(a2, m.slot, ""); r.status != http.StatusSeeOther {
			t.Fatalf("rebook after cancel: %d %s", r.status, r.text(".flash-error"))
		}
	})
}

func TestMeetingRequestBadInput(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		m := newMMCase(t, st, false)
		a1 := m.app.as(t, demoAttendee)
		ctx := context.Background()
		// A slot the exhibitor is not available in.
		if _, err := st.SetAvailability(ctx, m.exhibitor.ID, []int64{m.other.ID}, false); err != nil {
			t.Fatal(err)
		}
		before := countMeetings(t, st)
		cases := []struct {
			name   string
			form   url.Values
			status int
			field  string
			msg    string
		}{
			{"no slot", values("language", "en"), http.StatusUnprocessableEntity, "slot_id", "meeting.error.choose_slot"},
			{"forged slot", values("slot_id", "x1", "language", "en"), http.StatusUnprocessableEntity, "slot_id", "meeting.error.choose_slot"},
			{"unknown slot", values("slot_id", "99999999", "language", "en"), http.StatusNotFound, "", ""},
			{"language of neither side", values("slot_id", slotID(m.slot), "language", "fr"), http.StatusUnprocessableEntity, "language", "meeting.error.language"},
			{"long message", values("slot_id", slotID(m.slot), "language", "en", "message", strings.Repeat("长", 1001)), http.StatusUnprocessableEntity, "message", "meeting.error.message_too_long"},
			{"slot not offered", values("slot_id", slotID(m.other), "language", "en"), http.StatusConflict, "", "meeting.error.not_available"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := a1.in(t).fill(m.meetPath(), m.meetPath(), c.form)
				if r.status != c.status {
					t.Fatalf("status %d, want %d; %v %s", r.status, c.status, r.fieldErrors(), r.text(".flash-error"))
				}
				if c.field != "" && r.fieldError("#slot-picker", c.field) != en(c.msg) && r.fieldErrors()[c.field] != en(c.msg) {
					t.Fatalf("field %s: %v", c.field, r.fieldErrors())
				}
				if c.field == "" && c.msg != "" && !strings.Contains(r.text(".flash-error"), en(c.msg)) {
					t.Fatalf("message %q", r.text(".flash-error"))
				}
			})
		}
		t.Run("100 KB message", func(t *testing.T) {
			r := a1.in(t).fill(m.meetPath(), m.meetPath(), values("slot_id", slotID(m.slot), "language", "en", "message", strings.Repeat("x", 100<<10)))
			if r.status < 400 || r.status > 499 {
				t.Fatalf("status %d", r.status)
			}
		})
		if after := countMeetings(t, st); after != before {
			t.Fatalf("bad requests wrote meetings: %d → %d", before, after)
		}
		t.Run("exhibitors and organizers cannot book", func(t *testing.T) {
			for _, who := range []string{demoExhibitor, demoOrganizer} {
				if r := m.app.as(t, who).get(m.meetPath()); r.status != http.StatusForbidden {
					t.Fatalf("%s: status %d", who, r.status)
				}
			}
		})
		t.Run("unknown exhibitor", func(t *testing.T) {
			if r := a1.in(t).get("/exhibitors/no-such-company/meet"); r.status != http.StatusNotFound {
				t.Fatalf("status %d", r.status)
			}
		})
	})
}

func TestMeetingAuthorization(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		m := newMMCase(t, st, false)
		a1 := m.app.as(t, demoAttendee)
		if r := m.request(a1, m.slot, ""); r.status != http.StatusSeeOther {
			t.Fatalf("request: %d", r.status)
		}
		ms, err := st.MyMeetings(context.Background(), m.app.user(t, demoAttendee))
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		for _, mm := range ms {
			if mm.SlotID == m.slot.ID && mm.ExhibitorID == m.exhibitor.ID {
				id = mm.ID
			}
		}
		path := "/my/meetings/" + strconv.FormatInt(id, 10)
		cases := []struct {
			who, action string
			status      int
		}{
			{demoAttendee2, "cancel", http.StatusNotFound},
			{demoAttendee2, "accept", http.StatusNotFound},
			{"exhibitor2@demo.expo", "accept", http.StatusNotFound},
			{"exhibitor2@demo.expo", "decline", http.StatusNotFound},
			{demoOrganizer, "cancel", http.StatusNotFound},
			{demoAttendee, "accept", http.StatusForbidden},
		}
		for _, c := range cases {
			t.Run(c.who+" "+c.action, func(t *testing.T) {
				cl := m.app.as(t, c.who)
				page := cl.get("/my/meetings")
				r := cl.post(path+"/"+c.action, values("_csrf", cl.csrf(page, "/logout")))
				if r.status != c.status {
					t.Fatalf("status %d, want %d", r.status, c.status)
				}
			})
		}
		t.Run("bad ids", func(t *testing.T) {
			page := a1.in(t).get("/my/meetings")
			for _, bad := range []string{"0", "-1", "abc", "99999999"} {
				r := a1.in(t).post("/my/meetings/"+bad+"/cancel", values("_csrf", a1.csrf(page, "/logout")))
				if r.status != http.StatusNotFound {
					t.Fatalf("%s: status %d", bad, r.status)
				}
			}
		})
		got, err := st.Meeting(context.Background(), id, m.app.user(t, demoAttendee))
		if err != nil || got.Status != expo.MeetingPending {
			t.Fatalf("meeting changed: %+v %v", got, err)
		}
	})
}

func TestExhibitorAvailabilityPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		m := newMMCase(t, st, false)
		ex := m.app.as(t, demoExhibitor)
		page := ex.get("/exhibitor/meetings")
		if page.status != http.StatusOK || page.doc.Find(`input[name="slot_id"]:checked`).Length() == 0 {
			t.Fatalf("availability page: %d", page.status)
		}
		t.Run("settings", func(t *testing.T) {
			c := ex.in(t)
			for _, bad := range []string{"0", "21", "x"} {
				r := c.fill("/exhibitor/meetings", "/exhibitor/meetings/settings", values("tables", bad))
				if r.status != http.StatusUnprocessableEntity || r.fieldError(`form[action="/exhibitor/meetings/settings"]`, "tables") != en("slots.error.exhibitor_tables") {
					t.Fatalf("tables=%s: %d %v", bad, r.status, r.fieldErrors())
				}
			}
			if r := c.fill("/exhibitor/meetings", "/exhibitor/meetings/settings", values("tables", "2", "auto_accept", "1")); r.status != http.StatusSeeOther {
				t.Fatalf("save: %d %v", r.status, r.fieldErrors())
			}
			set, _ := st.ExhibitorMeetingSettings(context.Background(), m.exhibitor.ID)
			if set.Tables != 2 || !set.AutoAccept {
				t.Fatalf("settings = %+v", set)
			}
		})
		t.Run("a day off and on", func(t *testing.T) {
			c := ex.in(t)
			day := m.slot.Start.UTC().Format("2006-01-02")
			r := c.fill("/exhibitor/meetings", "/exhibitor/meetings/availability", values("day", day, "action", "none"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("none: %d", r.status)
			}
			free, _ := st.FreeSlots(context.Background(), m.exhibitor.ID, 0, time.Now())
			for _, s := range free {
				if s.Start.UTC().Format("2006-01-02") == day && s.Booked == 0 {
					// Slots with meetings stay; FreeSlots leaves out full ones.
					grid, _ := st.AvailabilityGrid(context.Background(), m.exhibitor.ID)
					for _, g := range grid {
						if g.ID == s.ID && g.Booked == 0 {
							t.Fatalf("slot %d still available", s.ID)
						}
					}
				}
			}
			if r := c.fill("/exhibitor/meetings", "/exhibitor/meetings/availability", values("day", day, "action", "all")); r.status != http.StatusSeeOther {
				t.Fatalf("all: %d", r.status)
			}
			if r := c.fill("/exhibitor/meetings", "/exhibitor/meetings/availability", values("day", "2001-01-01", "action", "all")); r.status != http.StatusUnprocessableEntity {
				t.Fatalf("no such day: %d", r.status)
			}
		})
		t.Run("invite", func(t *testing.T) {
			c := ex.in(t)
			r := c.fill("/exhibitor/meetings", "/exhibitor/meetings/invite", values("email", "nobody@example.com", "slot_id", slotID(m.other), "language", "en"))
			if r.status != http.StatusUnprocessableEntity || r.fieldError(`form[action="/exhibitor/meetings/invite"]`, "email") != en("meeting.error.no_attendee") {
				t.Fatalf("unknown attendee: %d %v", r.status, r.fieldErrors())
			}
			r = c.fill("/exhibitor/meetings", "/exhibitor/meetings/invite", values("email", demoAttendee2, "slot_id", slotID(m.other), "language", "en", "message", "Let us talk."))
			if r.status != http.StatusSeeOther {
				t.Fatalf("invite: %d %v %s", r.status, r.fieldErrors(), r.text(".flash-error"))
			}
			a2 := m.app.as(t, demoAttendee2)
			if a2.get("/my/meetings").doc.Find(`.meeting-group-to_answer form[action$="/accept"]`).Length() != 1 {
				t.Fatal("the invited attendee cannot accept")
			}
		})
	})
}

func TestOrganizerMatchmaking(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		org := app.as(t, demoOrganizer)
		page := org.get("/organizer/matchmaking")
		if page.status != http.StatusOK || page.doc.Find("#blocks tbody tr").Length() != 10 {
			t.Fatalf("matchmaking page: %d, %d blocks", page.status, page.doc.Find("#blocks tbody tr").Length())
		}
		ev, _, _ := st.Event(context.Background(), time.UTC)
		day := ev.StartsOn.Format("2006-01-02")
		cases := []struct {
			name   string
			form   url.Values
			status int
			field  string
			msg    string
		}{
			{"end before start", values("day", day, "start", "18:00", "end", "17:30", "slot_minutes", "30"), http.StatusUnprocessableEntity, "end", "slots.error.end_before_start"},
			{"slot length", values("day", day, "start", "18:00", "end", "19:00", "slot_minutes", "5"), http.StatusUnprocessableEntity, "slot_minutes", "slots.error.slot_minutes"},
			{"not an expo day", values("day", "2001-01-01", "start", "18:00", "end", "19:00", "slot_minutes", "30"), http.StatusUnprocessableEntity, "day", "slots.error.day_outside"},
			{"overlap", values("day", day, "start", "10:00", "end", "11:00", "slot_minutes", "30"), http.StatusConflict, "start", "slots.error.overlap"},
			{"bad country", values("day", day, "start", "18:00", "end", "19:00", "slot_minutes", "30", "restrict_country", "ZZ"), http.StatusUnprocessableEntity, "restrict_country", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := org.in(t).fill("/organizer/matchmaking", "/organizer/matchmaking/blocks", c.form)
				if r.status != c.status {
					t.Fatalf("status %d, want %d: %v", r.status, c.status, r.fieldErrors())
				}
				got := r.fieldError(`form[action="/organizer/matchmaking/blocks"]`, c.field)
				if got == "" || (c.msg != "" && got != en(c.msg)) {
					t.Fatalf("field %s = %q: %v", c.field, got, r.fieldErrors())
				}
			})
		}
		r := org.fill("/organizer/matchmaking", "/organizer/matchmaking/blocks", values("day", day, "start", "17:00", "end", "18:00", "slot_minutes", "20", "break_minutes", "10", "theme", "Evening talks"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d %v", r.status, r.fieldErrors())
		}
		page = org.follow(r)
		if page.doc.Find("#blocks tbody tr").Length() != 11 {
			t.Fatal("new block not listed")
		}
		if r := org.fill("/organizer/matchmaking", "/organizer/matchmaking/tables", values("tables", "-3")); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("tables -3: %d", r.status)
		}
		if r := org.fill("/organizer/matchmaking", "/organizer/matchmaking/tables", values("tables", "45", "area", "Hall D")); r.status != http.StatusSeeOther {
			t.Fatalf("tables: %d %v", r.status, r.fieldErrors())
		}
		if n, _, _ := st.TableCount(context.Background()); n != 45 {
			t.Fatalf("tables = %d", n)
		}
		// A block holding meetings is not deleted.
		ctx := context.Background()
		a1 := app.user(t, demoAttendee)
		mine, err := st.MyMeetings(ctx, a1)
		if err != nil || len(mine) == 0 {
			t.Fatalf("attendee1 has no demo meetings: %v", err)
		}
		grid, _ := st.AvailabilityGrid(ctx, mine[0].ExhibitorID)
		var used int64
		for _, g := range grid {
			if g.ID == mine[0].SlotID {
				used = g.BlockID
			}
		}
		path := "/organizer/matchmaking/blocks/" + strconv.FormatInt(used, 10) + "/delete"
		page = org.get("/organizer/matchmaking")
		if page.doc.Find(`form[action="`+path+`"]`).Length() != 0 {
			t.Fatal("a block with meetings offers Delete")
		}
		if r := org.post(path, values("_csrf", org.csrf(page, "/organizer/matchmaking/tables"))); r.status != http.StatusConflict {
			t.Fatalf("delete used block: %d", r.status)
		}
		for _, who := range []string{demoAttendee, demoExhibitor} {
			if r := app.as(t, who).get("/organizer/matchmaking"); r.status != http.StatusForbidden {
				t.Fatalf("%s: %d", who, r.status)
			}
		}
	})
}
