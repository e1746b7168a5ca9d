package expo

import (
	"fmt"
	"reflect"
	"testing"
)

func reasonIDs(rs []Reason) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestRecommendExhibitors(t *testing.T) {
	attendee := MatchProfile{ID: 1, Name: "Ivan", Country: "RU", Sectors: []string{"new_energy", "automotive"},
		Languages: []string{"ru", "en"}, Organization: "Volga Battery Works", JobTitle: "Procurement director"}
	tests := []struct {
		name      string
		exhibitor MatchProfile
		score     int
		reasons   []string
	}{
		{"sector and language", MatchProfile{ID: 10, Name: "A", Sectors: []string{"new_energy"}, Languages: []string{"ru"}},
			ScoreSector + ScoreLanguage, []string{"recommend.reason.sector", "recommend.reason.language"}},
		{"two sectors", MatchProfile{ID: 11, Name: "B", Sectors: []string{"automotive", "new_energy"}},
			2 * ScoreSector, []string{"recommend.reason.sector", "recommend.reason.sector"}},
		{"keywords from looking for", MatchProfile{ID: 12, Name: "C", LookingFor: "Battery distributors and procurement agents"},
			2 * ScoreKeyword, []string{"recommend.reason.keywords"}},
		{"country named", MatchProfile{ID: 13, Name: "D", Country: "CN", LookingFor: "Partners from Russia"},
			ScoreCountry, []string{"recommend.reason.country"}},
		{"country code named", MatchProfile{ID: 14, Name: "E", Country: "CN", LookingFor: "buyers in RU, KZ"},
			ScoreCountry, []string{"recommend.reason.country"}},
		{"no shared language needs interpreter", MatchProfile{ID: 15, Name: "F", Sectors: []string{"new_energy"}, Languages: []string{"zh"}},
			ScoreSector + PenaltyNoLanguage, []string{"recommend.reason.sector", "recommend.reason.interpreter"}},
		{"language only", MatchProfile{ID: 16, Name: "G", Languages: []string{"en"}},
			ScoreLanguage, []string{"recommend.reason.language"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := RecommendExhibitors(attendee, []MatchProfile{tc.exhibitor})
			if len(got) != 1 {
				t.Fatalf("got %d results, want 1", len(got))
			}
			if got[0].Score != tc.score || !reflect.DeepEqual(reasonIDs(got[0].Reasons), tc.reasons) {
				t.Errorf("score %d reasons %v, want %d %v", got[0].Score, reasonIDs(got[0].Reasons), tc.score, tc.reasons)
			}
		})
	}
	t.Run("no fit is left out", func(t *testing.T) {
		got := RecommendExhibitors(attendee, []MatchProfile{{ID: 20, Name: "X", Sectors: []string{"finance"}, Languages: []string{"ja"}}})
		if len(got) != 0 {
			t.Errorf("got %+v, want nothing", got)
		}
	})
	t.Run("reason params", func(t *testing.T) {
		got := RecommendExhibitors(attendee, []MatchProfile{{ID: 10, Name: "A", Sectors: []string{"new_energy"}, Languages: []string{"en", "ru"}}})
		want := []Reason{{ID: "recommend.reason.sector", Params: map[string]any{"Sector": "new_energy"}},
			{ID: "recommend.reason.language", Params: map[string]any{"Language": "en"}}}
		if !reflect.DeepEqual(got[0].Reasons, want) {
			t.Errorf("reasons %+v, want %+v", got[0].Reasons, want)
		}
	})
}

func TestRecommendOrdering(t *testing.T) {
	attendee := MatchProfile{ID: 1, Sectors: []string{"new_energy"}, Languages: []string{"ko"}}
	exhibitors := []MatchProfile{
		{ID: 5, Name: "Zeta", Languages: []string{"ko"}},                                   // 20
		{ID: 4, Name: "Alpha", Sectors: []string{"new_energy"}, Languages: []string{"ko"}}, // 50
		{ID: 3, Name: "Beta", Sectors: []string{"new_energy"}},                             // 30
		{ID: 2, Name: "Beta", Sectors: []string{"new_energy"}},                             // 30, same name: by ID
		{ID: 1, Name: "Gamma", Sectors: []string{"new_energy"}, Languages: []string{"zh"}}, // 25
	}
	got := RecommendExhibitors(attendee, exhibitors)
	var ids []int64
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if want := []int64{4, 2, 3, 1, 5}; !reflect.DeepEqual(ids, want) {
		t.Errorf("order %v, want %v", ids, want)
	}
}

func TestRecommendAttendees(t *testing.T) {
	exhibitor := MatchProfile{ID: 9, Country: "CN", Sectors: []string{"pharma_medical"}, Languages: []string{"zh", "ko"},
		LookingFor: "Korean hospital distributors"}
	attendees := []MatchProfile{
		{ID: 1, Name: "Kim", Country: "KR", Sectors: []string{"pharma_medical"}, Languages: []string{"ko"}, Organization: "Seoul Hospital Supply"},
		{ID: 2, Name: "Li", Country: "CN", Sectors: []string{"pharma_medical"}, Languages: []string{"zh"}},
		{ID: 3, Name: "Smith", Country: "US", Sectors: []string{"finance"}, Languages: []string{"en"}},
	}
	got := RecommendAttendees(exhibitor, attendees)
	if len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 {
		t.Fatalf("got %+v, want Kim then Li", got)
	}
	want := []string{"recommend.reason.sector", "recommend.reason.keywords", "recommend.reason.country", "recommend.reason.language"}
	if !reflect.DeepEqual(reasonIDs(got[0].Reasons), want) {
		t.Errorf("reasons %v, want %v", reasonIDs(got[0].Reasons), want)
	}
	if got[0].Reasons[2].Params["Country"] != "KR" {
		t.Errorf("country reason %+v", got[0].Reasons[2])
	}
}

func BenchmarkRecommendExhibitors(b *testing.B) {
	attendee := MatchProfile{ID: 1, Country: "RU", Sectors: []string{"new_energy", "automotive"}, Languages: []string{"ru", "en"},
		Organization: "Volga Battery Works", JobTitle: "Procurement director"}
	var exhibitors []MatchProfile
	for i := range 1000 {
		exhibitors = append(exhibitors, MatchProfile{ID: int64(i), Name: fmt.Sprint("E", i), Country: "CN",
			Sectors: []string{SectorCodes[i%len(SectorCodes)]}, Languages: []string{LanguageCodes[i%5]},
			LookingFor: "Distributors of battery systems from Russia and Korea"})
	}
	for b.Loop() {
		RecommendExhibitors(attendee, exhibitors)
	}
}
