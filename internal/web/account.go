package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/web/i18n"
	"expo/web/pages"
)

func profileForm(u expo.User) pages.Form {
	return pages.Form{Values: map[string][]string{
		"name": {u.Name}, "organization": {u.Organization}, "country": {u.Country},
		"job_title": {u.JobTitle}, "languages": u.Languages, "interests": u.Interests, "locale": {u.Locale},
	}}
}

// accountView loads what the account page shows; forms not given are filled
// from the stored profile.
func (s *Server) accountView(c echo.Context, u expo.User) (pages.AccountView, error) {
	tokens, err := s.store.Tokens(c.Request().Context(), u.ID)
	if err != nil {
		return pages.AccountView{}, err
	}
	_, interpreter, err := s.store.InterpreterOfUser(c.Request().Context(), u.ID)
	if err != nil {
		return pages.AccountView{}, err
	}
	return pages.AccountView{User: u, Profile: profileForm(u), Tokens: tokens, Interpreter: interpreter}, nil
}

func (s *Server) renderAccount(c echo.Context, status int, v pages.AccountView) error {
	p := s.page(c, i18n.T(c.Request().Context(), "account.title"))
	if wantsFragment(c, "tokens") {
		return s.render(c, status, pages.Tokens(p, v))
	}
	return s.render(c, status, pages.Account(p, v))
}

func (s *Server) handleAccount(c echo.Context) error {
	u, _ := currentUser(c)
	v, err := s.accountView(c, u)
	if err != nil {
		return err
	}
	return s.renderAccount(c, http.StatusOK, v)
}

func (s *Server) handleAccountProfile(c echo.Context) error {
	u, _ := currentUser(c)
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if _, err := s.store.UpdateProfile(c.Request().Context(), u.ID, profileOf(f)); err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, err := s.accountView(c, u)
		if err != nil {
			return err
		}
		v.Profile = f
		return s.renderAccount(c, status, v)
	}
	s.flash(c, "success", "account.profile.saved")
	return redirect(c, "/account")
}

func (s *Server) handleAccountPassword(c echo.Context) error {
	u, _ := currentUser(c)
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if err := s.store.ChangePassword(c.Request().Context(), u.ID, f.Value("current_password"), f.Value("new_password")); err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, err := s.accountView(c, u)
		if err != nil {
			return err
		}
		v.Password = f
		return s.renderAccount(c, status, v)
	}
	// Every other session of this user ends (they carry the old credentials
	// version); this one continues under a new token.
	changed, err := s.store.User(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	if err := s.logIn(c, changed); err != nil {
		return err
	}
	s.flash(c, "success", "account.password.saved")
	return redirect(c, "/account")
}

func (s *Server) handleTokenCreate(c echo.Context) error {
	u, _ := currentUser(c)
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var secret string
	if wait, ok := s.limits.token.allow("user:" + itoa(u.ID)); !ok {
		err = rateLimitedMsg(c, wait, "error.rate_limited.tokens")
	} else {
		secret, _, err = s.store.CreateToken(c.Request().Context(), u.ID, f.Value("token_name"))
	}
	if err != nil {
		// The store names the field "name"; the form calls it token_name.
		if e, ok := expo.AsError(err); ok && e.Fields["name"] != "" {
			err = &expo.Error{Code: e.Code, Message: e.Message, Fields: map[string]string{"token_name": e.Fields["name"]}}
		}
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, err := s.accountView(c, u)
		if err != nil {
			return err
		}
		v.TokenForm = f
		return s.renderAccount(c, status, v)
	}
	// The secret is shown once, on this answer; it is never stored.
	v, err := s.accountView(c, u)
	if err != nil {
		return err
	}
	v.NewToken = secret
	return s.renderAccount(c, http.StatusCreated, v)
}

func (s *Server) handleTokenRevoke(c echo.Context) error {
	u, _ := currentUser(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return expo.ErrNotFound
	}
	if err := s.store.RevokeToken(c.Request().Context(), u.ID, id); err != nil {
		return err
	}
	if wantsFragment(c, "tokens") {
		v, err := s.accountView(c, u)
		if err != nil {
			return err
		}
		return s.renderAccount(c, http.StatusOK, v)
	}
	s.flash(c, "success", "account.tokens.revoked")
	return redirect(c, "/account#tokens")
}

func (s *Server) handleLanguage(c echo.Context) error {
	ctx := c.Request().Context()
	lang := c.FormValue("lang")
	if !validLocale(lang) {
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.choice_invalid"}
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	if u, ok := currentUser(c); ok {
		if err := s.store.SetLocale(ctx, u.ID, lang); err != nil {
			return err
		}
	}
	next := safeNext(c.FormValue("next"))
	if next == "" || strings.HasPrefix(next, "/lang") {
		next = "/"
	}
	return redirect(c, next)
}
