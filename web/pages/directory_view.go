package pages

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"expo/internal/expo"
	"expo/web/i18n"
)

// View models of the public directory, the floor plan and the organizer's
// hall and booth pages.

// DirectoryView is the public exhibitor directory.
type DirectoryView struct {
	Form      Form // the search as submitted, with errors of bad parameters
	Result    expo.DirectoryPage
	Countries []Option // countries that have exhibitors, with counts
	Halls     []Option
	Pager     Pager
}

// Pager is the pagination of a list.
type Pager struct {
	Page, Pages int
	Prev, Next  string // URLs; empty at the ends
	Links       []PageLink
}

// PageLink is one entry of a pager; a Gap is an ellipsis.
type PageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool
}

// NewPager builds the pager of page out of pages; url makes a page's link.
// It shows the first and last pages and two around the current one.
func NewPager(page, pages int, url func(int) string) Pager {
	p := Pager{Page: page, Pages: pages}
	if pages <= 1 {
		return p
	}
	if page > 1 {
		p.Prev = url(min(page-1, pages))
	}
	if page < pages {
		p.Next = url(page + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= page-2 && n <= page+2) {
			if last != 0 && n > last+1 {
				p.Links = append(p.Links, PageLink{Gap: true})
			}
			p.Links = append(p.Links, PageLink{Number: n, URL: url(n), Current: n == page})
			last = n
		}
	}
	return p
}

// DirectoryURL is the address of a directory search.
func DirectoryURL(q expo.DirectoryQuery, page int) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", q.Q)
	set("country", q.Country)
	set("sector", q.Sector)
	set("hall", q.Hall)
	if q.Sort != "" && q.Sort != expo.DirectorySorts[0] {
		v.Set("sort", q.Sort)
	}
	if q.PerPage != 0 && q.PerPage != expo.DirectoryPerPage {
		v.Set("per_page", strconv.Itoa(q.PerPage))
	}
	return PagedURL("/exhibitors", v, page)
}

// PagedURL is path with the query v and, past the first page, page=N;
// without any parameter it is path alone. It sets page in v.
func PagedURL(path string, v url.Values, page int) string {
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// Filtered reports whether the search narrows the directory at all.
func (v DirectoryView) Filtered() bool {
	q := v.Result.Query
	return q.Q != "" || q.Country != "" || q.Sector != "" || q.Hall != ""
}

// DirectoryProfileView is an exhibitor's public profile page.
type DirectoryProfileView struct {
	Profile expo.ExhibitorProfile
}

// FloorPlanURL is the floor plan of hall with booth highlighted.
func FloorPlanURL(hall, booth string) string {
	u := "/floorplan/" + url.PathEscape(hall)
	if booth != "" {
		u += "?booth=" + url.QueryEscape(booth)
	}
	return u
}

// FloorPlanView is a hall's floor plan with the tabs of every hall.
type FloorPlanView struct {
	Halls  []expo.HallPlan
	Hall   expo.HallPlan
	Plan   expo.Plan
	Sector string // the highlighted sector, if any
	Target string // the highlighted booth, if any
	Held   int
}

// SectorURL is the plan of the hall with sector highlighted ("" for none).
func (v FloorPlanView) SectorURL(sector string) string {
	u := "/floorplan/" + url.PathEscape(v.Hall.Code)
	if sector != "" {
		u += "?sector=" + url.QueryEscape(sector)
	}
	return u
}

// HallsView is the organizer's list of halls with the form for a new one.
type HallsView struct {
	Halls   []expo.HallPlan
	Form    Form
	Waiting []BoothCandidateLine // approved exhibitors without a booth
	// WaitingTotal is how many there are; Waiting may show fewer.
	WaitingTotal int
}

// BoothCandidateLine is an exhibitor in a list of booth assignment.
type BoothCandidateLine struct {
	ID         int64
	Slug       string
	Name       string
	NameLatin  string
	Country    string
	BoothWish  expo.BoothWish
	RawSpaceM2 int
}

// HallEditView is the organizer's layout editor of one hall.
type HallEditView struct {
	Hall      expo.HallPlan
	Plan      expo.Plan
	Booths    []BoothLine // this page of the booth list
	Pager     Pager
	HallForm  Form
	BoothForm Form
	RowForm   Form
}

// BoothLine is a booth in the organizer's list.
type BoothLine struct {
	expo.Booth
	HolderName string
	HolderSlug string
}

// BoothEditView is the organizer's page of one booth.
type BoothEditView struct {
	Hall      expo.HallPlan
	Booth     expo.Booth
	Holder    *BoothCandidateLine
	Form      Form
	Waiting   []BoothCandidateLine // approved exhibitors without a booth whose wish this booth fits
	AssignErr string               // message ID of a failed assignment
}

// BoothAssignView is the organizer's page to give an exhibitor a booth.
type BoothAssignView struct {
	Exhibitor BoothCandidateLine
	State     expo.ExhibitorState
	Current   *BoothChoice
	Free      []BoothChoice
	Halls     []expo.HallPlan
	Hall      string // the hall filter
	AssignErr string // message ID of a failed assignment
	Limit     int
}

// BoothChoice is a free booth offered for assignment.
type BoothChoice struct {
	ID       int64
	Code     string
	HallCode string
	HallName string
	Kind     expo.BoothWish
	SizeM2   int
}

// boothWishText is a booth wish in words: "Standard booth (9 m²)".
func boothWishText(ctx context.Context, wish expo.BoothWish, raw int) string {
	switch wish {
	case expo.BoothRaw:
		return i18n.T(ctx, "booth.kind.raw") + " (" + strconv.Itoa(raw) + " m²)"
	case expo.BoothDouble:
		return i18n.T(ctx, "booth.kind.double") + " (18 m²)"
	}
	return i18n.T(ctx, "booth.kind.standard") + " (9 m²)"
}

// BoothKindOptions lists the booth kinds.
func BoothKindOptions(ctx context.Context) []Option {
	out := make([]Option, len(expo.BoothWishes))
	for i, k := range expo.BoothWishes {
		out[i] = Option{Value: k, Label: i18n.T(ctx, "booth.kind."+k)}
	}
	return out
}

// sectorBadgeClasses are the class attributes of the sector badges, made
// once (and held as interface values, so using one allocates nothing): a
// class expression in templ costs a CSS class merge per element, and the
// directory page shows dozens of badges.
var sectorBadgeClasses = func() map[string]templ.Attributer {
	m := make(map[string]templ.Attributer, len(expo.SectorCodes))
	for _, s := range expo.SectorCodes {
		m[s] = sectorBadgeClass(s)
	}
	return m
}()

func sectorBadgeClass(sector string) templ.Attributer {
	return templ.OrderedAttributes{{Key: "class", Value: "sector-badge sector-" + sector}}
}

// sectorBadgeAttrs are the attributes of a sector's badge.
func sectorBadgeAttrs(sector string) templ.Attributer {
	if a, ok := sectorBadgeClasses[sector]; ok {
		return a
	}
	return sectorBadgeClass(sector)
}

// SortOptions lists the directory's orders.
func SortOptions(ctx context.Context) []Option {
	out := make([]Option, len(expo.DirectorySorts))
	for i, s := range expo.DirectorySorts {
		out[i] = Option{Value: s, Label: i18n.T(ctx, "directory.sort."+s)}
	}
	return out
}

// boothTitle is a booth's tooltip on the plan.
func boothTitle(ctx context.Context, s expo.PlanShape) string {
	if s.Free {
		return s.Code + " · " + i18n.T(ctx, "floorplan.free") + " · " + strconv.Itoa(s.Holder.SizeM2) + " m²"
	}
	name := s.Holder.Name
	if s.Holder.NameLatin != "" && s.Holder.NameLatin != s.Holder.Name {
		name += " (" + s.Holder.NameLatin + ")"
	}
	return s.Code + " · " + name + " · " + sectorNames(ctx, s.Holder.Sectors)
}

// labelInk is a text colour readable on a sector's fill.
func labelInk(sector string) string {
	var r, g, b int
	if _, err := fmt.Sscanf(expo.SectorFill(sector), "#%02x%02x%02x", &r, &g, &b); err != nil {
		return "#1b2430"
	}
	// Perceived brightness (ITU-R BT.601).
	if r*299+g*587+b*114 > 150000 {
		return "#1b2430"
	}
	return "#ffffff"
}

func shapeFill(s expo.PlanShape) string {
	if s.Free {
		return "#ffffff"
	}
	return expo.SectorFill(s.Sector)
}

func shapeClass(s expo.PlanShape) string {
	c := "booth"
	if s.Free {
		c += " booth-free"
	} else {
		c += " sector-" + s.Sector
	}
	if s.Match {
		c += " is-match"
	}
	if s.Dim {
		c += " is-dim"
	}
	return c
}

func shapeOpacity(s expo.PlanShape) string {
	if s.Dim {
		return "0.25"
	}
	return "1"
}

func strokeColour(s expo.PlanShape) string {
	switch {
	case s.Match:
		return "#1b2430"
	case s.Free:
		return "#8a96a5"
	}
	return "#ffffff"
}

func strokeWidth(s expo.PlanShape) string {
	if s.Match {
		return "3"
	}
	return "1"
}

func labelFill(s expo.PlanShape) string {
	if s.Free {
		return "#5f6b7a"
	}
	return labelInk(s.Sector)
}

func itoa(n int) string { return strconv.Itoa(n) }
