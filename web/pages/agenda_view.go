package pages

import (
	"strings"
	"time"

	"expo/internal/expo"
)

// AgendaView is the personal agenda.
type AgendaView struct {
	Days     []AgendaDay
	Overlaps []AgendaOverlap
	// Feed: whether a subscription URL exists, and since when.
	HasFeed     bool
	FeedCreated time.Time
	// NewFeedURL is the secret URL just made, shown once.
	NewFeedURL  string
	ScheduleICS string // the public programme's feed, absolute
	CanRegister bool
}

// AgendaDay is the agenda items of one day.
type AgendaDay struct {
	Day   time.Time // midnight in the expo's time zone
	Items []AgendaEntry
}

// AgendaEntry is an agenda item with what the page shows of it worked out
// once (the overlap warnings name the same items again). It points into
// the items NewAgendaView was given rather than copying them.
type AgendaEntry struct {
	*expo.AgendaItem
	Time    string // "09:30–10:15" in the expo's time zone
	Overlap bool   // part of an overlap
}

// class is the list item's classes: by kind, overlap and tentative state
// (a waitlisted seat, a pending meeting).
func (e *AgendaEntry) class() string {
	i := 0
	if e.Kind == expo.AgendaMeeting {
		i = 4
	}
	if e.Overlap {
		i += 2
	}
	if e.Status == expo.RegistrationWaitlisted || e.Meeting == expo.MeetingPending {
		i++
	}
	return agendaItemClasses[i]
}

// agendaItemClasses are the classes of the agenda's list items, spelled
// out once.
var agendaItemClasses = func() (classes [8]string) {
	for i := range classes {
		class := "agenda-item"
		if i&4 != 0 {
			class += " agenda-meeting"
		}
		if i&2 != 0 {
			class += " agenda-overlap"
		}
		if i&1 != 0 {
			class += " agenda-tentative"
		}
		classes[i] = class
	}
	return classes
}()

// AgendaOverlap is a pair of entries that overlap in time, A starting no
// later than B.
type AgendaOverlap struct {
	A, B *AgendaEntry
}

// NewAgendaView groups items (sorted with expo.SortAgenda) by their day in
// loc and marks the overlaps (expo.AgendaOverlaps). The view refers to
// items, which must not change while it is in use.
func NewAgendaView(items []expo.AgendaItem, loc *time.Location) AgendaView {
	var v AgendaView
	if len(items) == 0 {
		return v
	}
	entries := make([]AgendaEntry, len(items))
	// Every entry's time is a slice of one string: one allocation a page,
	// not one an item.
	var times strings.Builder
	times.Grow(len(items) * clockRangeLen)
	var y, d, first int
	var m time.Month
	for i := range items {
		it := &items[i]
		start := it.StartsAt.In(loc)
		appendClockRange(&times, start, it.EndsAt.In(loc))
		entries[i].AgendaItem = it
		if sy, sm, sd := start.Date(); i == 0 || sy != y || sm != m || sd != d {
			if i > 0 {
				v.Days = append(v.Days, AgendaDay{Day: time.Date(y, m, d, 0, 0, 0, 0, loc), Items: entries[first:i:i]})
			}
			y, m, d, first = sy, sm, sd, i
		}
	}
	v.Days = append(v.Days, AgendaDay{Day: time.Date(y, m, d, 0, 0, 0, 0, loc), Items: entries[first:]})
	all := times.String()
	for i := range entries {
		entries[i].Time = all[i*clockRangeLen : (i+1)*clockRangeLen]
	}
	if pairs := expo.AgendaOverlapPairs(items); len(pairs) > 0 {
		v.Overlaps = make([]AgendaOverlap, len(pairs))
		for i, p := range pairs {
			a, b := &entries[p[0]], &entries[p[1]]
			a.Overlap, b.Overlap = true, true
			v.Overlaps[i] = AgendaOverlap{A: a, B: b}
		}
	}
	return v
}

// clockRangeLen is the length of every entry's Time.
const clockRangeLen = len("00:00–00:00")

// appendClockRange writes "15:04–15:04" of two times already in the expo's
// time zone to sb (progTimeRange in one string, without Format's work).
func appendClockRange(sb *strings.Builder, a, b time.Time) {
	var buf [clockRangeLen]byte
	sb.Write(appendClock(append(appendClock(buf[:0], a), "–"...), b))
}

// appendClock appends "15:04" of a time already in the expo's time zone
// (formatClock without Format's work).
func appendClock(buf []byte, t time.Time) []byte {
	h, m, _ := t.Clock()
	return append(buf, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
}
