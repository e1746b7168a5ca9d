package pages

import (
	"context"
	"strings"
	"time"

	"expo/internal/store"
	"expo/web/i18n"
)

// View models of recommendations, interpreters and outcomes.

// RecommendItem is one ranked candidate, with its reasons already in words.
type RecommendItem struct {
	Name      string
	NameLatin string
	Href      string // the profile (exhibitors) or "" (attendees)
	Action    string // "request a meeting" / "invite" link, "" when none
	Detail    string // country, organization, job title: translated
	Sectors   []string
	Reasons   string // joined in the reader's language
	Score     int
}

// RecommendView is /my/recommendations.
type RecommendView struct {
	ForExhibitor bool   // the list is of attendees
	NeedProfile  bool   // the viewer stated no interests and no languages
	ActionLabel  string // message ID of the Action link
	Items        []RecommendItem
	Total        int
	Pager        PlanPager
}

// InterpreterPairOptions are the checkbox choices of language pairs.
func InterpreterPairOptions(ctx context.Context, codes []string) []Option {
	var out []Option
	for i, a := range codes {
		for _, b := range codes[i+1:] {
			x, y := a, b
			if y < x {
				x, y = y, x
			}
			out = append(out, Option{Value: x + "-" + y, Label: ShortLanguageName(ctx, x) + " – " + ShortLanguageName(ctx, y)})
		}
	}
	return out
}

// pairNames writes pairs as "Korean – Russian, Chinese – English".
func pairNames(ctx context.Context, pairs []store.InterpreterPair) string {
	out := ""
	for i, p := range pairs {
		if i > 0 {
			out += ", "
		}
		out += ShortLanguageName(ctx, p.A) + " – " + ShortLanguageName(ctx, p.B)
	}
	return out
}

// InterpretersView is /organizer/interpreters.
type InterpretersView struct {
	Interpreters []store.Interpreter
	Total        int64
	Pager        PlanPager
	Form         Form
	PairOptions  []Option
	NoBlocks     bool // no negotiation blocks exist yet
}

// InterpreterDay groups the blocks of one day.
type InterpreterDay struct {
	Day    string
	Blocks []store.InterpreterBlock
}

// InterpreterView is /organizer/interpreters/:id.
type InterpreterView struct {
	Interpreter store.Interpreter
	Form        Form
	PairOptions []Option
	Days        []InterpreterDay
}

// InterpreterDeleteView confirms a deletion.
type InterpreterDeleteView struct {
	Interpreter store.Interpreter
	Busy        bool // holds open meetings: cannot be deleted
}

// InterpretingView is an interpreter's own agenda.
type InterpretingView struct {
	Interpreter store.Interpreter
	Meetings    []store.InterpretedMeeting
}

// OutcomeView is /my/meetings/:id/outcome.
type OutcomeView struct {
	Meeting    store.OutcomeMeeting
	Form       Form
	Open       bool // the slot has ended and the meeting was accepted
	TooEarly   bool
	Currencies []Option
	Back       string
}

// ResultsView is the organizer's matchmaking results.
type ResultsView struct {
	Totals    store.MatchmakingTotals
	Generated time.Time
}

// ShortLanguageName is a language's name in the reader's language only
// ("Korean", not "Korean · 한국어").
func ShortLanguageName(ctx context.Context, code string) string {
	name, _, _ := strings.Cut(i18n.LanguageName(ctx, code), " · ")
	return name
}

func percent(part, whole int) string {
	if whole == 0 {
		return "–"
	}
	return itoa(part*100/whole) + "%"
}

// OutcomeCountRow is one row of a totals table.
type OutcomeCountRow struct{ Booked, Held, NoShow, Unrecorded int }

func rowOf(c store.OutcomeCount) OutcomeCountRow {
	return OutcomeCountRow{Booked: c.Booked, Held: c.Held, NoShow: c.NoShow, Unrecorded: c.Unrecorded}
}

// dayLabel writes a "YYYY-MM-DD" day as the tables do.
func dayLabel(ctx context.Context, day string, loc *time.Location) string {
	t, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return day
	}
	return formatShortDay(ctx, t, loc)
}

func countryOrUnknown(ctx context.Context, code string) string {
	if code == "" {
		return i18n.T(ctx, "results.country_unknown")
	}
	return i18n.CountryName(ctx, code)
}
