package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/web/i18n"
	"expo/web/pages"
)

// render writes a component with status. It renders into a buffer first, so
// a template error becomes a clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	// Buffers are reused: growing a new one to a 20 KB page was a third of
	// the bytes a logged-in agenda view allocated. HTMLBlob has written the
	// bytes before the buffer goes back; nothing may keep them.
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	// With its length known the page goes out in one piece instead of
	// chunked: fewer writes, and no chunk framing to parse.
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	return c.HTMLBlob(status, buf.Bytes())
}

var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// wantsFragment reports whether htmx asked to swap only the element with
// this id. It is the one place that chooses between a full page and a
// fragment; boosted navigation always gets the full page.
func wantsFragment(c echo.Context, id string) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-Boosted") != "true" && h.Get("HX-Target") == id
}

// page builds the layout data of the current request; title is translated.
func (s *Server) page(c echo.Context, title string) pages.Page {
	ctx := c.Request().Context()
	p := pages.Page{Title: title, Lang: i18n.Lang(ctx), Path: c.Request().URL.Path, CSRF: csrfToken(c), Loc: s.loc}
	if u, ok := currentUser(c); ok {
		p.Viewer = &pages.Viewer{ID: u.ID, Name: u.Name, Role: u.Role}
	}
	if ev, ok, err := s.event(ctx); err == nil && ok {
		p.ExpoName = ev.Name
	}
	if hasSession(ctx) && s.sessions.Exists(ctx, flashKey) {
		for _, f := range strings.Split(s.sessions.PopString(ctx, flashKey), "\n") {
			kind, id, _ := strings.Cut(f, "|")
			p.Flashes = append(p.Flashes, pages.Flash{Kind: kind, Message: i18n.T(ctx, id)})
		}
	}
	p.NavHTML = s.nav(c, p)
	return p
}

// navs keeps the rendered nav (pages.Nav) of each navKey: the nav depends
// on nothing else, and rendering it was a third of the layout's cost on
// every page.
var navs sync.Map // navKey → string

type navKey struct {
	catalog  *i18n.Catalog
	lang     string
	loggedIn bool
	role     expo.Role
	path     string
}

// nav is the rendered nav of p, or "" to let the layout render it. Only the
// paths of routes without parameters are kept, so the cache holds at most
// one nav per route, language and role.
func (s *Server) nav(c echo.Context, p pages.Page) string {
	if c.Path() != p.Path {
		return ""
	}
	k := navKey{catalog: s.catalog, lang: p.Lang, path: p.Path}
	if p.Viewer != nil {
		k.loggedIn, k.role = true, p.Viewer.Role
	}
	if html, ok := navs.Load(k); ok {
		return html.(string)
	}
	var b strings.Builder
	if err := pages.Nav(p).Render(c.Request().Context(), &b); err != nil || strings.Contains(b.String(), "⟦") {
		return "" // not kept: a context without translations
	}
	navs.Store(k, b.String())
	return b.String()
}

const flashKey = "flash"

// flash queues a message (a message ID) for the next page the user sees.
func (s *Server) flash(c echo.Context, kind, messageID string) {
	ctx := c.Request().Context()
	msg := kind + "|" + messageID
	if prev := s.sessions.GetString(ctx, flashKey); prev != "" {
		msg = prev + "\n" + msg
	}
	s.sessions.Put(ctx, flashKey, msg)
}

// redirect answers a form post with 303 See Other, or tells htmx where to go.
func redirect(c echo.Context, to string) error {
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// formOf reads a submitted form; a malformed body is a 400.
func formOf(c echo.Context) (pages.Form, error) {
	values, err := c.FormParams()
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return pages.Form{}, err // e.g. the body is over the limit
		}
		return pages.Form{}, echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
	}
	return pages.Form{Values: values}, nil
}

// safeNext accepts only local paths as a post-login destination, so a link
// cannot send a user to another site. Browsers drop tabs and newlines from a
// URL ("/\t/evil.example" becomes "//evil.example"), so no control character
// may appear at all.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.IndexFunc(next, unicode.IsControl) >= 0 {
		return ""
	}
	return next
}
