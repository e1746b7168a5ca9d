package pages

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/web/i18n"
)

// BenchmarkAgendaPage renders the agenda of an attendee of the load
// benchmark's size: 28 forum sessions in four forums over five days, a
// meeting, and 15 overlaps.
//
//	go test -run '^$' -bench BenchmarkAgendaPage -benchmem ./web/pages/
func BenchmarkAgendaPage(b *testing.B) {
	cat, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	ctx := cat.With(context.Background(), "en")
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		b.Fatal(err)
	}
	var items []expo.AgendaItem
	first := time.Date(2026, 12, 14, 9, 0, 0, 0, loc)
	for i := range 28 {
		forum := int64(i%4 + 1)
		start := first.AddDate(0, 0, i%5).Add(time.Duration(i%7) * 30 * time.Minute)
		items = append(items, expo.AgendaItem{Kind: expo.AgendaForumSession, ID: int64(i + 1), ForumID: forum,
			Title: "Session " + strconv.Itoa(i) + " on batteries & partners", Forum: "Forum " + strconv.FormatInt(forum, 10) + ": Korean Business Day",
			StartsAt: start.UTC(), EndsAt: start.Add(45 * time.Minute).UTC(), Room: "Forum Hall 2", Language: "en",
			Status: expo.RegistrationConfirmed})
	}
	items[3].Status, items[3].Position = expo.RegistrationWaitlisted, 4
	items = append(items, expo.AgendaItem{Kind: expo.AgendaMeeting, ID: 7, Title: "Hanbit Medical", StartsAt: first.UTC(),
		EndsAt: first.Add(30 * time.Minute).UTC(), Room: "#4 · Hall A", Meeting: expo.MeetingPending})
	expo.SortAgenda(items)
	v := NewAgendaView(items, loc)
	v.ScheduleICS = "http://127.0.0.1/schedule.ics"
	if len(v.Overlaps) < 10 {
		b.Fatalf("%d overlaps, want a page with many", len(v.Overlaps))
	}
	p := Page{Title: "My agenda", Lang: "en", Path: "/my/agenda", CSRF: "token", Loc: loc,
		Viewer: &Viewer{ID: 1, Name: "Attendee", Role: expo.RoleAttendee}, ExpoName: "Expo"}
	// The server renders the nav once and keeps it (internal/web/render.go).
	var nav bytes.Buffer
	if err := Nav(p).Render(ctx, &nav); err != nil {
		b.Fatal(err)
	}
	p.NavHTML = nav.String()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := AgendaPage(p, NewAgendaView(items, loc)).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}
