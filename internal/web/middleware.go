package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
)

const (
	maxBody   = "1M"
	maxUpload = "17M" // a 16 MB CSV import or a logo (whose own limit is 2 MB) plus form overhead
)

func (s *Server) newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.Pre(middleware.RequestID())
	e.Use(s.requestLog())
	e.Use(s.recoverPanics())
	e.Use(s.securityHeaders)
	e.Use(s.language)
	e.Use(s.session)
	// Forms and JSON may carry 1 MB; the two upload forms more, so their
	// handlers can answer an oversized file with a message next to its field.
	isUpload := func(c echo.Context) bool {
		p := c.Path()
		return p == "/exhibitor/logo" || p == "/organizer/exhibitors/import"
	}
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: maxBody, Skipper: isUpload}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: maxUpload, Skipper: func(c echo.Context) bool { return !isUpload(c) }}))
	// Hostile input (issue 7): no query string with invalid UTF-8 or a NUL
	// byte reaches a handler or the database.
	e.Use(refuseBadQuery)
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		// The API authenticates with bearer tokens only, never cookies, so
		// it cannot be forged cross-site; static files and probes change nothing.
		Skipper:        func(c echo.Context) bool { return isAPI(c) || strings.HasPrefix(c.Path(), "/static/") },
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     "expo_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   s.secure,
		CookieSameSite: http.SameSiteLaxMode,
		ContextKey:     csrfKey,
		ErrorHandler: func(err error, c echo.Context) error {
			return expo.Errorf(expo.CodeForbidden, "error.csrf")
		},
	}))
	e.Use(s.loadUser)
	e.Use(s.auditActor)
	for _, r := range s.Routes() {
		e.Add(r.Method, r.Path, r.handler, s.requireAccess(r.Access)).Name = r.Name
		if r.Method == http.MethodGet {
			// HEAD answers what GET would, without the body (net/http drops
			// it); Echo does not route HEAD to GET by itself.
			e.Add(http.MethodHead, r.Path, r.handler, s.requireAccess(r.Access))
		}
	}
	return e
}

// refuseBadQuery answers 422 to a query parameter (name or value) that is
// not valid UTF-8 or holds a NUL byte: no page or API means such text, and
// PostgreSQL would refuse it deep inside a query. Form and JSON bodies are
// checked field by field by the validators, with the message next to the
// field.
func refuseBadQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for k, vs := range c.QueryParams() {
			for _, v := range append([]string{k}, vs...) {
				if !utf8.ValidString(v) {
					return &expo.Error{Code: expo.CodeInvalid, Message: "error.invalid_utf8"}
				}
				if strings.ContainsRune(v, 0) {
					return &expo.Error{Code: expo.CodeInvalid, Message: "error.control_chars"}
				}
			}
		}
		return next(c)
	}
}

func isAPI(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/api/") }

const csrfKey = "csrf"

// csrfToken is the token forms must send back.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfKey).(string)
	return t
}

func (s *Server) requestLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogError: true,
		HandleError: true,
		Skipper:     func(c echo.Context) bool { return strings.HasPrefix(c.Path(), "/static/") },
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("request_id", v.RequestID), slog.String("method", v.Method),
				slog.String("uri", v.URI), slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
			}
			if u, ok := currentUser(c); ok {
				attrs = append(attrs, slog.Int64("user_id", u.ID))
			}
			if v.Error != nil && v.Status >= 500 {
				attrs = append(attrs, slog.String("err", v.Error.Error()))
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// recoverPanics turns a panic into a 500 answer and a logged stack.
func (s *Server) recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "err", err, "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "stack", string(stack))
			return err
		},
	})
}

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

type sessionKey struct{}

// session loads the scs session of the request and saves it just before the
// answer's headers go out. Errors are rendered here, inside the session, so
// an error page can use it and whatever it changes is saved too.
func (s *Server) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// Probes carry no session: /healthz must answer 200 while the
		// database is down, even to a browser that sends a session cookie.
		if p := c.Request().URL.Path; isAPI(c) || strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" {
			return next(c)
		}
		r := c.Request()
		var token string
		if ck, err := r.Cookie(s.sessions.Cookie.Name); err == nil {
			token = ck.Value
		}
		// The row the store reads for Load is kept for Commit (no second read).
		ctx, err := s.sessions.Load(store.WithSessionSeen(r.Context()), token)
		if err != nil {
			return fmt.Errorf("load session: %w", errors.Join(expo.ErrUnavailable, err))
		}
		ctx = context.WithValue(ctx, sessionKey{}, true)
		c.SetRequest(r.WithContext(ctx))
		c.Response().Header().Add("Vary", "Cookie")
		c.Response().Before(func() {
			ctx := c.Request().Context()
			switch s.sessions.Status(ctx) {
			case scs.Modified:
				// scs marks every loaded session modified, to push its idle
				// deadline on; the store compares with the row it read
				// (seen) and writes only what changed (Sessions.CommitCtx).
				token, expiry, err := s.sessions.Commit(ctx)
				if err != nil {
					s.log.Error("save session", "err", err, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
					return
				}
				s.sessions.WriteSessionCookie(ctx, c.Response().Writer, token, expiry)
			case scs.Destroyed:
				s.sessions.WriteSessionCookie(ctx, c.Response().Writer, "", time.Time{})
			}
		})
		if err := next(c); err != nil {
			s.handleError(err, c)
		}
		return nil
	}
}

// hasSession reports whether the request carries a loaded session.
func hasSession(ctx context.Context) bool {
	ok, _ := ctx.Value(sessionKey{}).(bool)
	return ok
}

type userKey struct{}

// currentUser is the logged-in user of the request, from the session (pages)
// or the bearer token (API).
func currentUser(c echo.Context) (expo.User, bool) {
	u, ok := c.Request().Context().Value(userKey{}).(expo.User)
	return u, ok
}

func setUser(c echo.Context, u expo.User) {
	c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), userKey{}, u)))
}

const (
	sessionUserKey        = "user_id"
	sessionCredentialsKey = "credentials"
)

// loadUser puts the user of the session (or of the bearer token on API
// routes) into the request context.
func (s *Server) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if isAPI(c) {
			auth := c.Request().Header.Get(echo.HeaderAuthorization)
			if secret, ok := strings.CutPrefix(auth, "Bearer "); ok {
				u, err := s.store.UserByToken(ctx, strings.TrimSpace(secret))
				if err != nil {
					return err
				}
				setUser(c, u)
			}
			return next(c)
		}
		if !hasSession(ctx) {
			return next(c)
		}
		if id := s.sessions.GetInt64(ctx, sessionUserKey); id != 0 {
			u, err := s.store.User(ctx, id)
			switch {
			case errors.Is(err, expo.ErrNotFound) || (err == nil && u.CredentialsVersion != s.sessions.GetString(ctx, sessionCredentialsKey)):
				// The account is gone, or its password changed since this
				// session logged in: forget the session.
				s.sessions.Remove(ctx, sessionUserKey)
				s.sessions.Remove(ctx, sessionCredentialsKey)
			case err != nil:
				return err
			default:
				// The user and their language in one context: each
				// WithContext copies the request.
				ctx = context.WithValue(ctx, userKey{}, u)
				if u.Locale != "" {
					ctx = s.catalog.With(ctx, u.Locale)
				}
				c.SetRequest(c.Request().WithContext(ctx))
			}
		}
		return next(c)
	}
}

const langCookie = "expo_lang"

// language picks the interface language from the switcher's cookie, else
// Accept-Language; loadUser later applies the user's own setting, which wins.
func (s *Server) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := ""
		if ck, err := c.Cookie(langCookie); err == nil && validLocale(ck.Value) {
			lang = ck.Value
		} else {
			lang = s.catalog.Match(c.Request().Header.Get("Accept-Language"))
		}
		c.SetRequest(c.Request().WithContext(s.catalog.With(c.Request().Context(), lang)))
		c.Response().Header().Add("Vary", "Accept-Language, Cookie")
		return next(c)
	}
}

func validLocale(code string) bool {
	for _, l := range i18n.Codes {
		if l == code {
			return true
		}
	}
	return false
}

// requireAccess enforces a route's Access: anonymous visitors of protected
// pages are sent to log in, users of the wrong role get a 403 page that
// names the role the page needs.
func (s *Server) requireAccess(a Access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := currentUser(c)
			read := c.Request().Method == http.MethodGet || c.Request().Method == http.MethodHead
			switch a {
			case Public:
				return next(c)
			case Anonymous:
				if ok && read {
					return c.Redirect(http.StatusSeeOther, "/account")
				}
				return next(c)
			case Token:
				if !ok {
					return expo.Errorf(expo.CodeUnauthorized, "error.token_required")
				}
				return next(c)
			}
			if !ok {
				if read {
					return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
				}
				return expo.ErrUnauthorized
			}
			if a != LoggedIn && string(u.Role) != string(a) {
				return &expo.Error{Code: expo.CodeForbidden, Message: "error.role_needed." + string(a)}
			}
			if !read {
				if wait, ok := s.limits.action.allow("user:" + itoa(u.ID)); !ok {
					return rateLimited(c, wait)
				}
			}
			return next(c)
		}
	}
}

func rateLimited(c echo.Context, wait time.Duration) error {
	return rateLimitedMsg(c, wait, "error.rate_limited")
}

// rateLimitedMsg is rateLimited with its own message (translation ID, with
// {{.Seconds}}), for limits where "too many attempts" would be unclear.
func rateLimitedMsg(c echo.Context, wait time.Duration, msgID string) error {
	secs := int(wait.Seconds() + 0.999)
	if secs < 1 {
		secs = 1
	}
	c.Response().Header().Set("Retry-After", itoa(int64(secs)))
	return &expo.Error{Code: expo.CodeRateLimited, Message: msgID, Data: map[string]any{"Seconds": secs, "Count": secs}}
}
