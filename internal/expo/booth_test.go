package expo

import (
	"net/url"
	"strings"
	"testing"
)

var testHall = HallPlan{Hall: Hall{ID: 1, Code: "A", Name: "Hall A"}, Width: 30, Height: 20}

func fieldOf(t *testing.T, err error) map[string]string {
	t.Helper()
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("error %v is not an *Error", err)
	}
	return e.Fields
}

func TestRectOverlaps(t *testing.T) {
	a := Rect{0, 0, 3, 3}
	tests := []struct {
		name string
		b    Rect
		want bool
	}{
		{"same", Rect{0, 0, 3, 3}, true},
		{"inside", Rect{1, 1, 1, 1}, true},
		{"corner cell shared", Rect{2, 2, 3, 3}, true},
		{"touching right edge", Rect{3, 0, 3, 3}, false},
		{"touching bottom edge", Rect{0, 3, 3, 3}, false},
		{"touching corner", Rect{3, 3, 1, 1}, false},
		{"far away", Rect{10, 10, 2, 2}, false},
		{"covering", Rect{-1, -1, 10, 10}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.Overlaps(tt.b); got != tt.want {
				t.Errorf("Overlaps = %v, want %v", got, tt.want)
			}
			if got := tt.b.Overlaps(a); got != tt.want {
				t.Errorf("Overlaps (reversed) = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestValidateBooth(t *testing.T) {
	existing := []Booth{{ID: 7, HallID: 1, Code: "A-101", Kind: BoothStandard, SizeM2: 9, X: 0, Y: 0, W: 3, H: 3}}
	tests := []struct {
		name      string
		in        BoothInput
		id        int64
		wantField string
		wantMsg   string
	}{
		{"standard ok", BoothInput{Code: "a-102", Kind: BoothStandard, X: 3, Y: 0, W: 3, H: 3}, 0, "", ""},
		{"double ok", BoothInput{Code: "A-103", Kind: BoothDouble, X: 6, Y: 0, W: 6, H: 3}, 0, "", ""},
		{"raw ok", BoothInput{Code: "A-1A", Kind: BoothRaw, X: 0, Y: 10, W: 10, H: 6}, 0, "", ""},
		{"edit in place is no overlap with itself", BoothInput{Code: "A-101", Kind: BoothStandard, X: 0, Y: 0, W: 3, H: 3}, 7, "", ""},
		{"code missing", BoothInput{Kind: BoothStandard, X: 3, Y: 0, W: 3, H: 3}, 0, "code", "error.required"},
		{"code malformed", BoothInput{Code: "A101", Kind: BoothStandard, X: 3, Y: 0, W: 3, H: 3}, 0, "code", "error.booth_code_invalid"},
		{"code of another hall", BoothInput{Code: "B-101", Kind: BoothStandard, X: 3, Y: 0, W: 3, H: 3}, 0, "code", "error.booth_code_hall"},
		{"code with markup", BoothInput{Code: "<A-1>", Kind: BoothStandard, X: 3, Y: 0, W: 3, H: 3}, 0, "code", "error.no_markup"},
		{"unknown kind", BoothInput{Code: "A-102", Kind: "huge", X: 3, Y: 0, W: 3, H: 3}, 0, "kind", "error.choice_invalid"},
		{"negative x", BoothInput{Code: "A-102", Kind: BoothStandard, X: -1, Y: 0, W: 3, H: 3}, 0, "x", "error.booth_outside"},
		{"sticks out right", BoothInput{Code: "A-102", Kind: BoothStandard, X: 28, Y: 0, W: 3, H: 3}, 0, "w", "error.booth_outside"},
		{"sticks out bottom", BoothInput{Code: "A-102", Kind: BoothStandard, X: 3, Y: 18, W: 3, H: 3}, 0, "w", "error.booth_outside"},
		{"zero width", BoothInput{Code: "A-102", Kind: BoothStandard, X: 3, Y: 0, W: 0, H: 3}, 0, "w", "error.grid_size_range"},
		{"standard of wrong size", BoothInput{Code: "A-102", Kind: BoothStandard, X: 3, Y: 0, W: 4, H: 3}, 0, "w", "error.booth_size_kind.standard"},
		{"double of wrong size", BoothInput{Code: "A-102", Kind: BoothDouble, X: 3, Y: 0, W: 3, H: 3}, 0, "w", "error.booth_size_kind.double"},
		{"raw too small", BoothInput{Code: "A-102", Kind: BoothRaw, X: 3, Y: 0, W: 3, H: 3}, 0, "w", "error.booth_size_kind.raw"},
		{"overlap", BoothInput{Code: "A-102", Kind: BoothStandard, X: 2, Y: 2, W: 3, H: 3}, 0, "x", "error.booth_overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ValidateBooth(tt.in, tt.id, testHall, existing)
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				if b.SizeM2 != tt.in.W*tt.in.H || b.HallID != 1 || b.Code != strings.ToUpper(tt.in.Code) {
					t.Errorf("booth %+v", b)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %s on %s", tt.wantMsg, tt.wantField)
			}
			if got := fieldOf(t, err)[tt.wantField]; got != tt.wantMsg {
				t.Errorf("field %s = %q, want %q (all: %v)", tt.wantField, got, tt.wantMsg, fieldOf(t, err))
			}
		})
	}
}

func TestLayoutRow(t *testing.T) {
	existing := []Booth{{ID: 1, Code: "A-130", X: 0, Y: 10, W: 3, H: 3, Kind: BoothStandard, SizeM2: 9}}
	t.Run("ten booths in a row", func(t *testing.T) {
		got, err := LayoutRow(BoothRow{From: 101, Count: 10, Kind: BoothStandard, X: 0, Y: 0, W: 3, H: 3}, testHall, existing)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 10 || got[0].Code != "A-101" || got[9].Code != "A-110" || got[9].X != 27 {
			t.Errorf("got %d booths, first %+v last %+v", len(got), got[0], got[len(got)-1])
		}
	})
	t.Run("vertical", func(t *testing.T) {
		got, err := LayoutRow(BoothRow{From: 201, Count: 3, Kind: BoothDouble, X: 20, Y: 0, W: 6, H: 3, Vertical: true}, testHall, existing)
		if err != nil {
			t.Fatal(err)
		}
		if got[2].Y != 6 || got[2].X != 20 {
			t.Errorf("third booth %+v", got[2])
		}
	})
	tests := []struct {
		name      string
		row       BoothRow
		wantField string
		wantMsg   string
	}{
		{"row too long for the hall", BoothRow{From: 101, Count: 11, Kind: BoothStandard, W: 3, H: 3}, "x", "error.booth_outside"},
		{"row runs into a booth", BoothRow{From: 101, Count: 3, Kind: BoothStandard, X: 0, Y: 8, W: 3, H: 3, Vertical: true}, "x", "error.booth_overlap"},
		{"code already used", BoothRow{From: 129, Count: 3, Kind: BoothStandard, X: 0, Y: 0, W: 3, H: 3}, "from", "error.booth_code_taken"},
		{"no booths", BoothRow{From: 101, Count: 0, Kind: BoothStandard, W: 3, H: 3}, "count", "error.row_count_range"},
		{"too many booths", BoothRow{From: 101, Count: 101, Kind: BoothStandard, W: 3, H: 3}, "count", "error.row_count_range"},
		{"numbers overflow", BoothRow{From: 9999, Count: 2, Kind: BoothStandard, W: 3, H: 3}, "from", "error.row_from_range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LayoutRow(tt.row, testHall, existing)
			if err == nil {
				t.Fatal("no error")
			}
			if got := fieldOf(t, err)[tt.wantField]; got != tt.wantMsg {
				t.Errorf("field %s = %q, want %q (all %v)", tt.wantField, got, tt.wantMsg, fieldOf(t, err))
			}
		})
	}
}

func TestBoothFits(t *testing.T) {
	std := Booth{Kind: BoothStandard, SizeM2: 9}
	dbl := Booth{Kind: BoothDouble, SizeM2: 18}
	raw := Booth{Kind: BoothRaw, SizeM2: 54}
	tests := []struct {
		name string
		b    Booth
		wish BoothWish
		m2   int
		want bool
	}{
		{"standard wish, standard booth", std, BoothStandard, 0, true},
		{"standard wish, double booth", dbl, BoothStandard, 0, false},
		{"double wish, double booth", dbl, BoothDouble, 0, true},
		{"raw wish smaller than space", raw, BoothRaw, 36, true},
		{"raw wish equal to space", raw, BoothRaw, 54, true},
		{"raw wish larger than space", raw, BoothRaw, 60, false},
		{"raw wish, standard booth", std, BoothRaw, 9, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BoothFits(tt.b, tt.wish, tt.m2); got != tt.want {
				t.Errorf("BoothFits = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHallInputValidate(t *testing.T) {
	tests := []struct {
		name      string
		in        HallInput
		wantField string
	}{
		{"ok", HallInput{Code: "e", Name: "Hall E", Width: 100, Height: 60}, ""},
		{"code too long", HallInput{Code: "ABCD", Name: "X", Width: 10, Height: 10}, "code"},
		{"code with dash", HallInput{Code: "A-", Name: "X", Width: 10, Height: 10}, "code"},
		{"no name", HallInput{Code: "E", Width: 10, Height: 10}, "name"},
		{"zero width", HallInput{Code: "E", Name: "X", Width: 0, Height: 10}, "grid_w"},
		{"huge height", HallInput{Code: "E", Name: "X", Width: 10, Height: 501}, "grid_h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.in.Validate()
			if tt.wantField == "" {
				if err != nil || out.Code != "E" {
					t.Fatalf("got %+v, %v", out, err)
				}
				return
			}
			if err == nil || fieldOf(t, err)[tt.wantField] == "" {
				t.Fatalf("error %v, want one on %s", err, tt.wantField)
			}
		})
	}
}

func TestParseDirectoryQuery(t *testing.T) {
	tests := []struct {
		name      string
		query     string
		want      DirectoryQuery
		wantField string
	}{
		{"defaults", "", DirectoryQuery{Sort: "name", Page: 1, PerPage: 24}, ""},
		{"everything", "q=+Medical+&country=kr&sector=pharma_medical&hall=b&sort=booth&page=3&per_page=50",
			DirectoryQuery{Q: "Medical", Country: "KR", Sector: "pharma_medical", Hall: "B", Sort: "booth", Page: 3, PerPage: 50}, ""},
		{"page zero", "page=0", DirectoryQuery{}, "page"},
		{"negative page", "page=-1", DirectoryQuery{}, "page"},
		{"page not a number", "page=two", DirectoryQuery{}, "page"},
		{"page overflowing int", "page=99999999999999999999999", DirectoryQuery{}, "page"},
		{"page past the bound", "page=100001", DirectoryQuery{}, "page"},
		{"per_page too big", "per_page=101", DirectoryQuery{}, "per_page"},
		{"per_page zero", "per_page=0", DirectoryQuery{}, "per_page"},
		{"unknown country", "country=XX", DirectoryQuery{}, "country"},
		{"unknown sector", "sector=weapons", DirectoryQuery{}, "sector"},
		{"unknown sort", "sort=price", DirectoryQuery{}, "sort"},
		{"hall with SQL", "hall=A'--", DirectoryQuery{}, "hall"},
		{"keyword too long", "q=" + strings.Repeat("x", 101), DirectoryQuery{}, "q"},
		{"keyword with control character", "q=a%00b", DirectoryQuery{}, "q"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseDirectoryQuery(vals.Get, DirectoryPerPage)
			if tt.wantField != "" {
				if err == nil || fieldOf(t, err)[tt.wantField] == "" {
					t.Fatalf("error %v, want one on %s", err, tt.wantField)
				}
				if ErrorCode(err) != CodeInvalid {
					t.Errorf("code %s, want invalid", ErrorCode(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDirectoryPages(t *testing.T) {
	q := DirectoryQuery{Page: 3, PerPage: 20}
	if q.Offset() != 40 {
		t.Errorf("offset %d", q.Offset())
	}
	for total, want := range map[int]int{0: 1, 1: 1, 20: 1, 21: 2, 1000: 50} {
		if got := q.Pages(total); got != want {
			t.Errorf("Pages(%d) = %d, want %d", total, got, want)
		}
	}
}

func TestBuildPlan(t *testing.T) {
	id := int64(5)
	booths := []PlanBooth{
		{Booth: Booth{Code: "A-101", X: 0, Y: 0, W: 3, H: 3, ExhibitorID: &id}, Slug: "acme", Name: "Acme", Sectors: []string{"finance", "automotive"}},
		{Booth: Booth{Code: "A-102", X: 3, Y: 0, W: 3, H: 3}},
		{Booth: Booth{Code: "A-1030", X: 6, Y: 0, W: 1, H: 1}},
	}
	p := BuildPlan(testHall, booths, "finance", "", func(b PlanBooth) string { return b.Code })
	if p.Width != 300 || p.Height != 200 || len(p.Shapes) != 3 {
		t.Fatalf("plan %dx%d with %d shapes", p.Width, p.Height, len(p.Shapes))
	}
	held, free, tiny := p.Shapes[0], p.Shapes[1], p.Shapes[2]
	if held.Sector != "automotive" || held.Href != "/exhibitors/acme" || !held.Match || held.Dim || held.Label != "101" || held.Title != "A-101" {
		t.Errorf("held booth %+v", held)
	}
	if !free.Free || free.Href != "" || free.Match || !free.Dim {
		t.Errorf("free booth %+v", free)
	}
	if tiny.Label != "" {
		t.Errorf("a 1 m booth shows the label %q", tiny.Label)
	}
	if len(p.Sectors) != 1 || p.Sectors[0] != "automotive" {
		t.Errorf("legend sectors %v", p.Sectors)
	}
	target := BuildPlan(testHall, booths, "", "A-102", nil)
	if !target.Shapes[1].Match || !target.Shapes[0].Dim {
		t.Errorf("target booth not highlighted: %+v", target.Shapes)
	}
	for _, s := range SectorCodes {
		if SectorFill(s) == "#ffffff" {
			t.Errorf("sector %s has no colour", s)
		}
	}
}

func TestSearchFold(t *testing.T) {
	for in, want := range map[string]string{
		"Hanbit MEDICAL": "hanbit medical",
		"Яндекс":         "яндекс",
		"ＡＢＣ":            "abc",
		"长春一汽":           "长春一汽",
	} {
		if got := SearchFold(in); got != want {
			t.Errorf("SearchFold(%q) = %q, want %q", in, got, want)
		}
	}
}
