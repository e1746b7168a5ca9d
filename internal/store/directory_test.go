package store_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

type dirCompany struct {
	name, latin, country string
	sectors              []string
	description          string
	products             string
	approve              bool
	booth                string // "" for none
}

func TestDirectory(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		org := boothOrganizer(t, st)
		hallA, err := st.CreateHall(ctx, expo.HallInput{Code: "A", Name: "Hall A", Width: 60, Height: 10})
		if err != nil {
			t.Fatal(err)
		}
		hallB, err := st.CreateHall(ctx, expo.HallInput{Code: "B", Name: "Hall B", Width: 60, Height: 10})
		if err != nil {
			t.Fatal(err)
		}
		boothIDs := map[string]int64{}
		for _, h := range []expo.HallPlan{hallA, hallB} {
			row, err := st.LayoutRow(ctx, h.ID, expo.BoothRow{From: 101, Count: 5, Kind: expo.BoothStandard, W: 3, H: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range row {
				boothIDs[b.Code] = b.ID
			}
		}
		companies := []dirCompany{
			{"长春一汽新能源", "Changchun FAW New Energy", "CN", []string{"automotive", "new_energy"}, "Electric SUVs from Changchun", "Battery packs", true, "A-103"},
			{"한빛메디칼", "Hanbit Medical", "KR", []string{"pharma_medical"}, "Ultrasound scanners", "Patient monitors", true, "B-101"},
			{"Яндекс Инвест Консалт", "Yandex Invest Consult", "RU", []string{"finance", "digital_it"}, "Investment consulting 100% online", "Market_entry advice", true, "A-101"},
			{"札幌アグリフーズ", "Sapporo Agri Foods", "JP", []string{"agri_food"}, "Dairy and rice", "Milk powder", true, ""},
			{"待审公司", "Pending Company", "CN", []string{"automotive"}, "Electric SUVs too", "Battery packs", false, ""},
		}
		for i, c := range companies {
			ex, _, err := st.Apply(ctx, store.NewApplication{Application: expo.Application{
				Name: c.name, NameLatin: c.latin, Country: c.country, Sectors: c.sectors, Description: c.description, Products: c.products,
				ContactName: "Contact", ContactEmail: "dir" + string(rune('a'+i)) + "@example.com", ContactPhone: "+86 431 1234567",
				BoothWish: expo.BoothStandard, Languages: []string{"en"},
			}, Password: "a long password", Submit: true})
			if err != nil {
				t.Fatalf("apply %s: %v", c.latin, err)
			}
			if !c.approve {
				continue
			}
			if _, err := st.Transition(ctx, ex.ID, expo.StateApproved, org, ""); err != nil {
				t.Fatal(err)
			}
			if c.booth != "" {
				if err := st.AssignBooth(ctx, boothIDs[c.booth], ex.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		search := func(t *testing.T, q expo.DirectoryQuery) expo.DirectoryPage {
			t.Helper()
			if q.Page == 0 {
				q.Page = 1
			}
			if q.PerPage == 0 {
				q.PerPage = 10
			}
			if q.Sort == "" {
				q.Sort = "name"
			}
			p, err := st.Directory(ctx, q)
			if err != nil {
				t.Fatalf("Directory(%+v): %v", q, err)
			}
			return p
		}
		latins := func(p expo.DirectoryPage) []string {
			var out []string
			for _, it := range p.Items {
				out = append(out, it.NameLatin)
			}
			return out
		}
		tests := []struct {
			name string
			q    expo.DirectoryQuery
			want []string
		}{
			{"all approved, by name", expo.DirectoryQuery{}, []string{"Changchun FAW New Energy", "Hanbit Medical", "Sapporo Agri Foods", "Yandex Invest Consult"}},
			{"by booth, booth-less last", expo.DirectoryQuery{Sort: "booth"}, []string{"Yandex Invest Consult", "Changchun FAW New Energy", "Hanbit Medical", "Sapporo Agri Foods"}},
			{"Chinese spelling", expo.DirectoryQuery{Q: "一汽"}, []string{"Changchun FAW New Energy"}},
			{"Latin spelling, any case", expo.DirectoryQuery{Q: "faw"}, []string{"Changchun FAW New Energy"}},
			{"Korean spelling", expo.DirectoryQuery{Q: "한빛"}, []string{"Hanbit Medical"}},
			{"Cyrillic in another case", expo.DirectoryQuery{Q: "ЯНДЕКС"}, []string{"Yandex Invest Consult"}},
			{"full-width Latin", expo.DirectoryQuery{Q: "ＨＡＮＢＩＴ"}, []string{"Hanbit Medical"}},
			{"description", expo.DirectoryQuery{Q: "ultrasound"}, []string{"Hanbit Medical"}},
			{"products", expo.DirectoryQuery{Q: "milk powder"}, []string{"Sapporo Agri Foods"}},
			{"all words must match", expo.DirectoryQuery{Q: "electric dairy"}, nil},
			{"pending companies never show", expo.DirectoryQuery{Q: "pending"}, nil},
			{"percent is literal", expo.DirectoryQuery{Q: "100%"}, []string{"Yandex Invest Consult"}},
			{"lone percent matches only a percent", expo.DirectoryQuery{Q: "%"}, []string{"Yandex Invest Consult"}},
			{"underscore is literal", expo.DirectoryQuery{Q: "market_entry"}, []string{"Yandex Invest Consult"}},
			{"underscore is not a wildcard", expo.DirectoryQuery{Q: "ultra_ound"}, nil},
			{"SQL is just text", expo.DirectoryQuery{Q: "' OR 1=1 --"}, nil},
			{"backslash is just text", expo.DirectoryQuery{Q: `\`}, nil},
			{"country", expo.DirectoryQuery{Country: "KR"}, []string{"Hanbit Medical"}},
			{"sector", expo.DirectoryQuery{Sector: "digital_it"}, []string{"Yandex Invest Consult"}},
			{"hall", expo.DirectoryQuery{Hall: "A"}, []string{"Changchun FAW New Energy", "Yandex Invest Consult"}},
			{"hall and sector", expo.DirectoryQuery{Hall: "A", Sector: "automotive"}, []string{"Changchun FAW New Energy"}},
			{"unknown hall", expo.DirectoryQuery{Hall: "Z"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := search(t, tt.q)
				got := latins(p)
				if len(got) != len(tt.want) || p.Total != len(tt.want) {
					t.Fatalf("got %v (total %d), want %v", got, p.Total, tt.want)
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Fatalf("got %v, want %v", got, tt.want)
					}
				}
			})
		}
		t.Run("pages and total", func(t *testing.T) {
			p1 := search(t, expo.DirectoryQuery{Page: 1, PerPage: 3})
			p2 := search(t, expo.DirectoryQuery{Page: 2, PerPage: 3})
			p9 := search(t, expo.DirectoryQuery{Page: 9, PerPage: 3})
			if p1.Total != 4 || len(p1.Items) != 3 || len(p2.Items) != 1 || p2.Items[0].NameLatin != "Yandex Invest Consult" {
				t.Errorf("page 1 %v, page 2 %v", latins(p1), latins(p2))
			}
			if p9.Total != 4 || len(p9.Items) != 0 {
				t.Errorf("page past the end: %v total %d", latins(p9), p9.Total)
			}
		})
		t.Run("entries carry sectors, booth and hall", func(t *testing.T) {
			p := search(t, expo.DirectoryQuery{Q: "FAW"})
			e := p.Items[0]
			if e.BoothCode != "A-103" || e.HallCode != "A" || len(e.Sectors) != 2 || e.Sectors[0] != "automotive" || e.Slug == "" {
				t.Errorf("entry %+v", e)
			}
		})
		t.Run("profile", func(t *testing.T) {
			p := search(t, expo.DirectoryQuery{Q: "hanbit"})
			prof, err := st.DirectoryProfile(ctx, p.Items[0].Slug)
			if err != nil {
				t.Fatal(err)
			}
			if prof.Name != "한빛메디칼" || prof.BoothCode != "B-101" || prof.HallName != "Hall B" || prof.Products != "Patient monitors" {
				t.Errorf("profile %+v", prof)
			}
			for _, slug := range []string{"pending-company", "no-such-company", "", "../etc/passwd"} {
				if _, err := st.DirectoryProfile(ctx, slug); expo.ErrorCode(err) != expo.CodeNotFound {
					t.Errorf("profile %q: %v, want not found", slug, err)
				}
			}
		})
		t.Run("countries", func(t *testing.T) {
			c, err := st.DirectoryCountries(ctx)
			if err != nil || len(c) != 4 || c["KR"] != 1 || c["CN"] != 1 {
				t.Errorf("countries %v %v", c, err)
			}
		})
	})
}

func TestDemoExhibitors(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		start := time.Now()
		if _, err := st.LoadDemo(ctx, "expo-demo", store.DemoSize{Exhibitors: 8, Attendees: 2}, time.UTC); err != nil {
			t.Fatal(err)
		}
		t.Logf("demo loaded in %v", time.Since(start))
		all, err := st.Directory(ctx, expo.DirectoryQuery{Page: 1, PerPage: 1, Sort: "name"})
		if err != nil || all.Total < 1000 {
			t.Fatalf("%d approved exhibitors, want 1000+ (%v)", all.Total, err)
		}
		halls, err := st.HallPlans(ctx)
		if err != nil || len(halls) < 5 {
			t.Fatalf("%d halls, want 5+", len(halls))
		}
		held := 0
		for _, h := range halls {
			held += h.Booths - h.Free
			if h.Booths == 0 || h.Free == 0 {
				t.Errorf("hall %s: %d booths, %d free", h.Code, h.Booths, h.Free)
			}
			booths, _ := st.Booths(ctx, h.ID)
			for i, a := range booths {
				if !a.Rect().Inside(h.Width, h.Height) {
					t.Errorf("booth %s lies outside hall %s", a.Code, h.Code)
				}
				if o, ok := expo.FirstOverlap(a, booths[i+1:]); ok {
					t.Errorf("booths %s and %s overlap", a.Code, o.Code)
				}
			}
		}
		if held < 900 {
			t.Errorf("%d booths held, want most exhibitors placed", held)
		}
		countries, _ := st.DirectoryCountries(ctx)
		for _, c := range []string{"CN", "KR", "JP", "RU", "MN"} {
			if countries[c] < 20 {
				t.Errorf("%d exhibitors from %s", countries[c], c)
			}
		}
		for _, q := range []string{"长春一汽新能源", "Changchun FAW", "한빛메디칼", "Яндекс", "Pfizer", "辉瑞", "札幌アグリフーズ"} {
			p, err := st.Directory(ctx, expo.DirectoryQuery{Q: q, Page: 1, PerPage: 5, Sort: "name"})
			if err != nil || p.Total == 0 {
				t.Errorf("search %q: %d results, %v", q, p.Total, err)
				continue
			}
			if p.Items[0].BoothCode == "" {
				t.Errorf("%s has no booth", p.Items[0].NameLatin)
			}
		}
		for _, state := range []string{"submitted", "waitlisted", "draft"} {
			page, err := st.ReviewQueue(ctx, store.ReviewFilter{State: expo.ExhibitorState(state), Page: 1, PerPage: 10})
			if err != nil || page.Total == 0 {
				t.Errorf("no %s applications in the review queue: %+v %v", state, page.Total, err)
			}
		}
		waiting, n, err := st.ExhibitorsWithoutBooth(ctx, nil, 5)
		if err != nil || n == 0 || len(waiting) == 0 {
			t.Errorf("no approved exhibitor waits for a booth: %d %v", n, err)
		}
	})
}

// directoryBenchKeywords are the keywords of cmd/expobench's directory
// scenario (directoryKeywords there).
var directoryBenchKeywords = []string{"energy", "medical", "trade", "pharma", "logistics", "materials", "agri", "invest",
	"长春", "한빛", "Яндекс", "札幌", "group", "tech", "korea", "digital", "zzzz", "new energy"}

// TestDirectoryIndexMatchesSQL holds the in-memory directory search
// (expo.DirectoryIndex over DirectoryListings, which the web layer serves
// from its read cache) to the SQL search it replaces on a cache miss: on
// the demo's 1,060 exhibitors plus companies whose names test the orders,
// every query of a large table must give exactly the page Directory gives,
// item by item, with the same total.
func TestDirectoryIndexMatchesSQL(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := st.LoadDemo(ctx, "expo-demo", store.DemoSize{Exhibitors: 8, Attendees: 2}, time.UTC); err != nil {
			t.Fatal(err)
		}
		// Companies for the corners of the orders: a lower-case Latin name
		// (bytewise after every upper-case one), a Latin name with an
		// accent, two companies with one Latin name, wildcards in the text.
		org := boothOrganizer(t, st)
		hall, err := st.CreateHall(ctx, expo.HallInput{Code: "Y", Name: "Hall Y", Width: 60, Height: 10})
		if err != nil {
			t.Fatal(err)
		}
		row, err := st.LayoutRow(ctx, hall.ID, expo.BoothRow{From: 101, Count: 3, Kind: expo.BoothStandard, W: 3, H: 3})
		if err != nil {
			t.Fatal(err)
		}
		extra := []dirCompany{
			{"alpha trading", "alpha trading", "DE", []string{"finance"}, "Trade finance for energy projects", "Letters of credit", true, row[2].Code},
			{"Ärzte Handel", "Ärzte Handel", "DE", []string{"pharma_medical"}, "Medical trade between Europe and Asia", "Devices", true, ""},
			{"Zeta Twin 乙", "Zeta Twin", "CN", []string{"logistics"}, "Cold-chain logistics group", "Warehouses", true, ""},
			{"Zeta Twin 甲", "Zeta Twin", "CN", []string{"logistics", "agri_food"}, "Logistics group for agri products", "Trucks", true, row[0].Code},
			{"Organic Percent", "Organic Percent", "MN", []string{"agri_food"}, "100% organic_food, 50% off", "Under_score oats", true, ""},
			{"Not Yet Approved", "Not Yet Approved", "DE", []string{"finance"}, "Energy trade group", "Nothing", false, ""},
		}
		for i, c := range extra {
			ex, _, err := st.Apply(ctx, store.NewApplication{Application: expo.Application{
				Name: c.name, NameLatin: c.latin, Country: c.country, Sectors: c.sectors, Description: c.description, Products: c.products,
				ContactName: "Contact", ContactEmail: "index" + string(rune('a'+i)) + "@example.com", ContactPhone: "+86 431 1234567",
				BoothWish: expo.BoothStandard, Languages: []string{"en", "zh"},
			}, Password: "a long password", Submit: true})
			if err != nil {
				t.Fatalf("apply %s: %v", c.name, err)
			}
			if !c.approve {
				continue
			}
			if _, err := st.Transition(ctx, ex.ID, expo.StateApproved, org, ""); err != nil {
				t.Fatal(err)
			}
			for _, b := range row {
				if b.Code == c.booth {
					if err := st.AssignBooth(ctx, b.ID, ex.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
		}

		listings, err := st.DirectoryListings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ix := expo.NewDirectoryIndex(listings)
		all, err := st.Directory(ctx, expo.DirectoryQuery{Page: 1, PerPage: 1, Sort: "name"})
		if err != nil {
			t.Fatal(err)
		}
		boothless, halls := 0, map[string]bool{}
		for _, l := range listings {
			if l.BoothCode == "" {
				boothless++
			}
			halls[l.HallCode] = true
		}
		if len(listings) != all.Total || all.Total < 1000 || boothless < 3 || len(halls) < 4 {
			t.Fatalf("%d listings (Directory: %d), %d without a booth, halls %v: the data do not cover the orders", len(listings), all.Total, boothless, halls)
		}
		countries, err := st.DirectoryCountries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ix.Countries(), countries) {
			t.Errorf("index countries %v, DirectoryCountries %v", ix.Countries(), countries)
		}
		plans, err := st.HallPlans(ctx)
		if err != nil {
			t.Fatal(err)
		}

		keywords := append(slices.Clone(directoryBenchKeywords),
			"ENERGY", "Energy Group", "ｅｎｅｒｇｙ", "ЯНДЕКС", "яндекс", "한빛메디칼", "长春一汽", "株式会社", "札幌アグリ",
			"%", "_", "100%", "organic_food", "under_score", "o_g", `\`, "'", `"`, "a", "e", "zeta twin", "ärzte", "ÄRZTE", "alpha")
		countryCodes := []string{"US"} // nobody
		for c := range countries {
			countryCodes = append(countryCodes, c)
		}
		slices.Sort(countryCodes)
		hallCodes := []string{"Z"} // no such hall
		for _, h := range plans {
			hallCodes = append(hallCodes, h.Code)
		}

		failures, compared := 0, 0
		t.Cleanup(func() { t.Logf("compared %d queries", compared) })
		// same compares one query's two answers.
		same := func(t *testing.T, q expo.DirectoryQuery) expo.DirectoryPage {
			t.Helper()
			compared++
			want, err := st.Directory(ctx, q)
			if err != nil {
				t.Fatalf("Directory(%+v): %v", q, err)
			}
			got := ix.Search(q)
			if !reflect.DeepEqual(got, want) {
				failures++
				if failures > 10 {
					t.FailNow()
				}
				ids := func(p expo.DirectoryPage) []int64 {
					var out []int64
					for _, e := range p.Items {
						out = append(out, e.ID)
					}
					return out
				}
				t.Errorf("query %+v:\nindex %d %v\nSQL   %d %v", q, got.Total, ids(got), want.Total, ids(want))
				for i := range min(len(got.Items), len(want.Items)) {
					if !reflect.DeepEqual(got.Items[i], want.Items[i]) {
						t.Errorf("item %d: index %+v, SQL %+v", i, got.Items[i], want.Items[i])
						break
					}
				}
			}
			return want
		}
		// pages checks the first, second, middle, last and past-the-last
		// pages of q (or only the first, last and past-the-last with few).
		pages := func(t *testing.T, q expo.DirectoryQuery, every bool) {
			t.Helper()
			q.Page = 1
			n := q.Pages(same(t, q).Total)
			list := []int{n, n + 1}
			if every {
				list = append(list, 2, (n+1)/2, expo.MaxPage)
			}
			for _, p := range list {
				if p > 1 && p <= expo.MaxPage {
					q.Page = p
					same(t, q)
				}
			}
		}
		base := func(sort string) expo.DirectoryQuery {
			return expo.DirectoryQuery{Sort: sort, PerPage: expo.DirectoryPerPage}
		}
		t.Run("everything, every page size", func(t *testing.T) {
			for _, sort := range expo.DirectorySorts {
				for _, per := range []int{1, 7, expo.DirectoryPerPage, 100} {
					q := base(sort)
					q.PerPage = per
					pages(t, q, true)
				}
				q := base(sort)
				q.PerPage = 100
				for q.Page = 1; q.Page <= 12; q.Page++ {
					same(t, q)
				}
			}
		})
		t.Run("keyword", func(t *testing.T) {
			for _, sort := range expo.DirectorySorts {
				for _, kw := range keywords {
					q := base(sort)
					q.Q = kw
					pages(t, q, true)
				}
			}
		})
		t.Run("country", func(t *testing.T) {
			for _, sort := range expo.DirectorySorts {
				for _, c := range countryCodes {
					q := base(sort)
					q.Country = c
					pages(t, q, true)
				}
			}
		})
		t.Run("sector", func(t *testing.T) {
			for _, sort := range expo.DirectorySorts {
				for _, s := range expo.SectorCodes {
					q := base(sort)
					q.Sector = s
					pages(t, q, true)
				}
			}
		})
		t.Run("hall", func(t *testing.T) {
			for _, sort := range expo.DirectorySorts {
				for _, h := range hallCodes {
					q := base(sort)
					q.Hall = h
					pages(t, q, true)
				}
			}
		})
		t.Run("two filters", func(t *testing.T) {
			for i, kw := range keywords {
				sort := expo.DirectorySorts[i%2]
				for _, c := range countryCodes {
					q := base(sort)
					q.Q, q.Country = kw, c
					pages(t, q, false)
				}
				for _, s := range expo.SectorCodes {
					q := base(sort)
					q.Q, q.Sector = kw, s
					pages(t, q, false)
				}
				for _, h := range hallCodes {
					q := base(sort)
					q.Q, q.Hall = kw, h
					pages(t, q, false)
				}
			}
			for i, s := range expo.SectorCodes {
				for j, c := range countryCodes {
					q := base(expo.DirectorySorts[(i+j)%2])
					q.Sector, q.Country = s, c
					pages(t, q, false)
				}
				for j, h := range hallCodes {
					q := base(expo.DirectorySorts[(i+j)%2])
					q.Sector, q.Hall = s, h
					pages(t, q, false)
				}
			}
		})
		t.Run("random combinations", func(t *testing.T) {
			rng := rand.New(rand.NewPCG(6, 2026))
			pick := func(xs []string) string {
				if rng.IntN(3) == 0 {
					return ""
				}
				return xs[rng.IntN(len(xs))]
			}
			for range 300 {
				q := base(expo.DirectorySorts[rng.IntN(2)])
				q.Q, q.Country, q.Sector, q.Hall = pick(keywords), pick(countryCodes), pick(expo.SectorCodes), pick(hallCodes)
				q.Page = 1 + rng.IntN(4)
				same(t, q)
			}
		})
	})
}
