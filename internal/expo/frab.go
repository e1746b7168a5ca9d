package expo

import (
	"cmp"
	"crypto/sha1"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// The Frab schedule format (schedule.xml and schedule.json, as written by
// frab and pretalx and read by conference apps such as Giggity and
// EventFahrplan). One event of the format is one forum session; its track
// is the forum's theme.

// ScheduleInput is what a schedule export is built from: the published
// programme only.
type ScheduleInput struct {
	Expo     Expo
	Loc      *time.Location // the expo's time zone
	BaseURL  string         // absolute, without a trailing slash
	Hours    []OpeningHours
	Rooms    []Room
	Speakers []Speaker
	Forums   []Forum // published forums with their sessions
	// ThemeName names a theme code for people (the track name).
	ThemeName func(code string) string
	// Version changes whenever the programme does (e.g. the latest update).
	Version string
}

// Schedule is the Frab model of the programme.
type Schedule struct {
	Version      string
	BaseURL      string
	Title        string
	Acronym      string
	Start, End   time.Time // first and last day, midnight in TimeZone
	TimeZone     string
	SlotDuration string
	Tracks       []string
	Rooms        []ScheduleRoom
	Days         []ScheduleDay
}

// ScheduleRoom is a room that holds at least one session.
type ScheduleRoom struct {
	ID       int64
	Name     string
	GUID     string
	Capacity int
}

// ScheduleDay is one expo day.
type ScheduleDay struct {
	Index      int
	Date       time.Time // midnight in the expo time zone
	Start, End time.Time
	Rooms      []ScheduleDayRoom
}

// ScheduleDayRoom is a room's events on one day, by start.
type ScheduleDayRoom struct {
	Room   ScheduleRoom
	Events []ScheduleEvent
}

// ScheduleEvent is one session.
type ScheduleEvent struct {
	ID          int64
	GUID        string
	Slug        string
	URL         string
	Title       string
	Subtitle    string // the forum's title
	Track       string
	Type        string
	Language    string
	Abstract    string
	Description string
	Room        string
	Start, End  time.Time // in the expo time zone
	Persons     []SchedulePerson
}

// SchedulePerson is a speaker of an event.
type SchedulePerson struct {
	ID        int64
	GUID      string
	Name      string
	Biography string
}

// scheduleNamespace is the UUID namespace of the expo's GUIDs (the URL
// namespace of RFC 9562); names are URLs under the base URL, so GUIDs are
// stable and unique across deployments.
var scheduleNamespace = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// uuid5 is a name-based (SHA-1) UUID, RFC 9562 §5.5.
func uuid5(name string) string {
	h := sha1.New()
	h.Write(scheduleNamespace[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// ScheduleAcronym is the short name of the expo in the schedule formats:
// "expo_" and the year of its first day (both formats restrict the
// characters).
func ScheduleAcronym(ev Expo) string {
	return fmt.Sprintf("expo_%d", ev.StartsOn.Year())
}

// asciiSlug keeps lower-case ASCII letters and digits of s, joined by
// hyphens; titles in Chinese or Korean give "".
func asciiSlug(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= max {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// BuildSchedule turns the published programme into the Frab model: every
// expo day (the formats need at least one), each with the rooms that have
// sessions that day.
func BuildSchedule(in ScheduleInput) Schedule {
	loc := in.Loc
	if loc == nil {
		loc = time.UTC
	}
	themeName := in.ThemeName
	if themeName == nil {
		themeName = func(code string) string { return code }
	}
	acronym := ScheduleAcronym(in.Expo)
	sch := Schedule{
		Version: in.Version, BaseURL: in.BaseURL, Title: in.Expo.Name, Acronym: acronym,
		Start: in.Expo.StartsOn.In(loc), End: in.Expo.EndsOn.In(loc), TimeZone: loc.String(), SlotDuration: "00:15",
	}
	if sch.Version == "" {
		sch.Version = "1"
	}
	rooms := map[int64]Room{}
	for _, r := range in.Rooms {
		rooms[r.ID] = r
	}
	speakers := map[int64]Speaker{}
	for _, sp := range in.Speakers {
		speakers[sp.ID] = sp
	}
	hours := map[string]OpeningHours{}
	for _, h := range in.Hours {
		hours[h.Day.In(loc).Format(time.DateOnly)] = h
	}
	// Events by day and room.
	type key struct {
		day  string
		room int64
	}
	events := map[key][]ScheduleEvent{}
	usedRooms := map[int64]bool{}
	tracks := map[string]bool{}
	for _, f := range in.Forums {
		track := themeName(f.Theme)
		if f.Theme == "" {
			track = f.Title
		}
		tracks[track] = true
		for _, s := range f.Sessions {
			room := rooms[s.RoomID]
			usedRooms[s.RoomID] = true
			slug := acronym + "-" + fmt.Sprint(s.ID)
			if t := asciiSlug(s.Title, 40); t != "" {
				slug += "-" + t
			} else {
				slug += "-session"
			}
			lang := s.Language
			if lang == "" && len(f.Languages) > 0 {
				lang = f.Languages[0]
			}
			ev := ScheduleEvent{
				ID: s.ID, GUID: uuid5(in.BaseURL + "/forums/sessions/" + fmt.Sprint(s.ID)), Slug: slug,
				URL:   fmt.Sprintf("%s/forums/%d", in.BaseURL, f.ID),
				Title: s.Title, Subtitle: f.Title, Track: track, Type: "forum", Language: lang,
				Abstract: f.Description, Description: f.Description, Room: room.Name,
				Start: s.StartsAt.In(loc), End: s.EndsAt.In(loc),
			}
			ids := s.SpeakerIDs
			if len(ids) == 0 {
				for _, sp := range s.Speakers {
					ids = append(ids, sp.ID)
				}
			}
			for _, id := range ids {
				sp, ok := speakers[id]
				if !ok {
					for _, x := range s.Speakers {
						if x.ID == id {
							sp, ok = x, true
						}
					}
				}
				if !ok {
					continue
				}
				ev.Persons = append(ev.Persons, SchedulePerson{ID: sp.ID, GUID: uuid5(in.BaseURL + "/speakers/" + fmt.Sprint(sp.ID)),
					Name: speakerDisplayName(sp), Biography: sp.Bio})
			}
			k := key{ev.Start.Format(time.DateOnly), s.RoomID}
			events[k] = append(events[k], ev)
		}
	}
	for t := range tracks {
		sch.Tracks = append(sch.Tracks, t)
	}
	slices.Sort(sch.Tracks)
	for _, r := range in.Rooms {
		if usedRooms[r.ID] {
			sch.Rooms = append(sch.Rooms, ScheduleRoom{ID: r.ID, Name: r.Name, GUID: uuid5(in.BaseURL + "/rooms/" + fmt.Sprint(r.ID)), Capacity: r.Capacity})
		}
	}
	days := ExpoDays(Expo{StartsOn: sch.Start, EndsOn: sch.End})
	if len(days) == 0 {
		days = []time.Time{sch.Start}
	}
	for i, d := range days {
		date := d.Format(time.DateOnly)
		day := ScheduleDay{Index: i + 1, Date: d, Start: d, End: d.AddDate(0, 0, 1).Add(-time.Minute)}
		if h, ok := hours[date]; ok {
			day.Start, day.End = h.Opens.In(loc), h.Closes.In(loc)
		}
		for _, r := range sch.Rooms {
			evs := events[key{date, r.ID}]
			if len(evs) == 0 {
				continue
			}
			slices.SortFunc(evs, func(a, b ScheduleEvent) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID)) })
			// A session earlier or later than the day's hours widens the day.
			if evs[0].Start.Before(day.Start) {
				day.Start = evs[0].Start
			}
			for _, e := range evs {
				if e.End.After(day.End) {
					day.End = e.End
				}
			}
			day.Rooms = append(day.Rooms, ScheduleDayRoom{Room: r, Events: evs})
		}
		sch.Days = append(sch.Days, day)
	}
	return sch
}

// speakerDisplayName is the name in the speaker's script followed by the
// Latin spelling when that differs.
func speakerDisplayName(sp Speaker) string {
	if sp.NameLatin != "" && sp.NameLatin != sp.Name {
		return sp.Name + " (" + sp.NameLatin + ")"
	}
	return sp.Name
}

// frabDuration is "hh:mm".
func frabDuration(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// XML shapes of schedule.xml.xsd.
type (
	xmlSchedule struct {
		XMLName    xml.Name      `xml:"schedule"`
		Generator  xmlGenerator  `xml:"generator"`
		URL        string        `xml:"url,omitempty"`
		Version    string        `xml:"version"`
		Conference xmlConference `xml:"conference"`
		Days       []xmlDay      `xml:"day"`
	}
	xmlGenerator struct {
		Name string `xml:"name,attr"`
	}
	xmlConference struct {
		Title        string     `xml:"title"`
		Acronym      string     `xml:"acronym"`
		Start        string     `xml:"start"`
		End          string     `xml:"end"`
		Days         int        `xml:"days"`
		SlotDuration string     `xml:"timeslot_duration"`
		BaseURL      string     `xml:"base_url,omitempty"`
		TimeZone     string     `xml:"time_zone_name"`
		Tracks       []xmlTrack `xml:"track"`
	}
	xmlTrack struct {
		Name string `xml:"name,attr"`
		Text string `xml:",chardata"`
	}
	xmlDay struct {
		Date  string    `xml:"date,attr"`
		Start string    `xml:"start,attr"`
		End   string    `xml:"end,attr"`
		Index int       `xml:"index,attr"`
		Rooms []xmlRoom `xml:"room"`
	}
	xmlRoom struct {
		Name   string     `xml:"name,attr"`
		GUID   string     `xml:"guid,attr"`
		Events []xmlEvent `xml:"event"`
	}
	xmlEvent struct {
		ID          int64       `xml:"id,attr"`
		GUID        string      `xml:"guid,attr"`
		Room        string      `xml:"room"`
		Title       string      `xml:"title"`
		Subtitle    string      `xml:"subtitle"`
		Type        string      `xml:"type"`
		Date        string      `xml:"date"`
		Start       string      `xml:"start"`
		Duration    string      `xml:"duration"`
		Abstract    string      `xml:"abstract"`
		Slug        string      `xml:"slug"`
		Track       string      `xml:"track"`
		Persons     []xmlPerson `xml:"persons>person"`
		Language    string      `xml:"language,omitempty"`
		Description string      `xml:"description"`
		URL         string      `xml:"url,omitempty"`
	}
	xmlPerson struct {
		ID   int64  `xml:"id,attr"`
		GUID string `xml:"guid,attr"`
		Name string `xml:",chardata"`
	}
)

// WriteXML writes the schedule as Frab schedule.xml.
func (s Schedule) WriteXML(w io.Writer) error {
	doc := xmlSchedule{
		Generator: xmlGenerator{Name: "expo"},
		Version:   s.Version,
		Conference: xmlConference{
			Title: s.Title, Acronym: s.Acronym, Start: s.Start.Format(time.DateOnly), End: s.End.Format(time.DateOnly),
			Days: len(s.Days), SlotDuration: s.SlotDuration, TimeZone: s.TimeZone,
		},
	}
	if isHTTPURL(s.BaseURL) {
		doc.URL = s.BaseURL + "/schedule.xml"
		doc.Conference.BaseURL = s.BaseURL + "/"
	}
	for _, t := range s.Tracks {
		doc.Conference.Tracks = append(doc.Conference.Tracks, xmlTrack{Name: t, Text: t})
	}
	for _, d := range s.Days {
		xd := xmlDay{Date: d.Date.Format(time.DateOnly), Start: d.Start.Format(time.RFC3339), End: d.End.Format(time.RFC3339), Index: d.Index}
		for _, r := range d.Rooms {
			xr := xmlRoom{Name: r.Room.Name, GUID: r.Room.GUID}
			for _, e := range r.Events {
				xe := xmlEvent{
					ID: e.ID, GUID: e.GUID, Room: e.Room, Title: e.Title, Subtitle: e.Subtitle, Type: e.Type,
					Date: e.Start.Format(time.RFC3339), Start: e.Start.Format("15:04"), Duration: frabDuration(e.End.Sub(e.Start)),
					Abstract: e.Abstract, Slug: e.Slug, Track: e.Track, Language: e.Language, Description: e.Description,
				}
				if isHTTPURL(e.URL) {
					xe.URL = e.URL
				}
				for _, p := range e.Persons {
					xe.Persons = append(xe.Persons, xmlPerson{ID: p.ID, GUID: p.GUID, Name: p.Name})
				}
				xr.Events = append(xr.Events, xe)
			}
			xd.Rooms = append(xd.Rooms, xr)
		}
		doc.Days = append(doc.Days, xd)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// JSON shapes of schema.json.
type (
	jsonDoc struct {
		Schema    string        `json:"$schema"`
		Generator jsonGenerator `json:"generator"`
		Schedule  jsonSchedule  `json:"schedule"`
	}
	jsonGenerator struct {
		Name string `json:"name"`
	}
	jsonSchedule struct {
		URL        string         `json:"url,omitempty"`
		Version    string         `json:"version"`
		BaseURL    string         `json:"base_url,omitempty"`
		Conference jsonConference `json:"conference"`
	}
	jsonConference struct {
		Acronym      string      `json:"acronym"`
		Title        string      `json:"title"`
		Start        string      `json:"start"`
		End          string      `json:"end"`
		DaysCount    int         `json:"daysCount"`
		SlotDuration string      `json:"timeslot_duration"`
		TimeZone     string      `json:"time_zone_name"`
		URL          string      `json:"url,omitempty"`
		Tracks       []jsonTrack `json:"tracks"`
		Rooms        []jsonRoom  `json:"rooms"`
		Days         []jsonDay   `json:"days"`
	}
	jsonTrack struct {
		Name string `json:"name"`
	}
	jsonRoom struct {
		Name     string `json:"name"`
		GUID     string `json:"guid"`
		Capacity int    `json:"capacity"`
	}
	jsonDay struct {
		Index    int                    `json:"index"`
		Date     string                 `json:"date"`
		DayStart string                 `json:"day_start"`
		DayEnd   string                 `json:"day_end"`
		Rooms    map[string][]jsonEvent `json:"rooms"`
	}
	jsonEvent struct {
		ID          int64          `json:"id"`
		GUID        string         `json:"guid"`
		Date        string         `json:"date"`
		Start       string         `json:"start"`
		End         string         `json:"end"`
		Duration    string         `json:"duration"`
		Room        string         `json:"room"`
		Slug        string         `json:"slug"`
		URL         string         `json:"url"`
		Title       string         `json:"title"`
		Subtitle    string         `json:"subtitle"`
		Track       string         `json:"track"`
		Type        string         `json:"type"`
		Language    *string        `json:"language"`
		Abstract    string         `json:"abstract"`
		Description string         `json:"description"`
		Persons     []jsonPerson   `json:"persons"`
		Links       []jsonNoFields `json:"links"`
		Attachments []jsonNoFields `json:"attachments"`
	}
	// jsonPerson is the frab shape (id and public_name); the schema accepts
	// exactly one of the frab and pretalx shapes, so "name" stays out.
	jsonPerson struct {
		ID         int64  `json:"id"`
		GUID       string `json:"guid"`
		PublicName string `json:"public_name"`
		Biography  string `json:"biography"`
	}
	jsonNoFields struct{}
)

// JSON renders the schedule as Frab schedule.json.
func (s Schedule) JSON() ([]byte, error) {
	doc := jsonDoc{
		Schema:    "https://c3voc.de/schedule/schema.json",
		Generator: jsonGenerator{Name: "expo"},
		Schedule: jsonSchedule{
			Version: s.Version,
			Conference: jsonConference{
				Acronym: s.Acronym, Title: s.Title, Start: s.Start.Format(time.DateOnly), End: s.End.Format(time.DateOnly),
				DaysCount: len(s.Days), SlotDuration: s.SlotDuration, TimeZone: s.TimeZone,
				Tracks: []jsonTrack{}, Rooms: []jsonRoom{}, Days: []jsonDay{},
			},
		},
	}
	if isHTTPURL(s.BaseURL) {
		doc.Schedule.URL = s.BaseURL + "/schedule.json"
		doc.Schedule.BaseURL = s.BaseURL + "/"
		doc.Schedule.Conference.URL = s.BaseURL + "/forums"
	}
	for _, t := range s.Tracks {
		doc.Schedule.Conference.Tracks = append(doc.Schedule.Conference.Tracks, jsonTrack{Name: t})
	}
	for _, r := range s.Rooms {
		doc.Schedule.Conference.Rooms = append(doc.Schedule.Conference.Rooms, jsonRoom{Name: r.Name, GUID: r.GUID, Capacity: r.Capacity})
	}
	for _, d := range s.Days {
		jd := jsonDay{Index: d.Index, Date: d.Date.Format(time.DateOnly), DayStart: d.Start.Format(time.RFC3339), DayEnd: d.End.Format(time.RFC3339),
			Rooms: map[string][]jsonEvent{}}
		for _, r := range d.Rooms {
			evs := make([]jsonEvent, 0, len(r.Events))
			for _, e := range r.Events {
				je := jsonEvent{
					ID: e.ID, GUID: e.GUID, Date: e.Start.Format(time.RFC3339), Start: e.Start.Format("15:04"), End: e.End.Format(time.RFC3339),
					Duration: frabDuration(e.End.Sub(e.Start)), Room: e.Room, Slug: e.Slug, URL: e.URL, Title: e.Title,
					Subtitle: e.Subtitle, Track: e.Track, Type: e.Type, Abstract: e.Abstract, Description: e.Description,
					Persons: []jsonPerson{}, Links: []jsonNoFields{}, Attachments: []jsonNoFields{},
				}
				if e.Language != "" {
					lang := e.Language
					je.Language = &lang
				}
				for _, p := range e.Persons {
					je.Persons = append(je.Persons, jsonPerson{ID: p.ID, GUID: p.GUID, PublicName: p.Name, Biography: p.Biography})
				}
				evs = append(evs, je)
			}
			jd.Rooms[r.Room.Name] = evs
		}
		doc.Schedule.Conference.Days = append(doc.Schedule.Conference.Days, jd)
	}
	return json.MarshalIndent(doc, "", "  ")
}
