// Package pages holds the templ components of every page. A page takes the
// shared Page (layout data) and one view-model struct with only what it
// shows; components never query anything.
package pages

import (
	"time"

	"expo/internal/expo"
)

// Viewer is the logged-in user as the layout needs it.
type Viewer struct {
	ID   int64
	Name string
	Role expo.Role
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // "success", "info" or "error"
	Message string // already translated
}

// Page is what the layout needs on every page.
type Page struct {
	Title    string // already translated
	Lang     string
	Path     string // the current path, for the active nav item
	Viewer   *Viewer
	CSRF     string
	Flashes  []Flash
	ExpoName string
	Loc      *time.Location
	// NavHTML is Nav(p) already rendered, or "" to render it.
	NavHTML string
}

// Is reports whether the viewer has the role.
func (p Page) Is(role expo.Role) bool { return p.Viewer != nil && p.Viewer.Role == role }

// Form carries submitted values back into a form with the error of each
// field (message IDs).
type Form struct {
	Values map[string][]string
	Errors map[string]string
	// Message is a form-level error (message ID), e.g. "wrong password".
	Message string
	Data    map[string]any
}

// Value is the first submitted value of a field.
func (f Form) Value(name string) string {
	if v := f.Values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Has reports whether value was submitted for a multi-valued field.
func (f Form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Err is the error message ID of a field, or "".
func (f Form) Err(name string) string { return f.Errors[name] }

// Option is one choice of a select, checkbox group or radio group.
type Option struct {
	Value string
	Label string
}

// HomeView is the landing page.
type HomeView struct {
	Event      expo.Expo
	HasEvent   bool
	Hours      []expo.OpeningHours
	Halls      []expo.Hall
	Rooms      []expo.Room
	NeedsSetup bool
	ShowSignup bool
}

// AccountView is the account page.
type AccountView struct {
	User      expo.User
	Profile   Form
	Password  Form
	TokenForm Form
	Tokens    []expo.APIToken
	// NewToken is the secret of a token just created, shown once.
	NewToken string
	// Interpreter: the account is linked to an interpreter (link to
	// /my/interpreting).
	Interpreter bool
}

// DashboardView is the organizer's overview.
type DashboardView struct {
	Event    expo.Expo
	HasEvent bool
	Accounts map[expo.Role]int64
	Halls    int
	Rooms    int
	Days     int
}

// ErrorView is an error page.
type ErrorView struct {
	Status  int
	Heading string
	Message string
	// RetryAfter is set on 429 pages, in seconds.
	RetryAfter int
}
