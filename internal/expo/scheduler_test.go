package expo

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func grid(slots ...int64) []int64 { return slots }

func avail(tables int, slots ...int64) SchedExhibitor {
	b := map[int64]int{}
	for _, s := range slots {
		b[s] = 0
	}
	return SchedExhibitor{Tables: tables, Booked: b}
}

func area(n int, slots ...int64) map[int64]int {
	m := map[int64]int{}
	for _, s := range slots {
		m[s] = n
	}
	return m
}

// check verifies every constraint of a result against its input.
func check(t *testing.T, in SchedInput, r SchedResult) {
	t.Helper()
	att := map[[2]int64]bool{}
	exh := map[[2]int64]int{}
	ar := map[int64]int{}
	it := map[[2]int64]bool{}
	pair := map[[2]int64]bool{}
	weight := 0
	for _, p := range r.Placed {
		w := in.Wishes[p.Wish]
		weight += w.Weight
		if w.HasMeeting {
			t.Errorf("wish %d already has a meeting", p.Wish)
		}
		for _, b := range in.AttendeeBusy[w.Attendee] {
			if b == p.Slot {
				t.Errorf("wish %d: attendee busy in %d", p.Wish, p.Slot)
			}
		}
		if att[[2]int64{w.Attendee, p.Slot}] {
			t.Errorf("attendee %d twice in slot %d", w.Attendee, p.Slot)
		}
		att[[2]int64{w.Attendee, p.Slot}] = true
		x := in.Exhibitors[w.Exhibitor]
		booked, ok := x.Booked[p.Slot]
		if !ok {
			t.Errorf("wish %d: exhibitor not available in %d", p.Wish, p.Slot)
		}
		exh[[2]int64{w.Exhibitor, p.Slot}]++
		if exh[[2]int64{w.Exhibitor, p.Slot}]+booked > x.Tables {
			t.Errorf("exhibitor %d over its tables in %d", w.Exhibitor, p.Slot)
		}
		ar[p.Slot]++
		if ar[p.Slot] > in.AreaFree[p.Slot] {
			t.Errorf("area over its tables in %d", p.Slot)
		}
		if pair[[2]int64{w.Attendee, w.Exhibitor}] {
			t.Errorf("pair %d/%d twice", w.Attendee, w.Exhibitor)
		}
		pair[[2]int64{w.Attendee, w.Exhibitor}] = true
		if len(w.Pairs) > 0 {
			if p.Interpreter == 0 {
				t.Errorf("wish %d needs an interpreter", p.Wish)
				continue
			}
			if it[[2]int64{p.Interpreter, p.Slot}] {
				t.Errorf("interpreter %d twice in %d", p.Interpreter, p.Slot)
			}
			it[[2]int64{p.Interpreter, p.Slot}] = true
			okI := false
			for _, ip := range in.Interpreters {
				if ip.ID != p.Interpreter {
					continue
				}
				free, covers := false, false
				for _, s := range ip.Free {
					free = free || s == p.Slot
				}
				for _, a := range ip.Pairs {
					for _, b := range w.Pairs {
						covers = covers || a == b
					}
				}
				okI = free && covers
			}
			if !okI {
				t.Errorf("wish %d: interpreter %d not free or not covering", p.Wish, p.Interpreter)
			}
		} else if p.Interpreter != 0 {
			t.Errorf("wish %d got an interpreter it does not need", p.Wish)
		}
	}
	if weight != r.Weight {
		t.Errorf("weight %d, reported %d", weight, r.Weight)
	}
	if len(r.Placed)+len(r.Unplaced) != len(in.Wishes) {
		t.Errorf("placed %d + unplaced %d != %d wishes", len(r.Placed), len(r.Unplaced), len(in.Wishes))
	}
}

func TestWishWeightAndPairs(t *testing.T) {
	if WishWeight(3, 0) != 3 || WishWeight(2, 3) != 5 {
		t.Error("weight is the sum of both sides")
	}
	if p := NeededPairs([]string{"ru", "en"}, []string{"en"}); p != nil {
		t.Errorf("shared language needs no interpreter: %v", p)
	}
	if p := NeededPairs(nil, []string{"en"}); p != nil {
		t.Errorf("unknown languages need no interpreter: %v", p)
	}
	if p := NeededPairs([]string{"ru"}, []string{"zh", "en"}); fmt.Sprint(p) != "[en-ru ru-zh]" {
		t.Errorf("pairs %v", p)
	}
}

func TestSchedulerConstraints(t *testing.T) {
	s := grid(1, 2)
	tests := []struct {
		name   string
		in     SchedInput
		placed int
		reason []string // reasons of unplaced wishes, in wish order
	}{
		{"attendee one meeting per slot", SchedInput{
			Wishes:     []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1}, {Attendee: 1, Exhibitor: 11, Weight: 1}},
			Slots:      grid(1),
			Exhibitors: map[int64]SchedExhibitor{10: avail(1, 1), 11: avail(1, 1)},
			AreaFree:   area(9, 1),
		}, 1, []string{ReasonAttendeeBusy}},
		{"exhibitor at most its tables", SchedInput{
			Wishes:     []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1}, {Attendee: 2, Exhibitor: 10, Weight: 1}, {Attendee: 3, Exhibitor: 10, Weight: 2}},
			Slots:      grid(1),
			Exhibitors: map[int64]SchedExhibitor{10: avail(2, 1)},
			AreaFree:   area(9, 1),
		}, 2, []string{ReasonExhibitorFull}},
		{"exhibitor tables minus booked", SchedInput{
			Wishes:     []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1}, {Attendee: 2, Exhibitor: 10, Weight: 1}},
			Slots:      grid(1),
			Exhibitors: map[int64]SchedExhibitor{10: {Tables: 2, Booked: map[int64]int{1: 1}}},
			AreaFree:   area(9, 1),
		}, 1, []string{ReasonExhibitorFull}},
		{"area tables per slot", SchedInput{
			Wishes:     []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1}, {Attendee: 2, Exhibitor: 11, Weight: 1}},
			Slots:      grid(1),
			Exhibitors: map[int64]SchedExhibitor{10: avail(1, 1), 11: avail(1, 1)},
			AreaFree:   area(1, 1),
		}, 1, []string{ReasonNoTables}},
		{"no tables at all", SchedInput{
			Wishes:     []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1}},
			Slots:      grid(1),
			Exhibitors: map[int64]SchedExhibitor{10: avail(1, 1)},
		}, 0, []string{ReasonNoTables}},
		{"no common free slot", SchedInput{
			Wishes:       []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1}, {Attendee: 2, Exhibitor: 11, Weight: 1}},
			Slots:        s,
			Exhibitors:   map[int64]SchedExhibitor{10: avail(1, 1), 11: avail(1)},
			AttendeeBusy: map[int64][]int64{1: {1}},
			AreaFree:     area(9, 1, 2),
		}, 0, []string{ReasonNoCommonSlot, ReasonNoCommonSlot}},
		{"interpreter one meeting per slot", SchedInput{
			Wishes:       []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1, Pairs: []string{"ko-ru"}}, {Attendee: 2, Exhibitor: 11, Weight: 1, Pairs: []string{"ko-ru"}}},
			Slots:        grid(1),
			Exhibitors:   map[int64]SchedExhibitor{10: avail(1, 1), 11: avail(1, 1)},
			AreaFree:     area(9, 1),
			Interpreters: []SchedInterpreter{{ID: 7, Pairs: []string{"ko-ru"}, Free: []int64{1}}},
		}, 1, []string{ReasonNoInterpreter}},
		{"no interpreter for the pair", SchedInput{
			Wishes:       []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1, Pairs: []string{"ja-ru"}}},
			Slots:        grid(1),
			Exhibitors:   map[int64]SchedExhibitor{10: avail(1, 1)},
			AreaFree:     area(9, 1),
			Interpreters: []SchedInterpreter{{ID: 7, Pairs: []string{"ko-ru"}, Free: []int64{1}}},
		}, 0, []string{ReasonNoInterpreter}},
		{"one meeting per pair", SchedInput{
			Wishes:     []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1}, {Attendee: 1, Exhibitor: 10, Weight: 3}},
			Slots:      s,
			Exhibitors: map[int64]SchedExhibitor{10: avail(1, 1, 2)},
			AreaFree:   area(9, 1, 2),
		}, 1, []string{ReasonDuplicate}},
		{"already met", SchedInput{
			Wishes:     []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1, HasMeeting: true}},
			Slots:      s,
			Exhibitors: map[int64]SchedExhibitor{10: avail(1, 1, 2)},
			AreaFree:   area(9, 1, 2),
		}, 0, []string{ReasonAlreadyMet}},
		{"moves a meeting to make room (augmenting)", SchedInput{
			// Attendee 1 can meet 10 in slot 1 or 2; attendee 1 can meet 11 only in slot 1.
			Wishes:     []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 3}, {Attendee: 1, Exhibitor: 11, Weight: 1}},
			Slots:      s,
			Exhibitors: map[int64]SchedExhibitor{10: avail(1, 1, 2), 11: avail(1, 1)},
			AreaFree:   area(9, 1, 2),
		}, 2, nil},
		{"a themed block limited to another country is excluded", SchedInput{
			Wishes:     []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1, Excluded: []int64{1}}, {Attendee: 2, Exhibitor: 11, Weight: 1, Excluded: []int64{1}}},
			Slots:      s,
			Exhibitors: map[int64]SchedExhibitor{10: avail(1, 1, 2), 11: avail(1, 1)},
			AreaFree:   area(9, 1, 2),
		}, 1, []string{ReasonThemedBlock}},
		{"heavier wins when only one fits", SchedInput{
			Wishes:     []SchedWish{{Attendee: 1, Exhibitor: 10, Weight: 1}, {Attendee: 2, Exhibitor: 10, Weight: 6}},
			Slots:      grid(1),
			Exhibitors: map[int64]SchedExhibitor{10: avail(1, 1)},
			AreaFree:   area(9, 1),
		}, 1, []string{ReasonExhibitorFull}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ScheduleWishes(tc.in)
			check(t, tc.in, r)
			if len(r.Placed) != tc.placed {
				t.Fatalf("placed %d, want %d (%+v)", len(r.Placed), tc.placed, r)
			}
			var got []string
			for _, u := range r.Unplaced {
				got = append(got, u.Reason)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.reason) {
				t.Errorf("reasons %v, want %v", got, tc.reason)
			}
			if b := SchedUpperBound(tc.in); b < len(r.Placed) {
				t.Errorf("upper bound %d below placed %d", b, len(r.Placed))
			}
		})
	}
	t.Run("heavier wins", func(t *testing.T) {
		in := tests[len(tests)-1].in
		r := ScheduleWishes(in)
		if r.Placed[0].Wish != 1 || r.Weight != 6 {
			t.Errorf("placed %+v", r.Placed)
		}
	})
	t.Run("interpreter data names the pair", func(t *testing.T) {
		r := ScheduleWishes(tests[7].in)
		if r.Unplaced[0].Data["Pairs"] != "ja-ru" {
			t.Errorf("data %v", r.Unplaced[0].Data)
		}
	})
}

func TestSchedulerDeterministic(t *testing.T) {
	in := benchInput(2000, 100, 12, 7)
	a, b := ScheduleWishes(in), ScheduleWishes(in)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("two runs differ")
	}
	check(t, in, a)
}

// randomSmall builds a random instance with at most 8 wishes and 4 slots.
func randomSmall(r *rand.Rand) SchedInput {
	nS := 1 + r.IntN(4)
	in := SchedInput{Exhibitors: map[int64]SchedExhibitor{}, AttendeeBusy: map[int64][]int64{}, AreaFree: map[int64]int{}}
	for s := range nS {
		in.Slots = append(in.Slots, int64(s+1))
		in.AreaFree[int64(s+1)] = r.IntN(4)
	}
	nE, nA := 1+r.IntN(3), 1+r.IntN(4)
	for e := range nE {
		x := SchedExhibitor{Tables: 1 + r.IntN(2), Booked: map[int64]int{}}
		for _, s := range in.Slots {
			if r.IntN(3) > 0 {
				x.Booked[s] = r.IntN(2) * r.IntN(2)
			}
		}
		in.Exhibitors[int64(100+e)] = x
	}
	for a := range nA {
		for _, s := range in.Slots {
			if r.IntN(5) == 0 {
				in.AttendeeBusy[int64(a+1)] = append(in.AttendeeBusy[int64(a+1)], s)
			}
		}
	}
	pairs := []string{"en-ko", "en-ru", "ko-ru"}
	for i := range r.IntN(3) {
		it := SchedInterpreter{ID: int64(50 + i)}
		for _, p := range pairs {
			if r.IntN(2) == 0 {
				it.Pairs = append(it.Pairs, p)
			}
		}
		for _, s := range in.Slots {
			if r.IntN(3) > 0 {
				it.Free = append(it.Free, s)
			}
		}
		in.Interpreters = append(in.Interpreters, it)
	}
	seen := map[[2]int64]bool{}
	for range 1 + r.IntN(8) {
		w := SchedWish{Attendee: int64(1 + r.IntN(nA)), Exhibitor: int64(100 + r.IntN(nE)), Weight: 1 + r.IntN(6)}
		if seen[[2]int64{w.Attendee, w.Exhibitor}] {
			continue
		}
		seen[[2]int64{w.Attendee, w.Exhibitor}] = true
		if r.IntN(4) == 0 {
			w.Pairs = []string{pairs[r.IntN(3)]}
		}
		in.Wishes = append(in.Wishes, w)
	}
	return in
}

// bruteForce returns the best (count, weight) over every assignment.
func bruteForce(in SchedInput) (int, int) {
	att := map[[2]int64]bool{}
	exh := map[[2]int64]int{}
	ar := map[int64]int{}
	it := map[[2]int64]bool{}
	bestN, bestW := 0, 0
	var rec func(i, n, w int)
	rec = func(i, n, w int) {
		if i == len(in.Wishes) {
			if n > bestN || n == bestN && w > bestW {
				bestN, bestW = n, w
			}
			return
		}
		rec(i+1, n, w)
		x := in.Wishes[i]
		if x.HasMeeting {
			return
		}
		ex := in.Exhibitors[x.Exhibitor]
		for _, s := range in.Slots {
			booked, ok := ex.Booked[s]
			busy := false
			for _, b := range in.AttendeeBusy[x.Attendee] {
				busy = busy || b == s
			}
			if !ok || busy || att[[2]int64{x.Attendee, s}] || exh[[2]int64{x.Exhibitor, s}]+booked >= ex.Tables || ar[s] >= in.AreaFree[s] {
				continue
			}
			take := func() {
				att[[2]int64{x.Attendee, s}] = true
				exh[[2]int64{x.Exhibitor, s}]++
				ar[s]++
				rec(i+1, n+1, w+x.Weight)
				att[[2]int64{x.Attendee, s}] = false
				exh[[2]int64{x.Exhibitor, s}]--
				ar[s]--
			}
			if len(x.Pairs) == 0 {
				take()
				continue
			}
			for _, ip := range in.Interpreters {
				free, covers := false, false
				for _, f := range ip.Free {
					free = free || f == s
				}
				for _, p := range ip.Pairs {
					covers = covers || p == x.Pairs[0]
				}
				if free && covers && !it[[2]int64{ip.ID, s}] {
					it[[2]int64{ip.ID, s}] = true
					take()
					it[[2]int64{ip.ID, s}] = false
				}
			}
		}
	}
	rec(0, 0, 0)
	return bestN, bestW
}

func TestSchedulerMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases, weightShort, weightLost := 20000, 0, 0
	for i := range cases {
		in := randomSmall(r)
		got := ScheduleWishes(in)
		check(t, in, got)
		n, w := bruteForce(in)
		if len(got.Placed) != n {
			t.Errorf("case %d: placed %d, optimum %d\n%+v", i, len(got.Placed), n, in)
			continue
		}
		if b := SchedUpperBound(in); b < n {
			t.Errorf("case %d: upper bound %d below optimum %d", i, b, n)
		}
		if got.Weight != w {
			weightShort++
			weightLost += w - got.Weight
		}
	}
	t.Logf("%d random cases: count optimal in all; weight below optimum in %d cases (total %d weight points short)", cases, weightShort, weightLost)
}
