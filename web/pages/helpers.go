package pages

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"expo/internal/expo"
	"expo/web/i18n"
)

// htmxConfig keeps htmx within the Content-Security-Policy (no eval, no
// inline styles) and lets it swap 422 answers, which carry a form with its
// errors.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,` +
	`"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"422","swap":true},{"code":"[45]..","swap":false,"error":true}]}`

func htmlLang(code string) string {
	if code == "zh" {
		return "zh-Hans"
	}
	return code
}

func siteName(ctx context.Context, p Page) string {
	if p.ExpoName != "" {
		return p.ExpoName
	}
	return i18n.T(ctx, "site.name")
}

func flashRole(kind string) string {
	if kind == "error" {
		return "alert"
	}
	return "status"
}

func describedBy(f Form, fl Field) string {
	var ids []string
	if fl.Help != "" {
		ids = append(ids, "h-"+fl.Name)
	}
	if f.Err(fl.Name) != "" {
		ids = append(ids, "e-"+fl.Name)
	}
	return strings.Join(ids, " ")
}

func sortedOptions(ctx context.Context, opts []Option) []Option {
	tag := language.English
	if i18n.Lang(ctx) == "zh" {
		tag = language.SimplifiedChinese
	}
	c := collate.New(tag)
	sort.SliceStable(opts, func(i, j int) bool { return c.CompareString(opts[i].Label, opts[j].Label) < 0 })
	return opts
}

// CountryOptions lists every country by its name in the reader's language.
// The sorted list depends only on the language and the embedded
// translations, so it is collated once per language: sorting it was a
// tenth of the directory page's CPU time (BENCHMARKS.md).
func CountryOptions(ctx context.Context) []Option {
	// The key holds one translated name too, so a context without the
	// catalogue (which names nothing) never fills the cache for a language.
	lang := i18n.Lang(ctx) + "|" + i18n.CountryName(ctx, "CN")
	if cached, ok := countryOptions.Load(lang); ok {
		return slices.Clone(cached.([]Option))
	}
	opts := make([]Option, len(expo.CountryCodes))
	for i, c := range expo.CountryCodes {
		opts[i] = Option{Value: c, Label: i18n.CountryName(ctx, c)}
	}
	opts = sortedOptions(ctx, opts)
	countryOptions.Store(lang, slices.Clone(opts))
	return opts
}

// countryOptions caches CountryOptions by language.
var countryOptions sync.Map

// LanguageOptions lists the working languages in their fixed order.
func LanguageOptions(ctx context.Context) []Option {
	opts := make([]Option, len(expo.LanguageCodes))
	for i, c := range expo.LanguageCodes {
		opts[i] = Option{Value: c, Label: i18n.LanguageName(ctx, c)}
	}
	return opts
}

// SectorOptions lists the sectors in their fixed order.
func SectorOptions(ctx context.Context) []Option {
	opts := make([]Option, len(expo.SectorCodes))
	for i, c := range expo.SectorCodes {
		opts[i] = Option{Value: c, Label: i18n.SectorName(ctx, c)}
	}
	return opts
}

// LocaleOptions lists the interface languages, each in its own name.
func LocaleOptions() []Option {
	return []Option{{Value: "en", Label: "English"}, {Value: "zh", Label: "简体中文"}}
}

func languageNames(ctx context.Context, codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = i18n.LanguageName(ctx, c)
	}
	return strings.Join(names, ", ")
}

// Dates are shown in the expo time zone, in a form that suits the language.
func formatDay(ctx context.Context, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if i18n.Lang(ctx) == "zh" {
		return t.Format("2006年1月2日") + " " + i18n.T(ctx, "weekday."+strings.ToLower(t.Weekday().String()[:3]))
	}
	return t.Format("Mon 2 January 2006")
}

// formatShortDay is a day for tables: "Mon 14 Dec" or "12月14日 星期一".
func formatShortDay(ctx context.Context, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if i18n.Lang(ctx) == "zh" {
		return t.Format("1月2日") + " " + i18n.T(ctx, "weekday."+strings.ToLower(t.Weekday().String()[:3]))
	}
	return t.Format("Mon 2 Jan")
}

// venueLine names the venue and, unless the venue's name already says it,
// the city.
func venueLine(ev expo.Expo) string {
	switch {
	case ev.Venue == "":
		return ev.City
	case ev.City == "" || strings.Contains(ev.Venue, ev.City):
		return ev.Venue
	}
	return ev.Venue + " · " + ev.City
}

func formatClock(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("15:04")
}

func formatDateTime(ctx context.Context, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if i18n.Lang(ctx) == "zh" {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("2 Jan 2006, 15:04")
}

func formatRange(ctx context.Context, ev expo.Expo, loc *time.Location) string {
	return formatDay(ctx, ev.StartsOn, loc) + " – " + formatDay(ctx, ev.EndsOn, loc)
}
