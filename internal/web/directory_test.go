package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// htmxGet fetches path as htmx does when it swaps the element target.
func (c *testClient) htmxGet(path, target string) *reply {
	c.t.Helper()
	req := c.newRequest(http.MethodGet, path, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	return c.do(req)
}

// names are the own-script names listed on a directory page.
func directoryNames(r *reply) []string {
	var out []string
	if r.doc == nil {
		return out
	}
	r.doc.Find(".exhibitor-card h3").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Text()))
	})
	return out
}

func TestDirectoryPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		c := app.client(t)
		total, err := st.Directory(context.Background(), expo.DirectoryQuery{Page: 1, PerPage: 1, Sort: "name"})
		if err != nil {
			t.Fatal(err)
		}
		if total.Total < 1000 {
			t.Fatalf("the demo has %d approved exhibitors, want 1000+", total.Total)
		}

		t.Run("full page with a live search form", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/exhibitors")
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			form := r.doc.Find("form#directory-search")
			for attr, want := range map[string]string{"method": "get", "action": "/exhibitors", "hx-get": "/exhibitors",
				"hx-trigger": "input changed delay:300ms, submit", "hx-target": "#directory-results", "hx-push-url": "true"} {
				if got := form.AttrOr(attr, ""); got != want {
					t.Errorf("form %s = %q, want %q", attr, got, want)
				}
			}
			if n := r.doc.Find("#directory-results .exhibitor-card").Length(); n != expo.DirectoryPerPage {
				t.Errorf("%d cards, want %d", n, expo.DirectoryPerPage)
			}
			if got, want := r.text("#directory-count"), en("directory.count", map[string]any{"Count": total.Total, "N": strconv.Itoa(total.Total)}); got != want {
				t.Errorf("count %q, want %q", got, want)
			}
			if r.doc.Find(`.pager a[rel="next"]`).AttrOr("href", "") != "/exhibitors?page=2" {
				t.Errorf("next link %q", r.doc.Find(`.pager a[rel="next"]`).AttrOr("href", ""))
			}
		})
		t.Run("htmx gets only the results", func(t *testing.T) {
			c := c.in(t)
			r := c.htmxGet("/exhibitors?q="+url.QueryEscape("한빛메디칼"), "directory-results")
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			if strings.Contains(r.body, "<html") || r.doc.Find("form#directory-search").Length() != 0 {
				t.Errorf("fragment contains the page: %.200s", r.body)
			}
			if r.doc.Find("section#directory-results").Length() != 1 {
				t.Errorf("no #directory-results in the fragment")
			}
			if names := directoryNames(r); len(names) != 1 || names[0] != "한빛메디칼" {
				t.Errorf("names %v", names)
			}
			// Another target (or a boosted request) gets the whole page.
			if r := c.htmxGet("/exhibitors", "main"); !strings.Contains(r.body, "<html") {
				t.Error("a request for another target got a fragment")
			}
		})
		tests := []struct {
			name     string
			query    string
			contains string // a name that must be listed
			max      int    // at most this many results
		}{
			{"Chinese spelling", "q=" + url.QueryEscape("长春一汽新能源"), "长春一汽新能源", 1},
			{"Latin spelling", "q=changchun+faw+new+energy", "长春一汽新能源", 1},
			{"product keyword", "q=ultrasound&country=KR", "한빛메디칼", 1000},
			{"country and sector", "country=KR&sector=pharma_medical", "한빛메디칼", 1000},
			{"hall", "hall=C&sector=pharma_medical&per_page=100", "한빛메디칼", 100},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := c.in(t)
				r := c.get("/exhibitors?" + tt.query)
				if r.status != http.StatusOK {
					t.Fatalf("status %d", r.status)
				}
				names := directoryNames(r)
				found := false
				for _, n := range names {
					found = found || n == tt.contains
				}
				if !found || len(names) > tt.max {
					t.Errorf("names %v, want %q among at most %d", names, tt.contains, tt.max)
				}
			})
		}
		t.Run("Cyrillic in lower case", func(t *testing.T) {
			c := c.in(t)
			ru, err := st.Directory(context.Background(), expo.DirectoryQuery{Country: "RU", Page: 1, PerPage: 1, Sort: "name"})
			if err != nil || len(ru.Items) == 0 {
				t.Fatalf("no Russian exhibitor: %v", err)
			}
			name := ru.Items[0].Name
			r := c.get("/exhibitors?q=" + url.QueryEscape(strings.ToLower(name)))
			names := directoryNames(r)
			if len(names) == 0 || names[0] != name {
				t.Errorf("search for %q found %v", strings.ToLower(name), names)
			}
		})
		t.Run("filters narrow the list", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/exhibitors?country=MN&per_page=100")
			r.doc.Find(".exhibitor-card .meta span").Each(func(_ int, s *goquery.Selection) {
				if s.Text() != "Mongolia" {
					t.Errorf("country %q in a Mongolian search", s.Text())
				}
			})
		})
		t.Run("no match says what to do", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/exhibitors?q=zzzzqqq")
			if r.status != http.StatusOK || r.text(".empty h3") != en("directory.none") {
				t.Fatalf("status %d, empty state %q", r.status, r.text(".empty"))
			}
			if r.doc.Find(`.empty a[href="/exhibitors"]`).Length() == 0 {
				t.Error("the empty state offers no way back")
			}
		})
		t.Run("a page past the end is empty with a link back", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/exhibitors?page=5000")
			if r.status != http.StatusOK || r.text(".empty h3") != en("directory.past_end") {
				t.Fatalf("status %d, %q", r.status, r.text(".empty"))
			}
		})
		for _, bad := range []string{"page=0", "page=-3", "page=abc", "page=99999999999999999999", "per_page=0", "per_page=101", "country=XX", "sector=guns", "sort=price", "hall=" + url.QueryEscape("A' OR 1=1")} {
			t.Run("bad parameter "+bad, func(t *testing.T) {
				c := c.in(t)
				r := c.get("/exhibitors?" + bad)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.status)
				}
				if r.doc.Find("form#directory-search").Length() != 1 || r.doc.Find(".exhibitor-card").Length() == 0 {
					t.Error("the 422 page lost the form or the default results")
				}
			})
		}
		t.Run("markup and SQL in the keyword are harmless", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/exhibitors?q=" + url.QueryEscape(`<script>alert(1)</script>`))
			if r.status != http.StatusUnprocessableEntity || strings.Contains(r.body, "<script>alert") {
				t.Errorf("status %d; raw markup echoed: %v", r.status, strings.Contains(r.body, "<script>alert"))
			}
			for _, q := range []string{"%", "_", "' OR '1'='1", `\`, "%%%"} {
				r := c.get("/exhibitors?q=" + url.QueryEscape(q))
				if r.status != http.StatusOK || len(directoryNames(r)) != 0 {
					t.Errorf("q=%q: status %d, %d results", q, r.status, len(directoryNames(r)))
				}
			}
		})
		t.Run("sort by booth", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/exhibitors?sort=booth&hall=A")
			first := r.doc.Find(".exhibitor-card .booth-code").First().Text()
			if !strings.Contains(first, "A-001") {
				t.Errorf("first booth %q, want A-001", first)
			}
		})
	})
}

func TestDirectoryProfile(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		c := app.client(t)
		ctx := context.Background()
		prof, err := st.DirectoryProfile(ctx, "hanbit-medical")
		if err != nil {
			t.Fatal(err)
		}
		r := c.get("/exhibitors/hanbit-medical")
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		if r.text("h1") != "한빛메디칼" || r.text(".profile-head .latin") != "Hanbit Medical" {
			t.Errorf("names %q / %q", r.text("h1"), r.text(".profile-head .latin"))
		}
		plan := r.doc.Find(`a[href="/floorplan/` + prof.HallCode + `?booth=` + prof.BoothCode + `"]`)
		if prof.BoothCode == "" || plan.Length() == 0 {
			t.Errorf("no link to booth %q on the floor plan", prof.BoothCode)
		}
		if got := r.text(".sector-badge"); got != en("sector.pharma_medical") {
			t.Errorf("sectors %q", got)
		}
		for _, want := range []string{prof.Products, prof.LookingFor, "Korean"} {
			if !strings.Contains(r.text("main"), want) {
				t.Errorf("profile lacks %q", want)
			}
		}
		ex, _, err := st.Apply(ctx, store.NewApplication{Application: expo.Application{
			Name: "Pending Profile Co", NameLatin: "Pending Profile Co", Country: "CN", Sectors: []string{"other"}, Description: "Waiting",
			ContactName: "P", ContactEmail: "pending-profile@example.com", ContactPhone: "+86 431 1234567", BoothWish: expo.BoothStandard, Languages: []string{"zh"},
		}, Password: "a long password", Submit: true})
		if err != nil {
			t.Fatal(err)
		}
		pending := ex.Slug
		for _, path := range []string{"/exhibitors/no-such-company", "/exhibitors/" + pending, "/exhibitors/Hanbit-Medical",
			"/exhibitors/..%2f..%2fetc%2fpasswd", "/exhibitors/%2e%2e", "/exhibitors/hanbit-medical%00", "/exhibitors/" + strings.Repeat("a", 200)} {
			t.Run(path, func(t *testing.T) {
				c := c.in(t)
				if r := c.get(path); r.status != http.StatusNotFound {
					t.Errorf("status %d, want 404", r.status)
				}
			})
		}
	})
}

func TestExhibitorAPI(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		c := app.client(t)
		type item struct {
			Slug      string   `json:"slug"`
			Name      string   `json:"name"`
			NameLatin string   `json:"name_latin"`
			Country   string   `json:"country"`
			Sectors   []string `json:"sectors"`
			Languages []string `json:"languages"`
			Booth     *struct {
				Code string `json:"code"`
				Hall string `json:"hall"`
			} `json:"booth"`
		}
		var page struct {
			Items   []item `json:"items"`
			Total   *int   `json:"total"`
			Page    int    `json:"page"`
			PerPage int    `json:"per_page"`
		}
		t.Run("list", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/api/v1/exhibitors?country=KR&sector=pharma_medical&per_page=5&page=1")
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			r.json(t, &page)
			if page.Total == nil || *page.Total < 1 || page.Page != 1 || page.PerPage != 5 || len(page.Items) == 0 || len(page.Items) > 5 {
				t.Fatalf("page %+v", page)
			}
			for _, it := range page.Items {
				if it.Country != "KR" || it.Slug == "" || it.Name == "" || it.Sectors == nil || it.Languages == nil {
					t.Errorf("item %+v", it)
				}
			}
			for _, key := range []string{`"items"`, `"total"`, `"page"`, `"per_page"`, `"name_latin"`, `"booth"`} {
				if !strings.Contains(r.body, key) {
					t.Errorf("body lacks %s", key)
				}
			}
		})
		t.Run("default page size and the hall filter", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/api/v1/exhibitors?hall=B&q=hanbit+medical")
			r.json(t, &page)
			if page.PerPage != apiPerPage || len(page.Items) != 0 {
				t.Errorf("Hanbit Medical is in hall C, not B: %+v", page)
			}
			r = c.get("/api/v1/exhibitors?hall=C&q=hanbit+medical")
			r.json(t, &page)
			if len(page.Items) != 1 || page.Items[0].Booth == nil || page.Items[0].Booth.Hall != "C" {
				t.Errorf("items %+v", page.Items)
			}
		})
		for _, bad := range []string{"page=0", "page=-1", "page=1e3", "per_page=1000", "per_page=-5", "country=ZZ"} {
			t.Run("bad "+bad, func(t *testing.T) {
				c := c.in(t)
				r := c.get("/api/v1/exhibitors?" + bad)
				var e apiError
				r.json(t, &e)
				if r.status != http.StatusUnprocessableEntity || e.Error.Code != "invalid" || len(e.Error.Fields) == 0 {
					t.Errorf("status %d: %s", r.status, r.body)
				}
			})
		}
		t.Run("detail", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/api/v1/exhibitors/hanbit-medical")
			var d struct {
				item
				Description string `json:"description"`
				Products    string `json:"products"`
				LookingFor  string `json:"looking_for"`
			}
			r.json(t, &d)
			if r.status != http.StatusOK || d.Name != "한빛메디칼" || d.Description == "" || d.Products == "" || d.Booth == nil {
				t.Errorf("status %d: %+v", r.status, d)
			}
			for _, path := range []string{"/api/v1/exhibitors/nope", "/api/v1/exhibitors/..%2fme"} {
				r := c.get(path)
				var e apiError
				r.json(t, &e)
				if r.status != http.StatusNotFound || e.Error.Code != "not_found" {
					t.Errorf("%s: status %d", path, r.status)
				}
			}
		})
		t.Run("documented", func(t *testing.T) {
			c := c.in(t)
			r := c.get("/api/v1/openapi.json")
			for _, p := range []string{`"/api/v1/exhibitors"`, `"/api/v1/exhibitors/{slug}"`} {
				if !strings.Contains(r.body, p) {
					t.Errorf("openapi.json lacks %s", p)
				}
			}
		})
	})
}

// TestDirectoryFromCachedIndex checks the directory served from the cached
// in-memory index (with ReadCacheTTL) against the one read from the
// database for every request (without): the same results section, country
// filter and API answers, on both databases.
func TestDirectoryFromCachedIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		cached := newApp(t, st, Config{ReadCacheTTL: time.Hour}).client(t)
		direct := newApp(t, st, Config{}).client(t)
		paths := []string{
			"/exhibitors", "/exhibitors?page=2", "/exhibitors?page=45", "/exhibitors?page=5000",
			"/exhibitors?q=energy", "/exhibitors?q=" + url.QueryEscape("한빛") + "&sort=booth",
			"/exhibitors?q=NEW+ENERGY&page=2", "/exhibitors?q=%25", "/exhibitors?q=zzzz",
			"/exhibitors?country=KR&sector=pharma_medical", "/exhibitors?hall=A&sort=booth&page=2",
			"/exhibitors?hall=C&sector=pharma_medical&per_page=100", "/exhibitors?country=RU&q=invest&hall=D",
			"/exhibitors?sort=booth&page=44", "/exhibitors?page=0", "/exhibitors?country=XX",
			"/api/v1/exhibitors", "/api/v1/exhibitors?q=medical&per_page=7&page=3", "/api/v1/exhibitors?hall=B&sort=booth&page=2",
			"/api/v1/exhibitors?country=CN&sector=new_energy&page=9999", "/api/v1/exhibitors?q=" + url.QueryEscape("Яндекс"),
		}
		for _, path := range paths {
			t.Run(path, func(t *testing.T) {
				a, b := cached.in(t).get(path), direct.in(t).get(path)
				if a.status != b.status || a.status >= 500 {
					t.Fatalf("status %d with the index, %d without", a.status, b.status)
				}
				if strings.HasPrefix(path, "/api/") {
					if a.body != b.body {
						t.Errorf("with the index:\n%.400s\nwithout:\n%.400s", a.body, b.body)
					}
					return
				}
				for _, sel := range []string{"#directory-results", "#f-country"} {
					ha, _ := goquery.OuterHtml(a.doc.Find(sel))
					hb, _ := goquery.OuterHtml(b.doc.Find(sel))
					if ha == "" || ha != hb {
						t.Errorf("%s with the index:\n%.400s\nwithout:\n%.400s", sel, ha, hb)
					}
				}
			})
		}
	})
}

// TestDirectoryIndexFreshness checks that the index is cached as one read
// (a company approved elsewhere stays hidden) and that a write request
// served by the instance makes the next search read it again.
func TestDirectoryIndexFreshness(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		ctx := context.Background()
		c := newApp(t, st, Config{ReadCacheTTL: time.Hour}).client(t)
		const search = "/api/v1/exhibitors?q=freshness+probe"
		total := func(t *testing.T) int {
			t.Helper()
			var page struct{ Total int }
			r := c.get(search)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			r.json(t, &page)
			return page.Total
		}
		if n := total(t); n != 0 {
			t.Fatalf("%d results before the probe company exists", n)
		}
		org, err := st.UserByEmail(ctx, "organizer@demo.expo")
		if err != nil {
			t.Fatal(err)
		}
		ex, _, err := st.Apply(ctx, store.NewApplication{Application: expo.Application{
			Name: "Freshness Probe Ltd", NameLatin: "Freshness Probe Ltd", Country: "DE", Sectors: []string{"finance"},
			Description: "A company the directory must find", ContactName: "Probe", ContactEmail: "probe@example.com",
			ContactPhone: "+49 30 1234567", BoothWish: expo.BoothStandard, Languages: []string{"en"},
		}, Password: "a long password", Submit: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Transition(ctx, ex.ID, expo.StateApproved, org, ""); err != nil {
			t.Fatal(err)
		}
		if n := total(t); n != 0 {
			t.Fatalf("a company approved behind the cache's back shows at once (%d): the index is not cached; the test proves nothing", n)
		}
		if r := c.api(http.MethodPost, "/api/v1/tokens", "application/json", `{}`, ""); r.status < 400 {
			t.Fatalf("POST /api/v1/tokens {}: status %d, want a 4xx", r.status)
		}
		if n := total(t); n != 1 {
			t.Errorf("after a write request the search finds %d, want the approved probe", n)
		}
	})
}

func TestSharedLoad(t *testing.T) {
	t.Run("concurrent requests of one generation share one load", func(t *testing.T) {
		var l sharedLoad[int]
		var loads atomic.Int32
		release := make(chan struct{})
		load := func() (int, error) {
			loads.Add(1)
			<-release
			return 42, nil
		}
		var wg sync.WaitGroup
		results := make([]int, 8)
		wg.Go(func() { results[0], _ = l.do(7, load) })
		for loads.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		for i := 1; i < len(results); i++ {
			wg.Go(func() { results[i], _ = l.do(7, load) })
		}
		time.Sleep(20 * time.Millisecond) // let the others join
		close(release)
		wg.Wait()
		if n := loads.Load(); n != 1 {
			t.Errorf("%d loads, want 1", n)
		}
		for i, v := range results {
			if v != 42 {
				t.Errorf("request %d got %d", i, v)
			}
		}
		if v, _ := l.do(7, func() (int, error) { return 43, nil }); v != 43 {
			t.Errorf("a request after the load got %d, want a new load", v)
		}
	})
	t.Run("a newer generation does not join an older load", func(t *testing.T) {
		var l sharedLoad[int]
		started, release := make(chan struct{}), make(chan struct{})
		done := make(chan int)
		go func() {
			v, _ := l.do(1, func() (int, error) { close(started); <-release; return 1, nil })
			done <- v
		}()
		<-started
		if v, _ := l.do(2, func() (int, error) { return 2, nil }); v != 2 {
			t.Errorf("generation 2 got %d, want its own load", v)
		}
		close(release)
		if v := <-done; v != 1 {
			t.Errorf("generation 1 got %d", v)
		}
	})
	t.Run("a failed load is not kept", func(t *testing.T) {
		var l sharedLoad[int]
		boom := errors.New("boom")
		if _, err := l.do(1, func() (int, error) { return 0, boom }); err != boom {
			t.Errorf("err %v, want the load's", err)
		}
		if v, err := l.do(1, func() (int, error) { return 5, nil }); v != 5 || err != nil {
			t.Errorf("the next request got %d, %v; want a new load", v, err)
		}
	})
}
