package expo

import (
	"math/rand/v2"
	"testing"
)

// benchInput builds an expo-like instance: wishes spread over exhibitors
// with a popularity skew, exhibitors available in most slots with 1–3
// tables, attendees with some existing meetings, an area of tables per
// slot, and one wish in ten needing an interpreter from a small pool.
func benchInput(nWishes, nExhibitors, nSlots int, seed uint64) SchedInput {
	r := rand.New(rand.NewPCG(seed, 42))
	in := SchedInput{Exhibitors: map[int64]SchedExhibitor{}, AttendeeBusy: map[int64][]int64{}, AreaFree: map[int64]int{}}
	for s := range nSlots {
		in.Slots = append(in.Slots, int64(s+1))
		in.AreaFree[int64(s+1)] = nWishes * 3 / nSlots / 2 // area holds 1.5× the average demand
	}
	for e := range nExhibitors {
		x := SchedExhibitor{Tables: 1 + r.IntN(3), Booked: map[int64]int{}}
		for _, s := range in.Slots {
			if r.IntN(10) < 7 {
				x.Booked[s] = r.IntN(4) / 3
			}
		}
		in.Exhibitors[int64(e+1)] = x
	}
	nAtt := nWishes / 4
	for a := range nAtt {
		for _, s := range in.Slots {
			if r.IntN(10) == 0 {
				in.AttendeeBusy[int64(a+1)] = append(in.AttendeeBusy[int64(a+1)], s)
			}
		}
	}
	pairs := []string{"en-zh", "ko-zh", "ru-zh", "ja-zh", "en-ko", "en-ru"}
	for i := range 40 {
		it := SchedInterpreter{ID: int64(i + 1), Pairs: []string{pairs[i%len(pairs)], pairs[(i*7+1)%len(pairs)]}}
		for _, s := range in.Slots {
			if r.IntN(10) < 8 {
				it.Free = append(it.Free, s)
			}
		}
		in.Interpreters = append(in.Interpreters, it)
	}
	seen := map[[2]int64]bool{}
	for len(in.Wishes) < nWishes {
		// popular exhibitors get more wishes (squared skew)
		f := r.Float64()
		e := int64(f*f*float64(nExhibitors)) + 1
		w := SchedWish{Attendee: int64(1 + r.IntN(nAtt)), Exhibitor: e, Weight: 1 + r.IntN(3)}
		if seen[[2]int64{w.Attendee, w.Exhibitor}] {
			continue
		}
		seen[[2]int64{w.Attendee, w.Exhibitor}] = true
		if r.IntN(3) == 0 {
			w.Weight += 1 + r.IntN(3) // both sides asked
		}
		if r.IntN(10) == 0 {
			w.Pairs = []string{pairs[r.IntN(len(pairs))]}
		}
		in.Wishes = append(in.Wishes, w)
	}
	return in
}

// BenchmarkScheduler: 20,000 wishes, 1,000 exhibitors, 40 slots. Reports
// placed/bound, the share of the max-flow upper bound (SchedUpperBound)
// that the scheduler places.
func BenchmarkScheduler(b *testing.B) {
	in := benchInput(20000, 1000, 40, 1)
	bound := SchedUpperBound(in)
	var placed int
	b.ResetTimer()
	for b.Loop() {
		placed = len(ScheduleWishes(in).Placed)
	}
	b.ReportMetric(float64(placed)/float64(bound), "placed/bound")
	b.ReportMetric(float64(placed), "placed")
	b.ReportMetric(float64(bound), "bound")
}

// Without interpreter scarcity the max-flow bound is exact for the
// remaining constraints, and the scheduler must reach it.
func TestSchedulerReachesBoundWithoutInterpreters(t *testing.T) {
	in := benchInput(5000, 250, 20, 3)
	in.Interpreters = nil
	for i := range in.Wishes {
		in.Wishes[i].Pairs = nil
	}
	r := ScheduleWishes(in)
	check(t, in, r)
	if b := SchedUpperBound(in); len(r.Placed) != b {
		t.Errorf("placed %d, bound %d", len(r.Placed), b)
	}
}
