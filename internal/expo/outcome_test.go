package expo

import (
	"testing"
	"time"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in    string
		cents int64
		ok    bool
	}{
		{"1,250,000.50", 125000050, true},
		{"1250000", 125000000, true},
		{" 12.5 ", 1250, true},
		{"0", 0, true},
		{"1 000", 100000, true},
		{"-5", 0, false},
		{"+5", 0, false},
		{"1.234", 0, false},
		{"12.", 0, false},
		{".5", 0, false},
		{"abc", 0, false},
		{"1e6", 0, false},
		{"", 0, false},
		{"99999999999999999999", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			cents, ok := ParseMoney(tc.in)
			if cents != tc.cents || ok != tc.ok {
				t.Errorf("ParseMoney(%q) = %d, %v; want %d, %v", tc.in, cents, ok, tc.cents, tc.ok)
			}
		})
	}
}

func TestFormatMoney(t *testing.T) {
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", 125000050: "1,250,000.50", 100000: "1,000.00", 99999: "999.99"} {
		if got := FormatMoney(cents); got != want {
			t.Errorf("FormatMoney(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestValidateOutcome(t *testing.T) {
	end := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	after := end.Add(time.Minute)
	past := MeetingFacts{Status: "accepted", EndsAt: end, Side: SideAttendee}
	tests := []struct {
		name  string
		m     MeetingFacts
		in    OutcomeInput
		now   time.Time
		code  Code
		field string
		want  Outcome
	}{
		{"held with deal", past, OutcomeInput{Attendance: "held", LetterOfIntent: true, DealValue: "1,250,000.50", Currency: "USD"}, after, "", "",
			Outcome{Side: SideAttendee, Attendance: "held", LetterOfIntent: true, DealCents: 125000050, Currency: "USD"}},
		{"no show", past, OutcomeInput{Attendance: "no_show"}, after, "", "", Outcome{Side: SideAttendee, Attendance: "no_show"}},
		{"exhibitor side", MeetingFacts{Status: "accepted", EndsAt: end, Side: SideExhibitor}, OutcomeInput{Attendance: "held", FollowUp: true}, end, "", "",
			Outcome{Side: SideExhibitor, Attendance: "held", FollowUp: true}},
		{"currency dropped without value", past, OutcomeInput{Attendance: "held", Currency: "EUR"}, after, "", "", Outcome{Side: SideAttendee, Attendance: "held"}},
		{"not a side", MeetingFacts{Status: "accepted", EndsAt: end}, OutcomeInput{Attendance: "held"}, after, CodeForbidden, "", Outcome{}},
		{"before the end", past, OutcomeInput{Attendance: "held"}, end.Add(-time.Second), CodeConflict, "", Outcome{}},
		{"cancelled meeting", MeetingFacts{Status: "cancelled", EndsAt: end, Side: SideAttendee}, OutcomeInput{Attendance: "held"}, after, CodeConflict, "", Outcome{}},
		{"attendance missing", past, OutcomeInput{}, after, CodeInvalid, "attendance", Outcome{}},
		{"attendance unknown", past, OutcomeInput{Attendance: "maybe"}, after, CodeInvalid, "attendance", Outcome{}},
		{"negative value", past, OutcomeInput{Attendance: "held", DealValue: "-1", Currency: "USD"}, after, CodeInvalid, "deal_value", Outcome{}},
		{"value without currency", past, OutcomeInput{Attendance: "held", DealValue: "100"}, after, CodeInvalid, "currency", Outcome{}},
		{"unknown currency", past, OutcomeInput{Attendance: "held", DealValue: "100", Currency: "GBP"}, after, CodeInvalid, "currency", Outcome{}},
		{"no show with deal", past, OutcomeInput{Attendance: "no_show", Memorandum: true}, after, CodeInvalid, "attendance", Outcome{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ValidateOutcome(tc.m, tc.in, tc.now)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if got != tc.want {
					t.Errorf("got %+v, want %+v", got, tc.want)
				}
				return
			}
			if ErrorCode(err) != tc.code {
				t.Fatalf("error %v, want code %s", err, tc.code)
			}
			if tc.field != "" {
				if e, _ := AsError(err); e.Fields[tc.field] == "" {
					t.Errorf("no error on field %s: %v", tc.field, err)
				}
			}
		})
	}
}
