package expo_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"expo/internal/expo"
)

// listing builds a directory listing as the store reads it: the search
// text folded from both names, description and products.
func listing(id int64, name, latin, country, booth, hall string, sectors []string, text string, nameRank, boothRank int) expo.DirectoryListing {
	return expo.DirectoryListing{
		DirectoryEntry: expo.DirectoryEntry{ID: id, Slug: fmt.Sprintf("ex-%d", id), Name: name, NameLatin: latin, Country: country,
			Sectors: sectors, Languages: []string{"en"}, BoothCode: booth, HallCode: hall},
		SearchText: expo.SearchFold(strings.Join([]string{name, latin, text}, "\n")),
		NameRank:   nameRank, BoothRank: boothRank,
	}
}

// testListings are five companies given in neither order, so the index
// has to sort them by their ranks.
func testListings() []expo.DirectoryListing {
	return []expo.DirectoryListing{
		listing(3, "Яндекс Инвест Консалт", "Yandex Invest Consult", "RU", "A-101", "A", []string{"finance", "digital_it"}, "Investment consulting 100% online\nMarket_entry advice", 5, 1),
		listing(1, "长春一汽新能源", "Changchun FAW New Energy", "CN", "A-103", "A", []string{"automotive", "new_energy"}, "Electric SUVs from Changchun\nBattery packs", 2, 2),
		listing(4, "札幌アグリフーズ", "Sapporo Agri Foods", "JP", "", "", []string{"agri_food"}, "Dairy and rice\nMilk powder", 4, 5),
		listing(2, "한빛메디칼", "Hanbit Medical", "KR", "B-101", "B", []string{"pharma_medical"}, "Ultrasound scanners\nPatient monitors", 3, 3),
		listing(5, "Berlin Energie", "Berlin Energie", "DE", "B-102", "B", []string{}, "Wind energy ＷＩＮＤ", 1, 4),
	}
}

func TestDirectoryIndexSearch(t *testing.T) {
	ix := expo.NewDirectoryIndex(testListings())
	tests := []struct {
		name  string
		q     expo.DirectoryQuery
		want  []int64 // IDs of the page, in order
		total int
	}{
		{"all, by name rank", expo.DirectoryQuery{}, []int64{5, 1, 2, 4, 3}, 5},
		{"all, by booth rank (booth-less last)", expo.DirectoryQuery{Sort: "booth"}, []int64{3, 1, 2, 5, 4}, 5},
		{"an unknown sort is the name order", expo.DirectoryQuery{Sort: "price"}, []int64{5, 1, 2, 4, 3}, 5},
		{"Chinese spelling", expo.DirectoryQuery{Q: "一汽"}, []int64{1}, 1},
		{"Latin spelling in upper case", expo.DirectoryQuery{Q: "FAW"}, []int64{1}, 1},
		{"Korean spelling", expo.DirectoryQuery{Q: "한빛"}, []int64{2}, 1},
		{"Cyrillic in another case", expo.DirectoryQuery{Q: "ЯНДЕКС"}, []int64{3}, 1},
		{"full-width query", expo.DirectoryQuery{Q: "ＨＡＮＢＩＴ"}, []int64{2}, 1},
		{"full-width text", expo.DirectoryQuery{Q: "wind"}, []int64{5}, 1},
		{"part of a word", expo.DirectoryQuery{Q: "energ"}, []int64{5, 1}, 2},
		{"description", expo.DirectoryQuery{Q: "ultrasound"}, []int64{2}, 1},
		{"two letters", expo.DirectoryQuery{Q: "wi"}, []int64{5}, 1},
		{"one letter", expo.DirectoryQuery{Q: "y"}, []int64{5, 1, 4, 3}, 4},
		{"start of the text", expo.DirectoryQuery{Q: "札幌"}, []int64{4}, 1},
		{"end of the text", expo.DirectoryQuery{Q: "powder"}, []int64{4}, 1},
		{"products, two words", expo.DirectoryQuery{Q: "milk powder"}, []int64{4}, 1},
		{"every word must match", expo.DirectoryQuery{Q: "electric dairy"}, []int64{}, 0},
		{"words in any order and spacing", expo.DirectoryQuery{Q: "  changchun\tbattery "}, []int64{1}, 1},
		{"percent is literal", expo.DirectoryQuery{Q: "100%"}, []int64{3}, 1},
		{"lone percent", expo.DirectoryQuery{Q: "%"}, []int64{3}, 1},
		{"underscore is literal", expo.DirectoryQuery{Q: "market_entry"}, []int64{3}, 1},
		{"underscore is no wildcard", expo.DirectoryQuery{Q: "ultra_ound"}, []int64{}, 0},
		{"backslash is text", expo.DirectoryQuery{Q: `\`}, []int64{}, 0},
		{"words from different fields", expo.DirectoryQuery{Q: "changchun battery packs"}, []int64{1}, 1},
		{"blank query is everything", expo.DirectoryQuery{Q: " \t "}, []int64{5, 1, 2, 4, 3}, 5},
		{"country", expo.DirectoryQuery{Country: "KR"}, []int64{2}, 1},
		{"country nobody has", expo.DirectoryQuery{Country: "MN"}, []int64{}, 0},
		{"sector", expo.DirectoryQuery{Sector: "digital_it"}, []int64{3}, 1},
		{"sector of an exhibitor's second sector", expo.DirectoryQuery{Sector: "new_energy"}, []int64{1}, 1},
		{"hall", expo.DirectoryQuery{Hall: "A"}, []int64{1, 3}, 2},
		{"hall by booth", expo.DirectoryQuery{Hall: "B", Sort: "booth"}, []int64{2, 5}, 2},
		{"hall and sector", expo.DirectoryQuery{Hall: "A", Sector: "automotive"}, []int64{1}, 1},
		{"all filters at once", expo.DirectoryQuery{Q: "energy", Country: "CN", Sector: "new_energy", Hall: "A"}, []int64{1}, 1},
		{"first page", expo.DirectoryQuery{Page: 1, PerPage: 2}, []int64{5, 1}, 5},
		{"middle page", expo.DirectoryQuery{Page: 2, PerPage: 2}, []int64{2, 4}, 5},
		{"last, short page", expo.DirectoryQuery{Page: 3, PerPage: 2}, []int64{3}, 5},
		{"page past the end is empty with the total", expo.DirectoryQuery{Page: 4, PerPage: 2}, []int64{}, 5},
		{"page of a booth search", expo.DirectoryQuery{Sort: "booth", Page: 2, PerPage: 3}, []int64{5, 4}, 5},
		{"page of a filtered search", expo.DirectoryQuery{Hall: "B", Page: 2, PerPage: 1}, []int64{2}, 2},
		{"page below 1 is the first", expo.DirectoryQuery{Page: 0, PerPage: 2}, []int64{5, 1}, 5},
		{"page size 0 lists nothing", expo.DirectoryQuery{Page: 1, PerPage: 0}, []int64{}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			if q.Page == 0 && q.PerPage == 0 {
				q.Page, q.PerPage = 1, 10
			}
			p := ix.Search(q)
			if p.Items == nil {
				t.Fatal("Items is nil, want an empty list")
			}
			var got []int64
			for _, e := range p.Items {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, tt.want) || p.Total != tt.total {
				t.Errorf("Search(%+v) = %v of %d, want %v of %d", q, got, p.Total, tt.want, tt.total)
			}
			if p.Query != q {
				t.Errorf("Query = %+v, want %+v", p.Query, q)
			}
		})
	}
}

func TestDirectoryIndexEntries(t *testing.T) {
	in := testListings()
	ix := expo.NewDirectoryIndex(in)
	p := ix.Search(expo.DirectoryQuery{Q: "hanbit", Page: 1, PerPage: 10})
	if len(p.Items) != 1 || !reflect.DeepEqual(p.Items[0], in[3].DirectoryEntry) {
		t.Fatalf("items %+v, want the whole entry %+v", p.Items, in[3].DirectoryEntry)
	}
	t.Run("the index keeps its own order of the listings", func(t *testing.T) {
		in[0], in[4] = in[4], in[0]
		in[1].NameRank = 99
		if p := ix.Search(expo.DirectoryQuery{Page: 1, PerPage: 1}); p.Items[0].ID != 5 {
			t.Errorf("first by name is %d after the caller changed its slice, want 5", p.Items[0].ID)
		}
	})
	t.Run("countries", func(t *testing.T) {
		want := map[string]int{"RU": 1, "CN": 1, "JP": 1, "KR": 1, "DE": 1}
		if got := ix.Countries(); !reflect.DeepEqual(got, want) || ix.Len() != 5 {
			t.Errorf("Countries() = %v, Len() = %d; want %v, 5", got, ix.Len(), want)
		}
	})
	t.Run("equal ranks keep the given order", func(t *testing.T) {
		ls := testListings()
		for i := range ls {
			ls[i].NameRank, ls[i].BoothRank = 0, 0
		}
		p := expo.NewDirectoryIndex(ls).Search(expo.DirectoryQuery{Sort: "booth", Page: 1, PerPage: 10})
		var got []int64
		for _, e := range p.Items {
			got = append(got, e.ID)
		}
		if want := []int64{3, 1, 4, 2, 5}; !slices.Equal(got, want) {
			t.Errorf("order %v, want %v", got, want)
		}
	})
	t.Run("an empty index", func(t *testing.T) {
		p := expo.NewDirectoryIndex(nil).Search(expo.DirectoryQuery{Q: "x", Page: 1, PerPage: 10})
		if p.Total != 0 || p.Items == nil || len(p.Items) != 0 {
			t.Errorf("page %+v", p)
		}
	})
}

// BenchmarkDirectoryIndexSearch runs the directory's query shapes over 1,060
// listings in memory: the search half of a directory page on a cache miss
// (compare BenchmarkDirectory in internal/store, the SQL search).
func BenchmarkDirectoryIndexSearch(b *testing.B) {
	words := []string{"energy", "medical", "trade", "pharma", "logistics", "materials", "agri", "invest"}
	countries := []string{"CN", "KR", "RU", "JP", "MN", "DE"}
	halls := []string{"A", "B", "C", "D"}
	ls := make([]expo.DirectoryListing, 1060)
	for i := range ls {
		sectors := []string{expo.SectorCodes[i%len(expo.SectorCodes)], expo.SectorCodes[(i*7+3)%len(expo.SectorCodes)]}
		booth, hall := "", ""
		if i%10 != 0 {
			hall = halls[i%len(halls)]
			booth = fmt.Sprintf("%s-%03d", hall, i)
		}
		text := fmt.Sprintf("%s company number %d, a leader in %s and %s with partners across Northeast Asia; products and services for buyers and investors", words[i%len(words)], i, words[(i+3)%len(words)], sectors[0])
		ls[i] = listing(int64(i+1), fmt.Sprintf("公司 %d", i), fmt.Sprintf("Company %04d", i), countries[i%len(countries)], booth, hall, sectors, text, i+1, (i*37)%1060+1)
	}
	ix := expo.NewDirectoryIndex(ls)
	queries := []expo.DirectoryQuery{
		{Page: 20},
		{Q: "energy", Page: 1},
		{Country: "CN", Sector: "pharma_medical", Page: 1},
		{Hall: "A", Sort: "booth", Page: 2},
		{Q: "new energy", Country: "KR", Page: 2},
	}
	for i := range queries {
		queries[i].PerPage = expo.DirectoryPerPage
		if queries[i].Sort == "" {
			queries[i].Sort = expo.DirectorySorts[0]
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Search(queries[i%len(queries)])
	}
}
