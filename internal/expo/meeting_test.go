package expo

import (
	"strings"
	"testing"
	"time"
)

func meetingField(t *testing.T, err error, field string) string {
	t.Helper()
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("error %v is not an *Error", err)
	}
	return e.Fields[field]
}

func TestBlockInputValidate(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	first := time.Date(2026, 6, 1, 0, 0, 0, 0, loc)
	last := first.AddDate(0, 0, 4)
	ok := BlockInput{Day: "2026-06-02", Start: "09:00", End: "12:00", SlotMinutes: 30}
	cases := []struct {
		name, field, msg string
		edit             func(*BlockInput)
	}{
		{"bad day", "day", "slots.error.day", func(b *BlockInput) { b.Day = "2 June" }},
		{"day outside the expo", "day", "slots.error.day_outside", func(b *BlockInput) { b.Day = "2026-06-09" }},
		{"bad time", "start", "slots.error.time", func(b *BlockInput) { b.Start = "9am" }},
		{"end before start", "end", "slots.error.end_before_start", func(b *BlockInput) { b.End = "08:00" }},
		{"slot too short", "slot_minutes", "slots.error.slot_minutes", func(b *BlockInput) { b.SlotMinutes = 5 }},
		{"slot too long", "slot_minutes", "slots.error.slot_minutes", func(b *BlockInput) { b.SlotMinutes = 240 }},
		{"slot longer than block", "slot_minutes", "slots.error.slot_too_long", func(b *BlockInput) { b.End = "09:20" }},
		{"negative break", "break_minutes", "slots.error.break_minutes", func(b *BlockInput) { b.BreakMinutes = -5 }},
		{"unknown country", "restrict_country", "error.invalid_choice", func(b *BlockInput) { b.RestrictCountry = "XX" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			c.edit(&in)
			_, err := in.Validate(loc, first, last)
			if err == nil {
				t.Fatal("accepted")
			}
			if got := meetingField(t, err, c.field); got != c.msg && !(c.field == "restrict_country" && got != "") {
				t.Fatalf("%s = %q, want %q", c.field, got, c.msg)
			}
		})
	}
	t.Run("valid", func(t *testing.T) {
		b, err := ok.Validate(loc, first, last)
		if err != nil {
			t.Fatal(err)
		}
		if b.Start.Hour() != 9 || b.Start.Location() != loc || b.End.Sub(b.Start) != 3*time.Hour {
			t.Fatalf("block = %+v", b)
		}
	})
}

func TestSlotGrid(t *testing.T) {
	day := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	cases := []struct {
		name        string
		b           Block
		n           int
		first, last string
	}{
		{"30 min, no break", Block{Start: at(9, 0), End: at(12, 0), SlotMinutes: 30}, 6, "09:00", "11:30"},
		{"20 min + 10 break", Block{Start: at(9, 0), End: at(12, 0), SlotMinutes: 20, BreakMinutes: 10}, 6, "09:00", "11:30"},
		{"45 min, a remainder is dropped", Block{Start: at(13, 30), End: at(17, 0), SlotMinutes: 45}, 4, "13:30", "15:45"},
		{"45 min + 15 break", Block{Start: at(9, 0), End: at(12, 0), SlotMinutes: 45, BreakMinutes: 15}, 3, "09:00", "11:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := SlotGrid(c.b)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != c.n || got[0].Start.Format("15:04") != c.first || got[len(got)-1].Start.Format("15:04") != c.last {
				t.Fatalf("grid = %d slots %v", len(got), got)
			}
			for _, s := range got {
				if s.End.After(c.b.End) || s.End.Sub(s.Start) != time.Duration(c.b.SlotMinutes)*time.Minute {
					t.Fatalf("slot %v outside the block or of wrong length", s)
				}
			}
		})
	}
	bad := []struct {
		name, field string
		b           Block
	}{
		{"slot length", "slot_minutes", Block{Start: at(9, 0), End: at(12, 0), SlotMinutes: 0}},
		{"break", "break_minutes", Block{Start: at(9, 0), End: at(12, 0), SlotMinutes: 30, BreakMinutes: 90}},
		{"end", "end", Block{Start: at(12, 0), End: at(9, 0), SlotMinutes: 30}},
		{"no room", "slot_minutes", Block{Start: at(9, 0), End: at(9, 20), SlotMinutes: 30}},
	}
	for _, c := range bad {
		t.Run("bad "+c.name, func(t *testing.T) {
			_, err := SlotGrid(c.b)
			if meetingField(t, err, c.field) == "" {
				t.Fatalf("error %v lacks field %s", err, c.field)
			}
		})
	}
}

func TestMeetingPermissions(t *testing.T) {
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	start := now.Add(2 * time.Hour)
	m := func(status MeetingStatus, by Side) Meeting {
		return Meeting{Status: status, Initiator: by, Start: start}
	}
	cases := []struct {
		name      string
		m         Meeting
		side      Side
		answerErr error
		cancel    bool
	}{
		{"exhibitor answers a request", m(MeetingPending, SideAttendee), SideExhibitor, nil, true},
		{"attendee cannot answer its own request", m(MeetingPending, SideAttendee), SideAttendee, ErrNotYourTurn, true},
		{"attendee answers an invitation", m(MeetingPending, SideExhibitor), SideAttendee, nil, true},
		{"exhibitor cannot answer its invitation", m(MeetingPending, SideExhibitor), SideExhibitor, ErrNotYourTurn, true},
		{"accepted is answered", m(MeetingAccepted, SideAttendee), SideExhibitor, ErrAlreadyAnswered, true},
		{"declined is closed", m(MeetingDeclined, SideAttendee), SideExhibitor, ErrMeetingClosed, false},
		{"cancelled is closed", m(MeetingCancelled, SideAttendee), SideAttendee, ErrMeetingClosed, false},
		{"expired is closed", m(MeetingExpired, SideAttendee), SideExhibitor, ErrMeetingClosed, false},
		{"nobody", m(MeetingPending, SideAttendee), "", ErrNotYourTurn, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.m.CheckAnswer(c.side, now); err != c.answerErr {
				t.Fatalf("CheckAnswer = %v, want %v", err, c.answerErr)
			}
			if got := c.m.CanCancel(c.side, now); got != c.cancel {
				t.Fatalf("CanCancel = %v", got)
			}
		})
	}
	t.Run("nothing after the start", func(t *testing.T) {
		late := start.Add(time.Minute)
		if err := m(MeetingPending, SideAttendee).CheckAnswer(SideExhibitor, late); err != ErrSlotPast {
			t.Fatalf("answer after start = %v", err)
		}
		if m(MeetingAccepted, SideAttendee).CanCancel(SideAttendee, late) {
			t.Fatal("cancel after start")
		}
	})
}

func TestExpiry(t *testing.T) {
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	if got := RequestExpiry(now, now.Add(72*time.Hour), 48*time.Hour); !got.Equal(now.Add(48 * time.Hour)) {
		t.Fatalf("expiry = %v", got)
	}
	if got := RequestExpiry(now, now.Add(time.Hour), 48*time.Hour); !got.Equal(now.Add(time.Hour)) {
		t.Fatalf("expiry capped at slot start = %v", got)
	}
	exp := now.Add(time.Hour)
	m := Meeting{Status: MeetingPending, ExpiresAt: &exp}
	if m.Expired(now) || !m.Expired(exp) {
		t.Fatal("Expired wrong")
	}
}

func TestNeedsInterpreter(t *testing.T) {
	cases := []struct {
		name    string
		att, ex []string
		lang    string
		needed  bool
		a, b    string
	}{
		{"shared language", []string{"ru", "en"}, []string{"ko", "en"}, "en", false, "", ""},
		{"none shared, attendee's language", []string{"ru"}, []string{"ko"}, "ru", true, "ko", "ru"},
		{"none shared, exhibitor's language", []string{"ru"}, []string{"ko", "zh"}, "zh", true, "ru", "zh"},
		{"unknown languages need nobody", nil, []string{"ko"}, "ko", false, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := NeedsInterpreter(c.att, c.ex, c.lang)
			if got.Needed != c.needed || got.A != c.a || got.B != c.b {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

func TestMeetingRequestValidate(t *testing.T) {
	att, ex := []string{"ru"}, []string{"ko", "en"}
	cases := []struct {
		name, field string
		r           MeetingRequest
	}{
		{"100 KB message", "message", MeetingRequest{Message: strings.Repeat("a", 100<<10), Language: "ru"}},
		{"markup", "message", MeetingRequest{Message: "<script>", Language: "ru"}},
		{"NUL byte", "message", MeetingRequest{Message: "hello\x00world", Language: "ru"}},
		{"escape character", "message", MeetingRequest{Message: "hi \x1b[31m", Language: "ru"}},
		{"no language", "language", MeetingRequest{Message: "hi"}},
		{"language of neither side", "language", MeetingRequest{Language: "fr"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.r.Validate(att, ex)
			if meetingField(t, err, c.field) == "" {
				t.Fatalf("error %v lacks %s", err, c.field)
			}
		})
	}
	got, err := MeetingRequest{Message: "  Hello  ", Language: "en"}.Validate(att, ex)
	if err != nil || got.Message != "Hello" {
		t.Fatalf("valid: %+v %v", got, err)
	}
	if l := MeetingLanguages([]string{"ru", "en"}, []string{"en", "ko"}); strings.Join(l, ",") != "en,ru,ko" {
		t.Fatalf("languages = %v", l)
	}
}
