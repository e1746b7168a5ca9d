package expo

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Business matchmaking: negotiation blocks cut into slots, meetings between
// an attendee and an exhibitor in a slot, who may do what to a meeting, and
// when a meeting needs an interpreter. The store enforces the concurrency
// invariants (one open meeting per attendee and slot, tables, quota); these
// are the pure rules around them.

// MeetingStatus is where a meeting stands. Pending and accepted meetings are
// open: they hold the slot, a table and the attendee's time.
type MeetingStatus string

const (
	MeetingPending   MeetingStatus = "pending"
	MeetingAccepted  MeetingStatus = "accepted"
	MeetingDeclined  MeetingStatus = "declined"
	MeetingCancelled MeetingStatus = "cancelled"
	MeetingExpired   MeetingStatus = "expired"
)

// MeetingStatuses lists every status in display order.
var MeetingStatuses = []MeetingStatus{MeetingPending, MeetingAccepted, MeetingDeclined, MeetingCancelled, MeetingExpired}

// Open reports whether a meeting in this status holds its slot.
func (s MeetingStatus) Open() bool { return s == MeetingPending || s == MeetingAccepted }

// Side is one party of a meeting.
type Side string

const (
	SideAttendee  Side = "attendee"
	SideExhibitor Side = "exhibitor"
	// SideScheduler marks meetings placed by the organizer's auto-scheduler.
	SideScheduler Side = "scheduler"
)

// Limits of meeting input.
const (
	MaxMeetingMessage = 1000 // runes
	MaxMeetingReason  = 300  // runes
	// DefaultOpenRequestLimit is how many open requests an attendee may have
	// sent at once unless the store is configured otherwise.
	DefaultOpenRequestLimit = 20
	// DefaultRequestTTL is how long a request waits for an answer.
	DefaultRequestTTL = 48 * time.Hour
)

// Matchmaking errors. Their Message is a translation ID.
var (
	// ErrSlotTaken: the exhibitor has no free table in the slot any more.
	// The JSON API answers it with the code "slot_taken".
	ErrSlotTaken = Errorf(CodeConflict, "meeting.error.slot_taken")
	// ErrAttendeeBusy: the attendee already has an open meeting in the slot.
	ErrAttendeeBusy    = Errorf(CodeConflict, "meeting.error.attendee_busy")
	ErrSlotNotOffered  = Errorf(CodeConflict, "meeting.error.not_available")
	ErrSlotPast        = Errorf(CodeInvalid, "meeting.error.slot_past")
	ErrOwnCompany      = Errorf(CodeForbidden, "meeting.error.own_company")
	ErrRequestLimit    = Errorf(CodeRateLimited, "meeting.error.request_limit")
	ErrMeetingClosed   = Errorf(CodeConflict, "meeting.error.closed")
	ErrAlreadyAnswered = Errorf(CodeConflict, "meeting.error.answered")
	ErrNotYourTurn     = Errorf(CodeForbidden, "meeting.error.not_your_turn")
	ErrNoTableFree     = Errorf(CodeConflict, "meeting.error.no_table")
	ErrBlockRestricted = Errorf(CodeForbidden, "meeting.error.restricted")
	ErrNotAnAttendee   = Errorf(CodeForbidden, "meeting.error.not_attendee")
)

// IsSlotTaken reports whether err means the slot went to someone else (the
// exhibitor's tables are full); the API answers it with code slot_taken.
func IsSlotTaken(err error) bool {
	e, ok := AsError(err)
	return ok && e.Message == ErrSlotTaken.Message
}

// ErrNoInterpreter says no interpreter is free for the pair in the slot,
// e.g. "no interpreter free for Korean–Russian at 10:30".
func ErrNoInterpreter(a, b string, at time.Time) error {
	return &Error{Code: CodeConflict, Message: "meeting.error.no_interpreter",
		Data: map[string]any{"A": a, "B": b, "Time": at.Format("15:04")}}
}

// Block is a stretch of negotiation time on one day, cut into slots.
// RestrictCountry limits a themed block ("Korean Business Day") to
// meetings where the exhibitor or the attendee is from that country.
type Block struct {
	ID              int64
	Day             time.Time // midnight in the expo time zone
	Start, End      time.Time
	SlotMinutes     int
	BreakMinutes    int
	Theme           string
	RestrictCountry string
	Slots           int // number of slots, when listed
	Meetings        int // meetings in its slots (any status), when listed
}

// Slot is one negotiation slot.
type Slot struct {
	ID              int64
	BlockID         int64
	Start, End      time.Time
	Theme           string
	RestrictCountry string
	// TablesFree is the exhibitor's free tables in the slot, when listed for
	// one exhibitor.
	TablesFree int
	// Available and Booked: the exhibitor's availability grid.
	Available bool
	Booked    int
}

// Span is a start and an end.
type Span struct{ Start, End time.Time }

// BlockInput is what an organizer submits to create a block; times are
// "HH:MM" in the expo time zone, Day is "YYYY-MM-DD".
type BlockInput struct {
	Day, Start, End string
	SlotMinutes     int
	BreakMinutes    int
	Theme           string
	RestrictCountry string
}

// Validate checks the input against the expo's days (first..last, midnight
// in loc) and returns the block with its instants. Every problem is a field
// message: "slot_minutes" outside 10–120, a break outside 0–60, an end not
// after the start, a day outside the expo, a block without room for a slot.
func (in BlockInput) Validate(loc *time.Location, first, last time.Time) (Block, error) {
	var v Validator
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.Day), loc)
	if err != nil {
		v.Fail("day", "slots.error.day")
	} else if !first.IsZero() && (day.Before(first) || day.After(last)) {
		v.Fail("day", "slots.error.day_outside")
	}
	parse := func(field, s string) time.Duration {
		t, err := time.Parse("15:04", strings.TrimSpace(s))
		if err != nil {
			v.Fail(field, "slots.error.time")
			return -1
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	start, end := parse("start", in.Start), parse("end", in.End)
	if start >= 0 && end >= 0 && end <= start {
		v.Fail("end", "slots.error.end_before_start")
	}
	if in.SlotMinutes < 10 || in.SlotMinutes > 120 {
		v.Fail("slot_minutes", "slots.error.slot_minutes")
	}
	if in.BreakMinutes < 0 || in.BreakMinutes > 60 {
		v.Fail("break_minutes", "slots.error.break_minutes")
	}
	theme := v.Line("theme", in.Theme, false, MaxNameLen)
	country := ""
	if in.RestrictCountry != "" {
		country = v.OneOf("restrict_country", in.RestrictCountry, CountryCodes, false)
	}
	if start >= 0 && end > start && in.SlotMinutes >= 10 && time.Duration(in.SlotMinutes)*time.Minute > end-start {
		v.Fail("slot_minutes", "slots.error.slot_too_long")
	}
	if err := v.Err(); err != nil {
		return Block{}, err
	}
	at := func(d time.Duration) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, loc)
	}
	return Block{Day: day, Start: at(start), End: at(end), SlotMinutes: in.SlotMinutes, BreakMinutes: in.BreakMinutes,
		Theme: theme, RestrictCountry: country}, nil
}

// SlotGrid cuts a block into slots of SlotMinutes with BreakMinutes between
// them; the last slot ends no later than the block. A block that is not
// well formed is an invalid-input error.
func SlotGrid(b Block) ([]Span, error) {
	if b.SlotMinutes < 10 || b.SlotMinutes > 120 {
		return nil, &Error{Code: CodeInvalid, Message: "error.form", Fields: map[string]string{"slot_minutes": "slots.error.slot_minutes"}}
	}
	if b.BreakMinutes < 0 || b.BreakMinutes > 60 {
		return nil, &Error{Code: CodeInvalid, Message: "error.form", Fields: map[string]string{"break_minutes": "slots.error.break_minutes"}}
	}
	if !b.End.After(b.Start) {
		return nil, &Error{Code: CodeInvalid, Message: "error.form", Fields: map[string]string{"end": "slots.error.end_before_start"}}
	}
	length := time.Duration(b.SlotMinutes) * time.Minute
	step := length + time.Duration(b.BreakMinutes)*time.Minute
	var out []Span
	for t := b.Start; !t.Add(length).After(b.End); t = t.Add(step) {
		out = append(out, Span{Start: t, End: t.Add(length)})
	}
	if len(out) == 0 {
		return nil, &Error{Code: CodeInvalid, Message: "error.form", Fields: map[string]string{"slot_minutes": "slots.error.slot_too_long"}}
	}
	return out, nil
}

// Meeting is a meeting between an attendee and an exhibitor in a slot, with
// what both sides' pages show of it.
type Meeting struct {
	ID          int64
	SlotID      int64
	ExhibitorID int64
	AttendeeID  int64
	Initiator   Side
	Status      MeetingStatus
	Message     string
	Language    string
	Reason      string
	ExpiresAt   *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Start, End  time.Time

	TableID         *int64
	TableNumber     int
	TableArea       string
	InterpreterID   *int64
	InterpreterName string

	ExhibitorSlug    string
	ExhibitorName    string
	ExhibitorLatin   string
	ExhibitorCountry string

	AttendeeName         string
	AttendeeOrganization string
	AttendeeCountry      string
	AttendeeLanguages    []string
}

// Awaits returns the side whose answer a pending meeting waits for: the
// party that did not ask. Other meetings wait for nobody ("").
func (m Meeting) Awaits() Side {
	if m.Status != MeetingPending {
		return ""
	}
	if m.Initiator == SideExhibitor {
		return SideAttendee
	}
	return SideExhibitor
}

// CanAnswer reports whether side may accept or decline the meeting.
func (m Meeting) CanAnswer(side Side) bool { return side != "" && m.Awaits() == side }

// CanCancel reports whether side may cancel: either party, while it is open
// and has not started.
func (m Meeting) CanCancel(side Side, now time.Time) bool {
	return (side == SideAttendee || side == SideExhibitor) && m.Status.Open() && now.Before(m.Start)
}

// CheckAnswer returns why side may not accept or decline, or nil.
func (m Meeting) CheckAnswer(side Side, now time.Time) error {
	switch {
	case !m.Status.Open():
		return ErrMeetingClosed
	case m.Status == MeetingAccepted:
		return ErrAlreadyAnswered
	case !m.CanAnswer(side):
		return ErrNotYourTurn
	case !now.Before(m.Start):
		return ErrSlotPast
	}
	return nil
}

// Expired reports whether a pending request has waited past its deadline.
func (m Meeting) Expired(now time.Time) bool {
	return m.Status == MeetingPending && m.ExpiresAt != nil && !now.Before(*m.ExpiresAt)
}

// RequestExpiry is when a request made at now expires: after ttl, but never
// later than the slot's start.
func RequestExpiry(now, slotStart time.Time, ttl time.Duration) time.Time {
	if ttl <= 0 {
		ttl = DefaultRequestTTL
	}
	t := now.Add(ttl)
	if t.After(slotStart) {
		return slotStart
	}
	return t
}

// MeetingRequest is a request (or invitation) before it is booked.
type MeetingRequest struct {
	Message  string
	Language string
}

// Validate checks the message (at most MaxMeetingMessage runes, valid text)
// and that the language is one either side works in (any of Languages when
// both sides name none). It returns the cleaned request.
func (r MeetingRequest) Validate(attendeeLangs, exhibitorLangs []string) (MeetingRequest, error) {
	var v Validator
	msg := r.Message
	switch {
	case !utf8.ValidString(msg):
		v.Fail("message", "error.invalid_utf8")
	case utf8.RuneCountInString(msg) > MaxMeetingMessage:
		v.Fail("message", "meeting.error.message_too_long")
	}
	msg = strings.TrimSpace(strings.ReplaceAll(msg, "\r\n", "\n"))
	switch {
	case strings.ContainsAny(msg, "<>"):
		v.Fail("message", "error.no_markup")
	case strings.IndexFunc(msg, isTextControl) >= 0:
		v.Fail("message", "error.control_chars")
	}
	choices := MeetingLanguages(attendeeLangs, exhibitorLangs)
	lang := strings.TrimSpace(r.Language)
	if lang == "" {
		v.Fail("language", "meeting.error.language")
	} else if !slices.Contains(choices, lang) {
		v.Fail("language", "meeting.error.language")
	}
	if err := v.Err(); err != nil {
		return MeetingRequest{}, err
	}
	return MeetingRequest{Message: msg, Language: lang}, nil
}

// ValidateReason checks a decline or cancel reason (optional, one line).
func ValidateReason(reason string) (string, error) {
	var v Validator
	reason = v.Line("reason", reason, false, MaxMeetingReason)
	return reason, v.Err()
}

// MeetingLanguages are the languages a meeting may be held in: those of
// both sides (shared ones first), or every working language when neither
// names any.
func MeetingLanguages(attendee, exhibitor []string) []string {
	var out []string
	for _, l := range attendee {
		if slices.Contains(exhibitor, l) && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	for _, l := range slices.Concat(attendee, exhibitor) {
		if l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = slices.Clone(LanguageCodes)
	}
	return out
}

// InterpreterNeed says whether a meeting needs an interpreter and for which
// pair (A < B). A meeting needs one when the sides share no working
// language; the pair is the meeting language and the other side's first
// language that differs from it. Sides without languages never need one.
type InterpreterNeed struct {
	Needed bool
	A, B   string
}

// NeedsInterpreter applies the rule to the attendee's and exhibitor's
// working languages and the chosen meeting language.
func NeedsInterpreter(attendee, exhibitor []string, language string) InterpreterNeed {
	if len(attendee) == 0 || len(exhibitor) == 0 {
		return InterpreterNeed{}
	}
	for _, l := range attendee {
		if slices.Contains(exhibitor, l) {
			return InterpreterNeed{}
		}
	}
	// The side that does not speak the meeting language needs it rendered
	// into its own first language.
	other := ""
	switch {
	case slices.Contains(attendee, language):
		other = exhibitor[0]
	case slices.Contains(exhibitor, language):
		other = attendee[0]
	default:
		language, other = attendee[0], exhibitor[0]
	}
	a, b := LanguagePair(language, other)
	return InterpreterNeed{Needed: true, A: a, B: b}
}

// LanguagePair orders two language codes as interpreter_languages stores
// them (lang_a < lang_b).
func LanguagePair(x, y string) (string, string) {
	if y < x {
		return y, x
	}
	return x, y
}

// SlotLabel formats a slot as "Mon 2 Jun 10:30–11:00" in loc; pages use their own
// formatting, this is for messages and logs.
func SlotLabel(s Span, loc *time.Location) string {
	return fmt.Sprintf("%s–%s", s.Start.In(loc).Format("Mon 2 Jan 15:04"), s.End.In(loc).Format("15:04"))
}
