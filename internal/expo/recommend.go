package expo

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// Recommendations rank the other side of the matchmaking by fit. The score
// is a sum of explainable parts, and every part that counts is also a
// Reason the page shows ("both in new energy; both speak Russian"):
//
//   - each shared sector (attendee interests vs exhibitor sectors): +30
//   - words of the exhibitor's "looking for" found in the attendee's
//     organization or job title: +8 each, at most +24
//   - the exhibitor names the attendee's country in "looking for" (by code
//     or English name): +15
//   - a shared working language: +20 (once, whichever languages match);
//     no shared language (both stated some): -5, an interpreter is needed
//
// Ties break by the candidate's name, then ID, so the order is stable.

// Score weights, exported for the tests and the README.
const (
	ScoreSector       = 30
	ScoreKeyword      = 8
	MaxKeywordScore   = 24
	ScoreCountry      = 15
	ScoreLanguage     = 20
	PenaltyNoLanguage = -5
)

// Reason is one explained part of a recommendation: a translation ID and
// its parameters (codes, which the web layer turns into names).
type Reason struct {
	ID     string
	Params map[string]any
}

// MatchProfile is one side of a possible meeting, as the ranking sees it.
type MatchProfile struct {
	ID         int64
	Name       string
	Country    string
	Sectors    []string // exhibitor sectors, or attendee interests
	Languages  []string
	LookingFor string // exhibitor only
	// Organization and JobTitle describe an attendee.
	Organization string
	JobTitle     string
}

// Recommendation is a ranked candidate with its reasons.
type Recommendation struct {
	ID      int64
	Name    string
	Score   int
	Reasons []Reason
}

// prepared holds the precomputed sets of a profile.
type prepared struct {
	sectors   map[string]bool
	languages map[string]bool
	words     map[string]bool // attendee: organization and job-title words
	lookWords []string        // exhibitor: distinct "looking for" words
	lookText  string          // exhibitor: normalized "looking for" text
}

// stopWords are words too common to mean a fit.
var stopWords = map[string]bool{
	"and": true, "the": true, "for": true, "with": true, "from": true, "our": true, "who": true,
	"are": true, "partners": true, "partner": true, "looking": true, "company": true, "companies": true,
	"co": true, "ltd": true, "inc": true, "llc": true, "of": true, "in": true, "to": true, "a": true, "an": true,
}

// keywords splits text into lower-case words of at least three letters
// (any script; Han text counts each run of ideographs as one word), minus
// stop words.
func keywords(text string) []string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var out []string
	seen := map[string]bool{}
	for _, w := range f {
		if stopWords[w] || seen[w] {
			continue
		}
		if len([]rune(w)) < 3 && !containsHan(w) {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

func containsHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func prepare(p MatchProfile, exhibitor bool) prepared {
	pr := prepared{sectors: setOf(p.Sectors), languages: setOf(p.Languages)}
	if exhibitor {
		pr.lookWords = keywords(p.LookingFor)
		pr.lookText = " " + strings.Join(strings.FieldsFunc(strings.ToLower(p.LookingFor), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ") + " "
	} else {
		pr.words = setOf(keywords(p.Organization + " " + p.JobTitle))
	}
	return pr
}

// countryWords are the English names the "looking for" text may use for
// the expo's main partner countries, next to the ISO code itself.
var countryWords = map[string][]string{
	"CN": {"china", "chinese"}, "KR": {"korea", "korean"}, "RU": {"russia", "russian"},
	"JP": {"japan", "japanese"}, "MN": {"mongolia", "mongolian"}, "KP": {"dprk"},
	"DE": {"germany", "german"}, "US": {"usa", "american"}, "FR": {"france", "french"},
	"VN": {"vietnam", "vietnamese"}, "TH": {"thailand", "thai"}, "KZ": {"kazakhstan"},
}

// score ranks one attendee–exhibitor pair; languages are in the order of
// LanguageCodes so reasons read the same every time.
func score(att MatchProfile, a prepared, exh MatchProfile, e prepared) (int, []Reason) {
	total := 0
	var reasons []Reason
	for _, s := range exh.Sectors { // exhibitor order: stable
		if a.sectors[s] {
			total += ScoreSector
			reasons = append(reasons, Reason{ID: "recommend.reason.sector", Params: map[string]any{"Sector": s}})
		}
	}
	kw := 0
	var matched []string
	for _, w := range e.lookWords {
		if a.words[w] && kw < MaxKeywordScore {
			kw += ScoreKeyword
			matched = append(matched, w)
		}
	}
	if kw > 0 {
		total += kw
		reasons = append(reasons, Reason{ID: "recommend.reason.keywords", Params: map[string]any{"Words": strings.Join(matched, ", ")}})
	}
	if att.Country != "" && att.Country != exh.Country && e.lookText != "  " {
		hit := strings.Contains(e.lookText, " "+strings.ToLower(att.Country)+" ")
		for _, w := range countryWords[att.Country] {
			hit = hit || strings.Contains(e.lookText, " "+w+" ")
		}
		if hit {
			total += ScoreCountry
			reasons = append(reasons, Reason{ID: "recommend.reason.country", Params: map[string]any{"Country": att.Country}})
		}
	}
	shared := ""
	for _, l := range LanguageCodes {
		if a.languages[l] && e.languages[l] {
			shared = l
			break
		}
	}
	switch {
	case shared != "":
		total += ScoreLanguage
		reasons = append(reasons, Reason{ID: "recommend.reason.language", Params: map[string]any{"Language": shared}})
	case len(a.languages) > 0 && len(e.languages) > 0:
		total += PenaltyNoLanguage
		reasons = append(reasons, Reason{ID: "recommend.reason.interpreter", Params: map[string]any{}})
	}
	return total, reasons
}

// rank sorts by score (high first), then name, then ID, and keeps only
// candidates with a positive score.
func rank(out []Recommendation) []Recommendation {
	out = slices.DeleteFunc(out, func(r Recommendation) bool { return r.Score <= 0 })
	slices.SortFunc(out, func(x, y Recommendation) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return out
}

// RecommendExhibitors ranks exhibitors for an attendee. Exhibitors without
// any positive fit are left out.
func RecommendExhibitors(attendee MatchProfile, exhibitors []MatchProfile) []Recommendation {
	a := prepare(attendee, false)
	out := make([]Recommendation, 0, len(exhibitors))
	for _, e := range exhibitors {
		sc, rs := score(attendee, a, e, prepare(e, true))
		out = append(out, Recommendation{ID: e.ID, Name: e.Name, Score: sc, Reasons: rs})
	}
	return rank(out)
}

// RecommendAttendees ranks attendees for an exhibitor, by the same score.
func RecommendAttendees(exhibitor MatchProfile, attendees []MatchProfile) []Recommendation {
	e := prepare(exhibitor, true)
	out := make([]Recommendation, 0, len(attendees))
	for _, at := range attendees {
		sc, rs := score(at, prepare(at, false), exhibitor, e)
		out = append(out, Recommendation{ID: at.ID, Name: at.Name, Score: sc, Reasons: rs})
	}
	return rank(out)
}
