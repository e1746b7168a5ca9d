package expo

import (
	"cmp"
	"slices"
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
	slices.SortStableFunc(items, func(a, b AgendaItem) int {
		return cmp.Or(a.StartsAt.Compare(b.StartsAt), a.EndsAt.Compare(b.EndsAt),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
}

// AgendaOverlaps finds every pair of items that overlap in time: one starts
// before the other ends (touching items, one ending as the next starts, do
// not overlap). Sessions of the same forum are one commitment and are not
// reported against each other. items must be sorted with SortAgenda; the
// pairs come in agenda order.
func AgendaOverlaps(items []AgendaItem) []Overlap {
	var out []Overlap
	for i, a := range items {
		for _, b := range items[i+1:] {
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
				out = append(out, Overlap{A: a, B: b})
			}
		}
	}
	return out
}
