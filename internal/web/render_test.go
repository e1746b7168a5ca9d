package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/web/i18n"
	"expo/web/pages"
)

// TestNavCache: a page laid out with the kept nav (Page.NavHTML) is byte
// for byte the page the layout renders itself, for every GET route
// without parameters, in every language, for visitors and every role;
// routes with parameters and contexts without translations are not kept.
func TestNavCache(t *testing.T) {
	s := New(nil, catalog, Config{Location: time.UTC})
	viewers := []*pages.Viewer{nil}
	for _, role := range []expo.Role{expo.RoleAttendee, expo.RoleExhibitor, expo.RoleOrganizer} {
		viewers = append(viewers, &pages.Viewer{ID: 7, Name: "Ann <" + string(role) + ">", Role: role})
	}
	layout := func(ctx context.Context, p pages.Page) string {
		t.Helper()
		var b bytes.Buffer
		if err := pages.Layout(p).Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	request := func(route, path string) echo.Context {
		c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, path, nil), httptest.NewRecorder())
		c.SetPath(route)
		return c
	}
	routes := 0
	for _, r := range s.Routes() {
		if r.Method != http.MethodGet || strings.ContainsAny(r.Path, ":*") {
			continue
		}
		routes++
		for _, lang := range i18n.Codes {
			ctx := catalog.With(context.Background(), lang)
			for _, v := range viewers {
				p := pages.Page{Title: "Title", Lang: lang, Path: r.Path, Viewer: v, CSRF: "tok", ExpoName: "Expo", Loc: time.UTC}
				want := layout(ctx, p)
				c := request(r.Path, r.Path)
				c.SetRequest(c.Request().WithContext(ctx))
				for range 2 { // the first call renders and keeps, the second reads
					p.NavHTML = s.nav(c, p)
					if p.NavHTML == "" {
						t.Fatalf("%s: no nav kept", r.Path)
					}
					if got := layout(ctx, p); got != want {
						t.Fatalf("%s %s %v: the page with the kept nav differs:\n%s", lang, r.Path, v, diffAt(got, want))
					}
				}
			}
		}
	}
	if routes < 20 {
		t.Fatalf("only %d routes checked", routes)
	}

	t.Run("a path of a route with parameters is not kept", func(t *testing.T) {
		c := request("/forums/:id", "/forums/12")
		c.SetRequest(c.Request().WithContext(catalog.With(context.Background(), "en")))
		if got := s.nav(c, pages.Page{Lang: "en", Path: "/forums/12"}); got != "" {
			t.Errorf("nav kept for /forums/12")
		}
	})
	t.Run("a context without translations is not kept", func(t *testing.T) {
		cat, err := i18n.Load() // a catalogue of its own: nothing kept yet
		if err != nil {
			t.Fatal(err)
		}
		s := New(nil, cat, Config{Location: time.UTC})
		c := request("/", "/")
		p := pages.Page{Lang: "en", Path: "/", Loc: time.UTC}
		if got := s.nav(c, p); got != "" {
			t.Errorf("nav without translations kept: %.80q…", got)
		}
		c.SetRequest(c.Request().WithContext(cat.With(context.Background(), "en")))
		if got := s.nav(c, p); strings.Contains(got, "⟦") || !strings.Contains(got, en("nav.home")) {
			t.Errorf("nav %.80q…, want the translated one", got)
		}
	})
}

// diffAt shows where two texts part.
func diffAt(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-100, 0)
	return "got  …" + got[from:min(i+100, len(got))] + "…\nwant …" + want[from:min(i+100, len(want))] + "…"
}
