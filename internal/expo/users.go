package expo

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what a user is in the expo. Every page states the roles it admits.
type Role string

const (
	RoleOrganizer Role = "organizer"
	RoleExhibitor Role = "exhibitor"
	RoleAttendee  Role = "attendee"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleOrganizer || r == RoleExhibitor || r == RoleAttendee
}

// User is an account. Exhibitor users belong to exactly one exhibitor company.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	Organization string
	Country      string // ISO 3166-1 alpha-2
	JobTitle     string
	Languages    []string // working languages, ISO 639-1
	Interests    []string // sector codes
	Locale       string   // preferred UI language; empty means "not chosen"
	ExhibitorID  *int64
	CreatedAt    time.Time
	// CredentialsVersion changes whenever the password does; sessions made
	// with an older version are no longer valid.
	CredentialsVersion string
}

// Limits on user input. Long enough for real names in any script, short
// enough that nobody stores a novel in a name field.
const (
	MaxNameLen     = 120
	MaxEmailLen    = 254
	MinPasswordLen = 10
	MaxPasswordLen = 128
	MaxTokenName   = 60
)

// Profile is the editable part of an account.
type Profile struct {
	Name         string
	Organization string
	Country      string
	JobTitle     string
	Languages    []string
	Interests    []string
	Locale       string
}

// SignUp is what a new attendee submits.
type SignUp struct {
	Email    string
	Password string
	Profile
}

// Validator collects field errors; the zero value is ready to use.
type Validator struct {
	fields map[string]string
}

// Fail records a message ID for a field, keeping the first one.
func (v *Validator) Fail(field, messageID string) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = messageID
	}
}

// Err returns an invalid-input *Error carrying every recorded field, or nil.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Message: "error.form", Fields: v.fields}
}

// Line validates a single-line text: valid UTF-8, no control characters, no
// angle brackets (names are never markup), within max runes. It returns the
// trimmed value.
func (v *Validator) Line(field, value string, required bool, max int) string {
	if !utf8.ValidString(value) {
		v.Fail(field, "error.invalid_utf8")
		return ""
	}
	value = strings.TrimSpace(value)
	switch {
	case value == "" && required:
		v.Fail(field, "error.required")
	case utf8.RuneCountInString(value) > max:
		v.Fail(field, "error.too_long")
	case strings.ContainsAny(value, "<>"):
		v.Fail(field, "error.no_markup")
	case strings.IndexFunc(value, unicode.IsControl) >= 0:
		v.Fail(field, "error.control_chars")
	}
	return value
}

// Email validates and normalizes an e-mail address (lower case, trimmed).
func (v *Validator) Email(field, value string) string {
	value = v.Line(field, value, true, MaxEmailLen)
	if value == "" {
		return ""
	}
	addr, err := mail.ParseAddress(value)
	if err != nil || addr.Address != value || !strings.Contains(value[strings.LastIndex(value, "@")+1:], ".") {
		v.Fail(field, "error.email_invalid")
		return ""
	}
	return strings.ToLower(value)
}

// Password checks a new password's length; it is never trimmed.
func (v *Validator) Password(field, value string) {
	switch n := utf8.RuneCountInString(value); {
	case !utf8.ValidString(value):
		v.Fail(field, "error.invalid_utf8")
	case n == 0:
		v.Fail(field, "error.required")
	case n < MinPasswordLen:
		v.Fail(field, "error.password_short")
	case n > MaxPasswordLen:
		v.Fail(field, "error.too_long")
	}
}

// OneOf checks that value is one of allowed (or empty when not required).
func (v *Validator) OneOf(field, value string, allowed []string, required bool) string {
	if value == "" {
		if required {
			v.Fail(field, "error.required")
		}
		return ""
	}
	if !slices.Contains(allowed, value) {
		v.Fail(field, "error.choice_invalid")
		return ""
	}
	return value
}

// SomeOf checks that every value is in allowed; it drops duplicates and keeps
// the order of allowed so stored lists are canonical.
func (v *Validator) SomeOf(field string, values, allowed []string, min int) []string {
	out := []string{}
	for _, a := range allowed {
		if slices.Contains(values, a) {
			out = append(out, a)
		}
	}
	for _, val := range values {
		if !slices.Contains(allowed, val) {
			v.Fail(field, "error.choice_invalid")
			return nil
		}
	}
	if len(out) < min {
		v.Fail(field, "error.choose_one")
	}
	return out
}

// Validate checks a profile and returns it normalized.
func (p Profile) Validate(v *Validator) Profile {
	return Profile{
		Name:         v.Line("name", p.Name, true, MaxNameLen),
		Organization: v.Line("organization", p.Organization, false, MaxNameLen),
		Country:      v.OneOf("country", p.Country, CountryCodes, true),
		JobTitle:     v.Line("job_title", p.JobTitle, false, MaxNameLen),
		Languages:    v.SomeOf("languages", p.Languages, LanguageCodes, 1),
		Interests:    v.SomeOf("interests", p.Interests, SectorCodes, 0),
		Locale:       v.OneOf("locale", p.Locale, UILocales, false),
	}
}

// Validate checks a sign-up and returns it normalized, or an invalid *Error
// listing every bad field.
func (s SignUp) Validate() (SignUp, error) {
	var v Validator
	out := SignUp{Email: v.Email("email", s.Email), Password: s.Password}
	v.Password("password", s.Password)
	out.Profile = s.Profile.Validate(&v)
	return out, v.Err()
}

// NewOrganizer is the first organizer account, made by the setup page or
// `expo admin create`.
type NewOrganizer struct {
	Email, Name, Password string
}

// Validate checks a new organizer.
func (n NewOrganizer) Validate() (NewOrganizer, error) {
	var v Validator
	out := NewOrganizer{Email: v.Email("email", n.Email), Name: v.Line("name", n.Name, true, MaxNameLen), Password: n.Password}
	v.Password("password", n.Password)
	return out, v.Err()
}

// DefaultBcryptCost is the bcrypt cost of stored passwords.
const DefaultBcryptCost = 11
