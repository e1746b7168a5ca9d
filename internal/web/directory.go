package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/web/i18n"
	"expo/web/pages"
)

// The public side of exhibitor registration: the directory, profiles, the
// floor plan and the directory API.

// apiPerPage is the API's page size unless per_page says otherwise.
const apiPerPage = 20

// directoryView runs a directory search from the request's query string.
// A bad parameter comes back as the form's field errors with status 422;
// the results are then those of the default search, so the page stays
// useful.
func (s *Server) directoryView(c echo.Context) (pages.DirectoryView, int, error) {
	ctx := c.Request().Context()
	v := pages.DirectoryView{Form: pages.Form{Values: c.QueryParams()}}
	status := http.StatusOK
	q, err := expo.ParseDirectoryQuery(c.QueryParam, expo.DirectoryPerPage)
	if err != nil {
		if status, err = formError(&v.Form, err); err != nil {
			return v, 0, err
		}
		q = expo.DirectoryQuery{Page: 1, PerPage: expo.DirectoryPerPage, Sort: expo.DirectorySorts[0]}
	}
	if v.Result, err = s.directory(ctx, q); err != nil {
		return v, 0, err
	}
	countries, err := s.directoryCountries(ctx)
	if err != nil {
		return v, 0, err
	}
	for _, o := range pages.CountryOptions(ctx) {
		if n := countries[o.Value]; n > 0 {
			v.Countries = append(v.Countries, pages.Option{Value: o.Value, Label: o.Label + " (" + strconv.Itoa(n) + ")"})
		}
	}
	halls, err := s.hallPlans(ctx)
	if err != nil {
		return v, 0, err
	}
	for _, h := range halls {
		v.Halls = append(v.Halls, pages.Option{Value: h.Code, Label: h.Code + " · " + h.Name})
	}
	v.Pager = pages.NewPager(q.Page, q.Pages(v.Result.Total), func(n int) string { return pages.DirectoryURL(q, n) })
	return v, status, nil
}

func (s *Server) handleDirectory(c echo.Context) error {
	v, status, err := s.directoryView(c)
	if err != nil {
		return err
	}
	if wantsFragment(c, "directory-results") {
		return s.render(c, status, pages.DirectoryResults(v))
	}
	return s.render(c, status, pages.Directory(s.page(c, i18n.T(c.Request().Context(), "directory.title")), v))
}

// validSlug accepts what expo.Slug makes (lower-case ASCII letters, digits
// and dashes), so anything path-like is a 404 before the database is asked.
func validSlug(slug string) bool {
	if slug == "" || len(slug) > expo.MaxSlugLen+8 {
		return false
	}
	for _, r := range slug {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func (s *Server) handleDirectoryProfile(c echo.Context) error {
	slug := c.Param("slug")
	if !validSlug(slug) {
		return expo.ErrNotFound
	}
	prof, err := s.directoryProfile(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	title := prof.Name
	if prof.NameLatin != "" && prof.NameLatin != prof.Name {
		title += " · " + prof.NameLatin
	}
	return s.render(c, http.StatusOK, pages.DirectoryProfile(s.page(c, title), pages.DirectoryProfileView{Profile: prof}))
}

// floorPlan builds the plan of hall code with the highlights the query
// asks for (?sector=, ?booth=).
func (s *Server) floorPlan(c echo.Context, code string) (pages.FloorPlanView, error) {
	ctx := c.Request().Context()
	var v pages.FloorPlanView
	var err error
	if v.Halls, err = s.hallPlans(ctx); err != nil {
		return v, err
	}
	if len(v.Halls) == 0 {
		return v, nil
	}
	if code == "" {
		code = v.Halls[0].Code
	}
	found := false
	for _, h := range v.Halls {
		if h.Code == strings.ToUpper(code) {
			v.Hall, found = h, true
		}
	}
	if !found {
		return v, expo.ErrNotFound
	}
	var val expo.Validator
	v.Sector = val.OneOf("sector", c.QueryParam("sector"), expo.SectorCodes, false)
	v.Target = strings.ToUpper(val.Line("booth", c.QueryParam("booth"), false, 12))
	if err := val.Err(); err != nil {
		return v, err
	}
	booths, err := s.store.PlanBooths(ctx, v.Hall.ID)
	if err != nil {
		return v, err
	}
	v.Plan = expo.BuildPlan(v.Hall, booths, v.Sector, v.Target, nil)
	v.Held = v.Hall.Booths - v.Hall.Free
	return v, nil
}

func (s *Server) handleFloorPlanIndex(c echo.Context) error {
	return s.renderFloorPlan(c, "")
}

func (s *Server) handleFloorPlan(c echo.Context) error {
	code := c.Param("hall")
	if hall, ok := strings.CutSuffix(code, ".svg"); ok {
		return s.floorPlanSVG(c, hall)
	}
	return s.renderFloorPlan(c, code)
}

func (s *Server) renderFloorPlan(c echo.Context, code string) error {
	v, err := s.floorPlan(c, code)
	if err != nil {
		return err
	}
	title := i18n.T(c.Request().Context(), "floorplan.title")
	if v.Hall.Name != "" {
		title = v.Hall.Name + " · " + title
	}
	return s.render(c, http.StatusOK, pages.FloorPlan(s.page(c, title), v))
}

// floorPlanSVG serves a hall's plan as a standalone SVG document. The
// drawing is the same for every visitor of a language, so it is cached
// (readcache.go).
func (s *Server) floorPlanSVG(c echo.Context, code string) error {
	ctx := c.Request().Context()
	key := "svg|" + i18n.Lang(ctx) + "|" + strings.ToUpper(code) + "|" + c.QueryParam("sector") + "|" + c.QueryParam("booth")
	body, err := cachedRead(s.cache, key, func() ([]byte, error) {
		v, err := s.floorPlan(c, code)
		if err != nil {
			return nil, err
		}
		if v.Hall.ID == 0 {
			return nil, expo.ErrNotFound
		}
		var buf bytes.Buffer
		buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
		if err := pages.FloorPlanSVG(v.Plan, v.Hall.Name).Render(ctx, &buf); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "image/svg+xml; charset=utf-8", body)
}

// directory answers a directory search (the page and the API). With the
// read cache it searches the cached index of every approved exhibitor in
// memory: visitors' keyword × filter × page searches are too many to cache
// one by one (the load benchmark's mostly missed, each running three SQL
// queries), while the approved exhibitors are few and change rarely. The
// index gives exactly store.Directory's pages (TestDirectoryIndexMatchesSQL).
// Without the cache (ReadCacheTTL 0) every search asks the database.
func (s *Server) directory(ctx context.Context, q expo.DirectoryQuery) (expo.DirectoryPage, error) {
	if s.cache == nil {
		return s.store.Directory(ctx, q)
	}
	ix, err := s.directoryIndex(ctx)
	if err != nil {
		return expo.DirectoryPage{}, err
	}
	return ix.Search(q), nil
}

// directoryCountries counts the approved exhibitors of each country, for
// the directory's country filter; the map must not be changed.
func (s *Server) directoryCountries(ctx context.Context) (map[string]int, error) {
	if s.cache == nil {
		return s.store.DirectoryCountries(ctx)
	}
	ix, err := s.directoryIndex(ctx)
	if err != nil {
		return nil, err
	}
	return ix.Countries(), nil
}

// directoryIndexKey is the read cache's one entry for the whole directory.
const directoryIndexKey = "directory-index"

// directoryIndex is the in-memory index of the directory through the read
// cache: the cache's invalidation on every write and its lifetime keep it
// as fresh as any cached read. When the entry expires, every request of
// that moment misses it; they share one load (sharedLoad).
func (s *Server) directoryIndex(ctx context.Context) (*expo.DirectoryIndex, error) {
	return cachedRead(s.cache, directoryIndexKey, func() (*expo.DirectoryIndex, error) {
		return s.directoryLoads.do(s.cache.gen.Load(), func() (*expo.DirectoryIndex, error) {
			// Requests that joined this load must not fail with the
			// first one's cancelled context.
			ls, err := s.store.DirectoryListings(context.WithoutCancel(ctx))
			if err != nil {
				return nil, err
			}
			return expo.NewDirectoryIndex(ls), nil
		})
	})
}

// sharedLoad lets the requests that need the same value at the same time
// share one load of it. A request joins only a load started under the
// read cache generation it saw: that load began after every write the
// request could know of (the generation moves on when a write's handler
// has returned), so the request still sees its own writes.
type sharedLoad[T any] struct {
	mu      sync.Mutex
	gen     uint64
	current *loadCall[T]
}

type loadCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// do returns the result of the load of generation gen in flight, or runs
// load and hands its result to the requests that join meanwhile.
func (l *sharedLoad[T]) do(gen uint64, load func() (T, error)) (T, error) {
	l.mu.Lock()
	if c := l.current; c != nil && l.gen == gen {
		l.mu.Unlock()
		<-c.done
		return c.val, c.err
	}
	// Should load panic, the requests that joined get this error.
	c := &loadCall[T]{done: make(chan struct{}), err: errors.New("shared load did not finish")}
	l.current, l.gen = c, gen
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		if l.current == c {
			l.current = nil
		}
		l.mu.Unlock()
		close(c.done)
	}()
	c.val, c.err = load()
	return c.val, c.err
}

// directoryProfile and hallPlans are the store's reads through the read
// cache.

func (s *Server) directoryProfile(ctx context.Context, slug string) (expo.ExhibitorProfile, error) {
	return cachedRead(s.cache, "profile|"+slug, func() (expo.ExhibitorProfile, error) { return s.store.DirectoryProfile(ctx, slug) })
}

func (s *Server) hallPlans(ctx context.Context) ([]expo.HallPlan, error) {
	return cachedRead(s.cache, "halls", func() ([]expo.HallPlan, error) { return s.store.HallPlans(ctx) })
}

// apiBooth is where an exhibitor is found.
type apiBooth struct {
	Code     string `json:"code"`
	Hall     string `json:"hall"`
	HallName string `json:"hall_name,omitempty"`
	PlanURL  string `json:"plan_url"`
}

// apiExhibitor is the JSON shape of a directory entry.
type apiExhibitor struct {
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	NameLatin string    `json:"name_latin"`
	Country   string    `json:"country"`
	Sectors   []string  `json:"sectors"`
	Languages []string  `json:"languages"`
	Booth     *apiBooth `json:"booth"`
	URL       string    `json:"url"`
}

// apiExhibitorDetail is an exhibitor's full public profile.
type apiExhibitorDetail struct {
	apiExhibitor
	Description string `json:"description"`
	Website     string `json:"website"`
	Products    string `json:"products"`
	LookingFor  string `json:"looking_for"`
}

type apiExhibitorPage struct {
	Items   []apiExhibitor `json:"items"`
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
}

func apiExhibitorOf(e expo.DirectoryEntry) apiExhibitor {
	out := apiExhibitor{Slug: e.Slug, Name: e.Name, NameLatin: e.NameLatin, Country: e.Country, Sectors: e.Sectors,
		Languages: e.Languages, URL: "/exhibitors/" + e.Slug}
	if out.Sectors == nil {
		out.Sectors = []string{}
	}
	if out.Languages == nil {
		out.Languages = []string{}
	}
	if e.BoothCode != "" {
		out.Booth = &apiBooth{Code: e.BoothCode, Hall: e.HallCode, PlanURL: pages.FloorPlanURL(e.HallCode, e.BoothCode)}
	}
	return out
}

func (s *Server) handleAPIExhibitors(c echo.Context) error {
	q, err := expo.ParseDirectoryQuery(c.QueryParam, apiPerPage)
	if err != nil {
		return err
	}
	res, err := s.directory(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := apiExhibitorPage{Items: make([]apiExhibitor, len(res.Items)), Total: res.Total, Page: q.Page, PerPage: q.PerPage}
	for i, e := range res.Items {
		out.Items[i] = apiExhibitorOf(e)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleAPIExhibitor(c echo.Context) error {
	slug := c.Param("slug")
	if !validSlug(slug) {
		return expo.ErrNotFound
	}
	p, err := s.directoryProfile(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	out := apiExhibitorDetail{apiExhibitor: apiExhibitorOf(p.DirectoryEntry), Description: p.Description, Website: p.Website,
		Products: p.Products, LookingFor: p.LookingFor}
	if out.Booth != nil {
		out.Booth.HallName = p.HallName
	}
	return c.JSON(http.StatusOK, out)
}
