package pages

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"expo/internal/expo"
	"expo/web/i18n"
)

// ProgrammeFilter is what the programme is narrowed to; empty fields do
// not filter.
type ProgrammeFilter struct {
	Day      string // YYYY-MM-DD in the expo time zone
	Theme    string
	Room     string // room id
	Language string
}

// Query is the filter as a query string ("?day=…&theme=…"), with day
// replaced by the given one ("" keeps it).
func (f ProgrammeFilter) Query(day string) string {
	q := url.Values{}
	if day == "" {
		day = f.Day
	}
	for k, v := range map[string]string{"day": day, "theme": f.Theme, "room": f.Room, "language": f.Language} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// Filtered reports whether anything besides the day narrows the programme.
func (f ProgrammeFilter) Filtered() bool { return f.Theme != "" || f.Room != "" || f.Language != "" }

// ProgrammeItem is one session of the public programme with what the
// programme shows of its forum.
type ProgrammeItem struct {
	Session   expo.Session
	Forum     expo.Forum // Sessions not filled
	Room      string
	SeatsLeft int
	// Registration is the viewer's, if any.
	Registration *expo.Registration
}

// TimetableCell is one cell of a timetable row: a session starting in this
// slot (spanning Span slots) or an empty slot.
type TimetableCell struct {
	Item *ProgrammeItem
	Span int
}

// TimetableRow is one time slot: its start and the cells of the rooms not
// covered by a session that started earlier.
type TimetableRow struct {
	Start time.Time
	Cells []TimetableCell
}

// Timetable is a day's grid: rooms as columns, time slots as rows.
type Timetable struct {
	Rooms []expo.Room
	Rows  []TimetableRow
}

// BuildTimetable lays out a day's items (sorted by start) in a grid of
// slots as fine as the sessions' minutes need (at most an hour). Items
// overlapping an earlier one in the same room (which a published programme
// does not have) are left to the list view.
func BuildTimetable(items []ProgrammeItem, rooms []expo.Room) Timetable {
	var t Timetable
	if len(items) == 0 {
		return t
	}
	used := map[int64]bool{}
	start, end := items[0].Session.StartsAt, items[0].Session.EndsAt
	slot := 60
	for _, it := range items {
		used[it.Session.RoomID] = true
		if it.Session.StartsAt.Before(start) {
			start = it.Session.StartsAt
		}
		if it.Session.EndsAt.After(end) {
			end = it.Session.EndsAt
		}
		for _, tm := range []time.Time{it.Session.StartsAt, it.Session.EndsAt} {
			slot = progGCD(slot, tm.Minute())
		}
	}
	if slot < 5 {
		slot = 5
	}
	for _, r := range rooms {
		if used[r.ID] {
			t.Rooms = append(t.Rooms, r)
		}
	}
	step := time.Duration(slot) * time.Minute
	start = start.Truncate(step)
	n := int((end.Sub(start) + step - 1) / step)
	// busyUntil[c] is the first row a room column is free again.
	busyUntil := make([]int, len(t.Rooms))
	byRoomRow := map[[2]int]*ProgrammeItem{}
	for i := range items {
		it := &items[i]
		c := slices.IndexFunc(t.Rooms, func(r expo.Room) bool { return r.ID == it.Session.RoomID })
		row := int(it.Session.StartsAt.Sub(start) / step)
		if _, taken := byRoomRow[[2]int{row, c}]; !taken {
			byRoomRow[[2]int{row, c}] = it
		}
	}
	for row := 0; row < n; row++ {
		tr := TimetableRow{Start: start.Add(time.Duration(row) * step)}
		for c := range t.Rooms {
			if busyUntil[c] > row {
				continue
			}
			if it, ok := byRoomRow[[2]int{row, c}]; ok {
				span := int((it.Session.EndsAt.Sub(tr.Start) + step - 1) / step)
				if row+span > n {
					span = n - row
				}
				busyUntil[c] = row + span
				tr.Cells = append(tr.Cells, TimetableCell{Item: it, Span: span})
				continue
			}
			tr.Cells = append(tr.Cells, TimetableCell{})
		}
		t.Rows = append(t.Rows, tr)
	}
	return t
}

func progGCD(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// ProgrammeView is the public programme of one day.
type ProgrammeView struct {
	HasEvent  bool
	Days      []time.Time // the expo days, for the tabs
	Day       time.Time   // the day shown
	Filter    ProgrammeFilter
	Themes    []Option
	Rooms     []Option
	Languages []Option
	Items     []ProgrammeItem // the day's sessions by start
	Timetable Timetable
}

// ForumDetailView is one forum's page.
type ForumDetailView struct {
	Forum     expo.Forum
	Rooms     map[int64]expo.Room
	SeatsLeft int
	// Registration is the viewer's, nil when none.
	Registration *expo.Registration
	// CanRegister is true for attendees; others see why they cannot.
	CanRegister bool
	Loc         *time.Location
}

// ThemeOptions lists the forum themes by their names in the reader's
// language.
func ThemeOptions(ctx context.Context) []Option {
	opts := make([]Option, len(expo.ForumThemes))
	for i, c := range expo.ForumThemes {
		opts[i] = Option{Value: c, Label: i18n.T(ctx, "forum.theme."+c)}
	}
	return opts
}

func progForumPath(id int64) string { return "/forums/" + strconv.FormatInt(id, 10) }

func progDayKey(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

func progSpan(n int) string { return strconv.Itoa(n) }

func progThemeName(ctx context.Context, code string) string {
	if code == "" {
		return ""
	}
	return i18n.T(ctx, "forum.theme."+code)
}

func progTimeRange(a, b time.Time, loc *time.Location) string {
	return formatClock(a, loc) + "–" + formatClock(b, loc)
}

// progSpeakerLine is "title, organization" with whichever is known.
func progSpeakerLine(sp expo.Speaker) string {
	switch {
	case sp.Title == "":
		return sp.Organization
	case sp.Organization == "":
		return sp.Title
	}
	return sp.Title + ", " + sp.Organization
}

// progInForums tells the nav that a path belongs to the public programme.
func progInForums(path string) bool { return path == "/forums" || strings.HasPrefix(path, "/forums/") }
