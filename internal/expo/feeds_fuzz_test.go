package expo_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"
	"unicode"

	"expo/internal/expo"
)

// icalExpected is what a calendar app must read back from a TEXT value:
// invalid UTF-8 replaced, every line break a newline, other control
// characters except tab dropped.
func icalExpected(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}

// FuzzICalendarParsesBack writes a feed with arbitrary texts and reads it
// back the way a calendar app does: lines of at most 75 octets, CRLF only,
// no fold inside a character, and each TEXT value unescaped equals what was
// written.
func FuzzICalendarParsesBack(f *testing.F) {
	f.Add("Opening keynote", "Batteries; charging, grids\nand more", "Forum Hall 1", "https://expo.example/forums/1", "new_energy", int64(1797211800))
	f.Add(strings.Repeat("新能源汽车论坛，", 30), "a\\b\r\nc\rd", "Room <301>", "javascript:alert(1)\r\n", "a,b;c", int64(0))
	f.Add("<script>alert(1)</script>", "\xff\xfe\x00", "\t", "", "", int64(-62135596800))
	f.Add("", "", "", "", "", int64(253402300799))
	f.Fuzz(func(t *testing.T, summary, description, location, url, category string, start int64) {
		at := time.Unix(start%(253402300799+62135596800), 0).UTC()
		cal := expo.Calendar{Name: summary, Stamp: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), Events: []expo.CalendarEvent{
			{UID: "f-1@expo", Start: at, End: at.Add(time.Hour), Summary: summary, Description: description, Location: location, URL: url, Categories: []string{category}},
			{UID: "f-2@expo", Start: at, End: at.Add(time.Minute), Summary: description, Tentative: true},
		}}
		var buf bytes.Buffer
		if err := expo.WriteICalendar(&buf, cal); err != nil {
			t.Fatal(err)
		}
		events := icsEvents(t, parseICS(t, buf.String()))
		if len(events) != 2 {
			t.Fatalf("%d events read back, want 2", len(events))
		}
		e := events[0]
		if got, want := e["SUMMARY"], icalExpected(summary); got != want {
			t.Errorf("SUMMARY = %q, want %q", got, want)
		}
		if description != "" {
			if got, want := e["DESCRIPTION"], icalExpected(description); got != want {
				t.Errorf("DESCRIPTION = %q, want %q", got, want)
			}
		}
		if location != "" {
			if got, want := e["LOCATION"], icalExpected(location); got != want {
				t.Errorf("LOCATION = %q, want %q", got, want)
			}
		}
		if strings.ContainsAny(e["URL"], "\r\n") {
			t.Errorf("URL has a line break: %q", e["URL"])
		}
		if got, want := e["DTSTART"], at.Format("20060102T150405Z"); got != want {
			t.Errorf("DTSTART = %q, want %q", got, want)
		}
		if events[1]["STATUS"] != "TENTATIVE" || events[0]["STATUS"] != "CONFIRMED" {
			t.Errorf("STATUS = %q, %q", events[0]["STATUS"], events[1]["STATUS"])
		}
	})
}

// FuzzFrabScheduleParsesBack builds the Frab schedule from a programme with
// arbitrary titles, names and descriptions, and parses both exports back:
// the XML must be well-formed and the JSON valid, both must list the same
// events with the same titles, and a title without control characters
// comes back unchanged.
func FuzzFrabScheduleParsesBack(f *testing.F) {
	f.Add("Opening keynote", "王芳", "Wang Fang", "Batteries, <charging> & grids", "Forum Hall 1", int64(570))
	f.Add("]]><script>alert(1)</script>", "\x00\x01", "\xff", "\"'&<>", "Room \x1b[31m", int64(0))
	f.Add("", "", "", "", "", int64(1439))
	f.Fuzz(func(t *testing.T, title, speaker, speakerLatin, description, room string, minute int64) {
		loc := time.FixedZone("CST", 8*3600)
		day := time.Date(2026, 12, 14, 0, 0, 0, 0, loc)
		if minute < 0 {
			minute = -minute
		}
		start := day.Add(time.Duration(minute%(22*60)) * time.Minute)
		in := expo.ScheduleInput{
			Expo:    expo.Expo{Name: title, StartsOn: day, EndsOn: day.AddDate(0, 0, 1)},
			Loc:     loc,
			BaseURL: "https://expo.example",
			Version: "fuzz",
			Hours:   []expo.OpeningHours{{Day: day, Opens: day.Add(8 * time.Hour), Closes: day.Add(18 * time.Hour)}},
			Rooms:   []expo.Room{{ID: 1, Name: room, Capacity: 10}, {ID: 2, Name: room + " 2", Capacity: 10}},
			Speakers: []expo.Speaker{
				{ID: 7, Name: speaker, NameLatin: speakerLatin, Bio: description},
			},
			Forums: []expo.Forum{{ID: 1, Title: title, Theme: "new_energy", Description: description, Languages: []string{"zh"}, Sessions: []expo.Session{
				{ID: 11, ForumID: 1, Title: title, StartsAt: start, EndsAt: start.Add(90 * time.Minute), RoomID: 1, Language: "zh", SpeakerIDs: []int64{7}},
				{ID: 12, ForumID: 1, Title: description, StartsAt: start, EndsAt: start.Add(30 * time.Minute), RoomID: 2},
			}}},
		}
		sch := expo.BuildSchedule(in)
		var buf bytes.Buffer
		if err := sch.WriteXML(&buf); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Days []struct {
				Rooms []struct {
					Name   string `xml:"name,attr"`
					Events []struct {
						ID    int64  `xml:"id,attr"`
						Title string `xml:"title"`
					} `xml:"event"`
				} `xml:"room"`
			} `xml:"day"`
		}
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("schedule.xml is not well-formed: %v\n%s", err, buf.String())
		}
		xmlTitles := map[int64]string{}
		for _, d := range doc.Days {
			for _, r := range d.Rooms {
				for _, e := range r.Events {
					xmlTitles[e.ID] = e.Title
				}
			}
		}
		b, err := sch.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var js struct {
			Schedule struct {
				Conference struct {
					Days []struct {
						Rooms map[string][]struct {
							ID    int64  `json:"id"`
							Title string `json:"title"`
						} `json:"rooms"`
					} `json:"days"`
				} `json:"conference"`
			} `json:"schedule"`
		}
		if err := json.Unmarshal(b, &js); err != nil {
			t.Fatalf("schedule.json does not parse: %v", err)
		}
		jsonTitles := map[int64]string{}
		for _, d := range js.Schedule.Conference.Days {
			for _, evs := range d.Rooms {
				for _, e := range evs {
					jsonTitles[e.ID] = e.Title
				}
			}
		}
		if len(xmlTitles) != 2 || len(jsonTitles) != 2 {
			t.Fatalf("events: XML %v, JSON %v, want 2 each", xmlTitles, jsonTitles)
		}
		for id, x := range xmlTitles {
			if j := jsonTitles[id]; strings.ToValidUTF8(j, "\uFFFD") != x && clean(j) {
				t.Errorf("event %d: XML title %q, JSON title %q", id, x, j)
			}
		}
		if clean(title) && xmlTitles[11] != strings.TrimSpace(title) && xmlTitles[11] != title {
			t.Errorf("event 11: title %q read back as %q", title, xmlTitles[11])
		}
	})
}

// clean reports whether s is valid UTF-8 without control characters, so
// it must survive both formats unchanged.
func clean(s string) bool {
	for _, r := range s {
		if r == unicode.ReplacementChar || unicode.IsControl(r) || r == '\uFFFE' || r == '\uFFFF' {
			return false
		}
	}
	return true
}

// FuzzParseDirectoryQuery feeds arbitrary query parameters to the
// directory's parser: it never panics, and a query it accepts is in range
// and safe to hand to the database (valid UTF-8, bounded length, a known
// country, sector and sort, page 1…MaxPage).
func FuzzParseDirectoryQuery(f *testing.F) {
	f.Add("solar", "CN", "new_energy", "A", "name", "1", "24")
	f.Add("' OR 1=1 --", "kr", "", "", "booth", "999999999999999999999", "-1")
	f.Add("%_\\", "", "x", "../../etc/passwd", "", "-1", "0")
	f.Add("\xff\xfe", "\x00", "", "A-1", "name; DROP TABLE exhibitors", "1e3", "")
	f.Fuzz(func(t *testing.T, q, country, sector, hall, sort, page, perPage string) {
		params := map[string]string{"q": q, "country": country, "sector": sector, "hall": hall, "sort": sort, "page": page, "per_page": perPage}
		dq, err := expo.ParseDirectoryQuery(func(k string) string { return params[k] }, expo.DirectoryPerPage)
		if err != nil {
			e, ok := expo.AsError(err)
			if !ok || e.Code != expo.CodeInvalid || len(e.Fields) == 0 {
				t.Fatalf("error %v is not an invalid-input error naming a field", err)
			}
			return
		}
		if dq.Page < 1 || dq.Page > expo.MaxPage || dq.PerPage < 1 || dq.PerPage > expo.MaxPerPage {
			t.Errorf("page %d, per page %d out of range", dq.Page, dq.PerPage)
		}
		if dq.Offset() < 0 {
			t.Errorf("negative offset %d", dq.Offset())
		}
		if !strings.Contains(" "+strings.Join(expo.DirectorySorts, " ")+" ", " "+dq.Sort+" ") {
			t.Errorf("sort %q", dq.Sort)
		}
		if len(dq.Q) > 4*expo.MaxKeywordLen || !utf8Valid(dq.Q) {
			t.Errorf("keyword %q accepted", dq.Q)
		}
		for _, w := range expo.Keywords(dq.Q) {
			if w == "" {
				t.Errorf("empty keyword from %q", dq.Q)
			}
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }
