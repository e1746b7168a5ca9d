package i18n

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// TestFastPathMatchesGoI18n checks T's own message table against go-i18n
// for every message of every language: plain text, placeholders, and the
// plural forms for the counts 0, 1, 2 and 11 and without a count.
func TestFastPathMatchesGoI18n(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, lang := range Codes {
		ctx := c.With(context.Background(), lang)
		loc := c.localizers[lang]
		if len(c.messages[lang]) < 1000 {
			t.Fatalf("%s: only %d messages prepared; the fast path is not used", lang, len(c.messages[lang]))
		}
		for id, m := range c.messages[lang] {
			src := m.plain
			if m.other != nil {
				src = m.other.tmpl.Root.String()
			}
			datas := []map[string]any{nil}
			if names := placeholder.FindAllStringSubmatch(src, -1); len(names) > 0 || m.one != nil {
				datas = nil
				for _, n := range []any{0, 1, 2, 11, int64(1), "none"} {
					d := map[string]any{}
					for _, nm := range names {
						d[nm[1]] = fmt.Sprintf("<%s>", nm[1])
					}
					if n == "none" {
						delete(d, "Count")
					} else {
						d["Count"] = n
						if _, used := d["Seats"]; used {
							d["Seats"] = n
						}
					}
					datas = append(datas, d)
				}
			}
			for _, d := range datas {
				cfg := &goi18n.LocalizeConfig{MessageID: id}
				var got string
				if d != nil {
					cfg.TemplateData = d
					if n, ok := d["Count"]; ok {
						cfg.PluralCount = n
					}
					got = T(ctx, id, d)
				} else {
					got = T(ctx, id)
				}
				// go-i18n renders "other" with an error when a count asks
				// for a form the message lacks; T shows that text too.
				want, err := loc.Localize(cfg)
				if want == "" {
					t.Errorf("%s %s %v: go-i18n: %v", lang, id, d, err)
					continue
				}
				if got != want {
					t.Errorf("%s %s %v:\n got %q\nwant %q", lang, id, d, got, want)
				}
				checked++
			}
		}
	}
	t.Logf("%d translations compared", checked)
	simple := 0
	for _, m := range c.messages["en"] {
		if m.other != nil && m.other.parts != nil {
			simple++
		}
	}
	if simple < 100 {
		t.Errorf("only %d English messages are filled without text/template", simple)
	}
}

// TestNamesRemembered checks the remembered country and language names
// against the uncached functions in both languages.
func TestNamesRemembered(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Codes {
		ctx := c.With(context.Background(), lang)
		for range 2 {
			for _, code := range []string{"CN", "KR", "DE", "XX", ""} {
				if got, want := CountryName(ctx, code), countryName(ctx, code); got != want {
					t.Errorf("%s CountryName(%q) = %q, want %q", lang, code, got, want)
				}
			}
			for _, code := range []string{"ko", "zh", "en", "ru", "zz", ""} {
				if got, want := LanguageName(ctx, code), languageName(ctx, code); got != want {
					t.Errorf("%s LanguageName(%q) = %q, want %q", lang, code, got, want)
				}
			}
		}
	}
	if CountryName(c.With(context.Background(), "zh"), "DE") == CountryName(c.With(context.Background(), "en"), "DE") {
		t.Error("country names are remembered across languages")
	}
}

func BenchmarkT(b *testing.B) {
	c, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	ctx := c.With(context.Background(), "zh")
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			T(ctx, "nav.exhibitors")
		}
	})
	b.Run("plural", func(b *testing.B) {
		for b.Loop() {
			T(ctx, "review.total", map[string]any{"Count": 3})
		}
	})
}
