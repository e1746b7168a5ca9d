package expo

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits of an exhibitor application.
const (
	MaxLongTextLen  = 5000 // description
	MaxShortTextLen = 2000 // products, looking for
	MaxWebsiteLen   = 300
	MaxReasonLen    = 1000
	MinRawSpaceM2   = 20   // less is a standard or double booth
	MaxRawSpaceM2   = 2000 // the largest raw space a hall can give one company
	StandardBoothM2 = 9
	DoubleBoothM2   = 18
	MaxSlugLen      = 60
)

// BoothWishes lists the booth kinds an applicant can ask for.
var BoothWishes = []string{string(BoothStandard), string(BoothDouble), string(BoothRaw)}

// Application is what an applicant submits about the company: the editable
// part of an Exhibitor.
type Application struct {
	Name         string
	NameLatin    string
	Country      string
	Sectors      []string
	Description  string
	Website      string
	ContactName  string
	ContactEmail string
	ContactPhone string
	BoothWish    BoothWish
	RawSpaceM2   int
	Products     string
	LookingFor   string
	Languages    []string
}

// ApplicationOf is the editable part of an exhibitor.
func ApplicationOf(e Exhibitor) Application {
	return Application{
		Name: e.Name, NameLatin: e.NameLatin, Country: e.Country, Sectors: e.Sectors, Description: e.Description,
		Website: e.Website, ContactName: e.ContactName, ContactEmail: e.ContactEmail, ContactPhone: e.ContactPhone,
		BoothWish: e.BoothWish, RawSpaceM2: e.RawSpaceM2, Products: e.Products, LookingFor: e.LookingFor, Languages: e.Languages,
	}
}

// Validate checks an application field by field and returns it normalized.
// Long texts may contain anything printable, markup included: they are
// stored as text and always shown escaped.
func (a Application) Validate(v *Validator) Application {
	out := Application{
		Name:         v.Line("name", a.Name, true, MaxNameLen),
		NameLatin:    v.Line("name_latin", a.NameLatin, true, MaxNameLen),
		Country:      v.OneOf("country", a.Country, CountryCodes, true),
		Sectors:      v.SomeOf("sectors", a.Sectors, SectorCodes, 1),
		Description:  v.LongText("description", a.Description, true, MaxLongTextLen),
		Website:      v.Website("website", a.Website),
		ContactName:  v.Line("contact_name", a.ContactName, true, MaxNameLen),
		ContactEmail: v.Email("contact_email", a.ContactEmail),
		ContactPhone: v.Phone("contact_phone", a.ContactPhone),
		BoothWish:    BoothWish(v.OneOf("booth_wish", string(a.BoothWish), BoothWishes, true)),
		Products:     v.LongText("products", a.Products, false, MaxShortTextLen),
		LookingFor:   v.LongText("looking_for", a.LookingFor, false, MaxShortTextLen),
		Languages:    v.SomeOf("languages", a.Languages, LanguageCodes, 1),
	}
	if out.NameLatin != "" && !IsLatin(out.NameLatin) {
		v.Fail("name_latin", "error.latin_only")
	}
	if out.Name != "" && NameKey(out.Name) == "" {
		v.Fail("name", "error.name_letters")
	}
	switch out.BoothWish {
	case BoothRaw:
		switch {
		case a.RawSpaceM2 == 0:
			v.Fail("raw_space_m2", "error.raw_space_required")
		case a.RawSpaceM2 < MinRawSpaceM2 || a.RawSpaceM2 > MaxRawSpaceM2:
			v.Fail("raw_space_m2", "error.raw_space_range")
		}
		out.RawSpaceM2 = a.RawSpaceM2
	default:
		out.RawSpaceM2 = 0 // only raw space has a size of its own
	}
	return out
}

// ParseRawSpace reads the m² field of a form; a non-number fails the field.
func ParseRawSpace(v *Validator, s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		v.Fail("raw_space_m2", "error.whole_number")
		return 0
	}
	if n < 0 {
		v.Fail("raw_space_m2", "error.raw_space_range")
		return 0
	}
	return n // 0 means "not given"
}

// BoothArea is the floor space an application asks for, in m².
func (a Application) BoothArea() int {
	switch a.BoothWish {
	case BoothDouble:
		return DoubleBoothM2
	case BoothRaw:
		return a.RawSpaceM2
	}
	return StandardBoothM2
}

// LongText validates a multi-line text: valid UTF-8, no control characters
// except line breaks and tabs, within max runes. Markup is allowed: it is
// text like any other and is escaped wherever it is shown.
func (v *Validator) LongText(field, value string, required bool, max int) string {
	if !utf8.ValidString(value) {
		v.Fail(field, "error.invalid_utf8")
		return ""
	}
	value = strings.TrimSpace(strings.ReplaceAll(value, "\r\n", "\n"))
	switch {
	case value == "" && required:
		v.Fail(field, "error.required")
	case utf8.RuneCountInString(value) > max:
		v.Fail(field, "error.too_long")
	case strings.IndexFunc(value, isTextControl) >= 0:
		v.Fail(field, "error.control_chars")
	}
	return value
}

// isTextControl reports a control character that multi-line text may not
// hold: any but line breaks and tabs.
func isTextControl(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }

// Website validates an optional http or https address of a public host.
func (v *Validator) Website(field, value string) string {
	value = v.Line(field, value, false, MaxWebsiteLen)
	if value == "" {
		return ""
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		v.Fail(field, "error.website_scheme")
		return ""
	}
	host := u.Hostname()
	if u.User != nil || host == "" || !strings.Contains(host, ".") || strings.ContainsAny(value, " \"'") {
		v.Fail(field, "error.website_invalid")
		return ""
	}
	return value
}

// Phone validates a telephone number: digits with an optional leading +,
// spaces, dashes, dots and parentheses; 6 to 15 digits (E.164 allows 15).
func (v *Validator) Phone(field, value string) string {
	value = v.Line(field, value, true, 30)
	if value == "" {
		return ""
	}
	digits := 0
	for i, r := range value {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			v.Fail(field, "error.phone_invalid")
			return ""
		}
	}
	if digits < 6 || digits > 15 {
		v.Fail(field, "error.phone_invalid")
		return ""
	}
	return value
}

// IsLatin reports whether every letter of s is a Latin letter (digits,
// spaces and punctuation are allowed too).
func IsLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// NameKey is the form of a company name that duplicate detection compares:
// Unicode-compatible forms folded (full-width letters become normal ones),
// lower case, and only letters and digits kept, so "ACME  Ltd." and
// "Acme Ltd" are the same company. The exhibitors table has a unique index
// on it; rows store the key of their own-script name.
func NameKey(name string) string {
	name = norm.NFKC.String(name)
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Slug makes the URL name of a company from its Latin name: lower-case
// ASCII letters and digits joined by single dashes, accents dropped, at most
// MaxSlugLen characters. A name without any Latin letter or digit gives
// "exhibitor". The store appends "-2", "-3"… when the slug is taken.
func Slug(latin string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(strings.ToLower(latin)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// a combining accent of the letter before it
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > MaxSlugLen {
		s = strings.TrimRight(s[:MaxSlugLen], "-")
	}
	if s == "" {
		return "exhibitor"
	}
	return s
}

// Actor is who asks for a state change.
type Actor string

const (
	ActorOwner     Actor = "owner"     // the company's own people
	ActorOrganizer Actor = "organizer" // expo staff
)

// Open reports whether an application can still move: draft, submitted,
// waitlisted and approved can; rejected and withdrawn are final.
func (s ExhibitorState) Open() bool {
	return s == StateDraft || s == StateSubmitted || s == StateWaitlisted || s == StateApproved
}

// Valid reports whether s is a known state.
func (s ExhibitorState) Valid() bool { return slices.Contains(ExhibitorStates, s) }

// Errors of the application state machine.
var (
	ErrTransitionNotAllowed = Errorf(CodeConflict, "error.transition_not_allowed")
	ErrStateChanged         = Errorf(CodeConflict, "error.state_changed")
	ErrCompanyNameTaken     = &Error{Code: CodeConflict, Message: "error.form", Fields: map[string]string{"name": "error.company_name_taken"}}
)

// organizerMoves and ownerMoves are the transitions each actor may make.
var (
	ownerMoves = map[ExhibitorState][]ExhibitorState{
		StateDraft:      {StateSubmitted, StateWithdrawn},
		StateSubmitted:  {StateWithdrawn},
		StateWaitlisted: {StateWithdrawn},
		StateApproved:   {StateWithdrawn},
	}
	organizerMoves = map[ExhibitorState][]ExhibitorState{
		StateSubmitted:  {StateApproved, StateRejected, StateWaitlisted, StateWithdrawn},
		StateWaitlisted: {StateApproved, StateRejected, StateWithdrawn},
		StateApproved:   {StateWithdrawn},
	}
)

// NextStates lists the states actor may move an application in state from
// to, in display order.
func NextStates(from ExhibitorState, actor Actor) []ExhibitorState {
	moves := ownerMoves
	if actor == ActorOrganizer {
		moves = organizerMoves
	}
	var out []ExhibitorState
	for _, s := range ExhibitorStates {
		if slices.Contains(moves[from], s) {
			out = append(out, s)
		}
	}
	return out
}

// NeedsReason reports whether a move must say why: a rejection always, and
// an organizer withdrawing a company's application on its behalf.
func NeedsReason(to ExhibitorState, actor Actor) bool {
	return to == StateRejected || (to == StateWithdrawn && actor == ActorOrganizer)
}

// CheckTransition says whether actor may move an application from one state
// to another with this reason, and returns the reason cleaned up.
func CheckTransition(from, to ExhibitorState, actor Actor, reason string) (string, error) {
	var v Validator
	reason = v.LongText("reason", reason, NeedsReason(to, actor), MaxReasonLen)
	if err := v.Err(); err != nil {
		return "", err
	}
	if !slices.Contains(NextStates(from, actor), to) {
		return "", &Error{Code: CodeConflict, Message: ErrTransitionNotAllowed.Message, Data: map[string]any{"From": string(from), "To": string(to)}}
	}
	return reason, nil
}
