package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// The organizer's halls and booths: the hall list, the layout editor of a
// hall, a booth's page and booth assignment.

const (
	boothsPerPage   = 60
	waitingShown    = 50
	freeBoothsShown = 120
)

// pathID reads a numeric path parameter; anything else is a 404.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, expo.ErrNotFound
	}
	return id, nil
}

// intField reads a whole-number form field; a non-number fails the field
// and gives -1, which every range check rejects as well.
func intField(v *expo.Validator, f pages.Form, name string) int {
	s := strings.TrimSpace(f.Value(name))
	if s == "" {
		v.Fail(name, "error.required")
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < -1_000_000 || n > 1_000_000 {
		v.Fail(name, "error.grid_number")
		return -1
	}
	return n
}

func candidateLine(b store.BoothCandidate) pages.BoothCandidateLine {
	return pages.BoothCandidateLine{ID: b.ID, Slug: b.Slug, Name: b.Name, NameLatin: b.NameLatin, Country: b.Country, BoothWish: b.BoothWish, RawSpaceM2: b.RawSpaceM2}
}

func (s *Server) hallsView(c echo.Context, f pages.Form) (pages.HallsView, error) {
	ctx := c.Request().Context()
	v := pages.HallsView{Form: f}
	var err error
	if v.Halls, err = s.store.HallPlans(ctx); err != nil {
		return v, err
	}
	waiting, total, err := s.store.ExhibitorsWithoutBooth(ctx, nil, waitingShown)
	if err != nil {
		return v, err
	}
	for _, w := range waiting {
		v.Waiting = append(v.Waiting, candidateLine(w))
	}
	v.WaitingTotal = total
	return v, nil
}

func (s *Server) handleHalls(c echo.Context) error {
	v, err := s.hallsView(c, pages.Form{Values: map[string][]string{"grid_w": {"60"}, "grid_h": {"40"}}})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Halls(s.page(c, i18n.T(c.Request().Context(), "halls.title")), v))
}

func hallInputOf(f pages.Form) (expo.HallInput, error) {
	var v expo.Validator
	in := expo.HallInput{Code: f.Value("code"), Name: f.Value("name"), Width: intField(&v, f, "grid_w"), Height: intField(&v, f, "grid_h")}
	if _, err := in.Validate(); err != nil {
		// Report every field at once: the number errors and the rest.
		e, _ := expo.AsError(err)
		for k, id := range e.Fields {
			v.Fail(k, id)
		}
	}
	return in, v.Err()
}

func (s *Server) handleHallCreate(c echo.Context) error {
	f, err := formOf(c)
	if err != nil {
		return err
	}
	in, err := hallInputOf(f)
	var hall expo.HallPlan
	if err == nil {
		hall, err = s.store.CreateHall(c.Request().Context(), in)
	}
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, err := s.hallsView(c, f)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.Halls(s.page(c, i18n.T(c.Request().Context(), "halls.title")), v))
	}
	s.flash(c, "success", "halls.created")
	return redirect(c, "/organizer/halls/"+strconv.FormatInt(hall.ID, 10))
}

func hallForm(h expo.HallPlan) pages.Form {
	return pages.Form{Values: map[string][]string{"name": {h.Name}, "grid_w": {strconv.Itoa(h.Width)}, "grid_h": {strconv.Itoa(h.Height)}}}
}

// hallEditView loads the editor of hall id with its forms at their
// defaults; the caller replaces the form that was just submitted.
func (s *Server) hallEditView(c echo.Context, id int64) (pages.HallEditView, error) {
	ctx := c.Request().Context()
	var v pages.HallEditView
	hall, err := s.store.HallPlan(ctx, id)
	if err != nil {
		return v, err
	}
	booths, err := s.store.PlanBooths(ctx, id)
	if err != nil {
		return v, err
	}
	v.Hall = hall
	v.Plan = expo.BuildPlan(hall, booths, "", "", nil)
	// On the editor every booth opens its own page.
	for i := range v.Plan.Shapes {
		v.Plan.Shapes[i].Href = "/organizer/booths/" + strconv.FormatInt(v.Plan.Shapes[i].Holder.ID, 10)
	}
	page, err := pageNumber(c.QueryParam("page"))
	if err != nil {
		return v, err
	}
	pagesN := max(1, (len(booths)+boothsPerPage-1)/boothsPerPage)
	page = min(page, pagesN) // a page past the end shows the last one
	for _, b := range booths[min((page-1)*boothsPerPage, len(booths)):min(page*boothsPerPage, len(booths))] {
		v.Booths = append(v.Booths, pages.BoothLine{Booth: b.Booth, HolderName: b.Name, HolderSlug: b.Slug})
	}
	base := "/organizer/halls/" + strconv.FormatInt(id, 10)
	v.Pager = pages.NewPager(page, pagesN, func(n int) string { return base + "?page=" + strconv.Itoa(n) + "#booths" })
	v.HallForm = hallForm(hall)
	next := nextBoothNumber(booths)
	// Suggest the free strip below the booths for the next row.
	top := 0
	for _, b := range booths {
		top = max(top, b.Y+b.H+3)
	}
	if top+3 > hall.Height {
		top = 0
	}
	v.RowForm = pages.Form{Values: map[string][]string{"from": {strconv.Itoa(next)}, "count": {"10"}, "kind": {"standard"},
		"x": {"0"}, "y": {strconv.Itoa(top)}, "w": {"3"}, "h": {"3"}, "direction": {"right"}}}
	v.BoothForm = pages.Form{Values: map[string][]string{"code": {hall.Code + "-" + strconv.Itoa(next)}, "kind": {"standard"},
		"x": {"0"}, "y": {strconv.Itoa(top)}, "w": {"3"}, "h": {"3"}}}
	return v, nil
}

// nextBoothNumber suggests the number after the hall's highest one.
func nextBoothNumber(booths []expo.PlanBooth) int {
	next := 101
	for _, b := range booths {
		if n, err := strconv.Atoi(expo.BoothNumber(b.Code)); err == nil && n >= next {
			next = n + 1
		}
	}
	return next
}

func (s *Server) renderHallEdit(c echo.Context, status int, v pages.HallEditView) error {
	return s.render(c, status, pages.HallEdit(s.page(c, v.Hall.Name), v))
}

func (s *Server) handleHallEdit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.hallEditView(c, id)
	if err != nil {
		return err
	}
	return s.renderHallEdit(c, http.StatusOK, v)
}

// hallFormFailed re-renders the editor with a submitted form and its
// errors, or returns err when it is not about the input.
func (s *Server) hallFormFailed(c echo.Context, id int64, f pages.Form, err error, put func(*pages.HallEditView, pages.Form)) error {
	status, err := formError(&f, err)
	if err != nil {
		return err
	}
	v, err := s.hallEditView(c, id)
	if err != nil {
		return err
	}
	put(&v, f)
	return s.renderHallEdit(c, status, v)
}

func (s *Server) handleHallUpdate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	in, err := hallInputOf(withValue(f, "code", "X"))
	if err == nil {
		_, err = s.store.UpdateHall(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.hallFormFailed(c, id, f, err, func(v *pages.HallEditView, f pages.Form) { v.HallForm = f })
	}
	s.flash(c, "success", "halls.saved")
	return redirect(c, "/organizer/halls/"+strconv.FormatInt(id, 10))
}

// withValue is f with one more value, e.g. a field the form does not show.
func withValue(f pages.Form, name, value string) pages.Form {
	vals := map[string][]string{}
	for k, v := range f.Values {
		vals[k] = v
	}
	vals[name] = []string{value}
	return pages.Form{Values: vals}
}

func (s *Server) handleHallDelete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteHall(c.Request().Context(), id); err != nil {
		return err
	}
	s.flash(c, "success", "halls.deleted")
	return redirect(c, "/organizer/halls")
}

func boothInputOf(v *expo.Validator, f pages.Form) expo.BoothInput {
	return expo.BoothInput{Code: f.Value("code"), Kind: expo.BoothWish(f.Value("kind")),
		X: intField(v, f, "x"), Y: intField(v, f, "y"), W: intField(v, f, "w"), H: intField(v, f, "h")}
}

func (s *Server) handleBoothCreate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var v expo.Validator
	in := boothInputOf(&v, f)
	var b expo.Booth
	if err = v.Err(); err == nil {
		b, err = s.store.CreateBooth(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.hallFormFailed(c, id, f, err, func(v *pages.HallEditView, f pages.Form) { v.BoothForm = f })
	}
	s.flash(c, "success", "booths.created")
	_ = b
	return redirect(c, "/organizer/halls/"+strconv.FormatInt(id, 10))
}

func (s *Server) handleBoothRow(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var v expo.Validator
	row := expo.BoothRow{From: intField(&v, f, "from"), Count: intField(&v, f, "count"), Kind: expo.BoothWish(f.Value("kind")),
		X: intField(&v, f, "x"), Y: intField(&v, f, "y"), W: intField(&v, f, "w"), H: intField(&v, f, "h")}
	switch f.Value("direction") {
	case "right", "":
	case "down":
		row.Vertical = true
	default:
		v.Fail("direction", "error.choice_invalid")
	}
	if err = v.Err(); err == nil {
		_, err = s.store.LayoutRow(c.Request().Context(), id, row)
	}
	if err != nil {
		return s.hallFormFailed(c, id, f, err, func(v *pages.HallEditView, f pages.Form) { v.RowForm = f })
	}
	s.flash(c, "success", "booths.row.created")
	return redirect(c, "/organizer/halls/"+strconv.FormatInt(id, 10))
}

func boothForm(b expo.Booth) pages.Form {
	return pages.Form{Values: map[string][]string{"code": {b.Code}, "kind": {string(b.Kind)},
		"x": {strconv.Itoa(b.X)}, "y": {strconv.Itoa(b.Y)}, "w": {strconv.Itoa(b.W)}, "h": {strconv.Itoa(b.H)}}}
}

func (s *Server) boothEditView(c echo.Context, id int64) (pages.BoothEditView, error) {
	ctx := c.Request().Context()
	var v pages.BoothEditView
	b, err := s.store.Booth(ctx, id)
	if err != nil {
		return v, err
	}
	if v.Hall, err = s.store.HallPlan(ctx, b.HallID); err != nil {
		return v, err
	}
	v.Booth, v.Form = b, boothForm(b)
	if b.ExhibitorID != nil {
		h, err := s.store.BoothCandidate(ctx, *b.ExhibitorID)
		if err != nil {
			return v, err
		}
		line := candidateLine(h)
		v.Holder = &line
		return v, nil
	}
	waiting, _, err := s.store.ExhibitorsWithoutBooth(ctx, &b, waitingShown)
	if err != nil {
		return v, err
	}
	for _, w := range waiting {
		v.Waiting = append(v.Waiting, candidateLine(w))
	}
	return v, nil
}

func (s *Server) renderBoothEdit(c echo.Context, status int, v pages.BoothEditView) error {
	title := i18n.T(c.Request().Context(), "booths.booth", map[string]any{"Booth": v.Booth.Code})
	return s.render(c, status, pages.BoothEdit(s.page(c, title), v))
}

func (s *Server) handleBoothEdit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.boothEditView(c, id)
	if err != nil {
		return err
	}
	return s.renderBoothEdit(c, http.StatusOK, v)
}

func (s *Server) handleBoothUpdate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var val expo.Validator
	in := boothInputOf(&val, f)
	if err = val.Err(); err == nil {
		_, err = s.store.UpdateBooth(c.Request().Context(), id, in)
	}
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, err := s.boothEditView(c, id)
		if err != nil {
			return err
		}
		v.Form = f
		return s.renderBoothEdit(c, status, v)
	}
	s.flash(c, "success", "booths.saved")
	return redirect(c, "/organizer/booths/"+strconv.FormatInt(id, 10))
}

func (s *Server) handleBoothDelete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	b, err := s.store.Booth(ctx, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteBooth(ctx, id); err != nil {
		return err
	}
	s.flash(c, "success", "booths.deleted")
	return redirect(c, "/organizer/halls/"+strconv.FormatInt(b.HallID, 10))
}

func (s *Server) handleBoothUnassign(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.UnassignBooth(c.Request().Context(), id); err != nil {
		return err
	}
	s.flash(c, "success", "booths.unassigned")
	return redirect(c, "/organizer/booths/"+strconv.FormatInt(id, 10))
}

// assignFailed says why an assignment did not happen on the page it was
// made from (409), or returns err when it is something else.
func assignFailed(err error) (string, error) {
	if e, ok := expo.AsError(err); ok && (e.Code == expo.CodeConflict || e.Code == expo.CodeNotFound) {
		if e.Code == expo.CodeNotFound {
			return "error.assign_gone", nil
		}
		return e.Message, nil
	}
	return "", err
}

func formID(f pages.Form, name string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimSpace(f.Value(name)), 10, 64)
	return id, err == nil && id > 0
}

func (s *Server) handleBoothAssign(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	exID, ok := formID(f, "exhibitor_id")
	if !ok {
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.assign_choose"}
	}
	if err := s.store.AssignBooth(c.Request().Context(), id, exID); err != nil {
		msg, err := assignFailed(err)
		if err != nil {
			return err
		}
		v, err := s.boothEditView(c, id)
		if err != nil {
			return err
		}
		v.AssignErr = msg
		return s.renderBoothEdit(c, http.StatusConflict, v)
	}
	s.flash(c, "success", "booths.assigned")
	return redirect(c, "/organizer/booths/"+strconv.FormatInt(id, 10))
}

// assignView is the page that gives exhibitor id a booth.
func (s *Server) assignView(c echo.Context, id int64) (pages.BoothAssignView, error) {
	ctx := c.Request().Context()
	v := pages.BoothAssignView{Limit: freeBoothsShown}
	ex, err := s.store.BoothCandidate(ctx, id)
	if err != nil {
		return v, err
	}
	v.Exhibitor, v.State = candidateLine(ex), ex.State
	if v.Halls, err = s.store.HallPlans(ctx); err != nil {
		return v, err
	}
	for _, h := range v.Halls {
		if h.Code == strings.ToUpper(c.QueryParam("hall")) {
			v.Hall = h.Code
		}
	}
	cur, ok, err := s.store.BoothOf(ctx, id)
	if err != nil {
		return v, err
	}
	if ok {
		v.Current = &pages.BoothChoice{ID: cur.ID, Code: cur.Code, HallCode: cur.HallCode, HallName: cur.HallName, Kind: cur.Kind, SizeM2: cur.SizeM2}
	}
	free, err := s.store.FreeBoothsFitting(ctx, ex.BoothWish, ex.RawSpaceM2, v.Hall, freeBoothsShown)
	if err != nil {
		return v, err
	}
	for _, b := range free {
		v.Free = append(v.Free, pages.BoothChoice{ID: b.ID, Code: b.Code, HallCode: b.HallCode, HallName: b.HallName, Kind: b.Kind, SizeM2: b.SizeM2})
	}
	return v, nil
}

func (s *Server) renderAssign(c echo.Context, status int, v pages.BoothAssignView) error {
	title := i18n.T(c.Request().Context(), "assign.title", map[string]any{"Company": v.Exhibitor.Name})
	return s.render(c, status, pages.BoothAssign(s.page(c, title), v))
}

func (s *Server) handleExhibitorBooth(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.assignView(c, id)
	if err != nil {
		return err
	}
	return s.renderAssign(c, http.StatusOK, v)
}

func (s *Server) handleExhibitorBoothAssign(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	boothID, ok := formID(f, "booth_id")
	if !ok {
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.assign_choose"}
	}
	if err := s.store.AssignBooth(c.Request().Context(), boothID, id); err != nil {
		msg, err := assignFailed(err)
		if err != nil {
			return err
		}
		v, err := s.assignView(c, id)
		if err != nil {
			return err
		}
		v.AssignErr = msg
		return s.renderAssign(c, http.StatusConflict, v)
	}
	s.flash(c, "success", "booths.assigned")
	return redirect(c, "/organizer/exhibitors/"+strconv.FormatInt(id, 10)+"/booth")
}
