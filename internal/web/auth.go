package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/web/i18n"
	"expo/web/pages"
)

// formError puts a domain error's field messages into the form, or returns
// the error when it is not about the form's input.
func formError(f *pages.Form, err error) (int, error) {
	e, ok := expo.AsError(err)
	if !ok || (e.Code != expo.CodeInvalid && e.Code != expo.CodeConflict && e.Code != expo.CodeUnauthorized && e.Code != expo.CodeRateLimited) {
		return 0, err
	}
	f.Errors = e.Fields
	f.Data = e.Data
	if len(e.Fields) == 0 || e.Message != "error.form" {
		f.Message = e.Message
	}
	return statusOf(e.Code), nil
}

func (s *Server) handleLoginForm(c echo.Context) error {
	return s.render(c, http.StatusOK, pages.Login(s.page(c, i18n.T(c.Request().Context(), "login.title")), pages.Form{}, safeNext(c.QueryParam("next"))))
}

func (s *Server) handleLogin(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := formOf(c)
	if err != nil {
		return err
	}
	email, password, next := f.Value("email"), f.Value("password"), safeNext(f.Value("next"))
	showErr := func(err error) error {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.Login(s.page(c, i18n.T(ctx, "login.title")), f, next))
	}
	var v expo.Validator
	v.Line("email", email, true, expo.MaxEmailLen)
	if password == "" {
		v.Fail("password", "error.required")
	}
	if err := v.Err(); err != nil {
		return showErr(err)
	}
	if err := s.loginAllowed(c, email); err != nil {
		return showErr(err)
	}
	u, err := s.store.Authenticate(ctx, email, password)
	if err != nil {
		return showErr(s.loginFailed(c, email, err))
	}
	if err := s.logIn(c, u); err != nil {
		return err
	}
	s.flash(c, "success", "login.welcome")
	if next == "" {
		next = homeOf(u.Role)
	}
	return redirect(c, next)
}

// homeOf is where a user lands after logging in.
func homeOf(r expo.Role) string {
	if r == expo.RoleOrganizer {
		return "/organizer"
	}
	return "/account"
}

// logIn starts a fresh session for u; renewing the token defeats session
// fixation.
func (s *Server) logIn(c echo.Context, u expo.User) error {
	ctx := c.Request().Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserKey, u.ID)
	s.sessions.Put(ctx, sessionCredentialsKey, u.CredentialsVersion)
	if u.Locale == "" {
		// Keep the language the visitor chose before logging in.
		lang := i18n.Lang(ctx)
		if err := s.store.SetLocale(ctx, u.ID, lang); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) handleLogout(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	s.flash(c, "info", "logout.done")
	return redirect(c, "/")
}

func (s *Server) handleSignUpForm(c echo.Context) error {
	return s.render(c, http.StatusOK, pages.SignUp(s.page(c, i18n.T(c.Request().Context(), "signup.title")), pages.Form{}))
}

func profileOf(f pages.Form) expo.Profile {
	return expo.Profile{
		Name: f.Value("name"), Organization: f.Value("organization"), Country: f.Value("country"),
		JobTitle: f.Value("job_title"), Languages: f.Values["languages"], Interests: f.Values["interests"],
		Locale: f.Value("locale"),
	}
}

func (s *Server) handleSignUp(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := formOf(c)
	if err != nil {
		return err
	}
	showErr := func(err error) error {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.SignUp(s.page(c, i18n.T(ctx, "signup.title")), f))
	}
	if wait, ok := s.limits.signupIP.allow("ip:" + c.RealIP()); !ok {
		return showErr(rateLimited(c, wait))
	}
	u, err := s.store.CreateAttendee(ctx, expo.SignUp{Email: f.Value("email"), Password: f.Value("password"), Profile: profileOf(f)})
	if err != nil {
		return showErr(err)
	}
	if err := s.logIn(c, u); err != nil {
		return err
	}
	s.flash(c, "success", "signup.welcome")
	return redirect(c, "/account")
}

func (s *Server) handleSetupForm(c echo.Context) error {
	ctx := c.Request().Context()
	done, err := s.store.SetupDone(ctx)
	if err != nil {
		return err
	}
	if done {
		return expo.ErrSetupDone
	}
	return s.render(c, http.StatusOK, pages.Setup(s.page(c, i18n.T(ctx, "setup.title")), pages.Form{}))
}

func (s *Server) handleSetup(c echo.Context) error {
	ctx := c.Request().Context()
	// A quick answer for the common case; the database still decides races.
	if done, err := s.store.SetupDone(ctx); err != nil || done {
		if err == nil {
			err = expo.ErrSetupDone
		}
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	u, err := s.store.CreateFirstOrganizer(ctx, expo.NewOrganizer{Email: f.Value("email"), Name: f.Value("name"), Password: f.Value("password")})
	if errors.Is(err, expo.ErrSetupDone) {
		return err
	}
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.Setup(s.page(c, i18n.T(ctx, "setup.title")), f))
	}
	if err := s.logIn(c, u); err != nil {
		return err
	}
	s.flash(c, "success", "setup.done")
	return redirect(c, "/organizer")
}
