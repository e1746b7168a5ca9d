package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// Meeting wishes (attendees and exhibitors) and the organizer's
// auto-scheduler: run → preview → commit.

// schedulePreviews keeps scheduler runs in memory, keyed by a random id and
// tied to the organizer who ran them, for previewTTL. Per process, like the
// CSV import registry: behind a load balancer the preview must reach the
// same instance (sticky sessions). The zero value is ready to use.
type schedulePreviews struct {
	mu sync.Mutex
	m  map[string]*schedulePreview
}

const (
	previewTTL       = 30 * time.Minute
	previewsPerOwner = 3
)

type schedulePreview struct {
	owner   int64
	created time.Time
	data    store.SchedulerData
	res     expo.SchedResult
	bound   int
	// result is set once committed; a second commit shows it again.
	result *store.CommitResult
	busy   bool
}

func (r *schedulePreviews) add(owner int64, p *schedulePreview) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]*schedulePreview{}
	}
	// Drop expired runs, and keep only the owner's latest few.
	var mine []string
	for k, e := range r.m {
		if time.Since(e.created) > previewTTL && !e.busy {
			delete(r.m, k)
		} else if e.owner == owner && !e.busy {
			mine = append(mine, k)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return r.m[mine[i]].created.Before(r.m[mine[j]].created) })
	for len(mine) >= previewsPerOwner {
		delete(r.m, mine[0])
		mine = mine[1:]
	}
	p.owner, p.created = owner, time.Now()
	r.m[id] = p
	return id, nil
}

func (r *schedulePreviews) get(id string, owner int64) (*schedulePreview, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.m[id]
	if !ok || p.owner != owner || time.Since(p.created) > previewTTL {
		return nil, false
	}
	return p, true
}

func (s *Server) renderScheduler(c echo.Context, status int, v pages.SchedulerView) error {
	return s.render(c, status, pages.SchedulerPage(s.page(c, i18n.T(c.Request().Context(), "scheduler.title")), v))
}

func (s *Server) handleScheduler(c echo.Context) error {
	return s.renderScheduler(c, http.StatusOK, pages.SchedulerView{})
}

// handleSchedulerRun computes a schedule on demand and redirects to its
// preview. It is a GET: it changes no data (the preview lives in memory
// until a confirmed commit), so a reload of the preview does not recompute.
func (s *Server) handleSchedulerRun(c echo.Context) error {
	u, _ := currentUser(c)
	data, err := s.store.SchedulerInput(c.Request().Context())
	if err != nil {
		return err
	}
	p := &schedulePreview{data: data, res: expo.ScheduleWishes(data.Input), bound: expo.SchedUpperBound(data.Input)}
	id, err := s.previews.add(u.ID, p)
	if err != nil {
		return err
	}
	return redirect(c, "/organizer/matchmaking/scheduler/"+id)
}

const schedulerPageSize = 50

func (s *Server) previewOf(c echo.Context) (*schedulePreview, string, error) {
	u, _ := currentUser(c)
	id := c.Param("id")
	p, ok := s.previews.get(id, u.ID)
	if !ok {
		return nil, id, expo.Errorf(expo.CodeNotFound, "scheduler.error.expired")
	}
	return p, id, nil
}

func (s *Server) handleSchedulerPreview(c echo.Context) error {
	p, id, err := s.previewOf(c)
	if err != nil {
		return err
	}
	page, err := pageNumber(c.QueryParam("page"))
	if err != nil {
		return err
	}
	return s.renderScheduler(c, http.StatusOK, s.previewView(p, id, max(page, 1), pages.Form{}))
}

func (s *Server) previewView(p *schedulePreview, id string, page int, f pages.Form) pages.SchedulerView {
	v := pages.SchedulerView{ID: id, Wishes: len(p.res.Placed) + len(p.res.Unplaced), Placed: len(p.res.Placed),
		Unplaced: len(p.res.Unplaced), Bound: p.bound, Weight: p.res.Weight, Form: f}
	days := map[time.Time]int{}
	for _, pl := range p.res.Placed {
		t := p.data.SlotTime[pl.Slot].In(s.loc)
		days[time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc)]++
	}
	for d, n := range days {
		v.Days = append(v.Days, pages.SchedDay{Day: d, Count: n})
	}
	sort.Slice(v.Days, func(i, j int) bool { return v.Days[i].Day.Before(v.Days[j].Day) })
	pagesN := (len(p.res.Unplaced) + schedulerPageSize - 1) / schedulerPageSize
	page = min(page, max(pagesN, 1))
	from := (page - 1) * schedulerPageSize
	for _, un := range p.res.Unplaced[from:min(from+schedulerPageSize, len(p.res.Unplaced))] {
		w := p.data.Wishes[un.Wish]
		v.Rows = append(v.Rows, pages.SchedRow{Attendee: w.AttendeeName, Exhibitor: w.ExhibitorName, Slug: w.ExhibitorSlug, Reason: un.Reason, Data: un.Data})
	}
	v.Pager = pages.NewPager(page, pagesN, func(n int) string {
		return "/organizer/matchmaking/scheduler/" + id + "?" + url.Values{"page": {strconv.Itoa(n)}}.Encode()
	})
	if p.result != nil {
		v.Result = &pages.SchedResultView{Committed: p.result.Committed}
		for _, sk := range p.result.Skipped {
			v.Result.Skipped = append(v.Result.Skipped, pages.SchedRow{Attendee: sk.AttendeeName, Exhibitor: sk.ExhibitorName, Reason: sk.Reason, Data: sk.Data})
		}
	}
	return v
}

// handleSchedulerCommit books the previewed meetings, once, after an
// explicit confirmation.
func (s *Server) handleSchedulerCommit(c echo.Context) error {
	p, id, err := s.previewOf(c)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if f.Value("confirm") != "yes" {
		f.Errors = map[string]string{"confirm": "scheduler.error.confirm"}
		return s.renderScheduler(c, http.StatusUnprocessableEntity, s.previewView(p, id, 1, f))
	}
	s.previews.mu.Lock()
	if p.result != nil || p.busy {
		s.previews.mu.Unlock()
		return redirect(c, "/organizer/matchmaking/scheduler/"+id)
	}
	p.busy = true
	s.previews.mu.Unlock()

	plan := make([]store.PlannedMeeting, 0, len(p.res.Placed))
	for _, pl := range p.res.Placed {
		w := p.data.Wishes[pl.Wish]
		plan = append(plan, store.PlannedMeeting{AttendeeID: w.AttendeeID, ExhibitorID: w.ExhibitorID, SlotID: pl.Slot,
			Language: w.Language, AttendeeName: w.AttendeeName, ExhibitorName: w.ExhibitorName})
	}
	u, _ := currentUser(c)
	res, err := s.store.CommitSchedule(c.Request().Context(), u.ID, plan)
	s.previews.mu.Lock()
	p.busy = false
	if err == nil {
		p.result = &res
	}
	s.previews.mu.Unlock()
	if err != nil {
		return err
	}
	s.flash(c, "success", "scheduler.committed")
	return redirect(c, "/organizer/matchmaking/scheduler/"+id)
}

// --- wishes ---

func (s *Server) renderWish(c echo.Context, status int, v pages.WishView) error {
	return s.render(c, status, pages.WishPage(s.page(c, i18n.T(c.Request().Context(), "wish.title", map[string]any{"Name": v.Name})), v))
}

func (s *Server) wishTarget(c echo.Context) (expo.ExhibitorProfile, error) {
	slug := c.Param("slug")
	if !validSlug(slug) {
		return expo.ExhibitorProfile{}, expo.ErrNotFound
	}
	return s.store.DirectoryProfile(c.Request().Context(), slug)
}

func (s *Server) handleWishForm(c echo.Context) error {
	prof, err := s.wishTarget(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	w, err := s.store.WishOf(c.Request().Context(), u.ID, prof.ID, expo.SideAttendee)
	if err != nil {
		return err
	}
	return s.renderWish(c, http.StatusOK, pages.WishView{Slug: prof.Slug, Name: prof.Name, Weight: w})
}

func parseWeight(f *pages.Form, allowZero bool) (int, bool) {
	w, err := strconv.Atoi(f.Value("weight"))
	if err != nil || w > 3 || w < 0 || (w == 0 && !allowZero) {
		f.Errors = map[string]string{"weight": "wish.error.weight"}
		return 0, false
	}
	return w, true
}

// handleWishSet records an attendee's wish for the exhibitor of the page
// (weight 0 removes it). The attendee is always the session's user.
func (s *Server) handleWishSet(c echo.Context) error {
	prof, err := s.wishTarget(c)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	ctx := c.Request().Context()
	w, ok := parseWeight(&f, true)
	if !ok {
		return s.renderWish(c, http.StatusUnprocessableEntity, pages.WishView{Slug: prof.Slug, Name: prof.Name, Form: f})
	}
	if w == 0 {
		err = s.store.RemoveWish(ctx, u.ID, prof.ID, expo.SideAttendee)
	} else {
		err = s.store.SetWish(ctx, u.ID, prof.ID, expo.SideAttendee, w)
	}
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return s.renderWish(c, status, pages.WishView{Slug: prof.Slug, Name: prof.Name, Form: f})
	}
	s.flash(c, "success", "wish.saved")
	return redirect(c, "/my/wishes")
}

// wishSide is the side the session's user wishes from, and the id it
// wishes with (its own user id, or its company's id).
func wishSide(u expo.User) (expo.Side, int64, error) {
	switch {
	case u.Role == expo.RoleAttendee:
		return expo.SideAttendee, u.ID, nil
	case u.Role == expo.RoleExhibitor && u.ExhibitorID != nil:
		return expo.SideExhibitor, *u.ExhibitorID, nil
	}
	return "", 0, expo.ErrForbidden
}

func (s *Server) myWishesView(c echo.Context, f pages.Form) (pages.MyWishesView, error) {
	u, _ := currentUser(c)
	side, id, err := wishSide(u)
	if err != nil {
		return pages.MyWishesView{}, err
	}
	ctx := c.Request().Context()
	ws, err := s.store.WishesOf(ctx, side, id)
	if err != nil {
		return pages.MyWishesView{}, err
	}
	// The attendee search is a keyword search like the directory's: a
	// bounded line of text, so no query can make the database's LIKE fail.
	var qv expo.Validator
	q := qv.Line("q", c.QueryParam("q"), false, expo.MaxKeywordLen)
	if err := qv.Err(); err != nil {
		e, _ := expo.AsError(err)
		return pages.MyWishesView{}, &expo.Error{Code: expo.CodeInvalid, Message: e.Fields["q"]}
	}
	v := pages.MyWishesView{Exhibitor: side == expo.SideExhibitor, Query: q, Form: f}
	for _, w := range ws {
		it := pages.WishItem{Weight: w.Weight, Other: w.ExhibitorID}
		if v.Exhibitor {
			it.Name, it.Detail, it.Other = w.AttendeeName, w.AttendeeOrg, w.AttendeeID
		} else {
			it.Name, it.Link = w.ExhibitorName, "/exhibitors/"+w.ExhibitorSlug
		}
		v.Items = append(v.Items, it)
	}
	if v.Exhibitor && v.Query != "" {
		found, err := s.store.FindAttendees(ctx, v.Query, 20)
		if err != nil {
			return v, err
		}
		for _, a := range found {
			v.Found = append(v.Found, pages.WishCandidate{ID: a.ID, Name: a.Name, Email: a.Email, Org: a.Organization})
		}
		v.Searched = true
	}
	return v, nil
}

func (s *Server) renderMyWishes(c echo.Context, status int, v pages.MyWishesView) error {
	return s.render(c, status, pages.MyWishesPage(s.page(c, i18n.T(c.Request().Context(), "wishes.title")), v))
}

func (s *Server) handleMyWishes(c echo.Context) error {
	v, err := s.myWishesView(c, pages.Form{})
	if err != nil {
		return err
	}
	return s.renderMyWishes(c, http.StatusOK, v)
}

// handleWishAdd: an exhibitor's representative wishes to meet an attendee.
func (s *Server) handleWishAdd(c echo.Context) error {
	u, _ := currentUser(c)
	side, exID, err := wishSide(u)
	if err != nil {
		return err
	}
	if side != expo.SideExhibitor {
		return expo.ErrForbidden
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	fail := func(status int) error {
		v, err := s.myWishesView(c, f)
		if err != nil {
			return err
		}
		return s.renderMyWishes(c, status, v)
	}
	attendee, err := strconv.ParseInt(f.Value("attendee_id"), 10, 64)
	if err != nil || attendee <= 0 {
		f.Errors = map[string]string{"attendee_id": "wish.error.attendee"}
		return fail(http.StatusUnprocessableEntity)
	}
	w, ok := parseWeight(&f, false)
	if !ok {
		return fail(http.StatusUnprocessableEntity)
	}
	if err := s.store.SetWish(c.Request().Context(), attendee, exID, expo.SideExhibitor, w); err != nil {
		if expo.ErrorCode(err) == expo.CodeNotFound {
			f.Errors = map[string]string{"attendee_id": "wish.error.attendee"}
			return fail(http.StatusUnprocessableEntity)
		}
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return fail(status)
	}
	s.flash(c, "success", "wish.saved")
	return redirect(c, "/my/wishes")
}

// handleWishRemove removes one of the user's own side's wishes.
func (s *Server) handleWishRemove(c echo.Context) error {
	u, _ := currentUser(c)
	side, id, err := wishSide(u)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	other, err := strconv.ParseInt(f.Value("other"), 10, 64)
	if err != nil || other <= 0 {
		return expo.Errorf(expo.CodeInvalid, "wish.error.attendee")
	}
	att, ex := id, other
	if side == expo.SideExhibitor {
		att, ex = other, id
	}
	if err := s.store.RemoveWish(c.Request().Context(), att, ex, side); err != nil {
		return err
	}
	s.flash(c, "success", "wish.removed")
	return redirect(c, "/my/wishes")
}
