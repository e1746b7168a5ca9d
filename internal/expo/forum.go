package expo

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Speaker speaks at forum sessions.
type Speaker struct {
	ID           int64
	Name         string // in the speaker's own script
	NameLatin    string
	Title        string
	Organization string
	Country      string
	Bio          string
}

// Forum is a themed event made of sessions, e.g. "New Energy Vehicles".
type Forum struct {
	ID               int64
	Title            string
	Theme            string
	Description      string
	HostOrganization string
	Languages        []string
	Interpretation   bool // simultaneous interpretation offered
	Capacity         int
	Confirmed        int
	Waitlisted       int
	Published        bool
	Sessions         []Session // by start time
	UpdatedAt        time.Time
}

// Session is one slot of a forum in a room.
type Session struct {
	ID         int64
	ForumID    int64
	Title      string
	StartsAt   time.Time
	EndsAt     time.Time
	RoomID     int64
	Language   string
	SpeakerIDs []int64
	// Speakers are filled by the store's Forum and Forums, in name order.
	Speakers []Speaker
}

// RegistrationStatus is an attendee's place in a forum.
type RegistrationStatus string

const (
	RegistrationConfirmed  RegistrationStatus = "confirmed"
	RegistrationWaitlisted RegistrationStatus = "waitlisted"
)

// Registration is the answer to a forum sign-up: confirmed, or waitlisted at
// Position (1 is next in line).
type Registration struct {
	Status   RegistrationStatus
	Position int
}

// ForumThemes are the themes a forum can have; names come from the
// translations ("forum.theme.<code>"). The two themed days are themes too, so
// the programme can be filtered to "Korean Business Day".
var ForumThemes = []string{
	"new_energy", "automotive", "agriculture", "cross_border_trade", "pharma_medical",
	"digital_economy", "investment", "tourism", "new_materials", "logistics",
	"korea_business_day", "russia_china",
}

// Limits on programme input.
const (
	MaxTitleLen     = 200
	MaxForumTextLen = 5000 // description, speaker bio
	MaxRoomCapacity = 100000
	MaxEquipmentLen = 300
)

// ForumInput is what an organizer enters for a forum. New forums are drafts.
type ForumInput struct {
	Title            string
	Theme            string
	Description      string
	HostOrganization string
	Languages        []string
	Interpretation   bool
	Capacity         int
}

// Validate checks a forum and returns it normalized, or an invalid *Error
// naming every bad field (title, theme, description, host_organization,
// languages, capacity).
func (in ForumInput) Validate() (ForumInput, error) {
	var v Validator
	out := ForumInput{
		Title:            lineMax(&v, "title", in.Title, true, MaxTitleLen, "forum.error.title_too_long"),
		Theme:            v.OneOf("theme", in.Theme, ForumThemes, true),
		Description:      textBlock(&v, "description", in.Description, MaxForumTextLen),
		HostOrganization: lineMax(&v, "host_organization", in.HostOrganization, false, MaxNameLen, "forum.error.name_too_long"),
		Languages:        v.SomeOf("languages", in.Languages, LanguageCodes, 1),
		Interpretation:   in.Interpretation,
		Capacity:         capacity(&v, "capacity", in.Capacity),
	}
	return out, v.Err()
}

// SessionInput is what an organizer enters for a session of a forum.
type SessionInput struct {
	ForumID    int64
	Title      string
	StartsAt   time.Time
	EndsAt     time.Time
	RoomID     int64
	Language   string
	SpeakerIDs []int64
}

// Validate checks a session against the expo's dates (ev.StartsOn to
// ev.EndsOn, in ev's time zone) and returns it normalized, or an invalid
// *Error naming every bad field (title, starts_at, ends_at, room_id,
// language). Whether the room and speakers exist is the store's check.
func (in SessionInput) Validate(ev Expo) (SessionInput, error) {
	var v Validator
	out := in
	out.Title = lineMax(&v, "title", in.Title, true, MaxTitleLen, "session.error.title_too_long")
	out.Language = v.OneOf("language", in.Language, LanguageCodes, false)
	if in.RoomID <= 0 {
		v.Fail("room_id", "session.error.room_required")
	}
	switch {
	case in.StartsAt.IsZero():
		v.Fail("starts_at", "session.error.time_required")
	case !WithinExpo(ev, in.StartsAt):
		v.Fail("starts_at", "session.error.outside_expo")
	}
	switch {
	case in.EndsAt.IsZero():
		v.Fail("ends_at", "session.error.time_required")
	case !in.StartsAt.IsZero() && !in.EndsAt.After(in.StartsAt):
		v.Fail("ends_at", "session.error.ends_before_start")
	case !WithinExpo(ev, in.EndsAt.Add(-time.Nanosecond)):
		v.Fail("ends_at", "session.error.outside_expo")
	}
	out.SpeakerIDs = uniqueIDs(in.SpeakerIDs)
	return out, v.Err()
}

// WithinExpo reports whether t falls on one of the expo's days, in the expo's
// time zone (the location of ev.StartsOn).
func WithinExpo(ev Expo, t time.Time) bool {
	if ev.StartsOn.IsZero() {
		return false
	}
	end := ev.EndsOn.AddDate(0, 0, 1)
	return !t.Before(ev.StartsOn) && t.Before(end)
}

// ExpoDays lists the expo's days, midnight in the expo time zone.
func ExpoDays(ev Expo) []time.Time {
	var days []time.Time
	if ev.StartsOn.IsZero() {
		return days
	}
	for d := ev.StartsOn; !d.After(ev.EndsOn); d = d.AddDate(0, 0, 1) {
		days = append(days, d)
	}
	return days
}

// SpeakerInput is what an organizer enters for a speaker.
type SpeakerInput struct {
	Name         string
	NameLatin    string
	Title        string
	Organization string
	Country      string
	Bio          string
}

// Validate checks a speaker and returns it normalized, or an invalid *Error
// naming every bad field (name, name_latin, title, organization, country, bio).
func (in SpeakerInput) Validate() (SpeakerInput, error) {
	var v Validator
	out := SpeakerInput{
		Name:         lineMax(&v, "name", in.Name, true, MaxNameLen, "forum.error.name_too_long"),
		NameLatin:    lineMax(&v, "name_latin", in.NameLatin, false, MaxNameLen, "forum.error.name_too_long"),
		Title:        lineMax(&v, "title", in.Title, false, MaxNameLen, "forum.error.name_too_long"),
		Organization: lineMax(&v, "organization", in.Organization, false, MaxNameLen, "forum.error.name_too_long"),
		Country:      v.OneOf("country", in.Country, CountryCodes, false),
		Bio:          textBlock(&v, "bio", in.Bio, MaxForumTextLen),
	}
	return out, v.Err()
}

// RoomInput is what an organizer enters for a room.
type RoomInput struct {
	Name      string
	HallID    *int64
	Capacity  int
	Equipment string
}

// Validate checks a room and returns it normalized, or an invalid *Error
// naming every bad field (name, capacity, equipment). Whether the hall
// exists is the store's check.
func (in RoomInput) Validate() (RoomInput, error) {
	var v Validator
	out := RoomInput{
		Name:      lineMax(&v, "name", in.Name, true, MaxNameLen, "forum.error.name_too_long"),
		HallID:    in.HallID,
		Capacity:  capacity(&v, "capacity", in.Capacity),
		Equipment: lineMax(&v, "equipment", in.Equipment, false, MaxEquipmentLen, "room.error.equipment_too_long"),
	}
	return out, v.Err()
}

// Validate checks one day's opening hours against the expo's dates: the day
// must be an expo day and the expo must open before it closes, on that day.
// Fields: day, opens, closes.
func (h OpeningHours) Validate(ev Expo) (OpeningHours, error) {
	var v Validator
	switch {
	case h.Day.IsZero():
		v.Fail("day", "error.required")
	case !WithinExpo(ev, h.Day):
		v.Fail("day", "hours.error.outside_expo")
	}
	if h.Opens.IsZero() {
		v.Fail("opens", "session.error.time_required")
	}
	switch {
	case h.Closes.IsZero():
		v.Fail("closes", "session.error.time_required")
	case !h.Opens.IsZero() && !h.Closes.After(h.Opens):
		v.Fail("closes", "hours.error.closes_before_opens")
	case !h.Day.IsZero() && h.Closes.After(h.Day.AddDate(0, 0, 1)):
		v.Fail("closes", "hours.error.next_day")
	}
	return h, v.Err()
}

// lineMax is Validator.Line with a message that names the limit when the
// value is too long.
func lineMax(v *Validator, field, value string, required bool, max int, tooLong string) string {
	if utf8.RuneCountInString(strings.TrimSpace(value)) > max {
		v.Fail(field, tooLong)
		return ""
	}
	return v.Line(field, value, required, max)
}

// textBlock validates a multi-line text: valid UTF-8, no markup, no control
// characters other than line breaks and tabs, within max runes.
func textBlock(v *Validator, field, value string, max int) string {
	if !utf8.ValidString(value) {
		v.Fail(field, "error.invalid_utf8")
		return ""
	}
	value = strings.TrimSpace(strings.ReplaceAll(value, "\r\n", "\n"))
	switch {
	case utf8.RuneCountInString(value) > max:
		v.Fail(field, "forum.error.text_too_long")
	case strings.ContainsAny(value, "<>"):
		v.Fail(field, "error.no_markup")
	case strings.IndexFunc(value, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		v.Fail(field, "error.control_chars")
	}
	return value
}

// capacity checks a number of seats.
func capacity(v *Validator, field string, n int) int {
	switch {
	case n <= 0:
		v.Fail(field, "forum.error.capacity_positive")
	case n > MaxRoomCapacity:
		v.Fail(field, "forum.error.capacity_too_large")
	}
	return n
}

func uniqueIDs(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
