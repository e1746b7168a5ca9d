package expo

import (
	"slices"
	"testing"
	"time"
)

func TestDetectClashes(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, loc)
	ev := Expo{StartsOn: start, EndsOn: start.AddDate(0, 0, 2)}
	at := func(day, h, m int) time.Time { return time.Date(2026, 9, 1+day, h, m, 0, 0, loc) }
	hours := []OpeningHours{
		{Day: start, Opens: at(0, 9, 0), Closes: at(0, 17, 0)},
		{Day: start.AddDate(0, 0, 1), Opens: at(1, 9, 0), Closes: at(1, 17, 0)},
		// day 2 (the last) has no opening hours
	}
	rooms := []Room{{ID: 1, Name: "Hall 1", Capacity: 100}, {ID: 2, Name: "Room 2", Capacity: 30}}
	speakers := []Speaker{{ID: 7, Name: "김수진", NameLatin: "Kim Su-jin"}, {ID: 8, Name: "Ли Вэй"}}
	sess := func(id int64, day, h1, m1, h2, m2 int, room int64, sp ...int64) Session {
		return Session{ID: id, Title: "S" + string(rune('0'+id)), StartsAt: at(day, h1, m1), EndsAt: at(day, h2, m2), RoomID: room, SpeakerIDs: sp}
	}
	type want struct {
		kind     ClashKind
		message  string
		sessions []int64
	}
	cases := []struct {
		name   string
		forums []Forum
		want   []want
	}{
		{"no clash", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 9, 0, 10, 0, 1, 7), sess(2, 0, 10, 0, 11, 0, 2, 8)}}}, nil},
		{"same room overlapping", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 9, 0, 10, 30, 1)}}, {ID: 2, Capacity: 30, Sessions: []Session{sess(2, 0, 10, 0, 11, 0, 1)}}},
			[]want{{ClashRoom, "clash.room", []int64{1, 2}}}},
		{"same room edge-touching is no clash", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 9, 0, 10, 0, 1), sess(2, 0, 10, 0, 11, 0, 1)}}}, nil},
		{"same room one inside the other", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 9, 0, 12, 0, 1), sess(2, 0, 10, 0, 11, 0, 1)}}},
			[]want{{ClashRoom, "clash.room", []int64{1, 2}}}},
		{"same room, three-way overlap gives three pairs", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 9, 0, 12, 0, 1), sess(2, 0, 10, 0, 11, 0, 1), sess(3, 0, 10, 30, 11, 30, 1)}}},
			[]want{{ClashRoom, "clash.room", []int64{1, 2}}, {ClashRoom, "clash.room", []int64{1, 3}}, {ClashRoom, "clash.room", []int64{2, 3}}}},
		{"different rooms overlapping is no clash", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 9, 0, 11, 0, 1), sess(2, 0, 10, 0, 11, 0, 2)}}}, nil},
		{"speaker in two overlapping sessions", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 9, 0, 11, 0, 1, 7), sess(2, 0, 10, 0, 11, 0, 2, 8, 7)}}},
			[]want{{ClashSpeaker, "clash.speaker", []int64{1, 2}}}},
		{"speaker back to back is no clash", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 9, 0, 10, 0, 1, 7), sess(2, 0, 10, 0, 11, 0, 2, 7)}}}, nil},
		{"before opening", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 8, 30, 9, 30, 1)}}},
			[]want{{ClashHours, "clash.outside_hours", []int64{1}}}},
		{"after closing", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 1, 16, 30, 17, 30, 1)}}},
			[]want{{ClashHours, "clash.outside_hours", []int64{1}}}},
		{"exactly opening to closing is no clash", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 9, 0, 17, 0, 1)}}}, nil},
		{"day without opening hours", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 2, 10, 0, 11, 0, 1)}}},
			[]want{{ClashHours, "clash.no_hours", []int64{1}}}},
		{"outside the expo dates", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 3, 10, 0, 11, 0, 1)}}},
			[]want{{ClashHours, "clash.outside_expo", []int64{1}}}},
		{"forum capacity above the room's", []Forum{{ID: 1, Capacity: 31, Sessions: []Session{sess(1, 0, 9, 0, 10, 0, 2)}}},
			[]want{{ClashCapacity, "clash.capacity", []int64{1}}}},
		{"forum capacity equal to the room's is no clash", []Forum{{ID: 1, Capacity: 30, Sessions: []Session{sess(1, 0, 9, 0, 10, 0, 2)}}}, nil},
		{"several kinds, in kind order", []Forum{{ID: 1, Capacity: 50, Sessions: []Session{sess(1, 0, 8, 0, 10, 0, 2, 7)}}, {ID: 2, Capacity: 10, Sessions: []Session{sess(2, 0, 9, 0, 10, 0, 2, 7)}}},
			[]want{{ClashRoom, "clash.room", []int64{1, 2}}, {ClashSpeaker, "clash.speaker", []int64{1, 2}}, {ClashHours, "clash.outside_hours", []int64{1}}, {ClashCapacity, "clash.capacity", []int64{1}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := DetectClashes(Programme{Expo: ev, Hours: hours, Rooms: rooms, Speakers: speakers, Forums: tc.forums})
			if len(got) != len(tc.want) {
				t.Fatalf("got %d clashes %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Kind != w.kind || g.Message != w.message || !slices.Equal(g.SessionIDs, w.sessions) {
					t.Errorf("clash %d = %s %s %v, want %s %s %v", i, g.Kind, g.Message, g.SessionIDs, w.kind, w.message, w.sessions)
				}
				if len(g.ForumIDs) == 0 {
					t.Errorf("clash %d names no forum", i)
				}
			}
		})
	}
}

func TestClashParams(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, loc)
	at := func(h, m int) time.Time { return time.Date(2026, 9, 1, h, m, 0, 0, loc) }
	p := Programme{
		Expo:     Expo{StartsOn: start, EndsOn: start},
		Hours:    []OpeningHours{{Day: start, Opens: at(9, 0), Closes: at(17, 0)}},
		Rooms:    []Room{{ID: 1, Name: "Hall 1", Capacity: 100}},
		Speakers: []Speaker{{ID: 7, Name: "김수진", NameLatin: "Kim Su-jin"}},
		Forums: []Forum{
			{ID: 1, Title: "Battery Day", Capacity: 10, Sessions: []Session{{ID: 1, Title: "Opening", StartsAt: at(10, 0), EndsAt: at(11, 0).UTC(), RoomID: 1, SpeakerIDs: []int64{7}}}},
			{ID: 2, Title: "Hydrogen", Capacity: 10, Sessions: []Session{{ID: 2, Title: "Panel", StartsAt: at(10, 30).UTC(), EndsAt: at(12, 0), RoomID: 1, SpeakerIDs: []int64{7}}}},
		},
	}
	got := DetectClashes(p)
	if len(got) != 2 {
		t.Fatalf("clashes = %+v", got)
	}
	room, speaker := got[0], got[1]
	for k, v := range map[string]any{"Session": "Opening", "Other": "Panel", "Forum": "Battery Day", "OtherForum": "Hydrogen",
		"Room": "Hall 1", "Start": "10:00", "End": "11:00", "OtherStart": "10:30", "OtherEnd": "12:00", "Day": "2026-09-01"} {
		if room.Params[k] != v {
			t.Errorf("room clash %s = %v, want %v", k, room.Params[k], v)
		}
	}
	if speaker.Params["Speaker"] != "김수진 (Kim Su-jin)" || speaker.SpeakerID != 7 {
		t.Errorf("speaker clash = %+v", speaker)
	}
	if !slices.Equal(room.ForumIDs, []int64{1, 2}) || room.RoomID != 1 || !room.Involves(2) || room.Involves(3) {
		t.Errorf("room clash links = %+v", room)
	}
	if len(ClashesOf(got, 1)) != 2 || len(ClashesOf(got, 3)) != 0 {
		t.Errorf("ClashesOf wrong")
	}
}

func TestSessionValidate(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, loc)
	ev := Expo{StartsOn: start, EndsOn: start.AddDate(0, 0, 4)}
	ok := SessionInput{ForumID: 1, Title: "Talk", StartsAt: start.Add(10 * time.Hour), EndsAt: start.Add(11 * time.Hour), RoomID: 1}
	cases := []struct {
		name, field, msg string
		edit             func(*SessionInput)
	}{
		{"valid", "", "", func(*SessionInput) {}},
		{"last minute of the last day", "", "", func(in *SessionInput) {
			in.StartsAt, in.EndsAt = start.AddDate(0, 0, 5).Add(-time.Hour), start.AddDate(0, 0, 5)
		}},
		{"ends before start", "ends_at", "session.error.ends_before_start", func(in *SessionInput) { in.EndsAt = in.StartsAt.Add(-time.Minute) }},
		{"no start", "starts_at", "session.error.time_required", func(in *SessionInput) { in.StartsAt = time.Time{} }},
		{"ends after the expo", "ends_at", "session.error.outside_expo", func(in *SessionInput) {
			in.StartsAt, in.EndsAt = start.AddDate(0, 0, 5).Add(-time.Hour), start.AddDate(0, 0, 5).Add(time.Hour)
		}},
		{"starts before the expo", "starts_at", "session.error.outside_expo", func(in *SessionInput) { in.StartsAt = start.Add(-time.Hour) }},
		{"bad language", "language", "error.choice_invalid", func(in *SessionInput) { in.Language = "xx" }},
		{"markup in title", "title", "error.no_markup", func(in *SessionInput) { in.Title = "<b>x</b>" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.edit(&in)
			_, err := in.Validate(ev)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			e, isErr := AsError(err)
			if !isErr || e.Fields[tc.field] != tc.msg {
				t.Fatalf("err = %v, want %s: %s", err, tc.field, tc.msg)
			}
		})
	}
}
