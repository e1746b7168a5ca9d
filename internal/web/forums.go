package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
	"expo/web/pages"
)

// The attendee side of forum scheduling: the public programme, a forum's
// page with sign-up, the personal agenda with its calendar subscription,
// and the feeds (iCalendar, Frab XML and JSON).

// progForumID reads the :id of a forum route; anything but a positive
// number is not found.
func progForumID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, expo.ErrNotFound
	}
	return id, nil
}

// progPublishedForum returns a forum of the public programme; drafts are not
// found.
func (s *Server) progPublishedForum(ctx context.Context, id int64) (expo.Forum, error) {
	f, err := s.store.Forum(ctx, id)
	if err != nil {
		return expo.Forum{}, err
	}
	if !f.Published {
		return expo.Forum{}, expo.ErrNotFound
	}
	return f, nil
}

func progSeatsLeft(f expo.Forum) int {
	if n := f.Capacity - f.Confirmed; n > 0 {
		return n
	}
	return 0
}

func progRooms(rooms []expo.Room) map[int64]expo.Room {
	m := make(map[int64]expo.Room, len(rooms))
	for _, r := range rooms {
		m[r.ID] = r
	}
	return m
}

// progDay is midnight of the day of t in the expo time zone.
func (s *Server) progDay(t time.Time) time.Time {
	t = t.In(s.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc)
}

// progFilter reads and checks the programme's query; unknown values
// are dropped rather than refused, so an old link still shows a programme.
func (s *Server) progFilter(c echo.Context, days []time.Time, rooms []expo.Room) pages.ProgrammeFilter {
	f := pages.ProgrammeFilter{Day: c.QueryParam("day"), Theme: c.QueryParam("theme"), Room: c.QueryParam("room"), Language: c.QueryParam("language")}
	valid := false
	for _, d := range days {
		if d.Format(time.DateOnly) == f.Day {
			valid = true
		}
	}
	if !valid && len(days) > 0 {
		// Today during the expo, else its first day.
		f.Day = days[0].Format(time.DateOnly)
		today := s.progDay(time.Now()).Format(time.DateOnly)
		for _, d := range days {
			if d.Format(time.DateOnly) == today {
				f.Day = today
			}
		}
	}
	if !slices.Contains(expo.ForumThemes, f.Theme) {
		f.Theme = ""
	}
	if !slices.Contains(expo.LanguageCodes, f.Language) {
		f.Language = ""
	}
	if !slices.ContainsFunc(rooms, func(r expo.Room) bool { return strconv.FormatInt(r.ID, 10) == f.Room }) {
		f.Room = ""
	}
	return f
}

func (s *Server) handleProgramme(c echo.Context) error {
	ctx := c.Request().Context()
	ev, hasEvent, err := s.event(ctx)
	if err != nil {
		return err
	}
	rooms, err := s.store.Rooms(ctx)
	if err != nil {
		return err
	}
	v := pages.ProgrammeView{HasEvent: hasEvent, Days: expo.ExpoDays(ev), Themes: pages.ThemeOptions(ctx), Languages: pages.LanguageOptions(ctx)}
	for _, r := range rooms {
		v.Rooms = append(v.Rooms, pages.Option{Value: strconv.FormatInt(r.ID, 10), Label: r.Name})
	}
	v.Filter = s.progFilter(c, v.Days, rooms)
	title := i18n.T(ctx, "forum.programme.title")
	if !hasEvent {
		return s.render(c, http.StatusOK, pages.Programme(s.page(c, title), v))
	}
	v.Day, _ = time.ParseInLocation(time.DateOnly, v.Filter.Day, s.loc)
	published := true
	filter := store.ForumFilter{Published: &published, Theme: v.Filter.Theme, Language: v.Filter.Language, Day: v.Day}
	var roomID int64
	if v.Filter.Room != "" {
		roomID, _ = strconv.ParseInt(v.Filter.Room, 10, 64)
		filter.RoomID = roomID
	}
	// The public programme is the same for everyone (read-only below).
	forums, err := cachedRead(s.cache, fmt.Sprintf("programme|%s|%s|%d|%s", filter.Theme, filter.Language, filter.RoomID, filter.Day.Format(time.RFC3339)),
		func() ([]expo.Forum, error) { return s.store.Forums(ctx, filter) })
	if err != nil {
		return err
	}
	var regs map[int64]expo.Registration
	if u, ok := currentUser(c); ok {
		if regs, err = s.store.UserRegistrations(ctx, u.ID); err != nil {
			return err
		}
	}
	names := progRooms(rooms)
	next := v.Day.AddDate(0, 0, 1)
	for _, f := range forums {
		summary := f
		summary.Sessions = nil
		var reg *expo.Registration
		if r, ok := regs[f.ID]; ok {
			reg = &r
		}
		for _, ss := range f.Sessions {
			if ss.StartsAt.Before(v.Day) || !ss.StartsAt.Before(next) || (roomID != 0 && ss.RoomID != roomID) ||
				(v.Filter.Language != "" && ss.Language != "" && ss.Language != v.Filter.Language) {
				continue
			}
			v.Items = append(v.Items, pages.ProgrammeItem{Session: ss, Forum: summary, Room: names[ss.RoomID].Name,
				SeatsLeft: progSeatsLeft(f), Registration: reg})
		}
	}
	slices.SortStableFunc(v.Items, func(a, b pages.ProgrammeItem) int {
		if c := a.Session.StartsAt.Compare(b.Session.StartsAt); c != 0 {
			return c
		}
		return strings.Compare(a.Room, b.Room)
	})
	v.Timetable = pages.BuildTimetable(v.Items, rooms)
	p := s.page(c, title)
	if wantsFragment(c, "programme") {
		return s.render(c, http.StatusOK, pages.ProgrammeDay(p, v))
	}
	return s.render(c, http.StatusOK, pages.Programme(p, v))
}

// progDetailView loads a published forum's page for the viewer.
func (s *Server) progDetailView(c echo.Context, id int64) (pages.ForumDetailView, error) {
	ctx := c.Request().Context()
	f, err := s.progPublishedForum(ctx, id)
	if err != nil {
		return pages.ForumDetailView{}, err
	}
	rooms, err := s.store.Rooms(ctx)
	if err != nil {
		return pages.ForumDetailView{}, err
	}
	v := pages.ForumDetailView{Forum: f, Rooms: progRooms(rooms), SeatsLeft: progSeatsLeft(f), Loc: s.loc}
	if u, ok := currentUser(c); ok {
		v.CanRegister = u.Role == expo.RoleAttendee
		reg, has, err := s.store.Registration(ctx, id, u.ID)
		if err != nil {
			return pages.ForumDetailView{}, err
		}
		if has {
			v.Registration = &reg
		}
	}
	return v, nil
}

func (s *Server) handleForumDetail(c echo.Context) error {
	id, err := progForumID(c)
	if err != nil {
		return err
	}
	v, err := s.progDetailView(c, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.ForumDetail(s.page(c, v.Forum.Title), v))
}

// progAnswerRegistration shows the new state: the swapped box for htmx, else
// a redirect back to the forum with a message.
func (s *Server) progAnswerRegistration(c echo.Context, id int64, flashKind, messageID string) error {
	if wantsFragment(c, "registration") {
		v, err := s.progDetailView(c, id)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, pages.RegistrationBox(s.page(c, v.Forum.Title), v))
	}
	s.flash(c, flashKind, messageID)
	return redirect(c, "/forums/"+itoa(id))
}

func (s *Server) handleForumRegister(c echo.Context) error {
	id, err := progForumID(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	reg, err := s.store.Register(c.Request().Context(), id, u.ID)
	if err != nil {
		return err
	}
	if reg.Status == expo.RegistrationConfirmed {
		return s.progAnswerRegistration(c, id, "success", "forum.reg.done.confirmed")
	}
	return s.progAnswerRegistration(c, id, "info", "forum.reg.done.waitlisted")
}

func (s *Server) handleForumCancel(c echo.Context) error {
	id, err := progForumID(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.store.Cancel(c.Request().Context(), id, u.ID); err != nil {
		return err
	}
	return s.progAnswerRegistration(c, id, "success", "forum.reg.done.cancelled")
}

// progAgendaView loads the viewer's agenda.
func (s *Server) progAgendaView(c echo.Context, u expo.User) (pages.AgendaView, error) {
	ctx := c.Request().Context()
	items, err := s.agendaItems(ctx, u)
	if err != nil {
		return pages.AgendaView{}, err
	}
	v := pages.NewAgendaView(items, s.loc)
	v.ScheduleICS, v.CanRegister = s.progURL(c, "/schedule.ics"), u.Role == expo.RoleAttendee
	feed, ok, err := s.store.CalendarFeedOf(ctx, u.ID)
	if err != nil {
		return pages.AgendaView{}, err
	}
	v.HasFeed, v.FeedCreated = ok, feed.CreatedAt
	return v, nil
}

// agendaItems is the user's agenda. With the read cache on, the sessions of
// the published forums (the same for every user) come from it and only the
// user's registrations and meetings are read; the agenda itself is never
// kept, every user's is personal.
func (s *Server) agendaItems(ctx context.Context, u expo.User) ([]expo.AgendaItem, error) {
	if s.cache == nil {
		return s.store.Agenda(ctx, u.ID)
	}
	prog, err := cachedRead(s.cache, "agenda-programme", func() (store.AgendaProgramme, error) { return s.store.AgendaProgramme(ctx) })
	if err != nil {
		return nil, err
	}
	return s.store.AgendaFor(ctx, u, prog)
}

func (s *Server) handleAgenda(c echo.Context) error {
	u, _ := currentUser(c)
	v, err := s.progAgendaView(c, u)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.AgendaPage(s.page(c, i18n.T(c.Request().Context(), "agenda.title")), v))
}

// handleFeedRotate makes (or replaces) the secret calendar URL and shows it
// once, on this answer.
func (s *Server) handleFeedRotate(c echo.Context) error {
	u, _ := currentUser(c)
	secret, err := s.store.RotateCalendarFeed(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	v, err := s.progAgendaView(c, u)
	if err != nil {
		return err
	}
	v.NewFeedURL = s.progURL(c, "/calendar/"+secret+".ics")
	return s.render(c, http.StatusCreated, pages.AgendaPage(s.page(c, i18n.T(c.Request().Context(), "agenda.title")), v))
}

func (s *Server) handleFeedRevoke(c echo.Context) error {
	u, _ := currentUser(c)
	if err := s.store.RevokeCalendarFeed(c.Request().Context(), u.ID); err != nil {
		return err
	}
	s.flash(c, "success", "agenda.feed.revoked")
	return redirect(c, "/my/agenda")
}

// progURL is path under the configured base URL, or under the address
// the request came to when none is configured.
func (s *Server) progURL(c echo.Context, path string) string {
	base := s.baseURL
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	return base + path
}

// Feeds.

// progPublished reads the public programme: the published forums with
// sessions, plus rooms.
func (s *Server) progPublished(ctx context.Context) ([]expo.Forum, []expo.Room, error) {
	published := true
	forums, err := s.store.Forums(ctx, store.ForumFilter{Published: &published})
	if err != nil {
		return nil, nil, err
	}
	rooms, err := s.store.Rooms(ctx)
	return forums, rooms, err
}

// progEvents are the calendar events of forums' sessions.
func (s *Server) progEvents(c echo.Context, forums []expo.Forum, rooms map[int64]expo.Room) []expo.CalendarEvent {
	ctx := c.Request().Context()
	host := c.Request().Host
	if s.baseURL != "" {
		host = strings.TrimPrefix(strings.TrimPrefix(s.baseURL, "https://"), "http://")
	}
	var out []expo.CalendarEvent
	for _, f := range forums {
		for _, ss := range f.Sessions {
			desc := f.Title
			if len(ss.Speakers) > 0 {
				names := make([]string, len(ss.Speakers))
				for i, sp := range ss.Speakers {
					names[i] = sp.Name
				}
				desc += "\n" + i18n.T(ctx, "forum.ics.speakers", map[string]any{"Names": strings.Join(names, ", ")})
			}
			if f.Description != "" {
				desc += "\n\n" + f.Description
			}
			out = append(out, expo.CalendarEvent{
				UID: "session-" + itoa(ss.ID) + "@" + host, Start: ss.StartsAt, End: ss.EndsAt,
				Summary: ss.Title, Description: desc, Location: rooms[ss.RoomID].Name,
				URL: s.progURL(c, "/forums/"+itoa(f.ID)), Categories: []string{i18n.T(ctx, "forum.theme."+f.Theme)},
				Modified: f.UpdatedAt,
			})
		}
	}
	return out
}

func (s *Server) progCalendar(c echo.Context, cal expo.Calendar, private bool) error {
	var buf bytes.Buffer
	if err := expo.WriteICalendar(&buf, cal); err != nil {
		return err
	}
	if private {
		c.Response().Header().Set("Cache-Control", "private, no-store")
	} else {
		c.Response().Header().Set("Cache-Control", "public, max-age=300")
	}
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", buf.Bytes())
}

func (s *Server) handleScheduleICS(c echo.Context) error {
	ctx := c.Request().Context()
	forums, rooms, err := s.progPublished(ctx)
	if err != nil {
		return err
	}
	name := i18n.T(ctx, "forum.programme.title")
	if ev, ok, err := s.store.Event(ctx, s.loc); err == nil && ok {
		name = ev.Name + " · " + name
	}
	return s.progCalendar(c, expo.Calendar{Name: name, Stamp: time.Now(), Events: s.progEvents(c, forums, progRooms(rooms))}, false)
}

func (s *Server) handleForumICS(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := progForumID(c)
	if err != nil {
		return err
	}
	f, err := s.progPublishedForum(ctx, id)
	if err != nil {
		return err
	}
	rooms, err := s.store.Rooms(ctx)
	if err != nil {
		return err
	}
	return s.progCalendar(c, expo.Calendar{Name: f.Title, Stamp: time.Now(), Events: s.progEvents(c, []expo.Forum{f}, progRooms(rooms))}, false)
}

// handlePersonalICS serves a user's agenda at its secret URL; an unknown,
// rotated or revoked secret is not found.
func (s *Server) handlePersonalICS(c echo.Context) error {
	ctx := c.Request().Context()
	secret, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		return expo.ErrNotFound
	}
	userID, err := s.store.UserByCalendarToken(ctx, secret)
	if err != nil {
		return err
	}
	items, err := s.store.Agenda(ctx, userID)
	if err != nil {
		return err
	}
	host := c.Request().Host
	if s.baseURL != "" {
		host = strings.TrimPrefix(strings.TrimPrefix(s.baseURL, "https://"), "http://")
	}
	events := make([]expo.CalendarEvent, len(items))
	for i, it := range items {
		if it.Kind == expo.AgendaMeeting {
			// Business meetings: pending ones are tentative; the table is
			// the location.
			events[i] = expo.CalendarEvent{
				UID: "meeting-" + itoa(it.ID) + "@" + host, Start: it.StartsAt, End: it.EndsAt,
				Summary: i18n.T(ctx, "agenda.meeting", map[string]any{"Name": it.Title}), Location: it.Room,
				URL: s.progURL(c, "/my/meetings"), Tentative: it.Meeting == expo.MeetingPending, Modified: it.Updated,
			}
			continue
		}
		summary := it.Title
		if it.Status == expo.RegistrationWaitlisted {
			summary = i18n.T(ctx, "forum.ics.waitlisted", map[string]any{"Title": it.Title, "Position": it.Position})
		}
		events[i] = expo.CalendarEvent{
			UID: "session-" + itoa(it.ID) + "@" + host, Start: it.StartsAt, End: it.EndsAt, Summary: summary,
			Description: it.Forum, Location: it.Room, URL: s.progURL(c, "/forums/"+itoa(it.ForumID)),
			Tentative: it.Status == expo.RegistrationWaitlisted, Modified: it.Updated,
		}
	}
	return s.progCalendar(c, expo.Calendar{Name: i18n.T(ctx, "agenda.title"), Stamp: time.Now(), Events: events}, true)
}

// schedule builds the Frab model of the published programme.
func (s *Server) frabSchedule(c echo.Context) (expo.Schedule, error) {
	ctx := c.Request().Context()
	ev, ok, err := s.store.Event(ctx, s.loc)
	if err != nil {
		return expo.Schedule{}, err
	}
	if !ok {
		return expo.Schedule{}, expo.ErrNotFound
	}
	forums, rooms, err := s.progPublished(ctx)
	if err != nil {
		return expo.Schedule{}, err
	}
	hours, err := s.store.OpeningHours(ctx, s.loc)
	if err != nil {
		return expo.Schedule{}, err
	}
	// The version changes whenever a published forum does.
	var latest time.Time
	for _, f := range forums {
		if f.UpdatedAt.After(latest) {
			latest = f.UpdatedAt
		}
	}
	version := "0"
	if !latest.IsZero() {
		version = latest.UTC().Format("2006-01-02T15:04:05Z")
	}
	return expo.BuildSchedule(expo.ScheduleInput{
		Expo: ev, Loc: s.loc, BaseURL: s.progURL(c, ""), Hours: hours, Rooms: rooms, Forums: forums, Version: version,
		ThemeName: func(code string) string { return i18n.T(ctx, "forum.theme."+code) },
	}), nil
}

func (s *Server) handleScheduleXML(c echo.Context) error {
	sch, err := s.frabSchedule(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := sch.WriteXML(&buf); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/xml; charset=utf-8", buf.Bytes())
}

func (s *Server) handleScheduleJSON(c echo.Context) error {
	sch, err := s.frabSchedule(c)
	if err != nil {
		return err
	}
	b, err := sch.JSON()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", b)
}
