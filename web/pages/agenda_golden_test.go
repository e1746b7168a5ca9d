package pages

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/web/i18n"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current templates")

// TestAgendaPageGolden: the agenda page renders byte for byte as the
// recorded pages in testdata/agenda/, in both languages, for an attendee
// with sessions, a waitlist place, meetings with and without a table,
// overlaps and text that must be escaped, an exhibitor's meetings, and
// empty agendas. The files were written by the templ version of the item
// list, before it was written out in Go (agenda_render.go); regenerate them
// with -update only when the page is meant to change.
func TestAgendaPageGolden(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour, min int) time.Time { return time.Date(2026, 12, day, hour, min, 0, 0, loc).UTC() }
	session := func(id, forum int64, title, forumTitle, room string, start, end time.Time) expo.AgendaItem {
		return expo.AgendaItem{Kind: expo.AgendaForumSession, ID: id, ForumID: forum, Title: title, Forum: forumTitle,
			Room: room, StartsAt: start, EndsAt: end, Language: "en", Status: expo.RegistrationConfirmed}
	}
	meeting := func(id int64, party, table string, status expo.MeetingStatus, start time.Time) expo.AgendaItem {
		return expo.AgendaItem{Kind: expo.AgendaMeeting, ID: id, Title: party, Room: table, Meeting: status,
			StartsAt: start, EndsAt: start.Add(30 * time.Minute)}
	}
	busy := []expo.AgendaItem{
		session(1, 1, "Opening <keynote> & “welcome”", "Forum A: Tom's \"big\" day", "Hall 1 <east>", at(14, 7, 30), at(14, 8, 15)),
		session(2, 2, "Batteries & partners", "Korean Business Day", "Forum Hall 2", at(14, 8, 0), at(14, 9, 0)),
		session(3, 1, "Late panel", "Forum A: Tom's \"big\" day", "Hall 1 <east>", at(14, 23, 0), at(15, 0, 5)),
		meeting(7, "Hanbit <Medical> & Co", "#4 · Hall A", expo.MeetingPending, at(14, 8, 30)),
		meeting(8, "Tom's \"Trading\"", "", expo.MeetingAccepted, at(15, 9, 0)),
		session(4, 3, "Investment briefing", "Green energy", "Room 3", at(15, 9, 15), at(15, 10, 0)),
		session(5, 4, "Waitlisted session", "Full forum", "Room 4", at(16, 10, 0), at(16, 11, 0)),
	}
	busy[6].Status, busy[6].Position = expo.RegistrationWaitlisted, 4
	expo.SortAgenda(busy)
	exhibitor := []expo.AgendaItem{
		meeting(11, "Attendee <One>", "#2", expo.MeetingAccepted, at(14, 10, 0)),
		meeting(12, "Attendee Two", "#3", expo.MeetingPending, at(14, 10, 0)),
	}
	view := func(items []expo.AgendaItem, canRegister bool) AgendaView {
		v := NewAgendaView(items, loc)
		v.ScheduleICS, v.CanRegister = "http://127.0.0.1:8080/schedule.ics", canRegister
		return v
	}
	withFeed := view(busy, true)
	withFeed.HasFeed, withFeed.FeedCreated = true, at(13, 18, 45)
	newFeed := view(busy, true)
	newFeed.HasFeed, newFeed.NewFeedURL = true, "http://127.0.0.1:8080/calendar/cal_abc&def.ics"
	attendee := &Viewer{ID: 1, Name: "Ann <Attendee>", Role: expo.RoleAttendee}
	cases := []struct {
		name   string
		viewer *Viewer
		v      AgendaView
	}{
		{"busy", attendee, view(busy, true)},
		{"feed", attendee, withFeed},
		{"newfeed", attendee, newFeed},
		{"exhibitor", &Viewer{ID: 2, Name: "Exhibitor", Role: expo.RoleExhibitor}, view(exhibitor, false)},
		{"empty", attendee, view(nil, true)},
		{"empty-organizer", &Viewer{ID: 3, Name: "Organizer", Role: expo.RoleOrganizer}, view(nil, false)},
	}
	for _, lang := range i18n.Codes {
		ctx := cat.With(context.Background(), lang)
		for _, tc := range cases {
			t.Run(lang+"/"+tc.name, func(t *testing.T) {
				p := Page{Title: i18n.T(ctx, "agenda.title"), Lang: lang, Path: "/my/agenda", CSRF: "csrf&token", Loc: loc,
					Viewer: tc.viewer, ExpoName: "Expo <2026>", Flashes: []Flash{{Kind: "success", Message: "Done & dusted"}}}
				var got bytes.Buffer
				if err := AgendaPage(p, tc.v).Render(ctx, &got); err != nil {
					t.Fatal(err)
				}
				file := filepath.Join("testdata", "agenda", lang+"-"+tc.name+".html")
				if *updateGolden {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, got.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Errorf("page differs from %s:\n%s", file, firstDifference(got.Bytes(), want))
				}
			})
		}
	}
}

// firstDifference shows where two renderings part.
func firstDifference(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-120, 0)
	return "got  …" + string(got[from:min(i+120, len(got))]) + "…\nwant …" + string(want[from:min(i+120, len(want))]) + "…"
}
