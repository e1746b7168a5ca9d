package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// Team members of an exhibitor: the team page, one-time invitation links,
// joining through one, and removal by the owner.

func (s *Server) teamView(c echo.Context) (pages.TeamView, error) {
	ctx := c.Request().Context()
	u, ex, err := s.ownCompany(c)
	if err != nil {
		return pages.TeamView{}, err
	}
	members, err := s.store.Members(ctx, u, ex.ID)
	if err != nil {
		return pages.TeamView{}, err
	}
	v := pages.TeamView{Company: ex, Members: members, IsOwner: isOwner(u, ex)}
	if ex.OwnerID != nil {
		v.OwnerID = *ex.OwnerID
	}
	if v.IsOwner {
		invites, err := s.store.Invites(ctx, u.ID, ex.ID)
		if err != nil {
			return v, err
		}
		now := time.Now()
		for _, in := range invites {
			v.Invites = append(v.Invites, pages.InviteLine{ID: in.ID, CreatedAt: in.CreatedAt, ExpiresAt: in.ExpiresAt,
				UsedAt: in.UsedAt, UsedBy: in.UsedBy, Expired: !now.Before(in.ExpiresAt)})
		}
	}
	return v, nil
}

func (s *Server) handleTeam(c echo.Context) error {
	v, err := s.teamView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Team(s.page(c, i18n.T(c.Request().Context(), "exhibitor.team.title")), v))
}

// handleInviteCreate makes a link and shows it once, on the team page
// itself (not after a redirect), so the secret never sits in a session.
func (s *Server) handleInviteCreate(c echo.Context) error {
	u, ex, err := s.ownedCompany(c)
	if err != nil {
		return err
	}
	secret, expires, err := s.store.CreateInvite(c.Request().Context(), u.ID, ex.ID)
	if err != nil {
		return err
	}
	v, err := s.teamView(c)
	if err != nil {
		return err
	}
	v.NewLink = s.absoluteURL(c, "/invite/"+secret)
	v.NewLinkExpires = expires
	return s.render(c, http.StatusOK, pages.Team(s.page(c, i18n.T(c.Request().Context(), "exhibitor.team.title")), v))
}

// absoluteURL is path on this site, from the configured base URL or, when
// none is set, the request's own host.
func (s *Server) absoluteURL(c echo.Context, path string) string {
	if s.baseURL != "" {
		return s.baseURL + path
	}
	return c.Scheme() + "://" + c.Request().Host + path
}

func (s *Server) handleMemberRemove(c echo.Context) error {
	u, ex, err := s.ownedCompany(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return expo.ErrNotFound
	}
	if err := s.store.RemoveMember(c.Request().Context(), u.ID, ex.ID, id); err != nil {
		return err
	}
	s.flash(c, "success", "exhibitor.team.removed")
	return redirect(c, "/exhibitor/team")
}

func (s *Server) renderInvite(c echo.Context, status int, ex expo.Exhibitor, token string, f pages.Form) error {
	v := pages.InviteView{Company: ex, Token: token, Form: f}
	if u, ok := currentUser(c); ok {
		v.LoggedIn, v.ViewerRole = true, u.Role
	}
	p := s.page(c, i18n.T(c.Request().Context(), "invite.title", map[string]any{"Company": ex.NameLatin}))
	return s.render(c, status, pages.Invite(p, v))
}

func (s *Server) handleInviteForm(c echo.Context) error {
	token := c.Param("token")
	ex, err := s.store.InviteCompany(c.Request().Context(), token)
	if err != nil {
		return err
	}
	return s.renderInvite(c, http.StatusOK, ex, token, pages.Form{})
}

func (s *Server) handleInviteAccept(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.Param("token")
	ex, err := s.store.InviteCompany(ctx, token)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var viewer *expo.User
	if u, ok := currentUser(c); ok {
		viewer = &u
	} else if wait, ok := s.limits.signupIP.allow("ip:" + c.RealIP()); !ok {
		status, err := formError(&f, rateLimited(c, wait))
		if err != nil {
			return err
		}
		return s.renderInvite(c, status, ex, token, f)
	}
	u, err := s.store.AcceptInvite(ctx, token, viewer, store.NewMember{Email: f.Value("email"), Name: f.Value("name"), Password: f.Value("password")})
	if err != nil {
		status, ferr := formError(&f, err)
		if ferr != nil {
			return ferr
		}
		return s.renderInvite(c, status, ex, token, f)
	}
	// A new account is logged in; a joining attendee keeps the session
	// (its credentials did not change).
	if viewer == nil {
		if err := s.logIn(c, u); err != nil {
			return err
		}
	}
	s.flash(c, "success", "invite.joined")
	return redirect(c, "/exhibitor")
}
