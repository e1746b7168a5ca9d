package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// The organizer's review of exhibitor applications: the queue with filters
// and bulk actions, one application with its decisions, CSV export and
// import.

const reviewPerPage = 50

// reviewFilter reads the queue's filter from URL parameters; an unknown
// value is a 422 naming the parameter, never silently ignored.
func reviewFilter(q url.Values) (store.ReviewFilter, pages.ReviewFilterView, error) {
	var v expo.Validator
	states := make([]string, len(expo.ExhibitorStates))
	for i, s := range expo.ExhibitorStates {
		states[i] = string(s)
	}
	fv := pages.ReviewFilterView{
		State:     v.OneOf("state", q.Get("state"), states, false),
		Country:   v.OneOf("country", q.Get("country"), expo.CountryCodes, false),
		Sector:    v.OneOf("sector", q.Get("sector"), expo.SectorCodes, false),
		BoothWish: v.OneOf("booth_wish", q.Get("booth_wish"), expo.BoothWishes, false),
	}
	if err := v.Err(); err != nil {
		return store.ReviewFilter{}, fv, &expo.Error{Code: expo.CodeInvalid, Message: "error.filter_invalid"}
	}
	page, err := pageNumber(q.Get("page"))
	if err != nil {
		return store.ReviewFilter{}, fv, err
	}
	return store.ReviewFilter{State: expo.ExhibitorState(fv.State), Country: fv.Country, Sector: fv.Sector,
		BoothWish: expo.BoothWish(fv.BoothWish), Page: max(page, 1), PerPage: reviewPerPage}, fv, nil
}

func (s *Server) reviewQueue(c echo.Context, q url.Values) (pages.ReviewQueueView, error) {
	f, fv, err := reviewFilter(q)
	if err != nil {
		return pages.ReviewQueueView{}, err
	}
	res, err := s.store.ReviewQueue(c.Request().Context(), f)
	if err != nil {
		return pages.ReviewQueueView{}, err
	}
	pagesN := int((res.Total + reviewPerPage - 1) / reviewPerPage)
	return pages.ReviewQueueView{Filter: fv, Items: res.Items, Total: res.Total, Counts: res.Counts,
		Page: f.Page, Pages: pagesN, PerPage: reviewPerPage}, nil
}

func (s *Server) renderQueue(c echo.Context, status int, v pages.ReviewQueueView) error {
	return s.render(c, status, pages.ReviewQueue(s.page(c, i18n.T(c.Request().Context(), "review.title")), v))
}

func (s *Server) handleReviewQueue(c echo.Context) error {
	v, err := s.reviewQueue(c, c.QueryParams())
	if err != nil {
		return err
	}
	return s.renderQueue(c, http.StatusOK, v)
}

// handleReviewBulk moves the selected applications and shows the queue
// again with the outcome of every item (see store.BulkTransition for why
// per item).
func (s *Server) handleReviewBulk(c echo.Context) error {
	u, _ := currentUser(c)
	f, err := formOf(c)
	if err != nil {
		return err
	}
	back := url.Values{}
	if b, err := url.Parse(f.Value("back")); err == nil {
		back = b.Query()
	}
	var ids []int64
	for _, raw := range f.Values["id"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return &expo.Error{Code: expo.CodeInvalid, Message: "error.bad_request"}
		}
		ids = append(ids, id)
	}
	var v expo.Validator
	to := v.OneOf("to", f.Value("to"), []string{string(expo.StateApproved), string(expo.StateWaitlisted), string(expo.StateRejected)}, true)
	err = v.Err()
	var results []store.BulkResult
	if err == nil {
		results, err = s.store.BulkTransition(c.Request().Context(), ids, expo.ExhibitorState(to), u, f.Value("reason"))
	}
	view, verr := s.reviewQueue(c, back)
	if verr != nil {
		view, verr = s.reviewQueue(c, url.Values{})
		if verr != nil {
			return verr
		}
	}
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		view.Bulk = f
		return s.renderQueue(c, status, view)
	}
	for _, r := range results {
		line := pages.BulkLine{ID: r.ID, Name: r.Name, OK: r.Err == nil}
		if e, ok := expo.AsError(r.Err); ok {
			line.Message = e.Message
		}
		view.Results = append(view.Results, line)
	}
	return s.renderQueue(c, http.StatusOK, view)
}

func (s *Server) reviewDetail(c echo.Context, id int64, f pages.Form) (pages.ReviewDetailView, error) {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	ex, err := s.store.Application(ctx, id)
	if err != nil {
		return pages.ReviewDetailView{}, err
	}
	hist, err := s.store.ApplicationHistory(ctx, id)
	if err != nil {
		return pages.ReviewDetailView{}, err
	}
	members, err := s.store.Members(ctx, u, id)
	if err != nil {
		return pages.ReviewDetailView{}, err
	}
	hasLogo, err := s.store.HasLogo(ctx, id)
	if err != nil {
		return pages.ReviewDetailView{}, err
	}
	v := pages.ReviewDetailView{Company: ex, History: hist, Members: members, HasLogo: hasLogo,
		Next: expo.NextStates(ex.State, expo.ActorOrganizer), Form: f}
	if ex.State == expo.StateApproved {
		b, ok, err := s.store.BoothOf(ctx, id)
		if err != nil {
			return v, err
		}
		if ok {
			v.Booth = b.Booth.Code
		}
		v.BoothLink = s.boothAssignLink(id)
	}
	return v, nil
}

// boothAssignLink is the booth assignment page of the booths feature for
// an exhibitor, when the route table has one.
func (s *Server) boothAssignLink(id int64) string {
	for _, r := range s.Routes() {
		if r.Method == http.MethodGet && r.Path == "/organizer/exhibitors/:id/booth" {
			return "/organizer/exhibitors/" + strconv.FormatInt(id, 10) + "/booth"
		}
	}
	return ""
}

func idParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, expo.ErrNotFound
	}
	return id, nil
}

func (s *Server) handleReviewDetail(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	v, err := s.reviewDetail(c, id, pages.Form{})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.ReviewDetail(s.page(c, v.Company.NameLatin), v))
}

func (s *Server) handleReviewTransition(c echo.Context) error {
	u, _ := currentUser(c)
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var v expo.Validator
	states := make([]string, len(expo.ExhibitorStates))
	for i, st := range expo.ExhibitorStates {
		states[i] = string(st)
	}
	to := v.OneOf("to", f.Value("to"), states, true)
	err = v.Err()
	if err == nil {
		_, err = s.store.Transition(c.Request().Context(), id, expo.ExhibitorState(to), u, f.Value("reason"))
	}
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		view, err := s.reviewDetail(c, id, f)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.ReviewDetail(s.page(c, view.Company.NameLatin), view))
	}
	s.flash(c, "success", "review.moved."+to)
	return redirect(c, "/organizer/exhibitors/"+strconv.FormatInt(id, 10))
}

// handleReviewInvite makes the owner invitation link of a company that has
// no account yet and shows it once on the review page.
func (s *Server) handleReviewInvite(c echo.Context) error {
	u, _ := currentUser(c)
	id, err := idParam(c)
	if err != nil {
		return err
	}
	secret, expires, err := s.store.CreateOwnerInvite(c.Request().Context(), u.ID, id)
	if err != nil {
		return err
	}
	v, err := s.reviewDetail(c, id, pages.Form{})
	if err != nil {
		return err
	}
	v.NewLink, v.NewLinkExpires = s.absoluteURL(c, "/invite/"+secret), expires
	return s.render(c, http.StatusOK, pages.ReviewDetail(s.page(c, v.Company.NameLatin), v))
}

func (s *Server) handleReviewExport(c echo.Context) error {
	var buf bytes.Buffer
	if err := s.store.ExportApplications(c.Request().Context(), &buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="exhibitors-`+time.Now().In(s.loc).Format("2006-01-02")+`.csv"`)
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// importRegistry keeps dry runs and running imports in memory, keyed by a
// random id and tied to the organizer who made them. It is per process:
// behind a load balancer the progress page must reach the same instance
// (sticky sessions), which the README says.
func newImportRegistry() *importRegistry {
	return &importRegistry{entries: map[string]*importEntry{}}
}

// importTTL is how long a dry run waits for its import, and how long a
// finished import's report stays.
const importTTL = time.Hour

type importRegistry struct {
	mu      sync.Mutex
	entries map[string]*importEntry
}

type importEntry struct {
	owner   int64
	rows    []store.ImportRow
	created time.Time
	started bool
	job     pages.ImportJobView
}

func (r *importRegistry) add(owner int64, rows []store.ImportRow) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b)
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, e := range r.entries {
		if time.Since(e.created) > importTTL && e.job.Status != "running" {
			delete(r.entries, k)
		}
	}
	r.entries[id] = &importEntry{owner: owner, rows: rows, created: time.Now(), job: pages.ImportJobView{ID: id, Total: len(rows)}}
	return id, nil
}

// start marks a dry run as started and hands its rows over, once.
func (r *importRegistry) start(id string, owner int64) ([]store.ImportRow, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[id]
	if !ok || e.owner != owner || e.started {
		return nil, false
	}
	e.started = true
	e.job.Status = "running"
	rows := e.rows
	e.rows = nil
	return rows, true
}

func (r *importRegistry) update(id string, f func(j *pages.ImportJobView)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.entries[id]; ok {
		f(&e.job)
	}
}

func (r *importRegistry) job(id string, owner int64) (pages.ImportJobView, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[id]
	if !ok || e.owner != owner || !e.started {
		return pages.ImportJobView{}, false
	}
	return e.job, true
}

func (s *Server) renderImport(c echo.Context, status int, v pages.ImportView) error {
	return s.render(c, status, pages.ImportPage(s.page(c, i18n.T(c.Request().Context(), "import.title")), v))
}

func (s *Server) handleImportForm(c echo.Context) error {
	return s.renderImport(c, http.StatusOK, pages.ImportView{})
}

// handleImportCheck is the dry run: it reads the uploaded file, reports
// every problem, and keeps a clean file's rows for the import.
func (s *Server) handleImportCheck(c echo.Context) error {
	u, _ := currentUser(c)
	data, err := uploadedFile(c, "file", 16<<20)
	if err != nil {
		var f pages.Form
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return s.renderImport(c, uploadStatus(status, f, "file"), pages.ImportView{Form: f})
	}
	chk, err := s.store.CheckImport(c.Request().Context(), bytes.NewReader(data))
	if err != nil {
		return err
	}
	v := pages.ImportView{Rows: len(chk.Rows)}
	if !chk.OK() {
		for _, p := range chk.Problems {
			v.Problems = append(v.Problems, pages.ImportProblemLine{Line: p.Line, Column: p.Column, Message: p.Message, Data: p.Data})
		}
		v.Form.Message = "import.not_imported"
		return s.renderImport(c, http.StatusUnprocessableEntity, v)
	}
	if v.CheckID, err = s.imports.add(u.ID, chk.Rows); err != nil {
		return err
	}
	v.Form = pages.Form{Values: map[string][]string{"state": {string(expo.StateSubmitted)}}}
	return s.renderImport(c, http.StatusOK, v)
}

// handleImportRun starts the import of a clean dry run in the background
// and sends the organizer to its progress page.
func (s *Server) handleImportRun(c echo.Context) error {
	u, _ := currentUser(c)
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var v expo.Validator
	state := v.OneOf("state", f.Value("state"), []string{string(expo.StateSubmitted), string(expo.StateApproved)}, true)
	if err := v.Err(); err != nil {
		return err
	}
	id := c.Param("id")
	rows, ok := s.imports.start(id, u.ID)
	if !ok {
		return expo.Errorf(expo.CodeNotFound, "error.import_gone")
	}
	go func() {
		// The import outlives the request; it gets its own deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		err := s.store.ImportApplications(ctx, rows, expo.ExhibitorState(state), u, func(done, total int) {
			s.imports.update(id, func(j *pages.ImportJobView) { j.Done, j.Total = done, total })
		})
		s.imports.update(id, func(j *pages.ImportJobView) {
			if err == nil {
				j.Status = "done"
				j.Done = j.Total
				return
			}
			j.Status = "failed"
			j.Message = "error.import_failed"
			if e, ok := expo.AsError(err); ok {
				j.Message = e.Message
			} else {
				s.log.Error("import exhibitors", "err", err)
			}
		})
	}()
	return redirect(c, "/organizer/exhibitors/import/"+id)
}

func (s *Server) handleImportProgress(c echo.Context) error {
	u, _ := currentUser(c)
	job, ok := s.imports.job(c.Param("id"), u.ID)
	if !ok {
		return expo.Errorf(expo.CodeNotFound, "error.import_gone")
	}
	if wantsFragment(c, "import-progress") {
		return s.render(c, http.StatusOK, pages.ImportProgress(job))
	}
	return s.renderImport(c, http.StatusOK, pages.ImportView{Job: &job})
}
