package expo

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Halls are grids of 1 m × 1 m cells; a booth is a rectangle of cells, so
// its floor space is W × H m².
const (
	MaxHallCells   = 500 // the longest side of a hall, in cells
	MaxHallCodeLen = 3
	MaxBoothsInRow = 100
	MaxBoothNumber = 9999
	// DirectoryPerPage is the page size of the directory unless asked
	// otherwise; MaxPerPage bounds what may be asked.
	DirectoryPerPage = 24
	MaxPerPage       = 100
	// MaxPage bounds page numbers, so an absurd number is a clear 422
	// rather than an arithmetic overflow in OFFSET.
	MaxPage       = 100000
	MaxKeywordLen = 100
)

var (
	hallCodeRe  = regexp.MustCompile(`^[A-Z0-9]{1,3}$`)
	boothCodeRe = regexp.MustCompile(`^([A-Z0-9]{1,3})-([0-9]{1,4})([A-Z]?)$`)
)

// Errors of halls and booths.
var (
	ErrBoothTaken          = Errorf(CodeConflict, "error.booth_taken")
	ErrBoothNotApproved    = Errorf(CodeConflict, "error.booth_not_approved")
	ErrBoothAssigned       = Errorf(CodeConflict, "error.booth_assigned")
	ErrHallHasHolders      = Errorf(CodeConflict, "error.hall_has_holders")
	ErrHallTooSmall        = &Error{Code: CodeConflict, Message: "error.form", Fields: map[string]string{"grid_w": "error.hall_too_small"}}
	ErrHallCodeTaken       = &Error{Code: CodeConflict, Message: "error.form", Fields: map[string]string{"code": "error.hall_code_taken"}}
	ErrBoothCodeTaken      = &Error{Code: CodeConflict, Message: "error.form", Fields: map[string]string{"code": "error.booth_code_taken"}}
	ErrExhibitorHasBooth   = Errorf(CodeConflict, "error.exhibitor_has_booth")
	ErrBoothWishNotFitting = Errorf(CodeConflict, "error.booth_not_fitting")
)

// HallPlan is a hall with its grid size and how many booths it has.
type HallPlan struct {
	Hall
	Width, Height int // cells (metres)
	Booths        int
	Free          int
}

// HallInput is what an organizer enters for a hall.
type HallInput struct {
	Code   string
	Name   string
	Width  int
	Height int
}

// Validate checks a hall and returns it normalized (code in upper case).
func (h HallInput) Validate() (HallInput, error) {
	var v Validator
	out := HallInput{Width: h.Width, Height: h.Height}
	out.Code = strings.ToUpper(v.Line("code", h.Code, true, MaxHallCodeLen))
	if out.Code != "" && !hallCodeRe.MatchString(out.Code) {
		v.Fail("code", "error.hall_code_invalid")
	}
	out.Name = v.Line("name", h.Name, true, MaxNameLen)
	if h.Width < 1 || h.Width > MaxHallCells {
		v.Fail("grid_w", "error.grid_size_range")
	}
	if h.Height < 1 || h.Height > MaxHallCells {
		v.Fail("grid_h", "error.grid_size_range")
	}
	return out, v.Err()
}

// Rect is a rectangle of grid cells.
type Rect struct{ X, Y, W, H int }

// Rect is the booth's place on the grid.
func (b Booth) Rect() Rect { return Rect{b.X, b.Y, b.W, b.H} }

// Overlaps reports whether two rectangles share at least one cell; touching
// edges do not overlap.
func (r Rect) Overlaps(o Rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

// Inside reports whether r lies within a w × h grid.
func (r Rect) Inside(w, h int) bool {
	return r.X >= 0 && r.Y >= 0 && r.W > 0 && r.H > 0 && r.X+r.W <= w && r.Y+r.H <= h
}

// FirstOverlap returns the first of others (other than the booth itself,
// matched by ID) that overlaps b.
func FirstOverlap(b Booth, others []Booth) (Booth, bool) {
	for _, o := range others {
		if b.ID != 0 && o.ID == b.ID {
			continue
		}
		if b.Rect().Overlaps(o.Rect()) {
			return o, true
		}
	}
	return Booth{}, false
}

// BoothInput is what an organizer enters for one booth. The size is the
// rectangle's area.
type BoothInput struct {
	Code       string
	Kind       BoothWish
	X, Y, W, H int
}

// BoothSizeFits reports whether a booth of kind with area m2 is well formed:
// a standard booth has 9 m², a double one 18 m², raw space at least the
// smallest raw-space wish.
func BoothSizeFits(kind BoothWish, m2 int) bool {
	switch kind {
	case BoothStandard:
		return m2 == StandardBoothM2
	case BoothDouble:
		return m2 == DoubleBoothM2
	case BoothRaw:
		return m2 >= MinRawSpaceM2
	}
	return false
}

// ValidateBooth checks a booth of the hall against the hall's grid and the
// booths already in it (others; the booth itself may be among them when it
// is being edited, matched by id). It returns the booth to store.
func ValidateBooth(in BoothInput, id int64, hall HallPlan, others []Booth) (Booth, error) {
	var v Validator
	code := strings.ToUpper(v.Line("code", in.Code, true, 12))
	if code != "" {
		if m := boothCodeRe.FindStringSubmatch(code); m == nil {
			v.Fail("code", "error.booth_code_invalid")
		} else if m[1] != hall.Code {
			v.Fail("code", "error.booth_code_hall")
		}
	}
	kind := BoothWish(v.OneOf("kind", string(in.Kind), BoothWishes, true))
	b := Booth{ID: id, HallID: hall.ID, Code: code, Kind: kind, X: in.X, Y: in.Y, W: in.W, H: in.H, SizeM2: in.W * in.H}
	switch {
	case in.W < 1 || in.W > MaxHallCells:
		v.Fail("w", "error.grid_size_range")
	case in.H < 1 || in.H > MaxHallCells:
		v.Fail("h", "error.grid_size_range")
	case in.X < 0 || in.X >= hall.Width:
		v.Fail("x", "error.booth_outside")
	case in.Y < 0 || in.Y >= hall.Height:
		v.Fail("y", "error.booth_outside")
	case !b.Rect().Inside(hall.Width, hall.Height):
		v.Fail("w", "error.booth_outside")
	case kind != "" && !BoothSizeFits(kind, b.SizeM2):
		v.Fail("w", "error.booth_size_kind."+string(kind))
	}
	if err := v.Err(); err != nil {
		return Booth{}, err
	}
	if o, ok := FirstOverlap(b, others); ok {
		return Booth{}, &Error{Code: CodeConflict, Message: "error.form", Fields: map[string]string{"x": "error.booth_overlap"}, Data: map[string]any{"Code": o.Code}}
	}
	return b, nil
}

// BoothRow describes booths laid out side by side: Count booths numbered
// From, From+1, … (codes "<hall>-<number>"), each W × H cells, starting at
// X, Y and going right (Vertical false) or down.
type BoothRow struct {
	From     int
	Count    int
	Kind     BoothWish
	X, Y     int
	W, H     int
	Vertical bool
}

// LayoutRow turns a row into booths, validating each against the hall and
// the booths already there (and each other).
func LayoutRow(row BoothRow, hall HallPlan, existing []Booth) ([]Booth, error) {
	var v Validator
	if row.Count < 1 || row.Count > MaxBoothsInRow {
		v.Fail("count", "error.row_count_range")
	}
	if row.From < 1 || row.From > MaxBoothNumber || row.From+row.Count-1 > MaxBoothNumber {
		v.Fail("from", "error.row_from_range")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	others := slices.Clone(existing)
	out := make([]Booth, 0, row.Count)
	for i := 0; i < row.Count; i++ {
		in := BoothInput{Code: fmt.Sprintf("%s-%d", hall.Code, row.From+i), Kind: row.Kind, X: row.X, Y: row.Y, W: row.W, H: row.H}
		if row.Vertical {
			in.Y += i * row.H
		} else {
			in.X += i * row.W
		}
		b, err := ValidateBooth(in, 0, hall, others)
		if err != nil {
			e, ok := AsError(err)
			if !ok {
				return nil, err
			}
			// Say which booth of the row does not fit, so the organizer
			// knows how far the row got; the field errors stay.
			out := &Error{Code: e.Code, Message: "error.row_does_not_fit", Fields: map[string]string{}, Data: map[string]any{"Booth": in.Code, "Code": in.Code}}
			for f, id := range e.Fields {
				if f == "code" {
					f = "from"
				}
				out.Fields[f] = id
			}
			if c, ok := e.Data["Code"]; ok {
				out.Data["Code"] = c
			}
			return nil, out
		}
		for _, o := range existing {
			if o.Code == b.Code {
				return nil, &Error{Code: CodeConflict, Message: "error.form", Fields: map[string]string{"from": "error.booth_code_taken"}}
			}
		}
		out = append(out, b)
		others = append(others, b)
	}
	return out, nil
}

// BoothFits reports whether a free booth suits what an exhibitor asked
// for: the same kind, and for raw space at least the requested area.
func BoothFits(b Booth, wish BoothWish, rawM2 int) bool {
	if b.Kind != wish {
		return false
	}
	if wish == BoothRaw {
		return b.SizeM2 >= rawM2
	}
	return true
}

// BoothNumber is the part of a booth code after the hall, "101" of "A-101",
// the label the floor plan prints inside a booth.
func BoothNumber(code string) string {
	if _, n, ok := strings.Cut(code, "-"); ok {
		return n
	}
	return code
}

// PlanBooth is a booth as the floor plan draws it.
type PlanBooth struct {
	Booth
	Slug      string // the holder's, empty when free
	Name      string
	NameLatin string
	Sectors   []string
}

// Floor plan drawing: one grid cell is CellUnits SVG units.
const CellUnits = 10

// PlanShape is one booth ready to draw, in SVG units.
type PlanShape struct {
	Code       string
	Label      string // printed inside; empty when the booth is too small for it
	X, Y, W, H int
	LabelX     int
	LabelY     int
	Sector     string // the holder's main sector; empty when free
	Free       bool
	Match      bool // highlighted by the sector filter or booth target
	Dim        bool // the filter is on and this booth does not match
	Href       string
	Title      string // the tooltip: code, company, sector
	Holder     PlanBooth
}

// Plan is a hall's floor plan ready to draw.
type Plan struct {
	Width, Height int // SVG units
	Shapes        []PlanShape
	Sectors       []string // sectors present, in the fixed order, for the legend
	FontSize      int
}

// MainSector is the sector a booth is coloured by: the holder's first in
// the fixed order of SectorCodes.
func MainSector(sectors []string) string {
	for _, s := range SectorCodes {
		if slices.Contains(sectors, s) {
			return s
		}
	}
	return ""
}

// SectorFill is the colour of a sector on the plan, for SVG documents that
// cannot use the stylesheet (the standalone .svg). It matches the
// --sector-* variables of app.css.
func SectorFill(sector string) string {
	if c, ok := sectorFills[sector]; ok {
		return c
	}
	return "#ffffff"
}

var sectorFills = map[string]string{
	"automotive": "#1f77b4", "agri_food": "#4c9a2a", "new_energy": "#17becf", "new_materials": "#8c564b",
	"pharma_medical": "#d62728", "mech_electronics": "#7f7f7f", "digital_it": "#9467bd", "logistics": "#ff7f0e",
	"finance": "#bcbd22", "tourism_culture": "#e377c2", "other": "#aec7e8",
}

// BuildPlan lays out a hall's booths for drawing. sector (optional)
// highlights booths whose holder is in it; target (optional) highlights
// one booth by code. Booth codes are printed only where they fit.
func BuildPlan(hall HallPlan, booths []PlanBooth, sector, target string, title func(PlanBooth) string) Plan {
	p := Plan{Width: hall.Width * CellUnits, Height: hall.Height * CellUnits, FontSize: 9}
	seen := map[string]bool{}
	for _, b := range booths {
		s := PlanShape{
			Code: b.Code, X: b.X * CellUnits, Y: b.Y * CellUnits, W: b.W * CellUnits, H: b.H * CellUnits,
			Free: b.ExhibitorID == nil, Holder: b,
		}
		if !s.Free {
			s.Sector = MainSector(b.Sectors)
			if s.Sector == "" {
				s.Sector = "other"
			}
			seen[s.Sector] = true
			if b.Slug != "" {
				s.Href = "/exhibitors/" + b.Slug
			}
		}
		label := BoothNumber(b.Code)
		// A digit is about 0.6 em wide; leave a margin of one unit.
		if float64(s.W) >= math.Ceil(float64(utf8.RuneCountInString(label))*0.6*float64(p.FontSize))+2 && s.H >= p.FontSize+2 {
			s.Label = label
		}
		s.LabelX = s.X + s.W/2
		s.LabelY = s.Y + s.H/2 + p.FontSize/3
		switch {
		case target != "":
			s.Match = b.Code == target
			s.Dim = !s.Match
		case sector != "":
			s.Match = !s.Free && slices.Contains(b.Sectors, sector)
			s.Dim = !s.Match
		}
		if title != nil {
			s.Title = title(b)
		}
		p.Shapes = append(p.Shapes, s)
	}
	for _, s := range SectorCodes {
		if seen[s] {
			p.Sectors = append(p.Sectors, s)
		}
	}
	return p
}

// DirectoryQuery is a search of the public directory.
type DirectoryQuery struct {
	Q       string
	Country string
	Sector  string
	Hall    string
	Sort    string // "name" or "booth"
	Page    int
	PerPage int
}

// DirectorySorts are the orders the directory offers, default first.
var DirectorySorts = []string{"name", "booth"}

// Offset is the number of rows before the page.
func (q DirectoryQuery) Offset() int { return (q.Page - 1) * q.PerPage }

// Pages is how many pages total results fill (at least one).
func (q DirectoryQuery) Pages(total int) int {
	if total <= 0 || q.PerPage <= 0 {
		return 1
	}
	return (total + q.PerPage - 1) / q.PerPage
}

// ParseDirectoryQuery reads a directory search from query parameters.
// Missing values take defaults (page 1, perPage, sort by name); a page or
// page size that is not a whole number in range (page 1…MaxPage, per_page
// 1…MaxPerPage), an unknown country, sector or sort is an invalid-input
// error naming the parameter. A page past the last one is valid and simply
// empty.
func ParseDirectoryQuery(get func(string) string, perPage int) (DirectoryQuery, error) {
	var v Validator
	q := DirectoryQuery{Page: 1, PerPage: perPage, Sort: DirectorySorts[0]}
	q.Q = v.Line("q", get("q"), false, MaxKeywordLen)
	q.Country = v.OneOf("country", strings.ToUpper(strings.TrimSpace(get("country"))), CountryCodes, false)
	q.Sector = v.OneOf("sector", strings.TrimSpace(get("sector")), SectorCodes, false)
	hall := strings.ToUpper(v.Line("hall", get("hall"), false, MaxHallCodeLen))
	if hall != "" && !hallCodeRe.MatchString(hall) {
		v.Fail("hall", "error.choice_invalid")
	}
	q.Hall = hall
	if s := strings.TrimSpace(get("sort")); s != "" {
		q.Sort = v.OneOf("sort", s, DirectorySorts, false)
	}
	q.Page = boundedInt(&v, "page", get("page"), 1, 1, MaxPage)
	q.PerPage = boundedInt(&v, "per_page", get("per_page"), perPage, 1, MaxPerPage)
	if err := v.Err(); err != nil {
		return q, err
	}
	return q, nil
}

func boundedInt(v *Validator, field, s string, def, min, max int) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		v.Fail(field, "error.paging_range")
		return def
	}
	return n
}

// SearchFold is the form in which keyword search compares text: Unicode
// compatibility forms folded (full-width Ｌａｔｉｎ becomes Latin) and lower
// case in every script.
func SearchFold(s string) string { return strings.ToLower(norm.NFKC.String(s)) }

// Keywords splits a search into lower-case words; every word must match.
func Keywords(q string) []string {
	return strings.Fields(SearchFold(q))
}

// DirectoryEntry is one exhibitor in the directory.
type DirectoryEntry struct {
	ID        int64
	Slug      string
	Name      string
	NameLatin string
	Country   string
	Sectors   []string
	Languages []string
	BoothCode string // empty without a booth
	HallCode  string
}

// DirectoryPage is one page of directory results.
type DirectoryPage struct {
	Query DirectoryQuery
	Items []DirectoryEntry
	Total int
}

// ExhibitorProfile is the public profile of an approved exhibitor.
type ExhibitorProfile struct {
	DirectoryEntry
	Description string
	Website     string
	Products    string
	LookingFor  string
	HallName    string
}
