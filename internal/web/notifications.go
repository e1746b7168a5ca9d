package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"expo/web/i18n"
	"expo/web/pages"
)

// In-app notifications of the logged-in user: the list, "mark all read",
// and the unread count htmx loads into the navigation.

const notificationsShown = 50

func (s *Server) handleNotifications(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	// One more than shown tells whether an older page exists.
	items, err := s.store.NotificationsBefore(ctx, u.ID, max(before, 0), notificationsShown+1)
	if err != nil {
		return err
	}
	older := ""
	if len(items) > notificationsShown {
		items = items[:notificationsShown]
		older = "/notifications?before=" + strconv.FormatInt(items[len(items)-1].ID, 10)
	}
	unread, err := s.store.UnreadNotifications(ctx, u.ID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Notifications(s.page(c, i18n.T(ctx, "notifications.title")), pages.NotificationsView{Items: items, Unread: unread, Older: older, Newer: before > 0}))
}

func (s *Server) handleNotificationsRead(c echo.Context) error {
	u, _ := currentUser(c)
	if err := s.store.MarkNotificationsRead(c.Request().Context(), u.ID); err != nil {
		return err
	}
	s.flash(c, "success", "notifications.marked")
	return redirect(c, "/notifications")
}

// handleUnreadBadge answers the navigation's htmx request with the count;
// a browser that opens the address itself gets the notifications page.
func (s *Server) handleUnreadBadge(c echo.Context) error {
	if c.Request().Header.Get("HX-Request") != "true" {
		return c.Redirect(http.StatusSeeOther, "/notifications")
	}
	u, _ := currentUser(c)
	n, err := s.store.UnreadNotifications(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.UnreadBadge(n))
}
