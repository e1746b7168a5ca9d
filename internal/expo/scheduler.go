package expo

import (
	"slices"
	"sort"
)

// The auto-scheduler places meeting wishes (attendee ↔ exhibitor, no time
// chosen) into negotiation slots. It is a pure function over plain data: the
// store loads the input and commits the result through the booking engine,
// which re-checks every invariant in the database.
//
// Objective: first the NUMBER of meetings, then their total WEIGHT.
// Constraints, per slot: an attendee holds at most one meeting; an exhibitor
// at most its tables minus the meetings already booked; the negotiation area
// at most its free tables; an interpreter at most one meeting. At most one
// meeting per (attendee, exhibitor) pair.
//
// Method: a greedy pass by scarcity (wishes with the fewest possible slots
// first, heavier first among equals; each takes the slot its attendee and
// exhibitor need least), then augmenting passes: an unplaced wish may take a
// slot by moving up to two placed meetings elsewhere, recursively (an
// ejection chain, like an augmenting path in bipartite matching), rolled back
// when the chain does not close. A last pass trades a lighter placed meeting
// for a heavier unplaced one when nothing else moves. Everything iterates in
// input order, so the result is deterministic.

// WishWeight combines both sides' weights (0 when that side did not ask) into
// the weight of the meeting: their SUM, 1..6. A wish both sides share thus
// outranks any one-sided wish, and among one-sided wishes the stronger wins.
func WishWeight(attendeeWeight, exhibitorWeight int) int {
	return attendeeWeight + exhibitorWeight
}

// InterpreterPair is the canonical key of a language pair, "a-b" with a < b.
func InterpreterPair(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "-" + b
}

// NeededPairs returns nil when the two sides share a working language (or
// either states none, so nothing is known), otherwise every language pair an
// interpreter could bridge them with.
func NeededPairs(attendee, exhibitor []string) []string {
	if len(attendee) == 0 || len(exhibitor) == 0 {
		return nil
	}
	for _, a := range attendee {
		if slices.Contains(exhibitor, a) {
			return nil
		}
	}
	var out []string
	for _, a := range attendee {
		for _, e := range exhibitor {
			out = append(out, InterpreterPair(a, e))
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// SchedWish is one meeting to place.
type SchedWish struct {
	Attendee  int64
	Exhibitor int64
	Weight    int
	// Pairs is non-empty when the sides share no language: the meeting then
	// needs an interpreter covering one of these pairs.
	Pairs []string
	// HasMeeting marks a pair that already holds an open meeting.
	HasMeeting bool
	// Excluded lists slots this pair may not meet in: slots of a themed
	// block limited to a country neither side is from.
	Excluded []int64
}

// SchedExhibitor is an exhibitor's side of the grid.
type SchedExhibitor struct {
	Tables int
	// Booked maps every slot the exhibitor is available in to its open
	// meetings there; a slot missing from the map is not available.
	Booked map[int64]int
}

// SchedInterpreter is an interpreter with the pairs it covers and the slots
// it is free in (available and not already assigned).
type SchedInterpreter struct {
	ID    int64
	Pairs []string
	Free  []int64
}

// SchedInput is everything the scheduler needs.
type SchedInput struct {
	Wishes     []SchedWish
	Slots      []int64 // every slot, in time order
	Exhibitors map[int64]SchedExhibitor
	// AttendeeBusy lists the slots where an attendee already holds an open meeting.
	AttendeeBusy map[int64][]int64
	// AreaFree is the number of free tables of the negotiation area per slot.
	AreaFree     map[int64]int
	Interpreters []SchedInterpreter
}

// Placement puts Wishes[Wish] into Slot, with Interpreter (0 when none needed).
type Placement struct {
	Wish        int
	Slot        int64
	Interpreter int64
}

// Unplaced is a wish the scheduler could not place, with the reason as a
// message ID and its data.
type Unplaced struct {
	Wish   int
	Reason string
	Data   map[string]any
}

// Reasons an unplaced wish carries.
const (
	ReasonNoCommonSlot  = "scheduler.reason.no_common_slot"
	ReasonExhibitorFull = "scheduler.reason.exhibitor_full"
	ReasonAttendeeBusy  = "scheduler.reason.attendee_busy"
	ReasonNoInterpreter = "scheduler.reason.no_interpreter"
	ReasonNoTables      = "scheduler.reason.no_tables"
	ReasonDuplicate     = "scheduler.reason.duplicate"
	ReasonAlreadyMet    = "scheduler.reason.already_met"
	ReasonThemedBlock   = "scheduler.reason.themed_block"
)

// SchedResult is the scheduler's answer.
type SchedResult struct {
	Placed   []Placement // in wish order
	Unplaced []Unplaced  // in wish order
	Weight   int
}

type scheduler struct {
	in      *SchedInput
	nS      int
	slotIdx map[int64]int
	wAtt    []int32 // wish → attendee index
	wExh    []int32 // wish → exhibitor index
	weight  []int
	options [][]int32 // wish → slot indices possible before scheduling
	elig    [][]int32 // wish → interpreter indices (nil: none needed)
	needs   []bool

	attSlot    []int32 // attendee*nS+s: -1 free, -2 busy before, else wish
	exCap      []int32 // exhibitor*nS+s: free tables left
	exAvail    []bool
	exPlaced   [][]int32 // exhibitor*nS+s → wishes placed
	slotPlaced [][]int32
	areaFree   []int32
	intSlot    []int32 // interpreter*nS+s: -2 unavailable, -1 free, else wish

	slot   []int32 // wish → slot index or -1
	interp []int32 // wish → interpreter index or -1

	attWishes [][]int32 // attendee → wishes
	exhWishes [][]int32 // exhibitor → wishes

	journal []jop
	inChain []bool
	budget  int
}

type jop struct {
	place    bool
	w, s, it int32
}

// ScheduleWishes runs the auto-scheduler.
func ScheduleWishes(in SchedInput) SchedResult {
	sc := newScheduler(&in)
	n := len(in.Wishes)
	excluded := make([]string, n)
	seen := map[[2]int64]bool{}
	for i, w := range in.Wishes {
		k := [2]int64{w.Attendee, w.Exhibitor}
		switch {
		case w.HasMeeting:
			excluded[i] = ReasonAlreadyMet
		case seen[k]:
			excluded[i] = ReasonDuplicate
		}
		seen[k] = true
		if excluded[i] != "" {
			sc.options[i] = nil
		}
	}

	// Greedy by scarcity.
	order := make([]int, 0, n)
	for i := range n {
		if excluded[i] == "" && len(sc.options[i]) > 0 {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(x, y int) bool {
		a, b := order[x], order[y]
		if la, lb := len(sc.options[a]), len(sc.options[b]); la != lb {
			return la < lb
		}
		return sc.weight[a] > sc.weight[b]
	})
	// Remaining demand per (attendee, slot) and (exhibitor, slot), to leave
	// contested slots to those who need them.
	nA, nE := len(sc.attSlot)/max(sc.nS, 1), len(sc.exCap)/max(sc.nS, 1)
	demA := make([]int32, nA*sc.nS)
	demE := make([]int32, nE*sc.nS)
	for _, w := range order {
		for _, s := range sc.options[w] {
			demA[int(sc.wAtt[w])*sc.nS+int(s)]++
			demE[int(sc.wExh[w])*sc.nS+int(s)]++
		}
	}
	for _, w := range order {
		a, e := int(sc.wAtt[w])*sc.nS, int(sc.wExh[w])*sc.nS
		for _, s := range sc.options[w] {
			demA[a+int(s)]--
			demE[e+int(s)]--
		}
		best, bestScore := int32(-1), 0.0
		for _, s := range sc.options[w] {
			if !sc.fits(int32(w), s) {
				continue
			}
			score := float64(demA[a+int(s)]) + float64(demE[e+int(s)])/float64(sc.exCap[e+int(s)]) +
				float64(len(sc.slotPlaced[s]))/float64(sc.areaFree[s]+int32(len(sc.slotPlaced[s])))
			if sc.needs[w] {
				score += 4 / float64(sc.freeInterpCount(int32(w), s))
			}
			if best < 0 || score < bestScore {
				best, bestScore = s, score
			}
		}
		if best >= 0 {
			sc.place(int32(w), best)
		}
	}
	sc.journal = sc.journal[:0]

	// Augmenting passes: more meetings.
	byWeight := slices.Clone(order)
	sort.SliceStable(byWeight, func(x, y int) bool { return sc.weight[byWeight[x]] > sc.weight[byWeight[y]] })
	for pass := 0; pass < 6; pass++ {
		improved := false
		for _, w := range byWeight {
			if sc.slot[w] >= 0 {
				continue
			}
			sc.budget = 20000
			mark := len(sc.journal)
			if sc.augment(int32(w), 3) {
				improved = true
			} else {
				sc.rollback(mark)
			}
			sc.journal = sc.journal[:0]
		}
		if !improved {
			break
		}
	}
	// Weight pass: a heavier unplaced wish displaces a lighter placed one
	// that cannot move elsewhere (the count stays, the weight grows).
	for _, w := range byWeight {
		if sc.slot[w] >= 0 {
			continue
		}
		sc.budget = 20000
		mark := len(sc.journal)
		if !sc.displace(int32(w)) {
			sc.rollback(mark)
		}
		sc.journal = sc.journal[:0]
	}

	// Whatever still fits directly (chains may have freed room late).
	for _, w := range byWeight {
		if sc.slot[w] < 0 {
			for _, s := range sc.options[w] {
				if sc.fits(int32(w), s) {
					sc.place(int32(w), s)
					break
				}
			}
		}
	}

	var out SchedResult
	for i := range n {
		if s := sc.slot[i]; s >= 0 {
			p := Placement{Wish: i, Slot: in.Slots[s]}
			if it := sc.interp[i]; it >= 0 {
				p.Interpreter = in.Interpreters[it].ID
			}
			out.Placed = append(out.Placed, p)
			out.Weight += sc.weight[i]
			continue
		}
		if excluded[i] != "" {
			out.Unplaced = append(out.Unplaced, Unplaced{Wish: i, Reason: excluded[i]})
			continue
		}
		out.Unplaced = append(out.Unplaced, sc.reason(i))
	}
	return out
}

func newScheduler(in *SchedInput) *scheduler {
	nS := len(in.Slots)
	sc := &scheduler{in: in, nS: nS, slotIdx: make(map[int64]int, nS)}
	for i, id := range in.Slots {
		sc.slotIdx[id] = i
	}
	attIdx := map[int64]int32{}
	exIdx := map[int64]int32{}
	var attIDs, exIDs []int64
	n := len(in.Wishes)
	sc.wAtt, sc.wExh, sc.weight = make([]int32, n), make([]int32, n), make([]int, n)
	for i, w := range in.Wishes {
		a, ok := attIdx[w.Attendee]
		if !ok {
			a = int32(len(attIDs))
			attIdx[w.Attendee] = a
			attIDs = append(attIDs, w.Attendee)
		}
		e, ok := exIdx[w.Exhibitor]
		if !ok {
			e = int32(len(exIDs))
			exIdx[w.Exhibitor] = e
			exIDs = append(exIDs, w.Exhibitor)
		}
		sc.wAtt[i], sc.wExh[i], sc.weight[i] = a, e, w.Weight
	}
	sc.attWishes = make([][]int32, len(attIDs))
	sc.exhWishes = make([][]int32, len(exIDs))
	for i := range n {
		sc.attWishes[sc.wAtt[i]] = append(sc.attWishes[sc.wAtt[i]], int32(i))
		sc.exhWishes[sc.wExh[i]] = append(sc.exhWishes[sc.wExh[i]], int32(i))
	}
	sc.attSlot = make([]int32, len(attIDs)*nS)
	for i := range sc.attSlot {
		sc.attSlot[i] = -1
	}
	for a, id := range attIDs {
		for _, sid := range in.AttendeeBusy[id] {
			if s, ok := sc.slotIdx[sid]; ok {
				sc.attSlot[a*nS+s] = -2
			}
		}
	}
	sc.exCap = make([]int32, len(exIDs)*nS)
	sc.exAvail = make([]bool, len(exIDs)*nS)
	sc.exPlaced = make([][]int32, len(exIDs)*nS)
	for e, id := range exIDs {
		x := in.Exhibitors[id]
		for sid, booked := range x.Booked {
			if s, ok := sc.slotIdx[sid]; ok {
				sc.exAvail[e*nS+s] = true
				sc.exCap[e*nS+s] = int32(max(x.Tables-booked, 0))
			}
		}
	}
	sc.slotPlaced = make([][]int32, nS)
	sc.areaFree = make([]int32, nS)
	for s, id := range in.Slots {
		sc.areaFree[s] = int32(max(in.AreaFree[id], 0))
	}
	nI := len(in.Interpreters)
	sc.intSlot = make([]int32, nI*nS)
	for i := range sc.intSlot {
		sc.intSlot[i] = -2
	}
	// Less versatile interpreters first, so the versatile stay free longer.
	itOrder := make([]int, nI)
	for i := range itOrder {
		itOrder[i] = i
	}
	sort.SliceStable(itOrder, func(x, y int) bool {
		return len(in.Interpreters[itOrder[x]].Pairs) < len(in.Interpreters[itOrder[y]].Pairs)
	})
	for i, it := range in.Interpreters {
		for _, sid := range it.Free {
			if s, ok := sc.slotIdx[sid]; ok {
				sc.intSlot[i*nS+s] = -1
			}
		}
	}
	covers := map[string][]int32{}
	for _, i := range itOrder {
		for _, p := range in.Interpreters[i].Pairs {
			covers[p] = append(covers[p], int32(i))
		}
	}
	sc.elig = make([][]int32, n)
	sc.needs = make([]bool, n)
	sc.options = make([][]int32, n)
	for i, w := range in.Wishes {
		if len(w.Pairs) > 0 {
			sc.needs[i] = true
			seen := map[int32]bool{}
			for _, p := range w.Pairs {
				for _, it := range covers[p] {
					if !seen[it] {
						seen[it] = true
						sc.elig[i] = append(sc.elig[i], it)
					}
				}
			}
			// keep the less-versatile-first order
			sort.SliceStable(sc.elig[i], func(x, y int) bool {
				return len(in.Interpreters[sc.elig[i][x]].Pairs) < len(in.Interpreters[sc.elig[i][y]].Pairs)
			})
		}
		a, e := int(sc.wAtt[i])*nS, int(sc.wExh[i])*nS
		for s := range nS {
			if slices.Contains(w.Excluded, in.Slots[s]) {
				continue
			}
			if sc.exCap[e+s] > 0 && sc.attSlot[a+s] == -1 && sc.areaFree[s] > 0 && sc.freeInterp(int32(i), int32(s)) >= -1 {
				sc.options[i] = append(sc.options[i], int32(s))
			}
		}
	}
	sc.slot = make([]int32, n)
	sc.interp = make([]int32, n)
	for i := range n {
		sc.slot[i], sc.interp[i] = -1, -1
	}
	sc.inChain = make([]bool, n)
	return sc
}

// freeInterp returns a free eligible interpreter in s, -1 when none is
// needed, -2 when none is free.
func (sc *scheduler) freeInterp(w, s int32) int32 {
	if !sc.needs[w] {
		return -1
	}
	for _, it := range sc.elig[w] {
		if sc.intSlot[int(it)*sc.nS+int(s)] == -1 {
			return it
		}
	}
	return -2
}

func (sc *scheduler) freeInterpCount(w, s int32) int {
	n := 0
	for _, it := range sc.elig[w] {
		if sc.intSlot[int(it)*sc.nS+int(s)] == -1 {
			n++
		}
	}
	return n
}

func (sc *scheduler) fits(w, s int32) bool {
	sc.budget--
	return sc.attSlot[int(sc.wAtt[w])*sc.nS+int(s)] == -1 &&
		sc.exCap[int(sc.wExh[w])*sc.nS+int(s)] > 0 &&
		sc.areaFree[s] > 0 && sc.freeInterp(w, s) >= -1
}

func (sc *scheduler) place(w, s int32) {
	sc.placeWith(w, s, sc.freeInterp(w, s))
}

func (sc *scheduler) placeWith(w, s, it int32) {
	e := int(sc.wExh[w])*sc.nS + int(s)
	sc.attSlot[int(sc.wAtt[w])*sc.nS+int(s)] = w
	sc.exCap[e]--
	sc.exPlaced[e] = append(sc.exPlaced[e], w)
	sc.slotPlaced[s] = append(sc.slotPlaced[s], w)
	sc.areaFree[s]--
	if it >= 0 {
		sc.intSlot[int(it)*sc.nS+int(s)] = w
	}
	sc.slot[w], sc.interp[w] = s, it
	sc.journal = append(sc.journal, jop{place: true, w: w, s: s, it: it})
}

func (sc *scheduler) remove(w int32) {
	s, it := sc.slot[w], sc.interp[w]
	e := int(sc.wExh[w])*sc.nS + int(s)
	sc.attSlot[int(sc.wAtt[w])*sc.nS+int(s)] = -1
	sc.exCap[e]++
	sc.exPlaced[e] = without(sc.exPlaced[e], w)
	sc.slotPlaced[s] = without(sc.slotPlaced[s], w)
	sc.areaFree[s]++
	if it >= 0 {
		sc.intSlot[int(it)*sc.nS+int(s)] = -1
	}
	sc.slot[w], sc.interp[w] = -1, -1
	sc.journal = append(sc.journal, jop{place: false, w: w, s: s, it: it})
}

func without(xs []int32, w int32) []int32 {
	for i, x := range xs {
		if x == w {
			xs[i] = xs[len(xs)-1]
			return xs[:len(xs)-1]
		}
	}
	return xs
}

// rollback undoes the journal back to mark.
func (sc *scheduler) rollback(mark int) {
	for len(sc.journal) > mark {
		op := sc.journal[len(sc.journal)-1]
		if op.place {
			sc.remove(op.w)
		} else {
			sc.placeWith(op.w, op.s, op.it)
		}
		sc.journal = sc.journal[:len(sc.journal)-2] // the op and its inverse
	}
}

// blockers lists placed wishes whose removal relieves the first constraint
// keeping w out of s.
func (sc *scheduler) blockers(w, s int32) []int32 {
	if o := sc.attSlot[int(sc.wAtt[w])*sc.nS+int(s)]; o >= 0 {
		return []int32{o}
	} else if o == -2 {
		return nil
	}
	if e := int(sc.wExh[w])*sc.nS + int(s); sc.exCap[e] <= 0 {
		return sc.exPlaced[e]
	}
	if sc.areaFree[s] <= 0 {
		return sc.slotPlaced[s]
	}
	if sc.freeInterp(w, s) == -2 {
		var out []int32
		for _, it := range sc.elig[w] {
			if o := sc.intSlot[int(it)*sc.nS+int(s)]; o >= 0 {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

const maxBlockers = 8

// augment tries to place w, moving up to two placed meetings per step and
// re-placing them recursively. The caller rolls back on false.
func (sc *scheduler) augment(w int32, depth int) bool {
	for _, s := range sc.options[w] {
		if sc.fits(w, s) {
			sc.place(w, s)
			return true
		}
	}
	if depth == 0 {
		return false
	}
	sc.inChain[w] = true
	defer func() { sc.inChain[w] = false }()
	for _, s := range sc.options[w] {
		if sc.budget <= 0 {
			return false
		}
		if sc.eject(w, s, depth, nil, 2) {
			return true
		}
	}
	return false
}

// eject removes blockers of w in s (up to k of them), places w in s and
// re-places the removed ones.
func (sc *scheduler) eject(w, s int32, depth int, removed []int32, k int) bool {
	if sc.fits(w, s) {
		mark := len(sc.journal)
		sc.place(w, s)
		ok := true
		for _, r := range removed {
			if !sc.augment(r, depth-1) && !sc.substitute(r, depth-1) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
		sc.rollback(mark)
		return false
	}
	if k == 0 {
		return false
	}
	bl := slices.Clone(sc.blockers(w, s))
	if len(bl) > maxBlockers {
		bl = bl[:maxBlockers]
	}
	for _, b := range bl {
		if sc.inChain[b] || sc.budget <= 0 {
			continue
		}
		mark := len(sc.journal)
		sc.remove(b)
		sc.inChain[b] = true
		ok := sc.eject(w, s, depth, append(removed, b), k-1)
		sc.inChain[b] = false
		if ok {
			return true
		}
		sc.rollback(mark)
	}
	return false
}

// substitute keeps the count when r had to leave: another unplaced wish of
// r's attendee or exhibitor, for whom r's leaving may have made room, is
// placed instead.
func (sc *scheduler) substitute(r int32, depth int) bool {
	sc.inChain[r] = true
	defer func() { sc.inChain[r] = false }()
	for _, list := range [2][]int32{sc.attWishes[sc.wAtt[r]], sc.exhWishes[sc.wExh[r]]} {
		for _, v := range list {
			if v == r || sc.slot[v] >= 0 || sc.inChain[v] || len(sc.options[v]) == 0 || sc.budget <= 0 {
				continue
			}
			mark := len(sc.journal)
			if sc.augment(v, depth) {
				return true
			}
			sc.rollback(mark)
		}
	}
	return false
}

// displace places w by unplacing one lighter meeting (after trying to move it).
func (sc *scheduler) displace(w int32) bool {
	sc.inChain[w] = true
	defer func() { sc.inChain[w] = false }()
	for _, s := range sc.options[w] {
		bl := slices.Clone(sc.blockers(w, s))
		if len(bl) > maxBlockers {
			bl = bl[:maxBlockers]
		}
		for _, b := range bl {
			if sc.weight[b] >= sc.weight[w] || sc.inChain[b] {
				continue
			}
			mark := len(sc.journal)
			sc.remove(b)
			if sc.fits(w, s) {
				sc.place(w, s)
				m2 := len(sc.journal)
				if !sc.augment(b, 2) {
					sc.rollback(m2) // b stays out: count equal, weight up
				}
				return true
			}
			sc.rollback(mark)
		}
	}
	return false
}

// reason explains why w stayed out, looking at the final schedule.
func (sc *scheduler) reason(w int) Unplaced {
	wi := int32(w)
	u := Unplaced{Wish: w}
	e := int(sc.wExh[w]) * sc.nS
	a := int(sc.wAtt[w]) * sc.nS
	var common, themed, busy, full, tables, interp int
	for s := range sc.nS {
		if !sc.exAvail[e+s] || sc.attSlot[a+s] == -2 {
			continue
		}
		if slices.Contains(sc.in.Wishes[w].Excluded, sc.in.Slots[s]) {
			themed++
			continue
		}
		common++
		switch {
		case sc.attSlot[a+s] >= 0:
			busy++
		case sc.exCap[e+s] <= 0:
			full++
		case sc.areaFree[s] <= 0:
			tables++
		case sc.freeInterp(wi, int32(s)) == -2:
			interp++
		}
	}
	switch {
	case common == 0 && themed > 0:
		u.Reason = ReasonThemedBlock
	case common == 0:
		u.Reason = ReasonNoCommonSlot
	case interp > 0 && interp >= max(busy, full, tables):
		u.Reason = ReasonNoInterpreter
		u.Data = map[string]any{"Pairs": joinPairs(sc.in.Wishes[w].Pairs)}
	case full >= max(busy, tables):
		u.Reason = ReasonExhibitorFull
		u.Data = map[string]any{"Count": common}
	case busy >= tables:
		u.Reason = ReasonAttendeeBusy
		u.Data = map[string]any{"Count": common}
	default:
		u.Reason = ReasonNoTables
	}
	return u
}

func joinPairs(ps []string) string {
	out := ""
	for i, p := range ps {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

// SchedUpperBound is an honest upper bound on the number of meetings any
// schedule can place: the minimum of three max-flow relaxations, each exact
// for the constraints it keeps. (3) keeps one meeting per interpreter per
// slot for the wishes that need one; its flow N is the most such wishes any
// schedule can place. (1) keeps exhibitor tables and area tables per slot,
// (2) one meeting per attendee per slot and area tables; both also let at
// most N wishes needing an interpreter through (a source edge of capacity N),
// which every real schedule obeys.
func SchedUpperBound(in SchedInput) int {
	sc := newScheduler(&in)
	nS := sc.nS
	seen := map[[2]int64]bool{}
	var ws []int
	for i, w := range in.Wishes {
		k := [2]int64{w.Attendee, w.Exhibitor}
		if w.HasMeeting || seen[k] || len(sc.options[i]) == 0 {
			seen[k] = true
			continue
		}
		seen[k] = true
		ws = append(ws, i)
	}
	// (3) interpreters
	plain := 0
	var needy []int
	for _, w := range ws {
		if sc.needs[w] {
			needy = append(needy, w)
		} else {
			plain++
		}
	}
	nI := len(in.Interpreters)
	src, wb := 0, 1
	ib := wb + len(needy)
	sink := ib + nI*nS
	f := newFlow(sink + 1)
	for j, w := range needy {
		f.add(src, wb+j, 1)
		for _, s := range sc.options[w] {
			for _, it := range sc.elig[w] {
				if sc.intSlot[int(it)*nS+int(s)] == -1 {
					f.add(wb+j, ib+int(it)*nS+int(s), 1)
				}
			}
		}
	}
	for x := range nI * nS {
		f.add(ib+x, sink, 1)
	}
	needyMax := f.maxflow(src, sink)
	b3 := plain + needyMax
	side := func(key func(w int) int, nKeys int, capOf func(k, s int) int) int {
		// nodes: src, wishes, (key,slot), slots, sink
		src := 0
		needyNode := 1
		wishBase := 2
		ksBase := wishBase + len(ws)
		slotBase := ksBase + nKeys*nS
		sink := slotBase + nS
		f := newFlow(sink + 1)
		f.add(src, needyNode, needyMax)
		for j, w := range ws {
			if sc.needs[w] {
				f.add(needyNode, wishBase+j, 1)
			} else {
				f.add(src, wishBase+j, 1)
			}
			for _, s := range sc.options[w] {
				f.add(wishBase+j, ksBase+key(w)*nS+int(s), 1)
			}
		}
		for k := range nKeys {
			for s := range nS {
				if c := capOf(k, s); c > 0 {
					f.add(ksBase+k*nS+s, slotBase+s, c)
				}
			}
		}
		for s := range nS {
			f.add(slotBase+s, sink, int(sc.areaFree[s]))
		}
		return f.maxflow(src, sink)
	}
	nE := len(sc.exCap) / max(nS, 1)
	nA := len(sc.attSlot) / max(nS, 1)
	b1 := side(func(w int) int { return int(sc.wExh[w]) }, nE, func(k, s int) int { return int(sc.exCap[k*nS+s]) })
	b2 := side(func(w int) int { return int(sc.wAtt[w]) }, nA, func(k, s int) int {
		if sc.attSlot[k*nS+s] == -1 {
			return 1
		}
		return 0
	})
	return min(b1, b2, b3)
}

// flow is Dinic's max-flow on an adjacency list.
type flow struct {
	head  []int32
	next  []int32
	to    []int32
	cap   []int32
	level []int32
	iter  []int32
}

func newFlow(n int) *flow {
	f := &flow{head: make([]int32, n), level: make([]int32, n), iter: make([]int32, n)}
	for i := range f.head {
		f.head[i] = -1
	}
	return f
}

func (f *flow) add(u, v, c int) {
	f.to = append(f.to, int32(v), int32(u))
	f.cap = append(f.cap, int32(c), 0)
	f.next = append(f.next, f.head[u], f.head[v])
	f.head[u] = int32(len(f.to) - 2)
	f.head[v] = int32(len(f.to) - 1)
}

func (f *flow) maxflow(s, t int) int {
	total := 0
	queue := make([]int32, 0, len(f.head))
	for {
		for i := range f.level {
			f.level[i] = -1
		}
		f.level[s] = 0
		queue = append(queue[:0], int32(s))
		for qi := 0; qi < len(queue); qi++ {
			u := queue[qi]
			for e := f.head[u]; e >= 0; e = f.next[e] {
				if v := f.to[e]; f.cap[e] > 0 && f.level[v] < 0 {
					f.level[v] = f.level[u] + 1
					queue = append(queue, v)
				}
			}
		}
		if f.level[t] < 0 {
			return total
		}
		copy(f.iter, f.head)
		for {
			d := f.dfs(int32(s), int32(t), 1<<30)
			if d == 0 {
				break
			}
			total += int(d)
		}
	}
}

func (f *flow) dfs(u, t, up int32) int32 {
	if u == t {
		return up
	}
	for ; f.iter[u] >= 0; f.iter[u] = f.next[f.iter[u]] {
		e := f.iter[u]
		v := f.to[e]
		if f.cap[e] > 0 && f.level[v] == f.level[u]+1 {
			if d := f.dfs(v, t, min(up, f.cap[e])); d > 0 {
				f.cap[e] -= d
				f.cap[e^1] += d
				return d
			}
		}
	}
	return 0
}
