package web

import (
	"context"
	"mime"
	"net/http"
	"path"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/web/i18n"
	"expo/web/pages"
	"expo/web/static"
)

func (s *Server) handleHome(c echo.Context) error {
	ctx := c.Request().Context()
	ev, hasEvent, err := s.store.Event(ctx, s.loc)
	if err != nil {
		return err
	}
	done, err := s.store.SetupDone(ctx)
	if err != nil {
		return err
	}
	v := pages.HomeView{Event: ev, HasEvent: hasEvent, NeedsSetup: !done}
	if v.Hours, err = s.store.OpeningHours(ctx, s.loc); err != nil {
		return err
	}
	if v.Halls, err = s.store.Halls(ctx); err != nil {
		return err
	}
	if v.Rooms, err = s.store.Rooms(ctx); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Home(s.page(c, i18n.T(ctx, "home.title")), v))
}

func (s *Server) handleDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	ev, hasEvent, err := s.store.Event(ctx, s.loc)
	if err != nil {
		return err
	}
	v := pages.DashboardView{Event: ev, HasEvent: hasEvent}
	if v.Accounts, err = s.store.CountUsersByRole(ctx); err != nil {
		return err
	}
	halls, err := s.store.Halls(ctx)
	if err != nil {
		return err
	}
	rooms, err := s.store.Rooms(ctx)
	if err != nil {
		return err
	}
	hours, err := s.store.OpeningHours(ctx, s.loc)
	if err != nil {
		return err
	}
	v.Halls, v.Rooms, v.Days = len(halls), len(rooms), len(hours)
	return s.render(c, http.StatusOK, pages.Dashboard(s.page(c, i18n.T(ctx, "dashboard.title")), v))
}

func (s *Server) handleHealthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

func (s *Server) handleReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("readiness check failed", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ready\n")
}

func (s *Server) handleStatic(c echo.Context) error {
	body, ok := static.Open(c.Param("name"))
	if !ok {
		return expo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, contentType(c.Param("name")), body)
}

func contentType(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
