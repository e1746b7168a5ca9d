package web

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"sync"
	"unicode"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

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
	c.Response().Header().Set("Cache-Control", "no-store")
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
	return p
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
