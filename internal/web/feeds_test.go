package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"expo/internal/frabcheck"
	"expo/internal/store"
	"expo/internal/storetest"
)

// icsEvents unfolds an iCalendar answer and returns its VEVENTs as
// property name → raw value, failing on a line RFC 5545 forbids.
func icsEvents(t *testing.T, body string) []map[string]string {
	t.Helper()
	if !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
		t.Fatalf("not a VCALENDAR with CRLF line ends: %.200q", body)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(l) > 75 || strings.ContainsAny(l, "\r\n") {
			t.Fatalf("bad content line %q", l)
		}
		if strings.HasPrefix(l, " ") {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var events []map[string]string
	var cur map[string]string
	for _, l := range lines {
		name, value, _ := strings.Cut(l, ":")
		switch {
		case l == "BEGIN:VEVENT":
			cur = map[string]string{}
		case l == "END:VEVENT":
			events = append(events, cur)
			cur = nil
		case cur != nil:
			cur[name] = strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, "\n", `\\`, `\`).Replace(value)
		}
	}
	return events
}

func eventWith(events []map[string]string, summary string) map[string]string {
	for _, e := range events {
		if e["SUMMARY"] == summary {
			return e
		}
	}
	return nil
}

func TestCalendarFeeds(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		f := testForum(t, st, "Tumen River, Ports; Corridors", "logistics", 20, [2]int{10, 12})
		draft := draftForum(t, st, "Hidden draft")
		session := f.Sessions[0]

		t.Run("the whole programme", func(t *testing.T) {
			r := app.client(t).get("/schedule.ics")
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") {
				t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
			}
			events := icsEvents(t, r.body)
			e := eventWith(events, session.Title)
			if e == nil {
				t.Fatalf("no event for %q among %d", session.Title, len(events))
			}
			if want := session.StartsAt.UTC().Format("20060102T150405Z"); e["DTSTART"] != want {
				t.Errorf("DTSTART %q, want %q (UTC)", e["DTSTART"], want)
			}
			if e["LOCATION"] != "Room of "+f.Title || !strings.HasSuffix(e["URL"], forumURL(f)) || !strings.Contains(e["DESCRIPTION"], "王芳") {
				t.Errorf("event %v", e)
			}
			if strings.Contains(r.body, draft.Title) {
				t.Error("a draft forum is in the public feed")
			}
		})
		t.Run("one forum", func(t *testing.T) {
			r := app.client(t).get(forumURL(f) + "/calendar.ics")
			events := icsEvents(t, r.body)
			if r.status != http.StatusOK || len(events) != 1 || events[0]["SUMMARY"] != session.Title {
				t.Errorf("status %d, events %v", r.status, events)
			}
		})

		t.Run("the secret personal feed", func(t *testing.T) {
			c, u := newAttendee(t, app, "feed@forum.test")
			if _, err := st.Register(context.Background(), f.ID, u.ID); err != nil {
				t.Fatal(err)
			}
			page := c.get("/my/agenda")
			r := c.submit(page, "/my/agenda/feed", nil)
			if r.status != http.StatusCreated {
				t.Fatalf("create feed: status %d", r.status)
			}
			feedURL := r.doc.Find("#feed-url").AttrOr("value", "")
			if !strings.HasPrefix(feedURL, app.ts.URL+"/calendar/cal_") || !strings.HasSuffix(feedURL, ".ics") {
				t.Fatalf("feed URL %q", feedURL)
			}
			path := strings.TrimPrefix(feedURL, app.ts.URL)
			// Calendar apps fetch without cookies.
			feed := app.client(t).get(path)
			if feed.status != http.StatusOK || eventWith(icsEvents(t, feed.body), session.Title) == nil {
				t.Fatalf("feed: status %d, %.300s", feed.status, feed.body)
			}
			if cc := feed.header.Get("Cache-Control"); !strings.Contains(cc, "private") {
				t.Errorf("Cache-Control %q, want private", cc)
			}
			if again := c.get("/my/agenda"); again.doc.Find("#feed-url").Length() != 0 || !strings.Contains(again.text("#feed"), en("agenda.feed.rotate")) {
				t.Errorf("the secret URL is shown again, or no rotate button")
			}

			// Another attendee's feed shows only their own agenda.
			other, _ := newAttendee(t, app, "other-feed@forum.test")
			otherPage := other.submit(other.get("/my/agenda"), "/my/agenda/feed", nil)
			otherFeed := app.client(t).get(strings.TrimPrefix(otherPage.doc.Find("#feed-url").AttrOr("value", ""), app.ts.URL))
			if otherFeed.status != http.StatusOK || len(icsEvents(t, otherFeed.body)) != 0 {
				t.Errorf("another attendee's feed: status %d, %d events", otherFeed.status, len(icsEvents(t, otherFeed.body)))
			}

			rotated := c.submit(c.get("/my/agenda"), "/my/agenda/feed", nil)
			newPath := strings.TrimPrefix(rotated.doc.Find("#feed-url").AttrOr("value", ""), app.ts.URL)
			if newPath == path || newPath == "" {
				t.Fatalf("rotation kept the URL %q", newPath)
			}
			if r := app.client(t).get(path); r.status != http.StatusNotFound {
				t.Errorf("rotated-away URL: status %d, want 404", r.status)
			}
			if r := app.client(t).get(newPath); r.status != http.StatusOK {
				t.Errorf("new URL: status %d", r.status)
			}
			revoke := c.submit(c.get("/my/agenda"), "/my/agenda/feed/revoke", nil)
			if revoke.status != http.StatusSeeOther {
				t.Errorf("revoke: status %d", revoke.status)
			}
			if r := app.client(t).get(newPath); r.status != http.StatusNotFound {
				t.Errorf("revoked URL: status %d, want 404", r.status)
			}
		})
		for _, path := range []string{"/calendar/cal_nosuchsecret.ics", "/calendar/whatever", "/calendar/.ics"} {
			t.Run("not found: "+path, func(t *testing.T) {
				if r := app.client(t).get(path); r.status != http.StatusNotFound {
					t.Errorf("status %d, want 404", r.status)
				}
			})
		}
	})
}

func TestFrabExports(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		f := testForum(t, st, "Cross-border E-commerce & \"Payments\"", "cross_border_trade", 20, [2]int{13, 14})

		t.Run("schedule.xml is valid against the XSD", func(t *testing.T) {
			r := app.client(t).get("/schedule.xml")
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/xml") {
				t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
			}
			if !strings.Contains(r.body, "Cross-border E-commerce &amp;") {
				t.Errorf("the forum's title is missing or unescaped")
			}
			err := frabcheck.XML([]byte(r.body))
			if errors.Is(err, frabcheck.ErrNoXmllint) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
		})
		t.Run("schedule.json is valid against the JSON schema", func(t *testing.T) {
			r := app.client(t).get("/schedule.json")
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
			}
			if err := frabcheck.JSON([]byte(r.body)); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Schedule struct {
					Conference struct {
						DaysCount int
						Days      []struct {
							Date  string
							Rooms map[string][]struct {
								ID    int64
								Title string
								URL   string
							}
						}
					}
				}
			}
			r.json(t, &doc)
			if doc.Schedule.Conference.DaysCount != 5 {
				t.Errorf("daysCount %d, want 5", doc.Schedule.Conference.DaysCount)
			}
			evs := doc.Schedule.Conference.Days[0].Rooms["Room of "+f.Title]
			if len(evs) != 1 || evs[0].ID != f.Sessions[0].ID || evs[0].URL != app.ts.URL+forumURL(f) {
				t.Errorf("events of the forum's room: %+v", evs)
			}
		})
		t.Run("a configured base URL is used", func(t *testing.T) {
			app := newApp(t, st, Config{BaseURL: "https://expo.example.cn"})
			r := app.client(t).get("/schedule.json")
			if !strings.Contains(r.body, `"https://expo.example.cn/forums/`+itoa(f.ID)+`"`) {
				t.Errorf("base URL not used: %.300s", r.body)
			}
		})
	})
}

// The feeds' times are instants; this guards the time zone handling of the
// test harness (UTC) against the expo's (Asia/Shanghai).
func TestFeedsInShanghai(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadDemo(context.Background(), demoPassword, store.DemoSize{Attendees: 1}, loc); err != nil {
		t.Fatal(err)
	}
	app := newApp(t, st, Config{Location: loc})
	r := app.client(t).get("/schedule.xml")
	if r.status != http.StatusOK || !strings.Contains(r.body, "+08:00") || !strings.Contains(r.body, "<time_zone_name>Asia/Shanghai</time_zone_name>") {
		t.Fatalf("status %d; times not in +08:00: %.400s", r.status, r.body)
	}
	if err := frabcheck.XML([]byte(r.body)); err != nil && !errors.Is(err, frabcheck.ErrNoXmllint) {
		t.Fatal(err)
	}
	j := app.client(t).get("/schedule.json")
	if err := frabcheck.JSON([]byte(j.body)); err != nil {
		t.Fatal(err)
	}
	ics := app.client(t).get("/schedule.ics")
	for _, e := range icsEvents(t, ics.body) {
		if !strings.HasSuffix(e["DTSTART"], "Z") || !strings.HasSuffix(e["DTEND"], "Z") {
			t.Fatalf("event times not in UTC: %v", e)
		}
	}
}
