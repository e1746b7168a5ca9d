package expo

import (
	"cmp"
	"slices"
	"time"
)

// Programme is everything clash detection looks at: the expo's dates and
// opening hours, the rooms, the speakers and every forum with its sessions
// (drafts included).
type Programme struct {
	Expo     Expo // zero when the expo has not been described yet
	Hours    []OpeningHours
	Rooms    []Room
	Speakers []Speaker
	Forums   []Forum
}

// ClashKind names what collides.
type ClashKind string

const (
	// ClashRoom: two sessions in one room at overlapping times.
	ClashRoom ClashKind = "room"
	// ClashSpeaker: one speaker in two overlapping sessions.
	ClashSpeaker ClashKind = "speaker"
	// ClashHours: a session outside its day's opening hours, on a day
	// without opening hours, or outside the expo's dates.
	ClashHours ClashKind = "hours"
	// ClashCapacity: a forum admits more people than a room of its sessions
	// holds.
	ClashCapacity ClashKind = "capacity"
)

// ClashKinds lists the kinds in report order.
var ClashKinds = []ClashKind{ClashRoom, ClashSpeaker, ClashHours, ClashCapacity}

// Clash is one problem of the programme. Message is a translation ID and
// Params fill it (titles, names, and times as "15:04" in the expo's time
// zone); the IDs say which items to link to.
type Clash struct {
	Kind       ClashKind
	Message    string
	Params     map[string]any
	SessionIDs []int64 // one or two sessions, earlier first
	ForumIDs   []int64 // the forums of those sessions, without repeats
	RoomID     int64   // set for room, hours and capacity clashes
	SpeakerID  int64   // set for speaker clashes
}

// Involves reports whether the clash concerns the forum.
func (c Clash) Involves(forumID int64) bool { return slices.Contains(c.ForumIDs, forumID) }

// InvolvesSession reports whether the clash concerns the session.
func (c Clash) InvolvesSession(sessionID int64) bool {
	return slices.Contains(c.SessionIDs, sessionID)
}

// ClashesOf keeps the clashes that concern the forum.
func ClashesOf(clashes []Clash, forumID int64) []Clash {
	var out []Clash
	for _, c := range clashes {
		if c.Involves(forumID) {
			out = append(out, c)
		}
	}
	return out
}

// Overlaps reports whether [aStart, aEnd) and [bStart, bEnd) share a moment;
// a session ending at 10:00 and one starting at 10:00 do not overlap.
func Overlaps(aStart, aEnd, bStart, bEnd time.Time) bool {
	return aStart.Before(bEnd) && bStart.Before(aEnd)
}

// DetectClashes lists every clash of the programme, in a stable order: by
// kind (room, speaker, hours, capacity), then by time.
func DetectClashes(p Programme) []Clash {
	loc := p.Expo.StartsOn.Location()
	if p.Expo.StartsOn.IsZero() {
		loc = time.UTC
	}
	clock := func(t time.Time) string { return t.In(loc).Format("15:04") }
	day := func(t time.Time) string { return t.In(loc).Format("2006-01-02") }

	rooms := map[int64]Room{}
	for _, r := range p.Rooms {
		rooms[r.ID] = r
	}
	speakers := map[int64]Speaker{}
	for _, s := range p.Speakers {
		speakers[s.ID] = s
	}
	type item struct {
		s Session
		f *Forum
	}
	var all []item
	for i := range p.Forums {
		for _, s := range p.Forums[i].Sessions {
			all = append(all, item{s, &p.Forums[i]})
		}
	}
	slices.SortStableFunc(all, func(a, b item) int {
		return cmp.Or(a.s.StartsAt.Compare(b.s.StartsAt), cmp.Compare(a.s.ID, b.s.ID))
	})
	pair := func(a, b item) map[string]any {
		return map[string]any{
			"Session": a.s.Title, "Forum": a.f.Title, "Start": clock(a.s.StartsAt), "End": clock(a.s.EndsAt), "Day": day(a.s.StartsAt),
			"Other": b.s.Title, "OtherForum": b.f.Title, "OtherStart": clock(b.s.StartsAt), "OtherEnd": clock(b.s.EndsAt),
		}
	}
	forumIDs := func(a, b item) []int64 {
		if a.f.ID == b.f.ID {
			return []int64{a.f.ID}
		}
		return []int64{a.f.ID, b.f.ID}
	}
	// overlapping calls fn for each overlapping pair of a start-sorted list;
	// the inner loop stops at the first later session that starts after the
	// current one ends, so it costs O(n log n + clashes).
	overlapping := func(list []item, fn func(a, b item)) {
		for i := range list {
			for j := i + 1; j < len(list) && list[j].s.StartsAt.Before(list[i].s.EndsAt); j++ {
				if Overlaps(list[i].s.StartsAt, list[i].s.EndsAt, list[j].s.StartsAt, list[j].s.EndsAt) {
					fn(list[i], list[j])
				}
			}
		}
	}

	var out []Clash
	byRoom := map[int64][]item{}
	bySpeaker := map[int64][]item{}
	for _, it := range all {
		byRoom[it.s.RoomID] = append(byRoom[it.s.RoomID], it)
		for _, sp := range it.s.SpeakerIDs {
			bySpeaker[sp] = append(bySpeaker[sp], it)
		}
	}
	for _, roomID := range sortedKeys(byRoom) {
		overlapping(byRoom[roomID], func(a, b item) {
			params := pair(a, b)
			params["Room"] = rooms[roomID].Name
			out = append(out, Clash{Kind: ClashRoom, Message: "clash.room", Params: params,
				SessionIDs: []int64{a.s.ID, b.s.ID}, ForumIDs: forumIDs(a, b), RoomID: roomID})
		})
	}
	for _, spID := range sortedKeys(bySpeaker) {
		overlapping(bySpeaker[spID], func(a, b item) {
			params := pair(a, b)
			params["Speaker"] = SpeakerDisplayName(speakers[spID])
			out = append(out, Clash{Kind: ClashSpeaker, Message: "clash.speaker", Params: params,
				SessionIDs: []int64{a.s.ID, b.s.ID}, ForumIDs: forumIDs(a, b), SpeakerID: spID})
		})
	}
	for _, it := range all {
		if c, ok := hoursClash(p, it.s, loc); ok {
			c.Params["Session"], c.Params["Forum"] = it.s.Title, it.f.Title
			c.Params["Start"], c.Params["End"], c.Params["Day"] = clock(it.s.StartsAt), clock(it.s.EndsAt), day(it.s.StartsAt)
			c.Params["Room"] = rooms[it.s.RoomID].Name
			c.SessionIDs, c.ForumIDs, c.RoomID = []int64{it.s.ID}, []int64{it.f.ID}, it.s.RoomID
			out = append(out, c)
		}
	}
	for _, it := range all {
		r, ok := rooms[it.s.RoomID]
		if ok && it.f.Capacity > r.Capacity {
			out = append(out, Clash{Kind: ClashCapacity, Message: "clash.capacity",
				Params: map[string]any{"Forum": it.f.Title, "Capacity": it.f.Capacity, "Session": it.s.Title,
					"Room": r.Name, "RoomCapacity": r.Capacity, "Day": day(it.s.StartsAt), "Start": clock(it.s.StartsAt)},
				SessionIDs: []int64{it.s.ID}, ForumIDs: []int64{it.f.ID}, RoomID: r.ID})
		}
	}
	return out
}

// hoursClash checks one session against the expo's dates and opening hours.
func hoursClash(p Programme, s Session, loc *time.Location) (Clash, bool) {
	if !WithinExpo(p.Expo, s.StartsAt) || !WithinExpo(p.Expo, s.EndsAt.Add(-time.Nanosecond)) {
		return Clash{Kind: ClashHours, Message: "clash.outside_expo", Params: map[string]any{}}, true
	}
	for _, h := range p.Hours {
		if !s.StartsAt.Before(h.Opens) && !s.EndsAt.After(h.Closes) {
			return Clash{}, false
		}
	}
	// Not inside any day's hours: say which day's hours it breaks, if that
	// day has hours at all.
	y, m, d := s.StartsAt.In(loc).Date()
	for _, h := range p.Hours {
		hy, hm, hd := h.Opens.In(loc).Date()
		if hy == y && hm == m && hd == d {
			return Clash{Kind: ClashHours, Message: "clash.outside_hours", Params: map[string]any{
				"Opens": h.Opens.In(loc).Format("15:04"), "Closes": h.Closes.In(loc).Format("15:04")}}, true
		}
	}
	return Clash{Kind: ClashHours, Message: "clash.no_hours", Params: map[string]any{}}, true
}

// SpeakerDisplayName is "Name (Latin)" when both are given and differ.
func SpeakerDisplayName(s Speaker) string {
	if s.NameLatin != "" && s.NameLatin != s.Name {
		return s.Name + " (" + s.NameLatin + ")"
	}
	return s.Name
}

func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
