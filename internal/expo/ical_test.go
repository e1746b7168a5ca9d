package expo_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"expo/internal/expo"
)

// icsProperty is one parsed content line: name, parameters and the value as
// written (still escaped).
type icsProperty struct {
	Name, Params, Value string
}

// parseICS unfolds and splits an iCalendar document the way a calendar app
// does, failing the test on anything RFC 5545 forbids: bare LF, a line over
// 75 octets, a fold inside a UTF-8 character.
func parseICS(t *testing.T, doc string) []icsProperty {
	t.Helper()
	if !strings.HasSuffix(doc, "\r\n") {
		t.Fatalf("document does not end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(doc, "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		if strings.Contains(l, "\n") || strings.Contains(l, "\r") {
			t.Fatalf("line %d has a bare line break: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d has %d octets, more than 75: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("line %d is not valid UTF-8 on its own (folded inside a character): %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				t.Fatalf("document starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	out := make([]icsProperty, 0, len(lines))
	for _, l := range lines {
		head, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("content line without a colon: %q", l)
		}
		name, params, _ := strings.Cut(head, ";")
		out = append(out, icsProperty{Name: name, Params: params, Value: value})
	}
	return out
}

// unescapeICS undoes TEXT escaping.
func unescapeICS(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// icsEvents returns each VEVENT as property name → unescaped value.
func icsEvents(t *testing.T, props []icsProperty) []map[string]string {
	t.Helper()
	var events []map[string]string
	var cur map[string]string
	for _, p := range props {
		switch {
		case p.Name == "BEGIN" && p.Value == "VEVENT":
			cur = map[string]string{}
		case p.Name == "END" && p.Value == "VEVENT":
			events = append(events, cur)
			cur = nil
		case cur != nil:
			if p.Name == "URL" || p.Name == "DTSTART" || p.Name == "DTEND" || p.Name == "DTSTAMP" {
				cur[p.Name] = p.Value
			} else {
				cur[p.Name] = unescapeICS(p.Value)
			}
		}
	}
	return events
}

func TestWriteICalendarParsesBack(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 14, 9, 30, 0, 0, shanghai)
	long := strings.Repeat("新能源汽车论坛，", 30) // 3-octet runes and commas across many folds
	tests := []struct {
		name  string
		event expo.CalendarEvent
	}{
		{"plain ASCII", expo.CalendarEvent{UID: "session-1@expo.test", Start: start, End: start.Add(time.Hour), Summary: "Opening", Location: "Forum Hall 1"}},
		{"special characters are escaped", expo.CalendarEvent{UID: "session-2@expo.test", Start: start, End: start.Add(90 * time.Minute),
			Summary: `Trade, investment; and C:\path`, Description: "Line one\nLine two\r\nLine three", Location: "Hall A; Room 3, east"}},
		{"long Chinese text folds between characters", expo.CalendarEvent{UID: "session-3@expo.test", Start: start, End: start.Add(time.Hour),
			Summary: "한국 비즈니스 데이 — Korean Business Day 韩国商务日", Description: long, URL: "https://expo.test/forums/3"}},
		{"four-octet runes", expo.CalendarEvent{UID: "session-4@expo.test", Start: start, End: start.Add(time.Hour),
			Summary: strings.Repeat("😀", 40)}},
		{"control characters are dropped", expo.CalendarEvent{UID: "session-5@expo.test", Start: start, End: start.Add(time.Hour),
			Summary: "Bell\x07 and\x00 null", Tentative: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			stamp := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
			if err := expo.WriteICalendar(&buf, expo.Calendar{Name: "Programme, day 1", Stamp: stamp, Events: []expo.CalendarEvent{tt.event}}); err != nil {
				t.Fatal(err)
			}
			props := parseICS(t, buf.String())
			if props[0].Name != "BEGIN" || props[0].Value != "VCALENDAR" || props[len(props)-1].Name != "END" {
				t.Fatalf("not a VCALENDAR: first %+v, last %+v", props[0], props[len(props)-1])
			}
			have := map[string]bool{}
			for _, p := range props {
				have[p.Name] = true
			}
			for _, name := range []string{"VERSION", "PRODID"} {
				if !have[name] {
					t.Errorf("calendar lacks %s", name)
				}
			}
			events := icsEvents(t, props)
			if len(events) != 1 {
				t.Fatalf("%d events, want 1", len(events))
			}
			e := events[0]
			want := tt.event
			if want.Summary == "Bell\x07 and\x00 null" {
				want.Summary = "Bell and null"
			}
			wantDesc := strings.ReplaceAll(want.Description, "\r\n", "\n")
			checks := []struct{ prop, got, want string }{
				{"UID", e["UID"], want.UID},
				{"SUMMARY", e["SUMMARY"], want.Summary},
				{"DESCRIPTION", e["DESCRIPTION"], wantDesc},
				{"LOCATION", e["LOCATION"], want.Location},
				{"URL", e["URL"], want.URL},
				{"DTSTAMP", e["DTSTAMP"], "20261101T080000Z"},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.prop, c.got, c.want)
				}
			}
			gotStart, err := time.Parse("20060102T150405Z", e["DTSTART"])
			if err != nil || !gotStart.Equal(want.Start) {
				t.Errorf("DTSTART %q (%v) is not the instant %v", e["DTSTART"], err, want.Start)
			}
			gotEnd, err := time.Parse("20060102T150405Z", e["DTEND"])
			if err != nil || !gotEnd.Equal(want.End) {
				t.Errorf("DTEND %q (%v) is not the instant %v", e["DTEND"], err, want.End)
			}
			if e["DTSTART"] != "20261214T013000Z" {
				t.Errorf("DTSTART = %q, want 09:30 Shanghai as 01:30 UTC", e["DTSTART"])
			}
			wantStatus := "CONFIRMED"
			if tt.event.Tentative {
				wantStatus = "TENTATIVE"
			}
			if e["STATUS"] != wantStatus {
				t.Errorf("STATUS = %q, want %q", e["STATUS"], wantStatus)
			}
		})
	}
}

func TestWriteICalendarEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := expo.WriteICalendar(&buf, expo.Calendar{Name: "Nothing yet"}); err != nil {
		t.Fatal(err)
	}
	props := parseICS(t, buf.String())
	if n := len(icsEvents(t, props)); n != 0 {
		t.Errorf("%d events, want 0", n)
	}
	if got := props[len(props)-1]; got.Name != "END" || got.Value != "VCALENDAR" {
		t.Errorf("last line %+v, want END:VCALENDAR", got)
	}
}

func TestWriteICalendarFoldsAtExactly75Octets(t *testing.T) {
	// "SUMMARY:" is 8 octets, so 67 ASCII characters fill the line exactly
	// and 68 need one fold.
	for _, n := range []int{67, 68} {
		var buf bytes.Buffer
		ev := expo.CalendarEvent{UID: "u", Start: time.Unix(0, 0), End: time.Unix(3600, 0), Summary: strings.Repeat("x", n)}
		if err := expo.WriteICalendar(&buf, expo.Calendar{Events: []expo.CalendarEvent{ev}}); err != nil {
			t.Fatal(err)
		}
		folded := strings.Contains(buf.String(), "\r\n x")
		if folded != (n == 68) {
			t.Errorf("summary of %d octets: folded = %v", n, folded)
		}
		parseICS(t, buf.String())
	}
}
