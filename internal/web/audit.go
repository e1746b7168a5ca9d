package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// auditActor tells the store who acts in this request (for the audit log):
// the logged-in user, or nobody, with the client address and request id.
func (s *Server) auditActor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a := store.Actor{IP: c.RealIP(), RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
		if u, ok := currentUser(c); ok {
			a.UserID, a.Label = u.ID, u.Email
		}
		c.SetRequest(c.Request().WithContext(store.WithActor(c.Request().Context(), a)))
		return next(c)
	}
}

// actingAs makes u the actor of the rest of the request (a user who just
// proved a password without a session, as on POST /api/v1/tokens) and
// returns the new context.
func (s *Server) actingAs(c echo.Context, u expo.User) context.Context {
	ctx := c.Request().Context()
	a, _ := store.ActorOf(ctx)
	a.UserID, a.Label = u.ID, u.Email
	ctx = store.WithActor(ctx, a)
	c.SetRequest(c.Request().WithContext(ctx))
	return ctx
}

// loginAllowed spends a login attempt of the client's address and of the
// account; a refusal is a rate-limited error with Retry-After, recorded in
// the audit log once per flood (the first refusal after an allowed attempt).
func (s *Server) loginAllowed(c echo.Context, email string) error {
	ctx := c.Request().Context()
	account := "login:" + strings.ToLower(strings.TrimSpace(email))
	for _, check := range []struct {
		lim *keyedLimiter
		key string
	}{{s.limits.loginIP, "ip:" + c.RealIP()}, {s.limits.loginAccount, account}} {
		wait, ok, first := check.lim.allowNoting(check.key)
		if ok {
			continue
		}
		if first {
			if err := s.store.AuditLoginFailed(ctx, email, true); err != nil {
				return err
			}
		}
		return rateLimited(c, wait)
	}
	return nil
}

// loginFailed records a refused password in the audit log (the e-mail
// tried, never the password) and passes the error on.
func (s *Server) loginFailed(c echo.Context, email string, err error) error {
	if errors.Is(err, expo.ErrInvalidCredentials) {
		if aerr := s.store.AuditLoginFailed(c.Request().Context(), email, false); aerr != nil {
			return aerr
		}
	}
	return err
}

// auditPerPage is the length of a page of the audit log.
const auditPerPage = 50

// handleAudit lists the audit log, newest first, filtered by action,
// actor e-mail and a date range (days in the expo's time zone). A bad
// filter value gets a message next to its field and a 422; the list then
// ignores that filter.
func (s *Server) handleAudit(c echo.Context) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	f := pages.Form{Values: map[string][]string{}, Errors: map[string]string{}}
	for _, k := range []string{"action", "actor", "from", "to"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			f.Values[k] = []string{v}
		}
	}
	var filter store.AuditFilter
	if a := f.Value("action"); a != "" {
		if slices.Contains(store.AuditActions, a) {
			filter.Action = a
		} else {
			f.Errors["action"] = "error.choice_invalid"
		}
	}
	if a := f.Value("actor"); a != "" {
		if len(a) > expo.MaxEmailLen {
			f.Errors["actor"] = "audit.error.actor"
		} else {
			filter.Actor = a
		}
	}
	day := func(name string) (time.Time, bool) {
		v := f.Value(name)
		if v == "" {
			return time.Time{}, false
		}
		t, err := time.ParseInLocation("2006-01-02", v, s.loc)
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			f.Errors[name] = "audit.error.date"
			return time.Time{}, false
		}
		return t, true
	}
	from, hasFrom := day("from")
	to, hasTo := day("to")
	if hasFrom && hasTo && to.Before(from) {
		f.Errors["to"] = "audit.error.range"
		hasTo = false
	}
	if hasFrom {
		filter.From = from
	}
	if hasTo {
		filter.To = to.AddDate(0, 0, 1) // the whole last day
	}
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	filter.Page, filter.PerPage = page, auditPerPage
	res, err := s.store.AuditEvents(ctx, filter)
	if err != nil {
		return err
	}
	pagesN := int((res.Total + auditPerPage - 1) / auditPerPage)
	if page > pagesN && pagesN > 0 {
		// Past the end (the log is filtered more now): show the last page.
		filter.Page, page = pagesN, pagesN
		if res, err = s.store.AuditEvents(ctx, filter); err != nil {
			return err
		}
	}
	v := pages.AuditView{
		Form: f, Total: res.Total,
		Filtered: len(f.Values) > 0,
		Pager:    pages.NewPager(page, pagesN, func(n int) string { return auditURL(f, n) }),
	}
	for _, a := range store.AuditActions {
		v.Actions = append(v.Actions, pages.Option{Value: a, Label: i18n.T(ctx, "audit.action."+a)})
	}
	for _, e := range res.Items {
		v.Items = append(v.Items, auditItem(ctx, e))
	}
	status := http.StatusOK
	if len(f.Errors) > 0 {
		f.Message = "error.form"
		v.Form = f
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, pages.Audit(s.page(c, i18n.T(ctx, "audit.title")), v))
}

// auditURL is the address of a page of the log under the form's filter.
func auditURL(f pages.Form, page int) string {
	v := url.Values{}
	for _, k := range []string{"action", "actor", "from", "to"} {
		if x := f.Value(k); x != "" && f.Err(k) == "" {
			v.Set(k, x)
		}
	}
	return pages.PagedURL("/organizer/audit", v, page)
}

// auditItem is one row of the log as the page shows it, in the reader's
// language.
func auditItem(ctx context.Context, e store.AuditEvent) pages.AuditItem {
	it := pages.AuditItem{At: e.At, Actor: e.ActorLabel, Code: e.Action, Action: i18n.T(ctx, "audit.action."+e.Action),
		IP: e.IP, RequestID: e.RequestID}
	d := func(k string) string {
		v, ok := e.Details[k]
		if !ok || v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	state := func(k string) string {
		if d(k) == "" {
			return "—"
		}
		return pages.StateLabel(ctx, expo.ExhibitorState(d(k)))
	}
	role := func(k string) string { return i18n.T(ctx, "role."+d(k)) }
	switch {
	case strings.HasPrefix(e.Action, "exhibitor.") && e.Action != store.AuditExhibitorImport:
		it.Summary = i18n.T(ctx, "audit.summary.state", map[string]any{"Company": d("company"), "From": state("from"), "To": state("to")})
		if r := d("reason"); r != "" {
			it.Detail = r
		}
	case e.Action == store.AuditExhibitorImport:
		it.Summary = i18n.T(ctx, "audit.summary.import", map[string]any{"Count": d("count"), "N": d("count"), "State": state("state")})
	case e.Action == store.AuditBoothAssign:
		it.Summary = i18n.T(ctx, "audit.summary.booth_assign", map[string]any{"Booth": d("booth"), "Company": d("company")})
	case e.Action == store.AuditBoothUnassign:
		it.Summary = i18n.T(ctx, "audit.summary.booth_unassign", map[string]any{"Booth": d("booth"), "Company": d("company")})
	case e.Action == store.AuditBoothCreate && d("count") != "1":
		it.Summary = i18n.T(ctx, "audit.summary.booth_layout", map[string]any{"N": d("count"), "First": d("booth"), "Last": d("last"), "Hall": d("hall")})
	case e.Action == store.AuditBoothCreate:
		it.Summary = i18n.T(ctx, "audit.summary.booth_create", map[string]any{"Booth": d("booth"), "Hall": d("hall")})
	case e.Action == store.AuditBoothUpdate && d("was") != "":
		it.Summary = i18n.T(ctx, "audit.summary.booth_renamed", map[string]any{"Was": d("was"), "Booth": d("booth"), "Hall": d("hall")})
	case e.Action == store.AuditBoothUpdate:
		it.Summary = i18n.T(ctx, "audit.summary.booth_update", map[string]any{"Booth": d("booth"), "Hall": d("hall")})
	case e.Action == store.AuditBoothDelete:
		it.Summary = i18n.T(ctx, "audit.summary.booth_delete", map[string]any{"Booth": d("booth")})
	case e.Action == store.AuditSchedulerCommit:
		it.Summary = i18n.T(ctx, "audit.summary.scheduler", map[string]any{"Committed": d("committed"), "Skipped": d("skipped"), "Batch": d("batch"), "Batches": d("batches")})
	case e.Action == store.AuditRoleChange:
		it.Summary = i18n.T(ctx, "audit.summary.role", map[string]any{"Email": d("email"), "From": role("from"), "To": role("to")})
		if c := d("company"); c != "" {
			it.Detail = c
		}
	case e.Action == store.AuditSetupOrganizer || e.Action == store.AuditOrganizerCreate:
		it.Summary = i18n.T(ctx, "audit.summary.organizer", map[string]any{"Email": d("email")})
	case e.Action == store.AuditTokenCreate:
		it.Summary = i18n.T(ctx, "audit.summary.token", map[string]any{"Name": d("name"), "Prefix": d("prefix")})
	case e.Action == store.AuditPasswordChange:
		it.Summary = i18n.T(ctx, "audit.summary.password", map[string]any{"Email": d("email")})
	case e.Action == store.AuditLoginFailed:
		it.Summary = i18n.T(ctx, "audit.summary.login_failed", map[string]any{"Email": d("email")})
	case e.Action == store.AuditLoginRateLimited:
		it.Summary = i18n.T(ctx, "audit.summary.login_limited", map[string]any{"Email": d("email")})
	}
	if e.SubjectID != nil {
		switch e.SubjectType {
		case "exhibitor":
			it.Link = "/organizer/exhibitors/" + strconv.FormatInt(*e.SubjectID, 10)
		case "booth":
			if e.Action != store.AuditBoothDelete {
				it.Link = "/organizer/booths/" + strconv.FormatInt(*e.SubjectID, 10)
			}
		}
	}
	return it
}
