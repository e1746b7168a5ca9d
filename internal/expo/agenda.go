package expo

import (
	"sort"
	"time"
)

// AgendaKind says what an item of a personal agenda is. Forum sessions are
// the first kind; business meetings join them later.
type AgendaKind string

const (
	AgendaForumSession AgendaKind = "forum_session"
	// AgendaMeeting is a business meeting (pending or accepted); Title is
	// the other party's name and Room the table.
	AgendaMeeting AgendaKind = "meeting"
)

// AgendaItem is one entry of a user's personal agenda.
type AgendaItem struct {
	Kind     AgendaKind
	ID       int64 // the session (or meeting) id, unique within Kind
	ForumID  int64 // for forum sessions
	Title    string
	Forum    string // the forum's title, for forum sessions
	StartsAt time.Time
	EndsAt   time.Time
	Room     string
	Language string
	// Status and Position: the user's place in the forum (waitlisted items
	// are shown as tentative).
	Status   RegistrationStatus
	Position int
	Updated  time.Time
	// Meeting is the status of a meeting item (pending ones are tentative).
	Meeting MeetingStatus
}

// Overlap is a pair of agenda items that overlap in time, A starting no
// later than B.
type Overlap struct {
	A, B AgendaItem
}

// SortAgenda orders items by start, then end, then kind and id, so an
// agenda reads the same on every load.
func SortAgenda(items []AgendaItem) {
	// sort.Stable compares by index: a comparison function taking the
	// items by value copied two of them per comparison, and the sort was a
	// twentieth of the agenda page's server time.
	sort.Stable(agendaOrder(items))
}

type agendaOrder []AgendaItem

func (o agendaOrder) Len() int           { return len(o) }
func (o agendaOrder) Swap(i, j int)      { o[i], o[j] = o[j], o[i] }
func (o agendaOrder) Less(i, j int) bool { return AgendaBefore(&o[i], &o[j]) }

// AgendaBefore reports whether a comes before b in SortAgenda's order, for
// callers that merge lists already in that order instead of sorting.
func AgendaBefore(a, b *AgendaItem) bool {
	if c := a.StartsAt.Compare(b.StartsAt); c != 0 {
		return c < 0
	}
	if c := a.EndsAt.Compare(b.EndsAt); c != 0 {
		return c < 0
	}
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return a.ID < b.ID
}

// AgendaOverlaps finds every pair of items that overlap in time: one starts
// before the other ends (touching items, one ending as the next starts, do
// not overlap). Sessions of the same forum are one commitment and are not
// reported against each other. items must be sorted with SortAgenda; the
// pairs come in agenda order.
func AgendaOverlaps(items []AgendaItem) []Overlap {
	var out []Overlap
	for _, p := range AgendaOverlapPairs(items) {
		out = append(out, Overlap{A: items[p[0]], B: items[p[1]]})
	}
	return out
}

// AgendaOverlapPairs is AgendaOverlaps as index pairs into items (the
// first index the smaller), for callers that mark the items themselves.
func AgendaOverlapPairs(items []AgendaItem) [][2]int {
	var out [][2]int
	for i := range items {
		a := &items[i]
		for j := i + 1; j < len(items); j++ {
			b := &items[j]
			if !b.StartsAt.Before(a.EndsAt) {
				// Sorted by start: no later item can overlap a either.
				break
			}
			if a.Kind == AgendaForumSession && b.Kind == AgendaForumSession && a.ForumID == b.ForumID {
				continue
			}
			// Two meetings never clash for an attendee (the database keeps
			// one per slot); for an exhibitor they are parallel tables.
			if a.Kind == AgendaMeeting && b.Kind == AgendaMeeting {
				continue
			}
			if b.EndsAt.After(a.StartsAt) {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}
