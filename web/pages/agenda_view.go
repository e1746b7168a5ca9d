package pages

import (
	"time"

	"github.com/a-h/templ"

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
// once (the overlap warnings name the same items again).
type AgendaEntry struct {
	expo.AgendaItem
	Time    string // "09:30–10:15" in the expo's time zone
	Overlap bool   // part of an overlap
}

// Attrs are the list item's attributes: its classes by kind, overlap and
// tentative state (a waitlisted seat, a pending meeting).
func (e *AgendaEntry) Attrs() templ.OrderedAttributes {
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
	return agendaItemAttrs[i]
}

// agendaItemAttrs are the classes of the agenda's list items, spelled out
// once: templ's class lists (class={ "a", templ.KV("b", ok) }) took a
// sixth of the page's rendering time.
var agendaItemAttrs = func() (attrs [8]templ.OrderedAttributes) {
	for i := range attrs {
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
		attrs[i] = templ.OrderedAttributes{{Key: "class", Value: class}}
	}
	return attrs
}()

// AgendaOverlap is a pair of entries that overlap in time, A starting no
// later than B.
type AgendaOverlap struct {
	A, B *AgendaEntry
}

// NewAgendaView groups items (sorted with expo.SortAgenda) by their day in
// loc and marks the overlaps (expo.AgendaOverlaps).
func NewAgendaView(items []expo.AgendaItem, loc *time.Location) AgendaView {
	var v AgendaView
	if len(items) == 0 {
		return v
	}
	entries := make([]AgendaEntry, len(items))
	var day time.Time
	first := 0
	for i, it := range items {
		start := it.StartsAt.In(loc)
		entries[i] = AgendaEntry{AgendaItem: it, Time: clockRange(start, it.EndsAt.In(loc))}
		if y, m, d := start.Date(); i == 0 || y != day.Year() || m != day.Month() || d != day.Day() {
			if i > 0 {
				v.Days = append(v.Days, AgendaDay{Day: day, Items: entries[first:i:i]})
			}
			day, first = time.Date(y, m, d, 0, 0, 0, 0, loc), i
		}
	}
	v.Days = append(v.Days, AgendaDay{Day: day, Items: entries[first:]})
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

// clockRange is "15:04–15:04" of two times already in the expo's time zone
// (progTimeRange in one string, without Format's work).
func clockRange(a, b time.Time) string {
	buf := make([]byte, 0, len("00:00–00:00"))
	buf = appendClock(buf, a)
	buf = append(buf, "–"...)
	return string(appendClock(buf, b))
}

func appendClock(buf []byte, t time.Time) []byte {
	h, m, _ := t.Clock()
	return append(buf, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
}
