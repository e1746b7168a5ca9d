package expo

import (
	"math/big"
	"slices"
	"strings"
	"time"
)

// Outcomes: after the slot, each side of a meeting records whether it took
// place and what came of it. The two sides' records are independent; the
// organizer's totals count a meeting as held when a side says so.

// Attendance of a meeting.
const (
	AttendanceHeld   = "held"
	AttendanceNoShow = "no_show"
)

// Currencies a deal value may be stated in.
var Currencies = []string{"CNY", "USD", "EUR", "KRW", "JPY", "RUB"}

// MaxDealCents bounds a deal value (10^15 cents, ten trillion units).
const MaxDealCents = int64(1_000_000_000_000_000)

// Outcome is one side's record of a meeting.
type Outcome struct {
	MeetingID      int64
	Side           Side
	Attendance     string
	FollowUp       bool
	LetterOfIntent bool
	Memorandum     bool
	DealCents      int64
	Currency       string
	RecordedAt     time.Time
}

// OutcomeInput is what a side submits; DealValue is the text typed.
type OutcomeInput struct {
	Attendance     string
	FollowUp       bool
	LetterOfIntent bool
	Memorandum     bool
	DealValue      string
	Currency       string
}

// ParseMoney reads a non-negative amount like "1,250,000.50" or "1250000"
// (commas, spaces and underscores group digits, a dot is the decimal point,
// at most two decimals) and returns cents.
func ParseMoney(text string) (int64, bool) {
	s := strings.TrimSpace(text)
	s = strings.ReplaceAll(s, ",", "")
	s = strings.ReplaceAll(s, " ", "")
	s = strings.ReplaceAll(s, "_", "")
	if s == "" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, false
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok || n.Cmp(big.NewInt(MaxDealCents)) > 0 {
		return 0, false
	}
	return n.Int64(), true
}

// MeetingFacts are what outcome validation needs to know about a meeting.
type MeetingFacts struct {
	Status MeetingStatus
	EndsAt time.Time // the slot's end
	// Side is the caller's side of the meeting, "" when they are neither.
	Side Side
}

// Errors of recording an outcome.
var (
	ErrOutcomeNotYours  = Errorf(CodeForbidden, "outcome.error.not_yours")
	ErrOutcomeTooEarly  = Errorf(CodeConflict, "outcome.error.too_early")
	ErrOutcomeNotBooked = Errorf(CodeConflict, "outcome.error.not_accepted")
)

// ValidateOutcome checks one side's outcome of the meeting at now. Only the
// meeting's own sides record, only for an accepted meeting, only after the
// slot has ended.
func ValidateOutcome(m MeetingFacts, in OutcomeInput, now time.Time) (Outcome, error) {
	if m.Side != SideAttendee && m.Side != SideExhibitor {
		return Outcome{}, ErrOutcomeNotYours
	}
	if m.Status != MeetingAccepted {
		return Outcome{}, ErrOutcomeNotBooked
	}
	if now.Before(m.EndsAt) {
		return Outcome{}, ErrOutcomeTooEarly
	}
	var v Validator
	out := Outcome{Side: m.Side, FollowUp: in.FollowUp, LetterOfIntent: in.LetterOfIntent, Memorandum: in.Memorandum}
	out.Attendance = v.OneOf("attendance", in.Attendance, []string{AttendanceHeld, AttendanceNoShow}, true)
	if strings.TrimSpace(in.DealValue) != "" {
		cents, ok := ParseMoney(in.DealValue)
		if !ok {
			v.Fail("deal_value", "outcome.error.deal_value")
		}
		out.DealCents = cents
		if !slices.Contains(Currencies, in.Currency) {
			v.Fail("currency", "outcome.error.currency")
		}
		out.Currency = in.Currency
	} else if in.Currency != "" && !slices.Contains(Currencies, in.Currency) {
		v.Fail("currency", "outcome.error.currency")
	}
	if out.Attendance == AttendanceNoShow && (out.DealCents > 0 || out.LetterOfIntent || out.Memorandum) {
		v.Fail("attendance", "outcome.error.no_show_with_deal")
	}
	if err := v.Err(); err != nil {
		return Outcome{}, err
	}
	if out.DealCents == 0 {
		out.Currency = ""
	}
	return out, nil
}

// FormatMoney writes cents as "1,250,000.50".
func FormatMoney(cents int64) string {
	whole, frac := cents/100, cents%100
	s := big.NewInt(whole).String()
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String() + "." + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
}
