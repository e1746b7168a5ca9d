package store_test

import (
	"context"
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
