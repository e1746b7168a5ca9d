package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// The exhibitor's side of the registration: the public application form,
// the exhibitor's dashboard, profile and logo.

// applicationOf reads the company fields of a form.
func applicationOf(f pages.Form, v *expo.Validator) expo.Application {
	return expo.Application{
		Name: f.Value("name"), NameLatin: f.Value("name_latin"), Country: f.Value("country"),
		Sectors: f.Values["sectors"], Description: f.Value("description"), Website: f.Value("website"),
		ContactName: f.Value("contact_name"), ContactEmail: f.Value("contact_email"), ContactPhone: f.Value("contact_phone"),
		BoothWish: expo.BoothWish(f.Value("booth_wish")), RawSpaceM2: expo.ParseRawSpace(v, f.Value("raw_space_m2")),
		Products: f.Value("products"), LookingFor: f.Value("looking_for"), Languages: f.Values["languages"],
	}
}

// applicationForm fills a form from a stored company.
func applicationForm(e expo.Exhibitor) pages.Form {
	raw := ""
	if e.RawSpaceM2 > 0 {
		raw = strconv.Itoa(e.RawSpaceM2)
	}
	return pages.Form{Values: map[string][]string{
		"name": {e.Name}, "name_latin": {e.NameLatin}, "country": {e.Country}, "sectors": e.Sectors,
		"description": {e.Description}, "website": {e.Website}, "contact_name": {e.ContactName},
		"contact_email": {e.ContactEmail}, "contact_phone": {e.ContactPhone}, "booth_wish": {string(e.BoothWish)},
		"raw_space_m2": {raw}, "products": {e.Products}, "looking_for": {e.LookingFor}, "languages": e.Languages,
	}}
}

// mergeErrors adds the field errors of a form-reading validator to err.
func mergeErrors(read *expo.Validator, err error) error {
	readErr, _ := expo.AsError(read.Err())
	if readErr == nil {
		return err
	}
	if e, ok := expo.AsError(err); ok && e.Code == expo.CodeInvalid {
		for k, msg := range readErr.Fields {
			e.Fields[k] = msg // the "not a number" message is the more precise one
		}
		return e
	}
	return readErr
}

func (s *Server) handleApplyForm(c echo.Context) error {
	u, loggedIn := currentUser(c)
	if loggedIn && u.Role == expo.RoleExhibitor {
		return c.Redirect(http.StatusSeeOther, "/exhibitor")
	}
	f := pages.Form{Values: map[string][]string{"booth_wish": {string(expo.BoothStandard)}}}
	return s.render(c, http.StatusOK, pages.Apply(s.page(c, i18n.T(c.Request().Context(), "apply.title")), pages.ApplyView{Form: f, LoggedIn: loggedIn}))
}

func (s *Server) handleApply(c echo.Context) error {
	ctx := c.Request().Context()
	if _, loggedIn := currentUser(c); loggedIn {
		return expo.Errorf(expo.CodeConflict, "apply.logged_in.text")
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if wait, ok := s.limits.signupIP.allow("ip:" + c.RealIP()); !ok {
		return s.applyError(c, f, rateLimited(c, wait))
	}
	var read expo.Validator
	app := applicationOf(f, &read)
	in := store.NewApplication{Application: app, Password: f.Value("password"), Submit: f.Value("submit") != "0"}
	if err := read.Err(); err != nil {
		// Report the other fields too, without writing anything.
		var v expo.Validator
		in.Application.RawSpaceM2 = 0
		in.Application.Validate(&v)
		v.Password("password", in.Password)
		return s.applyError(c, f, mergeErrors(&read, v.Err()))
	}
	_, u, err := s.store.Apply(ctx, in)
	if err != nil {
		return s.applyError(c, f, err)
	}
	if err := s.logIn(c, u); err != nil {
		return err
	}
	if in.Submit {
		s.flash(c, "success", "apply.submitted")
	} else {
		s.flash(c, "success", "apply.drafted")
	}
	return redirect(c, "/exhibitor")
}

func (s *Server) applyError(c echo.Context, f pages.Form, err error) error {
	status, err := formError(&f, err)
	if err != nil {
		return err
	}
	return s.render(c, status, pages.Apply(s.page(c, i18n.T(c.Request().Context(), "apply.title")), pages.ApplyView{Form: f}))
}

// ownCompany is the company of the logged-in exhibitor.
func (s *Server) ownCompany(c echo.Context) (expo.User, expo.Exhibitor, error) {
	u, _ := currentUser(c)
	if u.ExhibitorID == nil {
		return u, expo.Exhibitor{}, expo.ErrForbidden
	}
	ex, err := s.store.Application(c.Request().Context(), *u.ExhibitorID)
	return u, ex, err
}

func isOwner(u expo.User, ex expo.Exhibitor) bool {
	return ex.OwnerID != nil && *ex.OwnerID == u.ID
}

func (s *Server) exhibitorHome(c echo.Context, withdraw pages.Form) (pages.ExhibitorHomeView, error) {
	ctx := c.Request().Context()
	u, ex, err := s.ownCompany(c)
	if err != nil {
		return pages.ExhibitorHomeView{}, err
	}
	hist, err := s.store.ApplicationHistory(ctx, ex.ID)
	if err != nil {
		return pages.ExhibitorHomeView{}, err
	}
	notes, err := s.store.Notifications(ctx, u.ID, 5)
	if err != nil {
		return pages.ExhibitorHomeView{}, err
	}
	hasLogo, err := s.store.HasLogo(ctx, ex.ID)
	if err != nil {
		return pages.ExhibitorHomeView{}, err
	}
	v := pages.ExhibitorHomeView{Company: ex, History: hist, Notifications: notes, IsOwner: isOwner(u, ex), HasLogo: hasLogo, Withdraw: withdraw}
	if v.IsOwner {
		for _, next := range expo.NextStates(ex.State, expo.ActorOwner) {
			v.CanSubmit = v.CanSubmit || next == expo.StateSubmitted
			v.CanWithdraw = v.CanWithdraw || next == expo.StateWithdrawn
		}
	}
	if ex.State == expo.StateApproved {
		b, ok, err := s.store.BoothOf(ctx, ex.ID)
		if err != nil {
			return v, err
		}
		if ok {
			v.Booth = b.Booth.Code
		}
	}
	return v, nil
}

func (s *Server) handleExhibitorHome(c echo.Context) error {
	v, err := s.exhibitorHome(c, pages.Form{})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.ExhibitorHome(s.page(c, i18n.T(c.Request().Context(), "exhibitor.title")), v))
}

// ownerTransition is a state change the owner asks for from the dashboard.
func (s *Server) ownerTransition(c echo.Context, to expo.ExhibitorState, done string) error {
	u, _ := currentUser(c)
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if u.ExhibitorID == nil {
		return expo.ErrForbidden
	}
	if _, err := s.store.Transition(c.Request().Context(), *u.ExhibitorID, to, u, f.Value("reason")); err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, err := s.exhibitorHome(c, f)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.ExhibitorHome(s.page(c, i18n.T(c.Request().Context(), "exhibitor.title")), v))
	}
	s.flash(c, "success", done)
	return redirect(c, "/exhibitor")
}

func (s *Server) handleExhibitorSubmit(c echo.Context) error {
	return s.ownerTransition(c, expo.StateSubmitted, "apply.submitted")
}

func (s *Server) handleExhibitorWithdraw(c echo.Context) error {
	return s.ownerTransition(c, expo.StateWithdrawn, "exhibitor.withdrawn")
}

func (s *Server) renderProfile(c echo.Context, status int, ex expo.Exhibitor, form, logo pages.Form) error {
	hasLogo, err := s.store.HasLogo(c.Request().Context(), ex.ID)
	if err != nil {
		return err
	}
	p := s.page(c, i18n.T(c.Request().Context(), "exhibitor.profile.title"))
	return s.render(c, status, pages.ExhibitorProfile(p, pages.ProfileView{Company: ex, Form: form, Logo: logo, HasLogo: hasLogo}))
}

// requireOwnerPage refuses the profile pages to members who are not the
// company's owner.
func (s *Server) ownedCompany(c echo.Context) (expo.User, expo.Exhibitor, error) {
	u, ex, err := s.ownCompany(c)
	if err != nil {
		return u, ex, err
	}
	if !isOwner(u, ex) {
		return u, ex, expo.Errorf(expo.CodeForbidden, "error.owner_only")
	}
	return u, ex, nil
}

func (s *Server) handleProfileForm(c echo.Context) error {
	_, ex, err := s.ownedCompany(c)
	if err != nil {
		return err
	}
	return s.renderProfile(c, http.StatusOK, ex, applicationForm(ex), pages.Form{})
}

func (s *Server) handleProfileSave(c echo.Context) error {
	u, ex, err := s.ownedCompany(c)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var read expo.Validator
	app := applicationOf(f, &read)
	if err = read.Err(); err == nil {
		_, err = s.store.UpdateApplication(c.Request().Context(), u.ID, ex.ID, app)
	} else {
		var v expo.Validator
		app.RawSpaceM2 = 0
		app.Validate(&v)
		err = mergeErrors(&read, v.Err())
	}
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return s.renderProfile(c, status, ex, f, pages.Form{})
	}
	s.flash(c, "success", "exhibitor.profile.saved")
	return redirect(c, "/exhibitor")
}

func (s *Server) handleLogoUpload(c echo.Context) error {
	u, ex, err := s.ownedCompany(c)
	if err != nil {
		return err
	}
	data, err := uploadedFile(c, "logo", expo.MaxLogoBytes)
	if err == nil {
		err = s.store.SetLogo(c.Request().Context(), u.ID, ex.ID, data)
	}
	if err != nil {
		var logo pages.Form
		status, err := formError(&logo, err)
		if err != nil {
			return err
		}
		return s.renderProfile(c, uploadStatus(status, logo, "logo"), ex, applicationForm(ex), logo)
	}
	s.flash(c, "success", "exhibitor.logo.saved")
	return redirect(c, "/exhibitor/profile")
}

// uploadStatus is 413 for a file over its limit, whose message shows next
// to the field like any other; otherwise the form error's status.
func uploadStatus(status int, f pages.Form, field string) int {
	if f.Errors[field] == "error.file_too_large" {
		return http.StatusRequestEntityTooLarge
	}
	return status
}

// uploadedFile reads the file of a multipart field, at most max bytes; a
// missing file or a larger one is a field error.
func uploadedFile(c echo.Context, field string, max int) ([]byte, error) {
	fh, err := c.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) || (err == nil && fh.Size == 0) {
		return nil, &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{field: "error.file_missing"}}
	}
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return nil, err
		}
		return nil, &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{field: "error.file_missing"}}
	}
	if fh.Size > int64(max) {
		return nil, &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{field: "error.file_too_large"}}
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > max {
		return nil, &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{field: "error.file_too_large"}}
	}
	return data, nil
}

// handleLogo serves a company's logo at /logos/{exhibitorID}. Logos of
// approved companies are public (the directory shows them); others only to
// the company's own people and organizers.
func (s *Server) handleLogo(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return expo.ErrNotFound
	}
	ex, err := s.store.Application(ctx, id)
	if err != nil {
		return err
	}
	public := ex.State == expo.StateApproved
	if !public {
		u, ok := currentUser(c)
		if !ok || !(u.Role == expo.RoleOrganizer || (u.ExhibitorID != nil && *u.ExhibitorID == id)) {
			return expo.ErrNotFound
		}
	}
	logo, updated, err := s.store.Logo(ctx, id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	if public {
		h.Set("Cache-Control", "public, max-age=300")
	} else {
		h.Set("Cache-Control", "private, no-cache")
	}
	h.Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
	if ims, err := time.Parse(http.TimeFormat, c.Request().Header.Get("If-Modified-Since")); err == nil && !updated.Truncate(time.Second).After(ims) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, logo.ContentType, logo.Data)
}
