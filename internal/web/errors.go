package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// statusOf maps the domain's error codes to HTTP statuses. It is the only
// place that does.
func statusOf(code expo.Code) int {
	switch code {
	case expo.CodeInvalid:
		return http.StatusUnprocessableEntity
	case expo.CodeNotFound:
		return http.StatusNotFound
	case expo.CodeConflict:
		return http.StatusConflict
	case expo.CodeUnauthorized:
		return http.StatusUnauthorized
	case expo.CodeForbidden:
		return http.StatusForbidden
	case expo.CodeRateLimited:
		return http.StatusTooManyRequests
	case expo.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fromHTTP turns Echo's own errors (unknown route, body too large, …) into
// the domain vocabulary.
func fromHTTP(he *echo.HTTPError) *expo.Error {
	switch he.Code {
	case http.StatusNotFound:
		return expo.ErrNotFound
	case http.StatusMethodNotAllowed:
		return &expo.Error{Code: expo.CodeNotFound, Message: "error.method_not_allowed"}
	case http.StatusRequestEntityTooLarge:
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.too_large"}
	case http.StatusBadRequest, http.StatusUnsupportedMediaType:
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.bad_request"}
	case http.StatusForbidden:
		return expo.ErrForbidden
	case http.StatusUnauthorized:
		return expo.ErrUnauthorized
	case http.StatusServiceUnavailable:
		return expo.ErrUnavailable
	}
	return nil
}

// apiError is the JSON shape of every API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// handleError answers every error the handlers return: JSON on the API, an
// error page elsewhere. Internal causes are logged, never shown.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	e, ok := expo.AsError(err)
	var he *echo.HTTPError
	switch {
	case ok:
		status = statusOf(e.Code)
		if e.Code == expo.CodeInvalid && e.Message == "error.too_large" {
			status = http.StatusRequestEntityTooLarge
		}
	case errors.As(err, &he):
		if e = fromHTTP(he); e != nil {
			status = he.Code
		}
	case errors.Is(err, context.Canceled):
		return // the client went away
	case store.Unavailable(err):
		// The database is down or busy: a friendly "try again", not a 500.
		e, status = expo.ErrUnavailable, http.StatusServiceUnavailable
	}
	if status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", "30")
	}
	if e == nil {
		e = &expo.Error{Code: expo.CodeInternal, Message: "error.internal"}
	}
	if status >= 500 {
		s.log.Error("request failed", "err", err, "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "uri", c.Request().RequestURI)
	}
	ctx := c.Request().Context()
	if isAPI(c) {
		body := apiError{Error: apiErrorBody{Code: string(e.Code), Message: i18n.T(ctx, e.Message, e.Data)}}
		if expo.IsSlotTaken(e) {
			// The one finer API code: clients retry with another slot.
			body.Error.Code = "slot_taken"
		}
		if len(e.Fields) > 0 {
			body.Error.Fields = map[string]string{}
			for f, id := range e.Fields {
				body.Error.Fields[f] = i18n.T(ctx, id, e.Data)
			}
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, body)
		return
	}
	v := pages.ErrorView{Status: status, Heading: i18n.T(ctx, "error.heading."+string(e.Code)), Message: i18n.T(ctx, e.Message, e.Data)}
	_ = s.render(c, status, pages.ErrorPage(s.page(c, v.Heading), v))
}
