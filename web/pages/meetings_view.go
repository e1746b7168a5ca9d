package pages

import (
	"strconv"
	"time"

	"expo/internal/expo"
)

// View models of the matchmaking core: the slot picker, "My meetings", the
// exhibitor's availability grid and the organizer's slot grid.

// SlotDay is one day of slots.
type SlotDay struct {
	Day   time.Time
	Slots []expo.Slot
}

// GroupSlots groups slots (sorted by start) by their day in loc.
func GroupSlots(slots []expo.Slot, loc *time.Location) []SlotDay {
	var out []SlotDay
	for _, s := range slots {
		t := s.Start.In(loc)
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		if n := len(out); n == 0 || !out[n-1].Day.Equal(day) {
			out = append(out, SlotDay{Day: day})
		}
		out[len(out)-1].Slots = append(out[len(out)-1].Slots, s)
	}
	return out
}

// SlotPickerView is an exhibitor's "Book a meeting" page for an attendee.
type SlotPickerView struct {
	Exhibitor expo.ExhibitorProfile
	Days      []SlotDay
	Languages []Option
	Form      Form
	// Interpreter: the sides share no language, so the meeting needs an
	// interpreter (assigned automatically if one is free).
	Interpreter bool
	// Existing open meetings of the attendee with this exhibitor.
	Existing []expo.Meeting
}

// MeetingsView is "My meetings" for an attendee or an exhibitor.
type MeetingsView struct {
	Side     expo.Side
	ToAnswer []expo.Meeting
	Awaiting []expo.Meeting
	Upcoming []expo.Meeting
	Past     []expo.Meeting
	Closed   []expo.Meeting
	Now      time.Time
	// Truncated: the list stopped at its limit.
	Truncated bool
}

// Empty reports whether there is nothing to show.
func (v MeetingsView) Empty() bool {
	return len(v.ToAnswer)+len(v.Awaiting)+len(v.Upcoming)+len(v.Past)+len(v.Closed) == 0
}

// SortMeetings files meetings (sorted by start) into the view's groups for
// the viewer's side.
func SortMeetings(side expo.Side, ms []expo.Meeting, now time.Time) MeetingsView {
	v := MeetingsView{Side: side, Now: now}
	for _, m := range ms {
		switch {
		case m.Status == expo.MeetingPending && m.Awaits() == side:
			v.ToAnswer = append(v.ToAnswer, m)
		case m.Status == expo.MeetingPending:
			v.Awaiting = append(v.Awaiting, m)
		case m.Status == expo.MeetingAccepted && m.End.After(now):
			v.Upcoming = append(v.Upcoming, m)
		case m.Status == expo.MeetingAccepted:
			v.Past = append(v.Past, m)
		default:
			v.Closed = append(v.Closed, m)
		}
	}
	// Past and closed read newest first.
	reverse(v.Past)
	reverse(v.Closed)
	return v
}

func reverse(ms []expo.Meeting) {
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
}

// AvailabilityView is the exhibitor's matchmaking page: settings, the
// availability grid and the invitation form.
type AvailabilityView struct {
	Tables     int
	AutoAccept bool
	Days       []SlotDay
	Settings   Form
	Invite     Form
	// InviteSlots are the slots an invitation can use (available, free).
	InviteSlots []Option
	Languages   []Option
	Approved    bool
}

// MatchmakingAdminView is the organizer's matchmaking page.
type MatchmakingAdminView struct {
	Blocks    []expo.Block
	Tables    int
	Area      string
	BlockForm Form
	TableForm Form
	Days      []Option
	Countries []Option
}

func meetingPath(m expo.Meeting, action string) string {
	return "/my/meetings/" + strconv.FormatInt(m.ID, 10) + "/" + action
}

func slotValue(s expo.Slot) string { return strconv.FormatInt(s.ID, 10) }
