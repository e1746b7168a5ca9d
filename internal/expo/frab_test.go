package expo_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/frabcheck"
)

// sampleSchedule is a small programme with the awkward cases: names in
// several scripts, markup characters, a session without speakers, an expo
// day without sessions and a day without opening hours.
func sampleSchedule(t *testing.T) expo.ScheduleInput {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2026, 12, 14+d, 0, 0, 0, 0, loc) }
	at := func(d, h, m int) time.Time {
		return day(d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	return expo.ScheduleInput{
		Expo:    expo.Expo{Name: "China–Northeast Asia Expo", StartsOn: day(0), EndsOn: day(2)},
		Loc:     loc,
		BaseURL: "https://expo.example.cn",
		Version: "2026-11-26T10:00:00Z",
		Hours: []expo.OpeningHours{
			{Day: day(0), Opens: at(0, 9, 0), Closes: at(0, 17, 0)},
			{Day: day(1), Opens: at(1, 9, 0), Closes: at(1, 17, 0)},
		},
		Rooms: []expo.Room{{ID: 1, Name: "Forum Hall 1", Capacity: 400}, {ID: 2, Name: "Meeting Room 301 <east>", Capacity: 60}, {ID: 3, Name: "Unused", Capacity: 10}},
		Speakers: []expo.Speaker{
			{ID: 7, Name: "王芳", NameLatin: "Wang Fang", Bio: "Director & \"founder\""},
			{ID: 8, Name: "김민준", NameLatin: "Kim Min-jun"},
			{ID: 9, Name: "Anna Ivanova"},
		},
		Forums: []expo.Forum{
			{ID: 1, Title: "New Energy Vehicles", Theme: "new_energy", Description: "Batteries, <charging> & grids", Languages: []string{"zh", "en"}, Sessions: []expo.Session{
				{ID: 11, ForumID: 1, Title: "Opening keynote", StartsAt: at(0, 9, 30), EndsAt: at(0, 10, 30), RoomID: 1, Language: "zh", SpeakerIDs: []int64{7, 8}},
				{ID: 12, ForumID: 1, Title: "电池技术圆桌", StartsAt: at(0, 11, 0), EndsAt: at(0, 12, 30), RoomID: 1, SpeakerIDs: []int64{9}},
			}},
			{ID: 2, Title: "한국 비즈니스 데이", Theme: "korea_business_day", Languages: []string{"ko"}, Sessions: []expo.Session{
				{ID: 21, ForumID: 2, Title: "Investment in Jilin", StartsAt: at(0, 9, 0), EndsAt: at(0, 10, 0), RoomID: 2, Language: "ko"},
				{ID: 22, ForumID: 2, Title: "Evening reception", StartsAt: at(2, 18, 0), EndsAt: at(2, 20, 0), RoomID: 2},
			}},
		},
		ThemeName: func(code string) string {
			return map[string]string{"new_energy": "New energy", "korea_business_day": "Korean Business Day"}[code]
		},
	}
}

func TestBuildSchedule(t *testing.T) {
	sch := expo.BuildSchedule(sampleSchedule(t))
	if len(sch.Days) != 3 {
		t.Fatalf("%d days, want the 3 expo days", len(sch.Days))
	}
	if sch.Acronym != "expo_2026" || sch.TimeZone != "Asia/Shanghai" {
		t.Errorf("acronym %q, time zone %q", sch.Acronym, sch.TimeZone)
	}
	if len(sch.Rooms) != 2 {
		t.Errorf("rooms %+v, want only the two rooms with sessions", sch.Rooms)
	}
	d0 := sch.Days[0]
	if len(d0.Rooms) != 2 || len(d0.Rooms[0].Events) != 2 || d0.Rooms[0].Room.Name != "Forum Hall 1" {
		t.Fatalf("day 1 rooms %+v", d0.Rooms)
	}
	if got := d0.Start.Format("15:04"); got != "09:00" {
		t.Errorf("day 1 starts %s, want the opening time 09:00", got)
	}
	if n := len(sch.Days[1].Rooms); n != 0 {
		t.Errorf("day 2 has %d rooms, want none (no sessions)", n)
	}
	// Day 3 has no opening hours: it spans the whole day and widens to
	// nothing since its only session lies inside.
	if d2 := sch.Days[2]; d2.Start.Format("15:04") != "00:00" || d2.End.Format("15:04") != "23:59" {
		t.Errorf("day 3 spans %v – %v, want midnight to 23:59", d2.Start, d2.End)
	}
	ev := d0.Rooms[0].Events[0]
	if ev.Track != "New energy" || ev.Subtitle != "New Energy Vehicles" || ev.URL != "https://expo.example.cn/forums/1" {
		t.Errorf("event %+v", ev)
	}
	if len(ev.Persons) != 2 || ev.Persons[0].Name != "王芳 (Wang Fang)" {
		t.Errorf("persons %+v", ev.Persons)
	}
	if again := expo.BuildSchedule(sampleSchedule(t)); again.Days[0].Rooms[0].Events[0].GUID != ev.GUID {
		t.Errorf("GUIDs change between builds")
	}
	if d0.Rooms[0].Events[1].Slug != "expo_2026-12-session" {
		t.Errorf("slug of a Chinese title = %q", d0.Rooms[0].Events[1].Slug)
	}
}

func TestScheduleXMLValidates(t *testing.T) {
	tests := []struct {
		name string
		in   func(t *testing.T) expo.ScheduleInput
	}{
		{"programme", sampleSchedule},
		{"no published forums yet", func(t *testing.T) expo.ScheduleInput {
			in := sampleSchedule(t)
			in.Forums = nil
			return in
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := expo.BuildSchedule(tt.in(t)).WriteXML(&buf); err != nil {
				t.Fatal(err)
			}
			if err := xml.Unmarshal(buf.Bytes(), new(struct{})); err != nil {
				t.Fatalf("not well-formed XML: %v", err)
			}
			err := frabcheck.XML(buf.Bytes())
			if errors.Is(err, frabcheck.ErrNoXmllint) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatalf("schedule.xml is not valid: %v\n%s", err, buf.String())
			}
		})
	}
	t.Run("the checker rejects an invalid document", func(t *testing.T) {
		err := frabcheck.XML([]byte(`<?xml version="1.0"?><schedule><version>1</version></schedule>`))
		if errors.Is(err, frabcheck.ErrNoXmllint) {
			t.Skip(err)
		}
		if err == nil {
			t.Fatal("a schedule without conference and days passed validation")
		}
	})
}

func TestScheduleJSONValidates(t *testing.T) {
	for _, forums := range []bool{true, false} {
		in := sampleSchedule(t)
		if !forums {
			in.Forums = nil
		}
		b, err := expo.BuildSchedule(in).JSON()
		if err != nil {
			t.Fatal(err)
		}
		if err := frabcheck.JSON(b); err != nil {
			t.Fatalf("schedule.json (forums %v) is not valid: %v\n%s", forums, err, b)
		}
		if forums {
			var doc struct {
				Schedule struct {
					Conference struct {
						Days []struct {
							Rooms map[string][]struct {
								Title   string
								Persons []map[string]any
							}
						}
					}
				}
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			evs := doc.Schedule.Conference.Days[0].Rooms["Forum Hall 1"]
			if len(evs) != 2 || evs[0].Title != "Opening keynote" || evs[0].Persons[1]["public_name"] != "김민준 (Kim Min-jun)" {
				t.Errorf("day 1, Forum Hall 1: %+v", evs)
			}
		}
	}
	t.Run("the checker rejects an invalid document", func(t *testing.T) {
		if err := frabcheck.JSON([]byte(`{"schedule":{"version":"1","conference":{"title":"x"}}}`)); err == nil {
			t.Fatal("a conference without acronym and days passed validation")
		}
	})
}
