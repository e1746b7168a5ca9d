package expo

import "time"

// Expo is the event itself: one per deployment.
type Expo struct {
	Name     string
	City     string
	Venue    string
	StartsOn time.Time // first day, midnight in the expo time zone
	EndsOn   time.Time // last day, midnight in the expo time zone
}

// Hall is an exhibition hall.
type Hall struct {
	ID   int64
	Code string
	Name string
}

// Room is a meeting or forum room, optionally inside a hall.
type Room struct {
	ID        int64
	Name      string
	HallID    *int64
	Capacity  int
	Equipment string
}

// OpeningHours are the expo's hours on one day, as instants.
type OpeningHours struct {
	Day    time.Time // the day, midnight in the expo time zone
	Opens  time.Time
	Closes time.Time
}

// APIToken is a personal access token as listed on the account page; the
// secret itself is shown once, at creation, and only its hash is stored.
type APIToken struct {
	ID         int64
	Name       string
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}
