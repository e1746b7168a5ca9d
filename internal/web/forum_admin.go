package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
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

// The organizer's programme planning: rooms and opening hours, forums with
// their sessions and speakers, the clash report and the timetable editor.
// Every save is followed by a clash check whose result the next page shows;
// the store refuses to publish a forum with clashes.

const planPageSize = 25

func planParamID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, expo.ErrNotFound
	}
	return id, nil
}

// planIndex finds programme items by ID for clash links and names.
type planIndex struct {
	forums   map[int64]expo.Forum
	sessions map[int64]expo.Session
	rooms    map[int64]expo.Room
	speakers map[int64]expo.Speaker
}

func indexProgramme(p expo.Programme) planIndex {
	ix := planIndex{forums: map[int64]expo.Forum{}, sessions: map[int64]expo.Session{}, rooms: map[int64]expo.Room{}, speakers: map[int64]expo.Speaker{}}
	for _, f := range p.Forums {
		ix.forums[f.ID] = f
		for _, s := range f.Sessions {
			ix.sessions[s.ID] = s
		}
	}
	for _, r := range p.Rooms {
		ix.rooms[r.ID] = r
	}
	for _, sp := range p.Speakers {
		ix.speakers[sp.ID] = sp
	}
	return ix
}

// planClashes puts clashes into words, with a link to every item involved.
func planClashes(ctx context.Context, ix planIndex, clashes []expo.Clash, loc *time.Location) []pages.PlanClash {
	out := make([]pages.PlanClash, len(clashes))
	for i, c := range clashes {
		pc := pages.PlanClash{Kind: c.Kind, Reason: i18n.T(ctx, c.Message, c.Params)}
		for _, id := range c.SessionIDs {
			pc.Links = append(pc.Links, pages.PlanLink{Href: "/organizer/sessions/" + itoa(id),
				Label: i18n.T(ctx, "plan.link.session", map[string]any{"Title": ix.sessions[id].Title})})
		}
		for _, id := range c.ForumIDs {
			pc.Links = append(pc.Links, pages.PlanLink{Href: "/organizer/forums/" + itoa(id),
				Label: i18n.T(ctx, "plan.link.forum", map[string]any{"Title": ix.forums[id].Title})})
		}
		if c.RoomID != 0 {
			pc.Links = append(pc.Links, pages.PlanLink{Href: "/organizer/rooms/" + itoa(c.RoomID),
				Label: i18n.T(ctx, "plan.link.room", map[string]any{"Name": ix.rooms[c.RoomID].Name})})
		}
		if c.SpeakerID != 0 {
			pc.Links = append(pc.Links, pages.PlanLink{Href: "/organizer/speakers/" + itoa(c.SpeakerID),
				Label: i18n.T(ctx, "plan.link.speaker", map[string]any{"Name": expo.SpeakerDisplayName(ix.speakers[c.SpeakerID])})})
		}
		if len(c.SessionIDs) > 0 {
			if s, ok := ix.sessions[c.SessionIDs[0]]; ok {
				pc.Links = append(pc.Links, pages.PlanLink{Href: "/organizer/timetable?day=" + s.StartsAt.In(loc).Format(time.DateOnly),
					Label: i18n.T(ctx, "plan.link.timetable")})
			}
		}
		out[i] = pc
	}
	return out
}

// planChoices are the options of the session forms.
func (s *Server) planChoices(ctx context.Context, p expo.Programme) pages.PlanChoices {
	var ch pages.PlanChoices
	ch.Days = pages.PlanDayOptions(ctx, expo.ExpoDays(p.Expo), s.loc)
	for _, r := range p.Rooms {
		ch.Rooms = append(ch.Rooms, pages.Option{Value: itoa(r.ID),
			Label: i18n.T(ctx, "plan.room.option", map[string]any{"Name": r.Name, "Capacity": r.Capacity})})
	}
	for _, sp := range p.Speakers {
		ch.Speakers = append(ch.Speakers, pages.Option{Value: itoa(sp.ID), Label: expo.SpeakerDisplayName(sp)})
	}
	return ch
}

// parseClock reads "15:04" on day (YYYY-MM-DD) in the expo time zone.
func (s *Server) parseClock(day, clock string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(day)+" "+strings.TrimSpace(clock), s.loc)
	return t, err == nil
}

// sessionInputOf reads the session form: title, day, start, end, room_id,
// language, speakers. Unreadable days and times are field errors.
func (s *Server) sessionInputOf(f pages.Form, forumID int64) (expo.SessionInput, error) {
	var v expo.Validator
	in := expo.SessionInput{ForumID: forumID, Title: f.Value("title"), Language: f.Value("language")}
	if _, err := time.ParseInLocation(time.DateOnly, f.Value("day"), s.loc); err != nil {
		v.Fail("day", "plan.error.day")
	} else {
		var ok bool
		if in.StartsAt, ok = s.parseClock(f.Value("day"), f.Value("start")); !ok {
			v.Fail("start", "session.error.time_required")
		}
		if in.EndsAt, ok = s.parseClock(f.Value("day"), f.Value("end")); !ok {
			v.Fail("end", "session.error.time_required")
		}
	}
	if f.Value("room_id") != "" {
		id, err := strconv.ParseInt(f.Value("room_id"), 10, 64)
		if err != nil || id <= 0 {
			v.Fail("room_id", "session.error.unknown_room")
		}
		in.RoomID = id
	}
	for _, raw := range f.Values["speakers"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			v.Fail("speakers", "session.error.unknown_speaker")
			continue
		}
		in.SpeakerIDs = append(in.SpeakerIDs, id)
	}
	return in, v.Err()
}

// sessionFieldErr renames the store's field names to the form's.
func sessionFieldErr(err error) error {
	e, ok := expo.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	fields := map[string]string{}
	for k, msg := range e.Fields {
		switch k {
		case "starts_at":
			k = "start"
		case "ends_at":
			k = "end"
		}
		fields[k] = msg
	}
	return &expo.Error{Code: e.Code, Message: e.Message, Fields: fields, Data: e.Data}
}

func (s *Server) sessionForm(sess expo.Session) pages.Form {
	ids := make([]string, len(sess.SpeakerIDs))
	for i, id := range sess.SpeakerIDs {
		ids[i] = itoa(id)
	}
	return pages.Form{Values: url.Values{
		"title": {sess.Title}, "day": {sess.StartsAt.In(s.loc).Format(time.DateOnly)},
		"start": {sess.StartsAt.In(s.loc).Format("15:04")}, "end": {sess.EndsAt.In(s.loc).Format("15:04")},
		"room_id": {itoa(sess.RoomID)}, "language": {sess.Language}, "speakers": ids,
	}}
}

// flashClashes tells, after a save, whether the saved item now clashes.
func (s *Server) flashClashes(c echo.Context, saved string, clashes int) {
	if clashes > 0 {
		s.flash(c, "error", saved+".with_clashes")
		return
	}
	s.flash(c, "success", saved)
}

// ---- rooms and opening hours ----

func roomInputOf(f pages.Form) expo.RoomInput {
	in := expo.RoomInput{Name: f.Value("name"), Equipment: f.Value("equipment")}
	in.Capacity, _ = strconv.Atoi(strings.TrimSpace(f.Value("capacity")))
	if h := f.Value("hall_id"); h != "" {
		id, err := strconv.ParseInt(h, 10, 64)
		if err != nil {
			id = -1 // an unknown hall, reported as such
		}
		in.HallID = &id
	}
	return in
}

func roomForm(r expo.Room) pages.Form {
	f := pages.Form{Values: url.Values{"name": {r.Name}, "capacity": {strconv.Itoa(r.Capacity)}, "equipment": {r.Equipment}}}
	if r.HallID != nil {
		f.Values["hall_id"] = oneValue(itoa(*r.HallID))
	}
	return f
}

func (s *Server) hallOptions(ctx context.Context) ([]pages.Option, map[int64]string, error) {
	halls, err := s.store.Halls(ctx)
	if err != nil {
		return nil, nil, err
	}
	opts := make([]pages.Option, len(halls))
	names := map[int64]string{}
	for i, h := range halls {
		opts[i] = pages.Option{Value: itoa(h.ID), Label: h.Name}
		names[h.ID] = h.Name
	}
	return opts, names, nil
}

// roomsView builds /organizer/rooms; newRoom and a day's hours form (by
// day key) replace the defaults after a failed post.
func (s *Server) roomsView(ctx context.Context, newRoom pages.Form, hoursDay string, hoursForm pages.Form) (pages.RoomsAdminView, error) {
	prog, err := s.store.Programme(ctx, s.loc)
	if err != nil {
		return pages.RoomsAdminView{}, err
	}
	halls, names, err := s.hallOptions(ctx)
	if err != nil {
		return pages.RoomsAdminView{}, err
	}
	v := pages.RoomsAdminView{NewRoom: newRoom, Halls: halls, Clashes: len(expo.DetectClashes(prog))}
	used := map[int64]int{}
	for _, f := range prog.Forums {
		for _, ss := range f.Sessions {
			used[ss.RoomID]++
		}
	}
	for _, r := range prog.Rooms {
		pr := pages.PlanRoom{Room: r, Sessions: used[r.ID]}
		if r.HallID != nil {
			pr.HallName = names[*r.HallID]
		}
		v.Rooms = append(v.Rooms, pr)
	}
	for _, d := range expo.ExpoDays(prog.Expo) {
		key := d.Format(time.DateOnly)
		dh := pages.PlanDayHours{Day: d, Form: pages.Form{Values: url.Values{}}}
		for i, h := range prog.Hours {
			if h.Day.Equal(d) {
				dh.Hours = &prog.Hours[i]
				dh.Form.Values["opens"] = oneValue(h.Opens.In(s.loc).Format("15:04"))
				dh.Form.Values["closes"] = oneValue(h.Closes.In(s.loc).Format("15:04"))
			}
		}
		if key == hoursDay {
			dh.Form = hoursForm
			hoursDay = ""
		}
		v.Days = append(v.Days, dh)
	}
	if hoursDay != "" {
		v.HoursError = hoursForm
	}
	return v, nil
}

func (s *Server) renderRooms(c echo.Context, status int, v pages.RoomsAdminView) error {
	return s.render(c, status, pages.RoomsAdmin(s.page(c, i18n.T(c.Request().Context(), "plan.rooms.title")), v))
}

func (s *Server) handlePlanRooms(c echo.Context) error {
	v, err := s.roomsView(c.Request().Context(), pages.Form{}, "", pages.Form{})
	if err != nil {
		return err
	}
	return s.renderRooms(c, http.StatusOK, v)
}

func (s *Server) handlePlanRoomCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if _, err := s.store.CreateRoom(ctx, roomInputOf(f)); err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, err := s.roomsView(ctx, f, "", pages.Form{})
		if err != nil {
			return err
		}
		return s.renderRooms(c, status, v)
	}
	s.flash(c, "success", "plan.rooms.created")
	return redirect(c, "/organizer/rooms")
}

func (s *Server) renderRoom(c echo.Context, status int, r expo.Room, f pages.Form) error {
	ctx := c.Request().Context()
	halls, _, err := s.hallOptions(ctx)
	if err != nil {
		return err
	}
	return s.render(c, status, pages.RoomAdmin(s.page(c, r.Name), pages.RoomAdminView{Room: r, Form: f, Halls: halls}))
}

func (s *Server) handlePlanRoom(c echo.Context) error {
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	r, err := s.store.Room(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderRoom(c, http.StatusOK, r, roomForm(r))
}

func (s *Server) handlePlanRoomUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	r, err := s.store.Room(ctx, id)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if _, err := s.store.UpdateRoom(ctx, id, roomInputOf(f)); err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return s.renderRoom(c, status, r, f)
	}
	clashes, err := s.store.Clashes(ctx, s.loc)
	if err != nil {
		return err
	}
	n := 0
	for _, cl := range clashes {
		if cl.RoomID == id {
			n++
		}
	}
	s.flashClashes(c, "plan.rooms.saved", n)
	return redirect(c, "/organizer/rooms")
}

func (s *Server) confirmDelete(c echo.Context, question, detail, action, cancel string) error {
	return s.render(c, http.StatusOK, pages.ConfirmDelete(s.page(c, question),
		pages.ConfirmDeleteView{Question: question, Detail: detail, Action: action, Cancel: cancel}))
}

func (s *Server) handlePlanRoomDeleteConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	r, err := s.store.Room(ctx, id)
	if err != nil {
		return err
	}
	return s.confirmDelete(c, i18n.T(ctx, "plan.delete.room", map[string]any{"Name": r.Name}), "",
		"/organizer/rooms/"+itoa(id)+"/delete", "/organizer/rooms/"+itoa(id))
}

func (s *Server) handlePlanRoomDelete(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	r, err := s.store.Room(ctx, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteRoom(ctx, id); err != nil {
		if expo.ErrorCode(err) != expo.CodeConflict {
			return err
		}
		f := roomForm(r)
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return s.renderRoom(c, status, r, f)
	}
	s.flash(c, "success", "plan.rooms.deleted")
	return redirect(c, "/organizer/rooms")
}

func (s *Server) handlePlanHoursSet(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := formOf(c)
	if err != nil {
		return err
	}
	day := f.Value("day")
	d, err := time.ParseInLocation(time.DateOnly, day, s.loc)
	var h expo.OpeningHours
	var v expo.Validator
	if err != nil {
		v.Fail("day", "plan.error.day")
	} else {
		h.Day = d
		var ok bool
		if h.Opens, ok = s.parseClock(day, f.Value("opens")); !ok {
			v.Fail("opens", "session.error.time_required")
		}
		if h.Closes, ok = s.parseClock(day, f.Value("closes")); !ok {
			v.Fail("closes", "session.error.time_required")
		}
	}
	err = v.Err()
	if err == nil {
		err = s.store.SetOpeningHours(ctx, h, s.loc)
	}
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		rv, err := s.roomsView(ctx, pages.Form{}, day, f)
		if err != nil {
			return err
		}
		return s.renderRooms(c, status, rv)
	}
	clashes, err := s.store.Clashes(ctx, s.loc)
	if err != nil {
		return err
	}
	n := 0
	for _, cl := range clashes {
		if cl.Kind == expo.ClashHours {
			n++
		}
	}
	s.flashClashes(c, "plan.hours.saved", n)
	return redirect(c, "/organizer/rooms#hours")
}

func (s *Server) planDayParam(c echo.Context) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, c.Param("day"), s.loc)
	if err != nil {
		return time.Time{}, expo.ErrNotFound
	}
	return d, nil
}

func (s *Server) handlePlanHoursDeleteConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.planDayParam(c)
	if err != nil {
		return err
	}
	return s.confirmDelete(c, i18n.T(ctx, "plan.delete.hours", map[string]any{"Day": d.Format(time.DateOnly)}),
		i18n.T(ctx, "plan.delete.hours.detail"), "/organizer/hours/"+d.Format(time.DateOnly)+"/delete", "/organizer/rooms#hours")
}

func (s *Server) handlePlanHoursDelete(c echo.Context) error {
	d, err := s.planDayParam(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteOpeningHours(c.Request().Context(), d, s.loc); err != nil {
		return err
	}
	s.flash(c, "success", "plan.hours.deleted")
	return redirect(c, "/organizer/rooms#hours")
}

// ---- forums ----

func forumInputOf(f pages.Form) expo.ForumInput {
	in := expo.ForumInput{Title: f.Value("title"), Theme: f.Value("theme"), Description: f.Value("description"),
		HostOrganization: f.Value("host_organization"), Languages: f.Values["languages"], Interpretation: f.Value("interpretation") == "on"}
	in.Capacity, _ = strconv.Atoi(strings.TrimSpace(f.Value("capacity")))
	return in
}

func forumForm(fr expo.Forum) pages.Form {
	f := pages.Form{Values: url.Values{"title": {fr.Title}, "theme": {fr.Theme}, "description": {fr.Description},
		"host_organization": {fr.HostOrganization}, "languages": fr.Languages, "capacity": {strconv.Itoa(fr.Capacity)}}}
	if fr.Interpretation {
		f.Values["interpretation"] = oneValue("on")
	}
	return f
}

// pageParam reads ?page=: none is page 1 and a page past the last (when
// pages > 0) is the last; anything but a whole number from 1 to
// expo.MaxPage is refused, as in the directory.
func pageParam(c echo.Context, pages int) (int, error) {
	n, err := pageNumber(c.QueryParam("page"))
	if err != nil {
		return 0, err
	}
	if pages > 0 && n > pages {
		n = pages
	}
	return n, nil
}

// pageNumber parses a page number; empty is page 1.
func pageNumber(s string) (int, error) {
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > expo.MaxPage {
		return 0, &expo.Error{Code: expo.CodeInvalid, Message: "error.paging_range"}
	}
	return n, nil
}

func (s *Server) handlePlanForums(c echo.Context) error {
	ctx := c.Request().Context()
	filter := store.ForumFilter{}
	status := c.QueryParam("status")
	switch status {
	case "draft", "published":
		pub := status == "published"
		filter.Published = &pub
	default:
		status = ""
	}
	total, err := s.store.CountForums(ctx, filter)
	if err != nil {
		return err
	}
	pagesN := int((total + planPageSize - 1) / planPageSize)
	page, err := pageParam(c, pagesN)
	if err != nil {
		return err
	}
	filter.Limit, filter.Offset = planPageSize, (page-1)*planPageSize
	forums, err := s.store.Forums(ctx, filter)
	if err != nil {
		return err
	}
	clashes, err := s.store.Clashes(ctx, s.loc)
	if err != nil {
		return err
	}
	perForum := map[int64]int{}
	for _, cl := range clashes {
		for _, id := range cl.ForumIDs {
			perForum[id]++
		}
	}
	base := "/organizer/forums?"
	if status != "" {
		base += "status=" + status + "&"
	}
	v := pages.ForumsAdminView{Status: status, Total: total, Clashes: len(clashes), Pager: pages.PlanPager{Page: page, Pages: pagesN, Base: base}}
	for _, f := range forums {
		row := pages.PlanForumRow{Forum: f, Clashes: perForum[f.ID]}
		if len(f.Sessions) > 0 {
			row.First = f.Sessions[0].StartsAt
		}
		v.Rows = append(v.Rows, row)
	}
	return s.render(c, http.StatusOK, pages.ForumsAdmin(s.page(c, i18n.T(ctx, "plan.forums.title")), v))
}

func (s *Server) handlePlanForumNew(c echo.Context) error {
	f := pages.Form{Values: url.Values{"languages": {"zh", "en"}}}
	return s.render(c, http.StatusOK, pages.ForumAdmin(s.page(c, i18n.T(c.Request().Context(), "plan.forums.new")), pages.ForumAdminView{Form: f}))
}

func (s *Server) handlePlanForumCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := formOf(c)
	if err != nil {
		return err
	}
	fr, err := s.store.CreateForum(ctx, forumInputOf(f))
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.ForumAdmin(s.page(c, i18n.T(ctx, "plan.forums.new")), pages.ForumAdminView{Form: f}))
	}
	s.flash(c, "success", "plan.forums.created")
	return redirect(c, "/organizer/forums/"+itoa(fr.ID)+"#new-session")
}

// forumView loads the forum page; the forms default to the stored forum
// and an empty new session.
func (s *Server) forumView(ctx context.Context, id int64) (pages.ForumAdminView, error) {
	prog, err := s.store.Programme(ctx, s.loc)
	if err != nil {
		return pages.ForumAdminView{}, err
	}
	fr, err := s.store.Forum(ctx, id)
	if err != nil {
		return pages.ForumAdminView{}, err
	}
	ix := indexProgramme(prog)
	clashes := expo.ClashesOf(expo.DetectClashes(prog), id)
	v := pages.ForumAdminView{Forum: fr, Form: forumForm(fr), Clashes: planClashes(ctx, ix, clashes, s.loc), Choices: s.planChoices(ctx, prog),
		NewSession: pages.Form{Values: url.Values{"language": {firstOr(fr.Languages, "")}}}}
	if len(fr.Sessions) > 0 {
		last := fr.Sessions[len(fr.Sessions)-1]
		v.NewSession.Values["day"] = oneValue(last.StartsAt.In(s.loc).Format(time.DateOnly))
		v.NewSession.Values["room_id"] = oneValue(itoa(last.RoomID))
		v.NewSession.Values["start"] = oneValue(last.EndsAt.In(s.loc).Format("15:04"))
	}
	for _, ss := range fr.Sessions {
		n := 0
		for _, cl := range clashes {
			if cl.InvolvesSession(ss.ID) {
				n++
			}
		}
		v.Sessions = append(v.Sessions, pages.PlanSessionRow{Session: ss, Room: ix.rooms[ss.RoomID].Name, Clashes: n})
	}
	return v, nil
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

func (s *Server) renderForumAdmin(c echo.Context, status int, v pages.ForumAdminView) error {
	return s.render(c, status, pages.ForumAdmin(s.page(c, v.Forum.Title), v))
}

func (s *Server) handlePlanForum(c echo.Context) error {
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	v, err := s.forumView(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderForumAdmin(c, http.StatusOK, v)
}

func (s *Server) handlePlanForumUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if _, err := s.store.UpdateForum(ctx, id, forumInputOf(f), s.loc); err != nil {
		status, ferr := formError(&f, err)
		if ferr != nil {
			return ferr
		}
		v, verr := s.forumView(ctx, id)
		if verr != nil {
			return verr
		}
		v.Form = f
		if cs := store.ClashesOfError(err); len(cs) > 0 {
			v.Clashes = planClashes(ctx, indexOf(ctx, s), cs, s.loc)
		}
		return s.renderForumAdmin(c, status, v)
	}
	clashes, err := s.store.Clashes(ctx, s.loc)
	if err != nil {
		return err
	}
	s.flashClashes(c, "plan.forums.saved", len(expo.ClashesOf(clashes, id)))
	return redirect(c, "/organizer/forums/"+itoa(id))
}

// indexOf indexes the current programme (for naming the items of clashes
// a refused write would have caused).
func indexOf(ctx context.Context, s *Server) planIndex {
	prog, err := s.store.Programme(ctx, s.loc)
	if err != nil {
		return indexProgramme(expo.Programme{})
	}
	return indexProgramme(prog)
}

func (s *Server) handlePlanForumPublish(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	if err := s.store.Publish(ctx, id, s.loc); err != nil {
		var f pages.Form
		status, ferr := formError(&f, err)
		if ferr != nil {
			return ferr
		}
		v, verr := s.forumView(ctx, id)
		if verr != nil {
			return verr
		}
		v.PublishError = f
		return s.renderForumAdmin(c, status, v)
	}
	s.flash(c, "success", "plan.forum.published")
	return redirect(c, "/organizer/forums/"+itoa(id))
}

func (s *Server) handlePlanForumUnpublish(c echo.Context) error {
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	if err := s.store.Unpublish(c.Request().Context(), id); err != nil {
		return err
	}
	s.flash(c, "success", "plan.forum.unpublished")
	return redirect(c, "/organizer/forums/"+itoa(id))
}

func (s *Server) handlePlanForumDeleteConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	fr, err := s.store.Forum(ctx, id)
	if err != nil {
		return err
	}
	return s.confirmDelete(c, i18n.T(ctx, "plan.delete.forum", map[string]any{"Title": fr.Title}),
		i18n.T(ctx, "plan.delete.forum.detail", map[string]any{"Sessions": len(fr.Sessions), "Confirmed": fr.Confirmed, "Waitlisted": fr.Waitlisted}),
		"/organizer/forums/"+itoa(id)+"/delete", "/organizer/forums/"+itoa(id))
}

func (s *Server) handlePlanForumDelete(c echo.Context) error {
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteForum(c.Request().Context(), id); err != nil {
		return err
	}
	s.flash(c, "success", "plan.forums.deleted")
	return redirect(c, "/organizer/forums")
}

// ---- sessions ----

// sessionClashCount counts the clashes of one session after a save.
func (s *Server) sessionClashCount(ctx context.Context, sessionID int64) (int, error) {
	clashes, err := s.store.Clashes(ctx, s.loc)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, cl := range clashes {
		if cl.InvolvesSession(sessionID) {
			n++
		}
	}
	return n, nil
}

func (s *Server) handlePlanSessionCreate(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	if _, err := s.store.Forum(ctx, id); err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	in, err := s.sessionInputOf(f, id)
	var saved expo.Session
	if err == nil {
		saved, err = s.store.CreateSession(ctx, in, s.loc)
	}
	if err != nil {
		status, ferr := formError(&f, sessionFieldErr(err))
		if ferr != nil {
			return ferr
		}
		v, verr := s.forumView(ctx, id)
		if verr != nil {
			return verr
		}
		v.NewSession = f
		if cs := store.ClashesOfError(err); len(cs) > 0 {
			v.Clashes = planClashes(ctx, indexOf(ctx, s), cs, s.loc)
		}
		return s.renderForumAdmin(c, status, v)
	}
	n, err := s.sessionClashCount(ctx, saved.ID)
	if err != nil {
		return err
	}
	s.flashClashes(c, "plan.session.saved", n)
	return redirect(c, "/organizer/forums/"+itoa(id)+"#sessions")
}

func (s *Server) sessionView(ctx context.Context, id int64) (pages.SessionAdminView, error) {
	sess, err := s.store.Session(ctx, id)
	if err != nil {
		return pages.SessionAdminView{}, err
	}
	fr, err := s.store.Forum(ctx, sess.ForumID)
	if err != nil {
		return pages.SessionAdminView{}, err
	}
	prog, err := s.store.Programme(ctx, s.loc)
	if err != nil {
		return pages.SessionAdminView{}, err
	}
	var mine []expo.Clash
	for _, cl := range expo.DetectClashes(prog) {
		if cl.InvolvesSession(id) {
			mine = append(mine, cl)
		}
	}
	return pages.SessionAdminView{Forum: fr, Session: sess, Form: s.sessionForm(sess),
		Clashes: planClashes(ctx, indexProgramme(prog), mine, s.loc), Choices: s.planChoices(ctx, prog)}, nil
}

func (s *Server) handlePlanSession(c echo.Context) error {
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	v, err := s.sessionView(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.SessionAdmin(s.page(c, v.Session.Title), v))
}

func (s *Server) handlePlanSessionUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	v, err := s.sessionView(ctx, id)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	in, err := s.sessionInputOf(f, v.Forum.ID)
	if err == nil {
		_, err = s.store.UpdateSession(ctx, id, in, s.loc)
	}
	if err != nil {
		status, ferr := formError(&f, sessionFieldErr(err))
		if ferr != nil {
			return ferr
		}
		v.Form = f
		if cs := store.ClashesOfError(err); len(cs) > 0 {
			v.Clashes = planClashes(ctx, indexOf(ctx, s), cs, s.loc)
		}
		return s.render(c, status, pages.SessionAdmin(s.page(c, v.Session.Title), v))
	}
	n, err := s.sessionClashCount(ctx, id)
	if err != nil {
		return err
	}
	s.flashClashes(c, "plan.session.saved", n)
	return redirect(c, "/organizer/sessions/"+itoa(id))
}

func (s *Server) handlePlanSessionMove(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	cur, err := s.store.Session(ctx, id)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var v expo.Validator
	roomID, perr := strconv.ParseInt(f.Value("room_id"), 10, 64)
	if perr != nil || roomID <= 0 {
		v.Fail("room_id", "session.error.room_required")
	}
	var start time.Time
	if _, derr := time.ParseInLocation(time.DateOnly, f.Value("day"), s.loc); derr != nil {
		v.Fail("day", "plan.error.day")
	} else if t, ok := s.parseClock(f.Value("day"), f.Value("start")); !ok {
		v.Fail("start", "session.error.time_required")
	} else {
		start = t
	}
	err = v.Err()
	var moved expo.Session
	if err == nil {
		moved, err = s.store.MoveSession(ctx, id, roomID, start, s.loc)
	}
	if err != nil {
		status, ferr := formError(&f, sessionFieldErr(err))
		if ferr != nil {
			return ferr
		}
		tv, terr := s.timetableView(ctx, cur.StartsAt, id, f)
		if terr != nil {
			return terr
		}
		return s.renderTimetable(c, status, tv)
	}
	n, err := s.sessionClashCount(ctx, id)
	if err != nil {
		return err
	}
	s.flashClashes(c, "plan.session.moved", n)
	return redirect(c, "/organizer/timetable?day="+moved.StartsAt.In(s.loc).Format(time.DateOnly)+"#block-"+itoa(id))
}

func (s *Server) handlePlanSessionDeleteConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	sess, err := s.store.Session(ctx, id)
	if err != nil {
		return err
	}
	return s.confirmDelete(c, i18n.T(ctx, "plan.delete.session", map[string]any{"Title": sess.Title}), "",
		"/organizer/sessions/"+itoa(id)+"/delete", "/organizer/forums/"+itoa(sess.ForumID)+"#sessions")
}

func (s *Server) handlePlanSessionDelete(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	sess, err := s.store.Session(ctx, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSession(ctx, id); err != nil {
		var f pages.Form
		status, ferr := formError(&f, err)
		if ferr != nil {
			return ferr
		}
		v, verr := s.forumView(ctx, sess.ForumID)
		if verr != nil {
			return verr
		}
		v.PublishError = f
		return s.renderForumAdmin(c, status, v)
	}
	s.flash(c, "success", "plan.session.deleted")
	return redirect(c, "/organizer/forums/"+itoa(sess.ForumID)+"#sessions")
}

// ---- speakers ----

func speakerInputOf(f pages.Form) expo.SpeakerInput {
	return expo.SpeakerInput{Name: f.Value("name"), NameLatin: f.Value("name_latin"), Title: f.Value("title"),
		Organization: f.Value("organization"), Country: f.Value("country"), Bio: f.Value("bio")}
}

func speakerForm(sp expo.Speaker) pages.Form {
	return pages.Form{Values: url.Values{"name": {sp.Name}, "name_latin": {sp.NameLatin}, "title": {sp.Title},
		"organization": {sp.Organization}, "country": {sp.Country}, "bio": {sp.Bio}}}
}

func (s *Server) speakersView(c echo.Context, newSpeaker pages.Form) (pages.SpeakersAdminView, error) {
	ctx := c.Request().Context()
	all, err := s.store.Speakers(ctx)
	if err != nil {
		return pages.SpeakersAdminView{}, err
	}
	counts, err := s.store.SpeakerSessionCounts(ctx)
	if err != nil {
		return pages.SpeakersAdminView{}, err
	}
	pagesN := (len(all) + planPageSize - 1) / planPageSize
	page, err := pageParam(c, pagesN)
	if err != nil {
		return pages.SpeakersAdminView{}, err
	}
	v := pages.SpeakersAdminView{Total: len(all), NewSpeaker: newSpeaker,
		Pager: pages.PlanPager{Page: page, Pages: pagesN, Base: "/organizer/speakers?"}}
	from := min((page-1)*planPageSize, len(all))
	for _, sp := range all[from:min(from+planPageSize, len(all))] {
		v.Rows = append(v.Rows, pages.PlanSpeakerRow{Speaker: sp, Sessions: counts[sp.ID]})
	}
	return v, nil
}

func (s *Server) handlePlanSpeakers(c echo.Context) error {
	v, err := s.speakersView(c, pages.Form{})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.SpeakersAdmin(s.page(c, i18n.T(c.Request().Context(), "plan.speakers.title")), v))
}

func (s *Server) handlePlanSpeakerCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if _, err := s.store.CreateSpeaker(ctx, speakerInputOf(f)); err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, err := s.speakersView(c, f)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.SpeakersAdmin(s.page(c, i18n.T(ctx, "plan.speakers.title")), v))
	}
	s.flash(c, "success", "plan.speakers.created")
	return redirect(c, "/organizer/speakers")
}

func (s *Server) handlePlanSpeaker(c echo.Context) error {
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	sp, err := s.store.Speaker(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.SpeakerAdmin(s.page(c, expo.SpeakerDisplayName(sp)), pages.SpeakerAdminView{Speaker: sp, Form: speakerForm(sp)}))
}

func (s *Server) handlePlanSpeakerUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	sp, err := s.store.Speaker(ctx, id)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	if _, err := s.store.UpdateSpeaker(ctx, id, speakerInputOf(f)); err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		return s.render(c, status, pages.SpeakerAdmin(s.page(c, expo.SpeakerDisplayName(sp)), pages.SpeakerAdminView{Speaker: sp, Form: f}))
	}
	s.flash(c, "success", "plan.speakers.saved")
	return redirect(c, "/organizer/speakers/"+itoa(id))
}

func (s *Server) handlePlanSpeakerDeleteConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	sp, err := s.store.Speaker(ctx, id)
	if err != nil {
		return err
	}
	counts, err := s.store.SpeakerSessionCounts(ctx)
	if err != nil {
		return err
	}
	return s.confirmDelete(c, i18n.T(ctx, "plan.delete.speaker", map[string]any{"Name": expo.SpeakerDisplayName(sp)}),
		i18n.T(ctx, "plan.delete.speaker.detail", map[string]any{"Count": counts[id]}),
		"/organizer/speakers/"+itoa(id)+"/delete", "/organizer/speakers/"+itoa(id))
}

func (s *Server) handlePlanSpeakerDelete(c echo.Context) error {
	id, err := planParamID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSpeaker(c.Request().Context(), id); err != nil {
		return err
	}
	s.flash(c, "success", "plan.speakers.deleted")
	return redirect(c, "/organizer/speakers")
}

// ---- clash report and timetable ----

func (s *Server) handlePlanClashes(c echo.Context) error {
	ctx := c.Request().Context()
	prog, err := s.store.Programme(ctx, s.loc)
	if err != nil {
		return err
	}
	clashes := expo.DetectClashes(prog)
	v := pages.ClashReportView{Clashes: planClashes(ctx, indexProgramme(prog), clashes, s.loc), Counts: map[expo.ClashKind]int{}}
	for _, cl := range clashes {
		v.Counts[cl.Kind]++
	}
	return s.render(c, http.StatusOK, pages.ClashReport(s.page(c, i18n.T(ctx, "plan.clashes.title")), v))
}

const planSlot = 15 * time.Minute

// timetableView lays out one day. moveID and moveForm put a failed move
// form back into its block.
func (s *Server) timetableView(ctx context.Context, day time.Time, moveID int64, moveForm pages.Form) (pages.TimetableAdminView, error) {
	prog, err := s.store.Programme(ctx, s.loc)
	if err != nil {
		return pages.TimetableAdminView{}, err
	}
	y, m, d := day.In(s.loc).Date()
	day = time.Date(y, m, d, 0, 0, 0, 0, s.loc)
	next := day.AddDate(0, 0, 1)
	v := pages.TimetableAdminView{Day: day, Days: expo.ExpoDays(prog.Expo), Choices: s.planChoices(ctx, prog)}
	for i, h := range prog.Hours {
		if h.Day.Equal(day) {
			v.Hours = &prog.Hours[i]
		}
	}
	// Big rooms first, as the venue map lists them.
	v.Rooms = slices.Clone(prog.Rooms)
	slices.SortStableFunc(v.Rooms, func(a, b expo.Room) int {
		return cmp.Or(cmp.Compare(b.Capacity, a.Capacity), cmp.Compare(a.Name, b.Name))
	})
	clashes := expo.DetectClashes(prog)
	ix := indexProgramme(prog)
	byRoom := map[int64][]pages.PlanBlock{}
	from, to := day.Add(9*time.Hour), day.Add(17*time.Hour)
	if v.Hours != nil {
		from, to = v.Hours.Opens, v.Hours.Closes
	}
	seenClash := map[int]bool{}
	for _, f := range prog.Forums {
		for _, ss := range f.Sessions {
			if ss.StartsAt.Before(day) || !ss.StartsAt.Before(next) {
				continue
			}
			v.Sessions++
			b := pages.PlanBlock{Session: ss, Forum: f}
			var mine []expo.Clash
			for i, cl := range clashes {
				if cl.InvolvesSession(ss.ID) {
					mine = append(mine, cl)
					seenClash[i] = true
				}
			}
			b.Clashes = planClashes(ctx, ix, mine, s.loc)
			b.Move = pages.Form{Values: url.Values{"room_id": {itoa(ss.RoomID)}, "day": {day.Format(time.DateOnly)},
				"start": {ss.StartsAt.In(s.loc).Format("15:04")}}}
			if ss.ID == moveID {
				b.Move = moveForm
			}
			byRoom[ss.RoomID] = append(byRoom[ss.RoomID], b)
			from = minTime(from, ss.StartsAt)
			to = maxTime(to, ss.EndsAt)
		}
	}
	v.Clashes = len(seenClash)
	// Rows of 15 minutes from the earlier of opening and the first session
	// to the later of closing and the last session's end.
	from = day.Add(from.Sub(day).Truncate(planSlot))
	if r := to.Sub(day) % planSlot; r != 0 {
		to = to.Add(planSlot - r)
	}
	if !to.After(from) {
		return v, nil
	}
	nRows := int(to.Sub(from) / planSlot)
	rowOf := func(t time.Time) int { return int(t.Sub(from) / planSlot) }
	// Per room: cells of sessions that overlap (on the grid) merged into one.
	type span struct {
		start, end int
		blocks     []pages.PlanBlock
	}
	starts := make([]map[int]span, len(v.Rooms))
	covered := make([][]bool, len(v.Rooms))
	for ri, r := range v.Rooms {
		starts[ri] = map[int]span{}
		covered[ri] = make([]bool, nRows)
		blocks := byRoom[r.ID]
		slices.SortStableFunc(blocks, func(a, b pages.PlanBlock) int { return a.Session.StartsAt.Compare(b.Session.StartsAt) })
		var cur *span
		flush := func() {
			if cur != nil {
				starts[ri][cur.start] = *cur
				for i := cur.start; i < cur.end && i < nRows; i++ {
					covered[ri][i] = true
				}
			}
		}
		for _, b := range blocks {
			st := rowOf(b.Session.StartsAt)
			en := rowOf(b.Session.EndsAt.Add(planSlot - time.Nanosecond))
			if cur != nil && st < cur.end {
				cur.blocks = append(cur.blocks, b)
				cur.end = max(cur.end, en)
				continue
			}
			flush()
			cur = &span{start: st, end: max(en, st+1), blocks: []pages.PlanBlock{b}}
		}
		flush()
	}
	for i := 0; i < nRows; i++ {
		start := from.Add(time.Duration(i) * planSlot)
		row := pages.PlanRow{Start: start, Open: v.Hours != nil && !start.Before(v.Hours.Opens) && start.Before(v.Hours.Closes)}
		for ri := range v.Rooms {
			if sp, ok := starts[ri][i]; ok {
				row.Cells = append(row.Cells, pages.PlanCell{Blocks: sp.blocks, Span: min(sp.end, nRows) - sp.start})
			} else if !covered[ri][i] {
				row.Cells = append(row.Cells, pages.PlanCell{})
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (s *Server) renderTimetable(c echo.Context, status int, v pages.TimetableAdminView) error {
	return s.render(c, status, pages.TimetableAdmin(s.page(c, i18n.T(c.Request().Context(), "plan.timetable.title")), v))
}

func (s *Server) handlePlanTimetable(c echo.Context) error {
	ctx := c.Request().Context()
	ev, ok, err := s.store.Event(ctx, s.loc)
	if err != nil {
		return err
	}
	day := time.Now().In(s.loc)
	if ok {
		day = ev.StartsOn
	}
	if q := c.QueryParam("day"); q != "" {
		d, err := time.ParseInLocation(time.DateOnly, q, s.loc)
		if err != nil {
			return &expo.Error{Code: expo.CodeInvalid, Message: "plan.error.day"}
		}
		day = d
	}
	v, err := s.timetableView(ctx, day, 0, pages.Form{})
	if err != nil {
		return err
	}
	return s.renderTimetable(c, http.StatusOK, v)
}

func oneValue(v string) []string { return []string{v} }
