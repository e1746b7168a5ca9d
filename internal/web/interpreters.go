package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// Interpreters: the organizer's pool (create, edit pairs, availability by
// negotiation block, delete with confirmation) and an interpreter's own
// agenda at /my/interpreting.

const interpreterPageSize = 25

// interpreterPairLanguages are the languages of the pair checkboxes: the
// expo's working languages and Mongolian.
var interpreterPairLanguages = []string{"zh", "en", "ko", "ru", "ja", "mn"}

// errNotInterpreter: /my/interpreting is for accounts linked to an
// interpreter.
var errNotInterpreter = expo.Errorf(expo.CodeForbidden, "interpreting.error.not_interpreter")

func interpreterInputOf(f pages.Form) store.InterpreterInput {
	return store.InterpreterInput{Name: f.Value("name"), Email: f.Value("email"), Pairs: f.Values["pairs"]}
}

func interpreterForm(it store.Interpreter) pages.Form {
	pairs := make([]string, len(it.Pairs))
	for i, p := range it.Pairs {
		pairs[i] = p.String()
	}
	return pages.Form{Values: url.Values{"name": {it.Name}, "email": {it.Email}, "pairs": pairs}}
}

func (s *Server) interpretersView(c echo.Context, f pages.Form) (pages.InterpretersView, error) {
	ctx := c.Request().Context()
	page, err := pageParam(c, 0)
	if err != nil {
		return pages.InterpretersView{}, err
	}
	list, total, err := s.store.Interpreters(ctx, (page-1)*interpreterPageSize, interpreterPageSize)
	if err != nil {
		return pages.InterpretersView{}, err
	}
	blocks, err := s.store.InterpreterBlocks(ctx, 0)
	if err != nil {
		return pages.InterpretersView{}, err
	}
	return pages.InterpretersView{Interpreters: list, Total: total, Form: f,
		PairOptions: pages.InterpreterPairOptions(ctx, interpreterPairLanguages), NoBlocks: len(blocks) == 0,
		Pager: pages.PlanPager{Page: page, Pages: int((total + interpreterPageSize - 1) / interpreterPageSize), Base: "/organizer/interpreters?"}}, nil
}

func (s *Server) handleInterpreters(c echo.Context) error {
	v, err := s.interpretersView(c, pages.Form{})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Interpreters(s.page(c, i18n.T(c.Request().Context(), "interpreter.title")), v))
}

func (s *Server) handleInterpreterCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := formOf(c)
	if err != nil {
		return err
	}
	id, err := s.store.CreateInterpreter(ctx, interpreterInputOf(f))
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, err := s.interpretersView(c, f)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.Interpreters(s.page(c, i18n.T(ctx, "interpreter.title")), v))
	}
	s.flash(c, "success", "interpreter.created")
	return redirect(c, "/organizer/interpreters/"+itoa(id))
}

func interpreterID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, expo.ErrNotFound
	}
	return id, nil
}

func (s *Server) interpreterView(ctx context.Context, it store.Interpreter, f pages.Form) (pages.InterpreterView, error) {
	blocks, err := s.store.InterpreterBlocks(ctx, it.ID)
	if err != nil {
		return pages.InterpreterView{}, err
	}
	v := pages.InterpreterView{Interpreter: it, Form: f, PairOptions: pages.InterpreterPairOptions(ctx, interpreterPairLanguages)}
	for _, b := range blocks {
		if n := len(v.Days); n == 0 || v.Days[n-1].Day != b.Day {
			v.Days = append(v.Days, pages.InterpreterDay{Day: b.Day})
		}
		v.Days[len(v.Days)-1].Blocks = append(v.Days[len(v.Days)-1].Blocks, b)
	}
	return v, nil
}

func (s *Server) handleInterpreter(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := interpreterID(c)
	if err != nil {
		return err
	}
	it, err := s.store.Interpreter(ctx, id)
	if err != nil {
		return err
	}
	v, err := s.interpreterView(ctx, it, interpreterForm(it))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.InterpreterEdit(s.page(c, it.Name), v))
}

func (s *Server) handleInterpreterUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := interpreterID(c)
	if err != nil {
		return err
	}
	it, err := s.store.Interpreter(ctx, id)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if err := s.store.UpdateInterpreter(ctx, id, interpreterInputOf(f)); err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, err := s.interpreterView(ctx, it, f)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.InterpreterEdit(s.page(c, it.Name), v))
	}
	s.flash(c, "success", "interpreter.saved")
	return redirect(c, "/organizer/interpreters/"+itoa(id))
}

func (s *Server) handleInterpreterAvailability(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := interpreterID(c)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var blocks []int64
	for _, raw := range f.Values["blocks"] {
		b, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || b <= 0 {
			return &expo.Error{Code: expo.CodeInvalid, Message: "interpreter.error.block"}
		}
		blocks = append(blocks, b)
	}
	if err := s.store.SetInterpreterBlocks(ctx, id, blocks); err != nil {
		return err
	}
	s.flash(c, "success", "interpreter.availability.saved")
	return redirect(c, "/organizer/interpreters/"+itoa(id))
}

func (s *Server) handleInterpreterDeleteConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := interpreterID(c)
	if err != nil {
		return err
	}
	it, err := s.store.Interpreter(ctx, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.InterpreterDelete(s.page(c, i18n.T(ctx, "interpreter.delete.question", map[string]any{"Name": it.Name})),
		pages.InterpreterDeleteView{Interpreter: it, Busy: it.Meetings > 0}))
}

func (s *Server) handleInterpreterDelete(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := interpreterID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteInterpreter(ctx, id); err != nil {
		if errors.Is(err, store.ErrInterpreterBusy) {
			it, rerr := s.store.Interpreter(ctx, id)
			if rerr != nil {
				return rerr
			}
			return s.render(c, http.StatusConflict, pages.InterpreterDelete(s.page(c, i18n.T(ctx, "interpreter.delete.question", map[string]any{"Name": it.Name})),
				pages.InterpreterDeleteView{Interpreter: it, Busy: true}))
		}
		return err
	}
	s.flash(c, "success", "interpreter.deleted")
	return redirect(c, "/organizer/interpreters")
}

func (s *Server) handleInterpreting(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	it, ok, err := s.store.InterpreterOfUser(ctx, u.ID)
	if err != nil {
		return err
	}
	if !ok {
		return errNotInterpreter
	}
	// From the start of today (expo time), so today's earlier meetings stay.
	now := time.Now().In(s.loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.loc)
	meetings, err := s.store.InterpreterAgenda(ctx, it.ID, today, 500)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Interpreting(s.page(c, i18n.T(ctx, "interpreting.title")), pages.InterpretingView{Interpreter: it, Meetings: meetings}))
}
