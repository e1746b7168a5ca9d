// Package i18n translates the interface. Message files are embedded; the
// language of a request travels in its context, so templ components and
// handlers translate with T(ctx, id).
package i18n

import (
	"context"
	"embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

//go:embed locales/*.toml
var files embed.FS

// Supported are the interface languages, default first.
var Supported = []language.Tag{language.English, language.SimplifiedChinese}

// Codes are the short codes of Supported, as stored in a user's settings.
var Codes = []string{"en", "zh"}

// Catalog holds the translations and one localizer per language.
type Catalog struct {
	bundle     *goi18n.Bundle
	localizers map[string]*goi18n.Localizer
	matcher    language.Matcher
	// messages holds every message of each language ready to use, so T
	// needs neither go-i18n's language matching nor its template lookup on
	// each call (a page translates hundreds of strings: BENCHMARKS.md).
	messages map[string]map[string]*prepared
}

// prepared is one translation: plain text, or parsed templates for the
// plural forms T chooses itself (English "one" and "other"; Chinese has
// only "other").
type prepared struct {
	plain      string
	one, other *form
}

// form is one parsed text. Texts made only of literal text and {{.Name}}
// fields are also kept as parts, filled without text/template.
type form struct {
	tmpl  *template.Template
	parts []part // nil when the text has other actions
}

type part struct {
	lit, field string
}

var simpleField = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func parseForm(id, src string) (*form, error) {
	t, err := template.New(id).Parse(src)
	if err != nil {
		return nil, err
	}
	f := &form{tmpl: t}
	rest := simpleField.ReplaceAllString(src, "")
	if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return f, nil
	}
	last := 0
	for _, m := range simpleField.FindAllStringSubmatchIndex(src, -1) {
		if m[0] > last {
			f.parts = append(f.parts, part{lit: src[last:m[0]]})
		}
		f.parts = append(f.parts, part{field: src[m[2]:m[3]]})
		last = m[1]
	}
	if last < len(src) {
		f.parts = append(f.parts, part{lit: src[last:]})
	}
	return f, nil
}

// execute fills the form with d, as text/template would.
func (f *form) execute(d map[string]any) (string, bool) {
	if f.parts != nil {
		var b strings.Builder
		for _, p := range f.parts {
			if p.field == "" {
				b.WriteString(p.lit)
				continue
			}
			v, ok := d[p.field]
			if !ok {
				b.WriteString("<no value>")
				continue
			}
			switch x := v.(type) {
			case string:
				b.WriteString(x)
			case int:
				b.WriteString(strconv.Itoa(x))
			case int64:
				b.WriteString(strconv.FormatInt(x, 10))
			default:
				b.Reset()
				return f.run(d)
			}
		}
		return b.String(), true
	}
	return f.run(d)
}

func (f *form) run(d map[string]any) (string, bool) {
	var b strings.Builder
	if err := f.tmpl.Execute(&b, d); err != nil {
		return "", false
	}
	return b.String(), true
}

// Load reads the embedded message files.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*goi18n.Localizer{}, matcher: language.NewMatcher(Supported),
		messages: map[string]map[string]*prepared{}}
	for _, code := range Codes {
		f, err := b.LoadMessageFileFS(files, "locales/"+code+".toml")
		if err != nil {
			return nil, fmt.Errorf("load translations %s: %w", code, err)
		}
		c.localizers[code] = goi18n.NewLocalizer(b, code)
		msgs := map[string]*prepared{}
		for _, m := range f.Messages {
			if pm, ok := prepare(m, code); ok {
				msgs[m.ID] = pm
			}
		}
		c.messages[code] = msgs
	}
	return c, nil
}

// prepare readies m for T. Messages it cannot reproduce exactly (other
// plural forms, custom delimiters, empty text) stay with go-i18n.
func prepare(m *goi18n.Message, lang string) (*prepared, bool) {
	if m.Other == "" || m.Zero != "" || m.Two != "" || m.Few != "" || m.Many != "" ||
		(m.LeftDelim != "" && m.LeftDelim != "{{") || (m.RightDelim != "" && m.RightDelim != "}}") {
		return nil, false
	}
	if lang != "en" {
		// Only English has a "one" form among the supported languages;
		// go-i18n uses "other" for Chinese whatever the file says.
		m = &goi18n.Message{ID: m.ID, Other: m.Other}
	}
	if m.One == "" && !strings.Contains(m.Other, "{{") {
		return &prepared{plain: m.Other}, true
	}
	parse := func(src string) (*form, error) {
		if src == "" {
			return nil, nil
		}
		return parseForm(m.ID, src)
	}
	other, err := parse(m.Other)
	if err != nil {
		return nil, false
	}
	one, err := parse(m.One)
	if err != nil {
		return nil, false
	}
	return &prepared{other: other, one: one}, true
}

// pluralOne reports whether an integer Count selects English "one"; ok is
// false for counts T leaves to go-i18n (decimals, strings).
func pluralOne(n any) (one, ok bool) {
	switch v := n.(type) {
	case int:
		return v == 1, true
	case int64:
		return v == 1, true
	case int32:
		return v == 1, true
	case uint:
		return v == 1, true
	case uint64:
		return v == 1, true
	}
	return false, false
}

// text renders a prepared message; ok is false when go-i18n must do it.
func (m *prepared) text(data []map[string]any) (string, bool) {
	if m.other == nil {
		return m.plain, true
	}
	t := m.other
	var d map[string]any
	if len(data) > 0 {
		d = data[0]
	}
	if n, has := d["Count"]; has && m.one != nil {
		one, ok := pluralOne(n)
		if !ok {
			return "", false
		}
		if one {
			t = m.one
		}
	}
	return t.execute(d)
}

// Match picks the supported language for an Accept-Language header.
func (c *Catalog) Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Codes[0]
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Codes[0]
	}
	return Codes[idx]
}

type ctxKey struct{}

type state struct {
	lang string
	loc  *goi18n.Localizer
	msgs map[string]*prepared
}

// With returns a context that translates into lang.
func (c *Catalog) With(ctx context.Context, lang string) context.Context {
	l, ok := c.localizers[lang]
	if !ok {
		lang, l = Codes[0], c.localizers[Codes[0]]
	}
	return context.WithValue(ctx, ctxKey{}, state{lang: lang, loc: l, msgs: c.messages[lang]})
}

// Lang is the language of ctx ("en" when none was set).
func Lang(ctx context.Context) string {
	if st, ok := ctx.Value(ctxKey{}).(state); ok {
		return st.lang
	}
	return Codes[0]
}

// T translates a message ID. Data fills {{.Name}} placeholders; a number
// named Count also selects the plural form. A missing message shows as
// ⟦id⟧, which the page tests look for.
func T(ctx context.Context, id string, data ...map[string]any) string {
	st, ok := ctx.Value(ctxKey{}).(state)
	if !ok {
		return "⟦" + id + "⟧"
	}
	if m, ok := st.msgs[id]; ok {
		if s, ok := m.text(data); ok && s != "" {
			return s
		}
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
		if n, ok := data[0]["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := st.loc.Localize(cfg)
	if err != nil || s == "" {
		return "⟦" + id + "⟧"
	}
	return s
}

func displayTag(ctx context.Context) language.Tag {
	if Lang(ctx) == "zh" {
		return language.SimplifiedChinese
	}
	return language.English
}

// names remembers CountryName and LanguageName answers: x/text's display
// tables parse tags on every call, and every directory card and programme
// entry shows names. Bounded, because codes may come from stored data.
var names struct {
	m sync.Map
	n atomic.Int64
}

const namesMax = 4096

func rememberName(kind byte, ctx context.Context, code string, name func() string) string {
	key := string(kind) + Lang(ctx) + "\x00" + code
	if v, ok := names.m.Load(key); ok {
		return v.(string)
	}
	v := name()
	if names.n.Load() < namesMax {
		if _, loaded := names.m.LoadOrStore(key, v); !loaded {
			names.n.Add(1)
		}
	}
	return v
}

// CountryName is the name of an ISO 3166 country in the reader's language.
func CountryName(ctx context.Context, code string) string {
	return rememberName('c', ctx, code, func() string { return countryName(ctx, code) })
}

func countryName(ctx context.Context, code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.Regions(displayTag(ctx)).Name(r); name != "" {
		return name
	}
	return code
}

// LanguageName is the name of an ISO 639-1 language in the reader's language,
// followed by its own name when they differ ("Korean · 한국어").
func LanguageName(ctx context.Context, code string) string {
	return rememberName('l', ctx, code, func() string { return languageName(ctx, code) })
}

func languageName(ctx context.Context, code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	name := display.Languages(displayTag(ctx)).Name(tag)
	self := display.Self.Name(tag)
	if name == "" {
		return code
	}
	if self != "" && !strings.EqualFold(self, name) {
		return name + " · " + self
	}
	return name
}

// SectorName is the translated name of a sector code.
func SectorName(ctx context.Context, code string) string {
	return T(ctx, "sector."+code)
}
