// Package i18n translates the interface. Message files are embedded; the
// language of a request travels in its context, so templ components and
// handlers translate with T(ctx, id).
package i18n

import (
	"context"
	"embed"
	"fmt"
	"strings"

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
}

// Load reads the embedded message files.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, code := range Codes {
		if _, err := b.LoadMessageFileFS(files, "locales/"+code+".toml"); err != nil {
			return nil, fmt.Errorf("load translations %s: %w", code, err)
		}
	}
	c := &Catalog{bundle: b, localizers: map[string]*goi18n.Localizer{}, matcher: language.NewMatcher(Supported)}
	for _, code := range Codes {
		c.localizers[code] = goi18n.NewLocalizer(b, code)
	}
	return c, nil
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
}

// With returns a context that translates into lang.
func (c *Catalog) With(ctx context.Context, lang string) context.Context {
	l, ok := c.localizers[lang]
	if !ok {
		lang, l = Codes[0], c.localizers[Codes[0]]
	}
	return context.WithValue(ctx, ctxKey{}, state{lang: lang, loc: l})
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

// CountryName is the name of an ISO 3166 country in the reader's language.
func CountryName(ctx context.Context, code string) string {
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
