package expo_test

import (
	"testing"
	"time"

	"expo/internal/expo"
)

func TestAgendaOverlaps(t *testing.T) {
	day := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	item := func(id, forum int64, from, to time.Time) expo.AgendaItem {
		return expo.AgendaItem{Kind: expo.AgendaForumSession, ID: id, ForumID: forum, StartsAt: from, EndsAt: to}
	}
	type pair struct{ a, b int64 }
	tests := []struct {
		name  string
		items []expo.AgendaItem
		want  []pair
	}{
		{"empty agenda", nil, nil},
		{"one item", []expo.AgendaItem{item(1, 1, at(9, 0), at(10, 0))}, nil},
		{"back to back do not overlap", []expo.AgendaItem{item(1, 1, at(9, 0), at(10, 0)), item(2, 2, at(10, 0), at(11, 0))}, nil},
		{"partial overlap", []expo.AgendaItem{item(1, 1, at(9, 0), at(10, 0)), item(2, 2, at(9, 30), at(11, 0))}, []pair{{1, 2}}},
		{"one inside another", []expo.AgendaItem{item(1, 1, at(9, 0), at(12, 0)), item(2, 2, at(10, 0), at(10, 30))}, []pair{{1, 2}}},
		{"same start", []expo.AgendaItem{item(1, 1, at(9, 0), at(10, 0)), item(2, 2, at(9, 0), at(9, 15))}, []pair{{2, 1}}},
		{"sessions of one forum are one commitment", []expo.AgendaItem{item(1, 1, at(9, 0), at(10, 0)), item(2, 1, at(9, 30), at(11, 0))}, nil},
		{"a long item overlaps two later ones", []expo.AgendaItem{item(1, 1, at(9, 0), at(17, 0)), item(2, 2, at(10, 0), at(11, 0)), item(3, 3, at(14, 0), at(15, 0))},
			[]pair{{1, 2}, {1, 3}}},
		{"different days", []expo.AgendaItem{item(1, 1, at(9, 0), at(10, 0)), item(2, 2, at(24+9, 0), at(24+10, 0))}, nil},
		{"meeting against a forum session", []expo.AgendaItem{item(1, 1, at(9, 0), at(10, 0)),
			{Kind: "meeting", ID: 1, StartsAt: at(9, 45), EndsAt: at(10, 15)}}, []pair{{1, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := append([]expo.AgendaItem(nil), tt.items...)
			expo.SortAgenda(items)
			got := expo.AgendaOverlaps(items)
			if len(got) != len(tt.want) {
				t.Fatalf("%d overlaps %+v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				if got[i].A.ID != w.a || got[i].B.ID != w.b {
					t.Errorf("overlap %d = %d/%d, want %d/%d", i, got[i].A.ID, got[i].B.ID, w.a, w.b)
				}
			}
		})
	}
}

func TestSortAgenda(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 12, 14, h, 0, 0, 0, time.UTC) }
	items := []expo.AgendaItem{
		{Kind: expo.AgendaForumSession, ID: 3, StartsAt: at(11), EndsAt: at(12)},
		{Kind: expo.AgendaForumSession, ID: 2, StartsAt: at(9), EndsAt: at(11)},
		{Kind: expo.AgendaForumSession, ID: 1, StartsAt: at(9), EndsAt: at(10)},
	}
	expo.SortAgenda(items)
	for i, want := range []int64{1, 2, 3} {
		if items[i].ID != want {
			t.Errorf("item %d is %d, want %d", i, items[i].ID, want)
		}
	}
}
