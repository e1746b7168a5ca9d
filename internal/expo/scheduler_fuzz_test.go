package expo

import (
	"testing"
)

// fuzzBytes reads small numbers from the fuzzer's bytes; past the end it
// reads zeros, so every input decodes to some schedule.
type fuzzBytes struct {
	b []byte
	i int
}

func (f *fuzzBytes) n(max int) int {
	if max <= 0 {
		return 0
	}
	if f.i >= len(f.b) {
		return 0
	}
	v := int(f.b[f.i])
	f.i++
	return v % max
}

// schedInputFrom decodes bytes into a scheduler input that keeps the
// store's contract (every wish names a known exhibitor, weights 1–6, no
// duplicate pair) but is otherwise arbitrary: exhibitors already over their
// tables, slots with no area tables, interpreters without pairs, themed
// exclusions, pairs that already met.
func schedInputFrom(data []byte) SchedInput {
	f := &fuzzBytes{b: data}
	nS := 1 + f.n(6)
	in := SchedInput{Exhibitors: map[int64]SchedExhibitor{}, AttendeeBusy: map[int64][]int64{}, AreaFree: map[int64]int{}}
	for s := range nS {
		in.Slots = append(in.Slots, int64(s+1))
		in.AreaFree[int64(s+1)] = f.n(5)
	}
	nE, nA := 1+f.n(4), 1+f.n(6)
	for e := range nE {
		x := SchedExhibitor{Tables: f.n(4), Booked: map[int64]int{}}
		for _, s := range in.Slots {
			if f.n(3) > 0 {
				x.Booked[s] = f.n(3)
			}
		}
		in.Exhibitors[int64(100+e)] = x
	}
	for a := range nA {
		for _, s := range in.Slots {
			if f.n(5) == 0 {
				in.AttendeeBusy[int64(a+1)] = append(in.AttendeeBusy[int64(a+1)], s)
			}
		}
	}
	pairs := []string{"en-ko", "en-ru", "ko-ru", "ja-zh"}
	for i := range f.n(4) {
		it := SchedInterpreter{ID: int64(50 + i)}
		for _, p := range pairs {
			if f.n(2) == 0 {
				it.Pairs = append(it.Pairs, p)
			}
		}
		for _, s := range in.Slots {
			if f.n(3) > 0 {
				it.Free = append(it.Free, s)
			}
		}
		in.Interpreters = append(in.Interpreters, it)
	}
	seen := map[[2]int64]bool{}
	for range 1 + f.n(14) {
		w := SchedWish{Attendee: int64(1 + f.n(nA)), Exhibitor: int64(100 + f.n(nE)), Weight: 1 + f.n(6), HasMeeting: f.n(8) == 0}
		if seen[[2]int64{w.Attendee, w.Exhibitor}] {
			continue
		}
		seen[[2]int64{w.Attendee, w.Exhibitor}] = true
		if f.n(4) == 0 {
			w.Pairs = []string{pairs[f.n(len(pairs))]}
		}
		for _, s := range in.Slots {
			if f.n(6) == 0 {
				w.Excluded = append(w.Excluded, s)
			}
		}
		in.Wishes = append(in.Wishes, w)
	}
	return in
}

// FuzzScheduleWishes checks the auto-scheduler's invariants on arbitrary
// inputs: nobody twice in a slot, no exhibitor over its tables, the area's
// tables never exceeded, interpreters only where needed and free, excluded
// slots and pairs that already met never used, every wish either placed or
// given a reason, and never more meetings than the max-flow upper bound.
func FuzzScheduleWishes(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	f.Add([]byte("a scheduler seed with several exhibitors and interpreters"))
	f.Add([]byte{5, 4, 4, 4, 4, 4, 4, 3, 5, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := schedInputFrom(data)
		r := ScheduleWishes(in)
		check(t, in, r)
		for _, p := range r.Placed {
			w := in.Wishes[p.Wish]
			for _, s := range w.Excluded {
				if s == p.Slot {
					t.Errorf("wish %d placed in excluded slot %d", p.Wish, s)
				}
			}
		}
		for _, u := range r.Unplaced {
			if u.Reason == "" {
				t.Errorf("wish %d unplaced without a reason", u.Wish)
			}
		}
		if bound := SchedUpperBound(in); len(r.Placed) > bound {
			t.Errorf("placed %d meetings, more than the upper bound %d", len(r.Placed), bound)
		}
		if again := ScheduleWishes(in); len(again.Placed) != len(r.Placed) || again.Weight != r.Weight {
			t.Errorf("not deterministic: %d/%d then %d/%d", len(r.Placed), r.Weight, len(again.Placed), again.Weight)
		}
	})
}
