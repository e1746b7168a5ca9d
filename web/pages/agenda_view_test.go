package pages

import (
	"testing"
	"time"

	"expo/internal/expo"
)

// TestNewAgendaView: items are grouped by their day in the expo's time
// zone (not UTC's), each entry's time is what progTimeRange shows, and the
// overlapping entries are marked and paired.
func TestNewAgendaView(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour, min int) time.Time { return time.Date(2026, 12, day, hour, min, 0, 0, loc).UTC() }
	session := func(id, forum int64, start, end time.Time) expo.AgendaItem {
		return expo.AgendaItem{Kind: expo.AgendaForumSession, ID: id, ForumID: forum, StartsAt: start, EndsAt: end}
	}
	items := []expo.AgendaItem{
		session(1, 1, at(14, 7, 30), at(14, 8, 15)), // 23:30 UTC the day before
		session(2, 2, at(14, 8, 0), at(14, 9, 0)),   // overlaps 1
		session(3, 1, at(14, 23, 0), at(15, 0, 5)),  // ends after midnight
		{Kind: expo.AgendaMeeting, ID: 9, StartsAt: at(15, 9, 0), EndsAt: at(15, 9, 30)},
	}
	expo.SortAgenda(items)
	v := NewAgendaView(items, loc)

	if len(v.Days) != 2 || len(v.Days[0].Items) != 3 || len(v.Days[1].Items) != 1 {
		t.Fatalf("days %+v, want 3 items on the 14th and 1 on the 15th", v.Days)
	}
	for i, want := range []time.Time{time.Date(2026, 12, 14, 0, 0, 0, 0, loc), time.Date(2026, 12, 15, 0, 0, 0, 0, loc)} {
		if !v.Days[i].Day.Equal(want) {
			t.Errorf("day %d is %v, want %v", i, v.Days[i].Day, want)
		}
	}
	for _, d := range v.Days {
		for _, e := range d.Items {
			if want := progTimeRange(e.StartsAt, e.EndsAt, loc); e.Time != want {
				t.Errorf("item %d time %q, want %q", e.ID, e.Time, want)
			}
		}
	}
	if got := v.Days[0].Items[2].Time; got != "23:00–00:05" {
		t.Errorf("the late session shows %q, want 23:00–00:05", got)
	}
	if len(v.Overlaps) != 1 || v.Overlaps[0].A.ID != 1 || v.Overlaps[0].B.ID != 2 {
		t.Fatalf("overlaps %+v, want sessions 1 and 2", v.Overlaps)
	}
	for _, e := range append(v.Days[0].Items, v.Days[1].Items...) {
		if want := e.ID == 1 || e.ID == 2; e.Overlap != want {
			t.Errorf("item %d overlap %v, want %v", e.ID, e.Overlap, want)
		}
	}
	// The pairs point into the days, so the list and the warnings agree.
	if v.Overlaps[0].A != &v.Days[0].Items[0] {
		t.Error("an overlap's entry is a copy, not the listed entry")
	}
	if got := (&v.Days[1].Items[0]).class(); got != "agenda-item agenda-meeting" {
		t.Errorf("meeting classes %q", got)
	}
	if empty := NewAgendaView(nil, loc); len(empty.Days) != 0 || len(empty.Overlaps) != 0 {
		t.Errorf("empty agenda %+v", empty)
	}
}
