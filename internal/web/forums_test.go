package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// testForum creates and publishes a forum with one session per [start, end)
// hour pair on the demo expo's first day, in a room of its own so it never
// clashes with the demo programme.
func testForum(t *testing.T, st *store.Store, title, theme string, capacity int, hours ...[2]int) expo.Forum {
	t.Helper()
	ctx := context.Background()
	ev, ok, err := st.Event(ctx, time.UTC)
	if err != nil || !ok {
		t.Fatalf("event: %v %v", ok, err)
	}
	room, err := st.CreateRoom(ctx, expo.RoomInput{Name: "Room of " + title, Capacity: 1000})
	if err != nil {
		t.Fatalf("create room: %v", err)
	}
	speaker, err := st.CreateSpeaker(ctx, expo.SpeakerInput{Name: "王芳", NameLatin: "Wang Fang", Organization: "Jilin University", Country: "CN"})
	if err != nil {
		t.Fatalf("create speaker: %v", err)
	}
	f, err := st.CreateForum(ctx, expo.ForumInput{Title: title, Theme: theme, Languages: []string{"zh", "en"}, Capacity: capacity,
		Description: "Policies, partners; and projects, in one morning.", HostOrganization: "Jilin Provincial Government"})
	if err != nil {
		t.Fatalf("create forum: %v", err)
	}
	for _, h := range hours {
		at := func(hour int) time.Time { return ev.StartsOn.Add(time.Duration(hour) * time.Hour) }
		if _, err := st.CreateSession(ctx, expo.SessionInput{ForumID: f.ID, Title: title + " session", StartsAt: at(h[0]), EndsAt: at(h[1]),
			RoomID: room.ID, Language: "zh", SpeakerIDs: []int64{speaker.ID}}, time.UTC); err != nil {
			t.Fatalf("create session: %v", err)
		}
	}
	if err := st.Publish(ctx, f.ID, time.UTC); err != nil {
		t.Fatalf("publish %s: %v", title, err)
	}
	f, err = st.Forum(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// draftForum creates an unpublished forum.
func draftForum(t *testing.T, st *store.Store, title string) expo.Forum {
	t.Helper()
	f, err := st.CreateForum(context.Background(), expo.ForumInput{Title: title, Theme: "tourism", Languages: []string{"en"}, Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// attendeePassword is the password of the attendees the forum tests make.
const attendeePassword = "forum-tests-1"

// newAttendee makes an attendee account of the test's own (the demo
// attendees already hold demo registrations) and logs it in.
func newAttendee(t *testing.T, app *testApp, email string) (*testClient, expo.User) {
	t.Helper()
	u, err := app.st.CreateAttendee(context.Background(), expo.SignUp{Email: email, Password: attendeePassword, Profile: expo.Profile{Name: "Attendee " + email, Country: "KR", Languages: []string{"ko", "en"}}})
	if err != nil {
		t.Fatalf("create attendee %s: %v", email, err)
	}
	c := app.client(t)
	c.logIn(email, attendeePassword)
	return c, u
}

func forumURL(f expo.Forum) string { return "/forums/" + itoa(f.ID) }

func TestProgrammePage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		hydrogen := testForum(t, st, "Hydrogen Valley Roundtable", "new_energy", 50, [2]int{10, 11})
		draft := draftForum(t, st, "Secret Draft Forum")
		ev, _, _ := st.Event(context.Background(), time.UTC)
		day1 := ev.StartsOn.Format(time.DateOnly)

		tests := []struct {
			name     string
			query    string
			want     []string // texts that must appear
			wantNot  []string
			selected string // the active day tab
		}{
			{"the first day by default", "", []string{hydrogen.Title}, []string{draft.Title}, day1},
			{"theme filter keeps the forum", "?day=" + day1 + "&theme=new_energy", []string{hydrogen.Title}, nil, day1},
			{"theme filter drops the forum", "?day=" + day1 + "&theme=tourism", nil, []string{hydrogen.Title}, day1},
			{"language filter", "?day=" + day1 + "&language=zh", []string{hydrogen.Title}, nil, day1},
			{"another day", "?day=" + ev.StartsOn.AddDate(0, 0, 1).Format(time.DateOnly), nil, []string{hydrogen.Title}, ev.StartsOn.AddDate(0, 0, 1).Format(time.DateOnly)},
			{"unknown values are ignored", "?day=1999-01-01&theme=<x>&room=abc&language=xx", []string{hydrogen.Title}, nil, day1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := app.client(t).get("/forums" + tt.query)
				if r.status != http.StatusOK {
					t.Fatalf("status %d", r.status)
				}
				grid, list := r.text(".timetable"), r.text(".programme-list")
				for _, w := range tt.want {
					if !strings.Contains(grid, w) || !strings.Contains(list, w) {
						t.Errorf("%q missing from the timetable or the list", w)
					}
				}
				for _, w := range tt.wantNot {
					if strings.Contains(r.text("#programme"), w) {
						t.Errorf("%q shown", w)
					}
				}
				if got := r.doc.Find(".day-tabs a[aria-current]").AttrOr("href", ""); !strings.Contains(got, "day="+tt.selected) {
					t.Errorf("active day tab %q, want day %s", got, tt.selected)
				}
				if n := r.doc.Find(".day-tabs a").Length(); n != 5 {
					t.Errorf("%d day tabs, want the 5 expo days", n)
				}
			})
		}

		t.Run("the timetable has rooms as columns and the session spans its slots", func(t *testing.T) {
			r := app.client(t).get("/forums?day=" + day1 + "&room=" + itoa(hydrogen.Sessions[0].RoomID))
			heads := r.doc.Find(".timetable thead th")
			if heads.Length() != 2 || !strings.Contains(heads.Last().Text(), "Room of Hydrogen") {
				t.Errorf("columns %q, want Time and the forum's room", heads.Text())
			}
			cell := r.doc.Find(".timetable td.tt-session")
			if cell.Length() != 1 || cell.AttrOr("rowspan", "") != "1" {
				t.Errorf("session cells %d, rowspan %q; want one spanning its one-hour slot", cell.Length(), cell.AttrOr("rowspan", ""))
			}
			if got := r.text(".timetable td.tt-session .session-seats"); got != en("forum.seats_left", map[string]any{"Count": 50}) {
				t.Errorf("seats %q", got)
			}
		})
		t.Run("htmx filters get only the programme", func(t *testing.T) {
			c := app.client(t)
			c.header.Set("HX-Request", "true")
			c.header.Set("HX-Target", "programme")
			r := c.get("/forums?day=" + day1 + "&theme=new_energy")
			if r.status != http.StatusOK || strings.Contains(r.body, "<html") || r.doc.Find("#programme").Length() != 1 {
				t.Errorf("status %d, fragment %.200s", r.status, r.body)
			}
		})
		t.Run("a logged-in attendee sees their registration in the programme", func(t *testing.T) {
			c, u := newAttendee(t, app, "programme@forum.test")
			if _, err := st.Register(context.Background(), hydrogen.ID, u.ID); err != nil {
				t.Fatal(err)
			}
			r := c.get("/forums?day=" + day1 + "&theme=new_energy")
			if got := r.text(".timetable .badge-confirmed"); got != en("forum.reg.confirmed.badge") {
				t.Errorf("badge %q", got)
			}
		})
	})
}

func TestProgrammeWithoutEvent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		app := newApp(t, st, Config{})
		r := app.client(t).get("/forums")
		if r.status != http.StatusOK || r.text(".empty h2") != en("forum.programme.no_event") {
			t.Errorf("status %d, empty state %q", r.status, r.text(".empty h2"))
		}
		for _, path := range []string{"/schedule.xml", "/schedule.json"} {
			if r := app.client(t).get(path); r.status != http.StatusNotFound {
				t.Errorf("%s without an expo: status %d, want 404", path, r.status)
			}
		}
	})
}

func TestForumPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		f := testForum(t, st, "Korean Medical Devices Day", "korea_business_day", 30, [2]int{9, 10}, [2]int{14, 15})
		draft := draftForum(t, st, "Unpublished")

		t.Run("sessions, speakers and seats", func(t *testing.T) {
			r := app.client(t).get(forumURL(f))
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			if got := r.text("h1"); got != f.Title {
				t.Errorf("h1 %q", got)
			}
			if n := r.doc.Find(".session-card").Length(); n != 2 {
				t.Errorf("%d sessions, want 2", n)
			}
			if got := r.text(".speaker-list li"); !strings.Contains(got, "王芳") || !strings.Contains(got, "Wang Fang") {
				t.Errorf("speakers %q", got)
			}
			if got := r.text("#registration .stat-value"); got != "30" {
				t.Errorf("seats left %q, want 30", got)
			}
			if href := r.doc.Find("#registration a.button").AttrOr("href", ""); href != "/login?next="+forumURL(f) {
				t.Errorf("anonymous visitors get %q, want the login link", href)
			}
		})
		for _, path := range []string{forumURL(draft), "/forums/999999", "/forums/abc", "/forums/-1", forumURL(draft) + "/calendar.ics"} {
			t.Run("not found: "+path, func(t *testing.T) {
				if r := app.client(t).get(path); r.status != http.StatusNotFound {
					t.Errorf("status %d, want 404", r.status)
				}
			})
		}
		t.Run("an exhibitor is told registration is for attendees", func(t *testing.T) {
			r := app.as(t, demoExhibitor).get(forumURL(f))
			if got := r.text("#registration"); !strings.Contains(got, en("forum.reg.attendees_only")) || r.doc.Find("#registration form").Length() != 0 {
				t.Errorf("registration box %q", got)
			}
		})
	})
}

func TestForumRegistration(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		f := testForum(t, st, "One Seat Masterclass", "investment", 1, [2]int{10, 12})
		first, _ := newAttendee(t, app, "first@forum.test")
		second, secondUser := newAttendee(t, app, "second@forum.test")
		register := forumURL(f) + "/register"

		t.Run("the first attendee gets the seat", func(t *testing.T) {
			r := first.submit(first.get(forumURL(f)), register, nil)
			if r.status != http.StatusSeeOther || r.location() != forumURL(f) {
				t.Fatalf("status %d to %q", r.status, r.location())
			}
			page := first.follow(r)
			if got := page.text(".reg-state"); got != en("forum.reg.confirmed") {
				t.Errorf("state %q", got)
			}
			if got := page.text(".flash-success"); !strings.Contains(got, en("forum.reg.done.confirmed")) {
				t.Errorf("flash %q", got)
			}
		})
		t.Run("the second lands on the waitlist, through htmx", func(t *testing.T) {
			page := second.get(forumURL(f))
			if got := page.text("#registration button"); got != en("forum.reg.join_waitlist") {
				t.Errorf("button %q on a full forum", got)
			}
			c := second.in(t)
			c.header.Set("HX-Request", "true")
			c.header.Set("HX-Target", "registration")
			r := c.submit(page, register, nil)
			if r.status != http.StatusOK || strings.Contains(r.body, "<html") {
				t.Fatalf("status %d: %.200s", r.status, r.body)
			}
			if got := r.text(".reg-state"); got != en("forum.reg.waitlisted", map[string]any{"Position": 1}) {
				t.Errorf("state %q", got)
			}
		})
		t.Run("registering again changes nothing", func(t *testing.T) {
			r := second.post(register, url.Values{"_csrf": {second.csrf(second.get(forumURL(f)), "")}})
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d", r.status)
			}
			counts, _ := st.CountRegistrations(context.Background())
			if c := counts[f.ID]; c.Confirmed != 1 || c.Waitlisted != 1 {
				t.Errorf("counts %+v", c)
			}
		})
		t.Run("the first cancels and the second is promoted and notified", func(t *testing.T) {
			r := first.submit(first.get(forumURL(f)), forumURL(f)+"/cancel", nil)
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d", r.status)
			}
			// The seat went straight to the second attendee: full again.
			if got := first.follow(r).text("#registration button"); got != en("forum.reg.join_waitlist") {
				t.Errorf("after cancelling, the button reads %q", got)
			}
			if got := second.get(forumURL(f)).text(".reg-state"); got != en("forum.reg.confirmed") {
				t.Errorf("second attendee's state %q, want confirmed", got)
			}
			ns, _ := st.Notifications(context.Background(), secondUser.ID, 5)
			if len(ns) == 0 || ns[0].Message != "forum.notify.promoted" || ns[0].Link != forumURL(f) {
				t.Errorf("notifications %+v", ns)
			}
		})

		refused := []struct {
			name   string
			client func(t *testing.T) *testClient
			path   string
			status int
		}{
			{"an exhibitor may not register", func(t *testing.T) *testClient { return app.as(t, demoExhibitor) }, register, http.StatusForbidden},
			{"an organizer may not register", func(t *testing.T) *testClient { return app.as(t, demoOrganizer) }, register, http.StatusForbidden},
			{"anonymous visitors must log in", func(t *testing.T) *testClient { return app.client(t) }, register, http.StatusUnauthorized},
			{"a draft forum is not found", func(t *testing.T) *testClient { return app.as(t, demoAttendee) }, forumURL(draftForum(t, st, "Draft")) + "/register", http.StatusNotFound},
			{"cancelling without a registration is not found", func(t *testing.T) *testClient { return app.as(t, demoAttendee) }, forumURL(f) + "/cancel", http.StatusNotFound},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				c := tt.client(t)
				before, _ := st.CountRegistrations(context.Background())
				r := c.post(tt.path, url.Values{"_csrf": {c.csrf(c.get("/forums"), "")}})
				if r.status != tt.status {
					t.Errorf("status %d, want %d", r.status, tt.status)
				}
				after, _ := st.CountRegistrations(context.Background())
				if before[f.ID] != after[f.ID] {
					t.Errorf("registrations changed: %+v → %+v", before[f.ID], after[f.ID])
				}
			})
		}
		t.Run("a post without the anti-forgery token is refused", func(t *testing.T) {
			if r := app.as(t, demoAttendee).post(register, nil); r.status != http.StatusForbidden {
				t.Errorf("status %d, want 403", r.status)
			}
		})
	})
}

func TestAgendaPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		a := testForum(t, st, "Morning Logistics Forum", "logistics", 10, [2]int{9, 11})
		b := testForum(t, st, "Overlapping Trade Forum", "cross_border_trade", 10, [2]int{10, 12})
		ctx := context.Background()
		c1, u1 := newAttendee(t, app, "agenda1@forum.test")
		c2, _ := newAttendee(t, app, "agenda2@forum.test")
		for _, f := range []expo.Forum{a, b} {
			if _, err := st.Register(ctx, f.ID, u1.ID); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("the agenda lists the sessions and warns of the overlap", func(t *testing.T) {
			r := c1.in(t).get("/my/agenda")
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			if n := r.doc.Find(".agenda-item").Length(); n != 2 {
				t.Errorf("%d items, want 2", n)
			}
			if n := r.doc.Find(".agenda-item.agenda-overlap").Length(); n != 2 {
				t.Errorf("%d items flagged as overlapping, want 2", n)
			}
			if got := r.text(".overlap-warnings li"); !strings.Contains(got, a.Sessions[0].Title) || !strings.Contains(got, b.Sessions[0].Title) {
				t.Errorf("warning %q", got)
			}
		})
		t.Run("another attendee's agenda does not show them", func(t *testing.T) {
			r := c2.in(t).get("/my/agenda")
			if strings.Contains(r.body, a.Title) || strings.Contains(r.body, b.Title) || r.doc.Find(".agenda-item").Length() != 0 {
				t.Errorf("attendee2 sees attendee1's agenda")
			}
			if got := r.text(".empty h2"); got != en("agenda.empty") {
				t.Errorf("empty state %q", got)
			}
		})
		t.Run("anonymous visitors are sent to log in", func(t *testing.T) {
			r := app.client(t).get("/my/agenda")
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
				t.Errorf("status %d to %q", r.status, r.location())
			}
		})
	})
}
