package expo

import "time"

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
	Sessions         []Session
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
