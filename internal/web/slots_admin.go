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

// The organizer's matchmaking page: negotiation blocks (the slot grid) and
// the numbered tables of the negotiation area.

func storeMeetingSettings(tables int, auto bool) store.MeetingSettings {
	return store.MeetingSettings{Tables: tables, AutoAccept: auto}
}

func (s *Server) matchmakingAdminView(c echo.Context, blockForm, tableForm *pages.Form) (pages.MatchmakingAdminView, error) {
	ctx := c.Request().Context()
	blocks, err := s.store.Blocks(ctx, s.loc)
	if err != nil {
		return pages.MatchmakingAdminView{}, err
	}
	n, area, err := s.store.TableCount(ctx)
	if err != nil {
		return pages.MatchmakingAdminView{}, err
	}
	v := pages.MatchmakingAdminView{Blocks: blocks, Tables: n, Area: area, Countries: pages.CountryOptions(ctx)}
	if ev, ok, err := s.store.Event(ctx, s.loc); err != nil {
		return v, err
	} else if ok {
		for _, d := range expo.ExpoDays(ev) {
			v.Days = append(v.Days, pages.Option{Value: d.Format(time.DateOnly), Label: d.In(s.loc).Format("Mon 2 Jan")})
		}
	}
	if blockForm != nil {
		v.BlockForm = *blockForm
	} else {
		v.BlockForm = pages.Form{Values: map[string][]string{"start": {"09:00"}, "end": {"12:00"}, "slot_minutes": {"30"}, "break_minutes": {"0"}}}
	}
	if tableForm != nil {
		v.TableForm = *tableForm
	} else {
		v.TableForm = pages.Form{Values: map[string][]string{"tables": {strconv.Itoa(n)}, "area": {area}}}
	}
	return v, nil
}

func (s *Server) renderMatchmakingAdmin(c echo.Context, status int, v pages.MatchmakingAdminView) error {
	return s.render(c, status, pages.MatchmakingAdmin(s.page(c, i18n.T(c.Request().Context(), "slots.admin.title")), v))
}

func (s *Server) handleMatchmakingAdmin(c echo.Context) error {
	v, err := s.matchmakingAdminView(c, nil, nil)
	if err != nil {
		return err
	}
	return s.renderMatchmakingAdmin(c, http.StatusOK, v)
}

// formInt reads a whole number; anything else is -1, which the validation
// then refuses with the field's own message.
func formInt(f pages.Form, name string) int {
	n, err := strconv.Atoi(f.Value(name))
	if err != nil {
		return -1
	}
	return n
}

func (s *Server) handleBlockCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := formOf(c)
	if err != nil {
		return err
	}
	brk := 0
	if f.Value("break_minutes") != "" {
		brk = formInt(f, "break_minutes")
	}
	in := expo.BlockInput{Day: f.Value("day"), Start: f.Value("start"), End: f.Value("end"), SlotMinutes: formInt(f, "slot_minutes"),
		BreakMinutes: brk, Theme: f.Value("theme"), RestrictCountry: f.Value("restrict_country")}
	if _, err := s.store.CreateBlock(ctx, in, s.loc); err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, verr := s.matchmakingAdminView(c, &f, nil)
		if verr != nil {
			return verr
		}
		return s.renderMatchmakingAdmin(c, status, v)
	}
	s.flash(c, "success", "slots.block.created")
	return redirect(c, "/organizer/matchmaking")
}

func (s *Server) handleBlockDelete(c echo.Context) error {
	id, err := meetingID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteBlock(c.Request().Context(), id); err != nil {
		return err
	}
	s.flash(c, "success", "slots.block.deleted")
	return redirect(c, "/organizer/matchmaking")
}

func (s *Server) handleTablesSave(c echo.Context) error {
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if err := s.store.SetTables(c.Request().Context(), formInt(f, "tables"), f.Value("area")); err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, verr := s.matchmakingAdminView(c, nil, &f)
		if verr != nil {
			return verr
		}
		return s.renderMatchmakingAdmin(c, status, v)
	}
	s.flash(c, "success", "slots.tables.saved")
	return redirect(c, "/organizer/matchmaking")
}
