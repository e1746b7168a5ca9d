package web

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// svgCounts parses an SVG document strictly and counts booth rectangles
// and links.
func svgCounts(t *testing.T, body string) (booths, links, labels int) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "rect":
			for _, a := range se.Attr {
				if a.Name.Local == "class" && strings.HasPrefix(a.Value, "booth") {
					booths++
				}
			}
		case "a":
			links++
		case "text":
			labels++
		}
	}
	return booths, links, labels
}

func TestFloorPlan(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		c := app.client(t)
		ctx := context.Background()
		halls, err := st.HallPlans(ctx)
		if err != nil || len(halls) < 5 {
			t.Fatalf("%d halls, want 5+: %v", len(halls), err)
		}
		all := 0
		for _, h := range halls {
			all += h.Booths
		}
		if all < 1000 {
			t.Errorf("the demo has %d booths, want 1000+", all)
		}
		hallA, _ := st.HallPlanByCode(ctx, "A")

		t.Run("index shows the first hall with tabs", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/floorplan")
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			if n := r.doc.Find(".hall-tabs a").Length(); n != len(halls) {
				t.Errorf("%d tabs, want %d", n, len(halls))
			}
			if got := r.doc.Find(`.hall-tabs a[aria-current]`).AttrOr("href", ""); got != "/floorplan/A" {
				t.Errorf("current tab %q", got)
			}
			if n := r.doc.Find("svg.floorplan rect.booth").Length(); n != hallA.Booths {
				t.Errorf("%d booths drawn, want %d", n, hallA.Booths)
			}
		})
		t.Run("standalone SVG is valid XML with a link per held booth", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/floorplan/A.svg")
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "image/svg+xml") {
				t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
			}
			booths, links, labels := svgCounts(t, r.body)
			if booths != hallA.Booths || links != hallA.Booths-hallA.Free || labels == 0 {
				t.Errorf("%d booths, %d links, %d labels; want %d booths and %d links", booths, links, labels, hallA.Booths, hallA.Booths-hallA.Free)
			}
			if !strings.Contains(r.body, `href="/exhibitors/changchun-faw-new-energy"`) {
				t.Error("FAW's booth does not link to its profile")
			}
		})
		t.Run("every hall renders, at 1000+ booths in all", func(t *testing.T) {
			c := c.in(t)
			for _, h := range halls {
				r := c.get("/floorplan/" + h.Code)
				if r.status != http.StatusOK {
					t.Fatalf("hall %s: status %d", h.Code, r.status)
				}
				booths, _, _ := svgCounts(t, mustOuterSVG(t, r))
				if booths != h.Booths {
					t.Errorf("hall %s: %d booths drawn, want %d", h.Code, booths, h.Booths)
				}
				if r.doc.Find("svg.floorplan rect.booth title").Length() != h.Booths {
					t.Errorf("hall %s: booths without a tooltip", h.Code)
				}
			}
		})
		t.Run("sector filter highlights matching booths", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/floorplan/A?sector=new_energy")
			match := r.doc.Find("rect.booth.is-match").Length()
			dim := r.doc.Find("rect.booth.is-dim").Length()
			if match == 0 || match+dim != hallA.Booths {
				t.Errorf("%d matches and %d dimmed of %d", match, dim, hallA.Booths)
			}
			r.doc.Find("rect.booth.is-match").Each(func(_ int, s *goquery.Selection) {
				if !strings.Contains(s.Find("title").Text(), en("sector.new_energy")) {
					t.Errorf("highlighted booth %q is not in new energy", s.Find("title").Text())
				}
			})
			if r.doc.Find(`.legend a[aria-current]`).Length() != 1 {
				t.Error("the legend does not mark the chosen sector")
			}
		})
		t.Run("a booth link highlights one booth", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/floorplan/A?booth=A-001")
			if n := r.doc.Find(`rect.booth.is-match[data-code="A-001"]`).Length(); n != 1 || r.doc.Find("rect.booth.is-match").Length() != 1 {
				t.Errorf("highlighted: %d", r.doc.Find("rect.booth.is-match").Length())
			}
		})
		t.Run("legend has every sector on the plan and free booths", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/floorplan/C")
			if r.doc.Find(".legend li").Length() < 4 || r.doc.Find(".legend .legend-free").Length() != 1 {
				t.Errorf("legend %q", r.text(".legend"))
			}
		})
		for path, want := range map[string]int{
			"/floorplan/Z":               http.StatusNotFound,
			"/floorplan/Z.svg":           http.StatusNotFound,
			"/floorplan/..%2f":           http.StatusNotFound,
			"/floorplan/A?sector=weapon": http.StatusUnprocessableEntity,
			"/floorplan/a":               http.StatusOK,
		} {
			t.Run(path, func(t *testing.T) {
				c := c.in(t)
				if r := c.get(path); r.status != want {
					t.Errorf("status %d, want %d", r.status, want)
				}
			})
		}
	})
}

// mustOuterSVG is the inline SVG of a page as an XML document.
func mustOuterSVG(t *testing.T, r *reply) string {
	t.Helper()
	html, err := r.doc.Find("svg.floorplan").First().Parent().Html()
	if err != nil || html == "" {
		t.Fatalf("no SVG on the page: %v", err)
	}
	return html
}

func TestBoothPagesAreOrganizerOnly(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		paths := []string{"/organizer/halls", "/organizer/halls/1", "/organizer/booths/1", "/organizer/exhibitors/1/booth"}
		for _, p := range paths {
			t.Run("anonymous "+p, func(t *testing.T) {
				r := app.client(t).get(p)
				if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
					t.Errorf("status %d to %q, want 303 to /login", r.status, r.location())
				}
			})
			for _, who := range []string{demoAttendee, demoExhibitor} {
				t.Run(who+" "+p, func(t *testing.T) {
					if r := app.as(t, who).get(p); r.status != http.StatusForbidden {
						t.Errorf("status %d, want 403", r.status)
					}
				})
			}
		}
		t.Run("an exhibitor cannot assign booths", func(t *testing.T) {
			c := app.as(t, demoExhibitor)
			token := c.csrf(c.get("/account"), "")
			r := c.post("/organizer/exhibitors/1/booth", values("_csrf", token, "booth_id", "1"))
			if r.status != http.StatusForbidden {
				t.Errorf("status %d, want 403", r.status)
			}
			if b, _ := st.Booth(context.Background(), 1); b.ExhibitorID != nil && *b.ExhibitorID != 1 {
				t.Errorf("booth 1 changed hands")
			}
		})
	})
}

func TestOrganizerHallsAndBooths(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		org := app.as(t, demoOrganizer)
		ctx := context.Background()

		t.Run("bad hall input writes nothing", func(t *testing.T) {
			org := org.in(t)
			before, _ := st.HallPlans(ctx)
			r := org.fill("/organizer/halls", "/organizer/halls", values("code", "TOOLONG", "name", "", "grid_w", "abc", "grid_h", "0"))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.status)
			}
			for field, msg := range map[string]string{"code": "error.too_long", "name": "error.required", "grid_w": "error.grid_number", "grid_h": "error.grid_size_range"} {
				if got := r.fieldError("form[action='/organizer/halls']", field); got != en(msg) {
					t.Errorf("%s: %q, want %q", field, got, en(msg))
				}
			}
			after, _ := st.HallPlans(ctx)
			if len(after) != len(before) {
				t.Error("a hall was created")
			}
		})
		t.Run("duplicate hall code", func(t *testing.T) {
			org := org.in(t)
			r := org.fill("/organizer/halls", "/organizer/halls", values("code", "A", "name", "Again", "grid_w", "10", "grid_h", "10"))
			if r.status != http.StatusConflict || r.fieldError("form[action='/organizer/halls']", "code") != en("error.hall_code_taken") {
				t.Errorf("status %d, errors %v", r.status, r.fieldErrors())
			}
		})
		var hallID int64
		t.Run("create a hall and lay out a row", func(t *testing.T) {
			org := org.in(t)
			r := org.fill("/organizer/halls", "/organizer/halls", values("code", "g", "name", "Hall G", "grid_w", "40", "grid_h", "20"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d, errors %v", r.status, r.fieldErrors())
			}
			h, err := st.HallPlanByCode(ctx, "G")
			if err != nil {
				t.Fatal(err)
			}
			hallID = h.ID
			path := "/organizer/halls/" + strconv.FormatInt(hallID, 10)
			if r.location() != path {
				t.Errorf("redirect to %q, want %q", r.location(), path)
			}
			r = org.fill(path, path+"/row", values("from", "101", "count", "12", "kind", "standard", "x", "0", "y", "0", "w", "3", "h", "3", "direction", "right"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("row: status %d, errors %v %s", r.status, r.fieldErrors(), r.text(".flash-error"))
			}
			booths, _ := st.Booths(ctx, hallID)
			if len(booths) != 12 || booths[11].Code != "G-112" {
				t.Errorf("%d booths", len(booths))
			}
			page := org.get(path)
			if n := page.doc.Find("svg.floorplan rect.booth").Length(); n != 12 {
				t.Errorf("editor draws %d booths", n)
			}
		})
		t.Run("a row that does not fit writes nothing", func(t *testing.T) {
			org := org.in(t)
			path := "/organizer/halls/" + strconv.FormatInt(hallID, 10)
			r := org.fill(path, path+"/row", values("from", "201", "count", "20", "kind", "standard", "x", "0", "y", "6", "w", "3", "h", "3", "direction", "right"))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", r.status)
			}
			if !strings.Contains(r.text(".flash-error"), "G-214") {
				t.Errorf("message %q does not name the first booth that does not fit", r.text(".flash-error"))
			}
			if booths, _ := st.Booths(ctx, hallID); len(booths) != 12 {
				t.Errorf("%d booths after a failed row", len(booths))
			}
			r = org.fill(path, path+"/booths", values("code", "G-300", "kind", "standard", "x", "1", "y", "1", "w", "3", "h", "3"))
			if r.status != http.StatusConflict || r.fieldError("form[action='"+path+"/booths']", "x") != en("error.booth_overlap", map[string]any{"Code": "G-101"}) {
				t.Errorf("overlap: status %d, errors %v", r.status, r.fieldErrors())
			}
		})
		t.Run("assign from the exhibitor's page; a second holder is refused", func(t *testing.T) {
			org := org.in(t)
			waiting, _, err := st.ExhibitorsWithoutBooth(ctx, nil, 100)
			if err != nil {
				t.Fatal(err)
			}
			var a, b *store.BoothCandidate
			for i := range waiting {
				if waiting[i].BoothWish != expo.BoothStandard {
					continue
				}
				if a == nil {
					a = &waiting[i]
				} else if b == nil {
					b = &waiting[i]
				}
			}
			if a == nil || b == nil {
				t.Fatalf("need two approved exhibitors without a standard booth, have %d waiting", len(waiting))
			}
			booths, _ := st.Booths(ctx, hallID)
			booth := booths[0]
			pathA := "/organizer/exhibitors/" + strconv.FormatInt(a.ID, 10) + "/booth"
			page := org.get(pathA + "?hall=G")
			if page.status != http.StatusOK {
				t.Fatalf("status %d", page.status)
			}
			if n := page.doc.Find(".booth-choices li").Length(); n != 12 {
				t.Errorf("%d free booths offered in hall G, want 12", n)
			}
			r := org.submit(page, pathA, values("booth_id", strconv.FormatInt(booth.ID, 10)))
			if r.status != http.StatusSeeOther {
				t.Fatalf("assign: status %d %s", r.status, r.text(".flash-error"))
			}
			pathB := "/organizer/exhibitors/" + strconv.FormatInt(b.ID, 10) + "/booth"
			r = org.submit(org.get(pathB), pathB, values("booth_id", strconv.FormatInt(booth.ID, 10)))
			if r.status != http.StatusConflict || !strings.Contains(r.text(".flash-error"), en("error.booth_taken")) {
				t.Errorf("second assignment: status %d, %q", r.status, r.text(".flash-error"))
			}
			got, _ := st.Booth(ctx, booth.ID)
			if got.ExhibitorID == nil || *got.ExhibitorID != a.ID {
				t.Errorf("holder %v, want %d", got.ExhibitorID, a.ID)
			}
			// The booth page shows the holder and frees it after confirmation.
			bp := "/organizer/booths/" + strconv.FormatInt(booth.ID, 10)
			r = org.get(bp)
			if !strings.Contains(r.text("main"), a.Name) {
				t.Errorf("booth page does not name the holder %q", a.Name)
			}
			if r = org.submit(r, bp+"/unassign", nil); r.status != http.StatusSeeOther {
				t.Fatalf("unassign: %d", r.status)
			}
			// From the booth side: waiting exhibitors of the right kind.
			r = org.get(bp)
			if r.doc.Find(`form[action="`+bp+`/assign"]`).Length() == 0 {
				t.Fatal("a free booth offers nobody to assign")
			}
			if r = org.submit(r, bp+"/assign", values("exhibitor_id", strconv.FormatInt(b.ID, 10))); r.status != http.StatusSeeOther {
				t.Errorf("assign from the booth: %d", r.status)
			}
			if r = org.post(bp+"/assign", values("_csrf", org.csrf(org.get(bp), ""), "exhibitor_id", "abc")); r.status != http.StatusUnprocessableEntity {
				t.Errorf("bad exhibitor id: %d", r.status)
			}
		})
		t.Run("delete refuses a held booth, then works", func(t *testing.T) {
			org := org.in(t)
			booths, _ := st.Booths(ctx, hallID)
			hp := "/organizer/halls/" + strconv.FormatInt(hallID, 10)
			if r := org.submit(org.get(hp), hp+"/delete", nil); r.status != http.StatusConflict {
				t.Errorf("deleting a hall with a held booth: %d", r.status)
			}
			held := booths[0]
			bp := "/organizer/booths/" + strconv.FormatInt(held.ID, 10)
			if r := org.post(bp+"/delete", values("_csrf", org.csrf(org.get(bp), ""))); r.status != http.StatusConflict {
				t.Errorf("deleting a held booth: %d", r.status)
			}
			free := "/organizer/booths/" + strconv.FormatInt(booths[5].ID, 10)
			if r := org.submit(org.get(free), free+"/delete", nil); r.status != http.StatusSeeOther {
				t.Errorf("deleting a free booth: %d", r.status)
			}
			if r := org.get(free); r.status != http.StatusNotFound {
				t.Errorf("deleted booth: %d", r.status)
			}
			if err := st.UnassignBooth(ctx, held.ID); err != nil {
				t.Fatal(err)
			}
			if r := org.submit(org.get(hp), hp+"/delete", nil); r.status != http.StatusSeeOther {
				t.Errorf("deleting an empty hall: %d", r.status)
			}
		})
		for _, p := range []string{"/organizer/halls/999999", "/organizer/halls/abc", "/organizer/booths/0", "/organizer/exhibitors/999999/booth"} {
			t.Run("404 "+p, func(t *testing.T) {
				org := org.in(t)
				if r := org.get(p); r.status != http.StatusNotFound {
					t.Errorf("status %d", r.status)
				}
			})
		}
	})
}
