package expo

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"testing"
	"time"
)

// Benchmarks of the pure functions on the hot paths of the load benchmark
// (cmd/expobench); BenchmarkScheduler and BenchmarkRecommendExhibitors live
// next to their tests.

// BenchmarkParseDirectoryQuery builds directory queries from query strings
// as the directory page and the API receive them.
func BenchmarkParseDirectoryQuery(b *testing.B) {
	queries := []url.Values{
		{},
		{"q": {"new energy"}, "page": {"2"}},
		{"q": {"长春 汽车"}, "country": {"cn"}, "sector": {"automotive"}},
		{"hall": {"a"}, "sort": {"booth"}, "page": {"7"}, "per_page": {"48"}},
		{"q": {"Ｌｏｇｉｓｔｉｃｓ Яндекс"}, "country": {"RU"}},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q := queries[i%len(queries)]
		dq, err := ParseDirectoryQuery(q.Get, DirectoryPerPage)
		if err != nil {
			b.Fatal(err)
		}
		_ = Keywords(dq.Q)
		_ = dq.Offset()
	}
}

// benchProgramme is an expo-scale programme: 5 days, 8 rooms, 35 forums of
// 4–6 sessions with 1–3 of 40 speakers each, some of them clashing.
func benchProgramme() Programme {
	r := rand.New(rand.NewPCG(7, 7))
	start := time.Date(2027, 6, 7, 0, 0, 0, 0, time.UTC)
	p := Programme{Expo: Expo{Name: "Bench expo", StartsOn: start, EndsOn: start.AddDate(0, 0, 4)}}
	for d := range 5 {
		day := start.AddDate(0, 0, d)
		p.Hours = append(p.Hours, OpeningHours{Day: day, Opens: day.Add(9 * time.Hour), Closes: day.Add(17 * time.Hour)})
	}
	for i := range 8 {
		p.Rooms = append(p.Rooms, Room{ID: int64(i + 1), Name: fmt.Sprintf("Room %d", i+1), Capacity: 60 + 40*i})
	}
	for i := range 40 {
		p.Speakers = append(p.Speakers, Speaker{ID: int64(i + 1), Name: fmt.Sprintf("Speaker %d", i+1)})
	}
	id := int64(0)
	for f := range 35 {
		fo := Forum{ID: int64(f + 1), Title: fmt.Sprintf("Forum %d", f+1), Capacity: 50 + r.IntN(300), Published: true}
		for range 4 + r.IntN(3) {
			id++
			st := start.AddDate(0, 0, r.IntN(5)).Add(time.Duration(8*60+r.IntN(9*60)) * time.Minute)
			s := Session{ID: id, ForumID: fo.ID, Title: fmt.Sprintf("Session %d", id), StartsAt: st, EndsAt: st.Add(45 * time.Minute),
				RoomID: int64(1 + r.IntN(8))}
			for range 1 + r.IntN(3) {
				s.SpeakerIDs = append(s.SpeakerIDs, int64(1+r.IntN(40)))
			}
			fo.Sessions = append(fo.Sessions, s)
		}
		p.Forums = append(p.Forums, fo)
	}
	return p
}

// BenchmarkDetectClashes checks a whole expo programme, as every save of a
// forum or session and the clash report do.
func BenchmarkDetectClashes(b *testing.B) {
	p := benchProgramme()
	if len(DetectClashes(p)) == 0 {
		b.Fatal("the bench programme should have clashes")
	}
	b.ReportAllocs()
	for b.Loop() {
		DetectClashes(p)
	}
}
