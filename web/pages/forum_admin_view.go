package pages

import (
	"context"
	"strconv"
	"strings"
	"time"

	"expo/internal/expo"
	"expo/web/i18n"
)

// Views of the organizer's programme planning: rooms and opening hours,
// forums, sessions, speakers, the clash report and the timetable editor.

// PlanClash is a clash ready to show: the reason in words and links to the
// clashing items.
type PlanClash struct {
	Kind   expo.ClashKind
	Reason string // translated
	Links  []PlanLink
}

// PlanLink is a link to an item of the programme.
type PlanLink struct {
	Href  string
	Label string // already translated or a name
}

// PlanPager pages a long list; Base is the list's URL with its filter query
// and ends in "?" or "&".
type PlanPager struct {
	Page, Pages int
	Base        string
}

// PlanRoom is a room with its hall's name.
type PlanRoom struct {
	Room     expo.Room
	HallName string
	Sessions int
}

// PlanDayHours is one expo day with its opening hours, if set.
type PlanDayHours struct {
	Day   time.Time
	Hours *expo.OpeningHours
	Form  Form // day, opens, closes
}

// RoomsAdminView is /organizer/rooms: rooms, the new-room form and the
// opening hours per day.
type RoomsAdminView struct {
	Rooms   []PlanRoom
	NewRoom Form
	Halls   []Option
	Days    []PlanDayHours
	Clashes int
	// HoursError holds a failed hours post whose day is not an expo day.
	HoursError Form
}

// RoomAdminView is /organizer/rooms/{id}.
type RoomAdminView struct {
	Room  expo.Room
	Form  Form
	Halls []Option
}

// PlanForumRow is one line of the organizer's forum list.
type PlanForumRow struct {
	Forum   expo.Forum
	First   time.Time // first session's start, zero without sessions
	Clashes int
}

// ForumsAdminView is /organizer/forums.
type ForumsAdminView struct {
	Rows    []PlanForumRow
	Status  string // "", "draft" or "published"
	Total   int64
	Pager   PlanPager
	Clashes int // of the whole programme
}

// PlanSessionRow is a session of the forum page.
type PlanSessionRow struct {
	Session expo.Session
	Room    string
	Clashes int
}

// ForumAdminView is /organizer/forums/new and /organizer/forums/{id}.
type ForumAdminView struct {
	Forum      expo.Forum // zero ID for a new forum
	Form       Form       // the forum's details
	Sessions   []PlanSessionRow
	NewSession Form
	Clashes    []PlanClash
	// PublishError is set when publishing was refused (message ID).
	PublishError Form
	Choices      PlanChoices
}

// PlanChoices are the options of the session forms.
type PlanChoices struct {
	Days     []Option
	Rooms    []Option
	Speakers []Option
}

// SessionAdminView is /organizer/sessions/{id}.
type SessionAdminView struct {
	Forum   expo.Forum
	Session expo.Session
	Form    Form
	Clashes []PlanClash
	Choices PlanChoices
}

// PlanSpeakerRow is one speaker of the list.
type PlanSpeakerRow struct {
	Speaker  expo.Speaker
	Sessions int
}

// SpeakersAdminView is /organizer/speakers.
type SpeakersAdminView struct {
	Rows       []PlanSpeakerRow
	Total      int
	Pager      PlanPager
	NewSpeaker Form
}

// SpeakerAdminView is /organizer/speakers/{id}.
type SpeakerAdminView struct {
	Speaker expo.Speaker
	Form    Form
}

// ClashReportView is /organizer/clashes.
type ClashReportView struct {
	Clashes []PlanClash
	Counts  map[expo.ClashKind]int
}

// PlanBlock is a session in the timetable editor.
type PlanBlock struct {
	Session expo.Session
	Forum   expo.Forum // Sessions not filled
	Clashes []PlanClash
	Move    Form // room_id, day, start
}

// PlanCell is one cell of the editor grid: a group of sessions in one room
// starting in this row and spanning Span rows (several sessions only when
// they overlap), or an empty slot.
type PlanCell struct {
	Blocks []PlanBlock
	Span   int
}

// PlanRow is one 15-minute row of the editor grid; Cells hold only the
// rooms not covered by a cell that started in an earlier row.
type PlanRow struct {
	Start time.Time
	Open  bool // within the day's opening hours
	Cells []PlanCell
}

// TimetableAdminView is /organizer/timetable?day=YYYY-MM-DD.
type TimetableAdminView struct {
	Day     time.Time
	Days    []time.Time
	Hours   *expo.OpeningHours
	Rooms   []expo.Room
	Rows    []PlanRow
	Choices PlanChoices
	Clashes int // of this day
	// Elsewhere counts sessions of other forums not shown (none today).
	Sessions int
}

// ConfirmDeleteView asks before a delete.
type ConfirmDeleteView struct {
	Question string // translated
	Detail   string // translated, optional
	Action   string // the POST URL
	Cancel   string // where "Cancel" goes
}

// planThemeName is a forum theme in the reader's language.
func planThemeName(ctx context.Context, code string) string {
	if code == "" {
		return ""
	}
	return i18n.T(ctx, "forum.theme."+code)
}

func planID(id int64) string { return strconv.FormatInt(id, 10) }

func planForumURL(id int64) string   { return "/organizer/forums/" + planID(id) }
func planSessionURL(id int64) string { return "/organizer/sessions/" + planID(id) }
func planSpeakerURL(id int64) string { return "/organizer/speakers/" + planID(id) }
func planRoomURL(id int64) string    { return "/organizer/rooms/" + planID(id) }

func planTimetableURL(day time.Time, loc *time.Location) string {
	return "/organizer/timetable?day=" + day.In(loc).Format("2006-01-02")
}

func planPageURL(p PlanPager, n int) string { return p.Base + "page=" + strconv.Itoa(n) }

func planSessionTime(ctx context.Context, s expo.Session, loc *time.Location) string {
	return formatShortDay(ctx, s.StartsAt, loc) + " " + formatClock(s.StartsAt, loc) + "–" + formatClock(s.EndsAt, loc)
}

func planSpeakerNames(s expo.Session) string {
	out := ""
	for i, sp := range s.Speakers {
		if i > 0 {
			out += ", "
		}
		out += expo.SpeakerDisplayName(sp)
	}
	return out
}

func planCount(n int) string { return strconv.Itoa(n) }

func planRowSpan(n int) string { return strconv.Itoa(n) }

func planCellClashes(c PlanCell) int {
	n := 0
	for _, b := range c.Blocks {
		n += len(b.Clashes)
	}
	return n
}

// PlanDayOptions lists days as choices: "2006-01-02" values, short day
// names as labels.
func PlanDayOptions(ctx context.Context, days []time.Time, loc *time.Location) []Option {
	opts := make([]Option, len(days))
	for i, d := range days {
		opts[i] = Option{Value: d.In(loc).Format("2006-01-02"), Label: formatShortDay(ctx, d, loc)}
	}
	return opts
}

// planInProgramme reports whether path is one of the organizer's programme
// pages, for the "Programme" nav item.
func planInProgramme(path string) bool {
	for _, prefix := range []string{"/organizer/forums", "/organizer/sessions", "/organizer/rooms", "/organizer/hours",
		"/organizer/speakers", "/organizer/clashes", "/organizer/timetable"} {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}
