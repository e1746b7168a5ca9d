package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/web/i18n"
	"expo/web/pages"
)

// The matchmaking core as pages: an attendee books a slot with an exhibitor
// (the slot picker), both sides see and answer their meetings ("My
// meetings"), and an exhibitor keeps its availability grid, tables,
// auto-accept setting and invitations.

// meetingID reads the :id of a meeting route; anything but a positive
// number is not found.
func meetingID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, expo.ErrNotFound
	}
	return id, nil
}

// meetingErr makes a matchmaking error readable: the language codes of
// "no interpreter free for A–B" become language names.
func meetingErr(ctx context.Context, err error) error {
	e, ok := expo.AsError(err)
	if !ok || e.Data == nil {
		return err
	}
	a, okA := e.Data["A"].(string)
	b, okB := e.Data["B"].(string)
	if !okA || !okB {
		return err
	}
	out := *e
	out.Data = map[string]any{"A": i18n.LanguageName(ctx, a), "B": i18n.LanguageName(ctx, b), "Time": e.Data["Time"]}
	return &out
}

// sideOfViewer says which side of meetings the user sees.
func sideOfViewer(u expo.User) expo.Side {
	switch {
	case u.Role == expo.RoleAttendee:
		return expo.SideAttendee
	case u.Role == expo.RoleExhibitor && u.ExhibitorID != nil:
		return expo.SideExhibitor
	}
	return ""
}

func languageOptions(ctx context.Context, codes []string) []pages.Option {
	out := make([]pages.Option, len(codes))
	for i, c := range codes {
		out[i] = pages.Option{Value: c, Label: i18n.LanguageName(ctx, c)}
	}
	return out
}

// slotPickerView loads the exhibitor's slots free for the attendee.
func (s *Server) slotPickerView(c echo.Context, slug string, u expo.User, f pages.Form) (pages.SlotPickerView, error) {
	ctx := c.Request().Context()
	if !validSlug(slug) {
		return pages.SlotPickerView{}, expo.ErrNotFound
	}
	prof, err := s.store.DirectoryProfile(ctx, slug)
	if err != nil {
		return pages.SlotPickerView{}, err
	}
	slots, err := s.store.FreeSlots(ctx, prof.ID, u.ID, time.Now())
	if err != nil {
		return pages.SlotPickerView{}, err
	}
	langs := expo.MeetingLanguages(u.Languages, prof.Languages)
	v := pages.SlotPickerView{Exhibitor: prof, Days: pages.GroupSlots(slots, s.loc), Languages: languageOptions(ctx, langs), Form: f,
		Interpreter: len(u.Languages) > 0 && len(prof.Languages) > 0 && !slices.ContainsFunc(u.Languages, func(l string) bool { return slices.Contains(prof.Languages, l) })}
	if f.Value("language") == "" && len(langs) > 0 {
		if v.Form.Values == nil {
			v.Form.Values = map[string][]string{}
		}
		v.Form.Values["language"] = []string{langs[0]}
	}
	mine, err := s.store.MyMeetings(ctx, u)
	if err != nil {
		return pages.SlotPickerView{}, err
	}
	for _, m := range mine {
		if m.ExhibitorID == prof.ID && m.Status.Open() {
			v.Existing = append(v.Existing, m)
		}
	}
	return v, nil
}

func (s *Server) handleMeetForm(c echo.Context) error {
	u, _ := currentUser(c)
	v, err := s.slotPickerView(c, c.Param("slug"), u, pages.Form{})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.SlotPicker(s.page(c, i18n.T(c.Request().Context(), "meeting.book.title", map[string]any{"Name": v.Exhibitor.Name})), v))
}

// handleMeetRequest sends the attendee's request; any refusal shows the
// picker again with the reason next to the field (or at the top) and a 4xx.
func (s *Server) handleMeetRequest(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	f, err := formOf(c)
	if err != nil {
		return err
	}
	slug := c.Param("slug")
	if !validSlug(slug) {
		return expo.ErrNotFound
	}
	slotID, perr := strconv.ParseInt(f.Value("slot_id"), 10, 64)
	var m expo.Meeting
	if perr != nil || slotID <= 0 {
		err = &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"slot_id": "meeting.error.choose_slot"}}
	} else if wait, ok := s.limits.meeting.allow("user:" + itoa(u.ID)); !ok {
		err = rateLimitedMsg(c, wait, "error.rate_limited.meetings")
	} else {
		m, err = s.store.RequestMeeting(ctx, u.ID, slug, slotID, expo.MeetingRequest{Message: f.Value("message"), Language: f.Value("language")})
	}
	if err != nil {
		if errors.Is(err, expo.ErrNotFound) {
			return err
		}
		status, err := formError(&f, meetingErr(ctx, err))
		if err != nil {
			return err
		}
		v, verr := s.slotPickerView(c, slug, u, f)
		if verr != nil {
			return verr
		}
		return s.render(c, status, pages.SlotPicker(s.page(c, i18n.T(ctx, "meeting.book.title", map[string]any{"Name": v.Exhibitor.Name})), v))
	}
	if m.Status == expo.MeetingAccepted {
		s.flash(c, "success", "meeting.done.booked")
	} else {
		s.flash(c, "success", "meeting.done.requested")
	}
	return redirect(c, "/my/meetings")
}

// myMeetingsView loads the viewer's meetings, grouped.
func (s *Server) myMeetingsView(ctx context.Context, u expo.User) (pages.MeetingsView, error) {
	ms, err := s.store.MyMeetings(ctx, u)
	if err != nil {
		return pages.MeetingsView{}, err
	}
	v := pages.SortMeetings(sideOfViewer(u), ms, time.Now())
	v.Truncated = len(ms) >= maxMeetingsShown
	return v, nil
}

// maxMeetingsShown mirrors store.MaxMeetingsListed for the "more" note.
const maxMeetingsShown = 500

func (s *Server) handleMyMeetings(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	v, err := s.myMeetingsView(ctx, u)
	if err != nil {
		return err
	}
	p := s.page(c, i18n.T(ctx, "meeting.my.title"))
	if wantsFragment(c, "meetings") {
		return s.render(c, http.StatusOK, pages.MeetingsList(p, v))
	}
	return s.render(c, http.StatusOK, pages.MyMeetings(p, v))
}

// meetingAction runs accept, decline or cancel and answers with the list
// (htmx) or a redirect with a message; refusals (someone else's meeting:
// 404; already answered: 409) go through the error page.
func (s *Server) meetingAction(c echo.Context, act func(ctx context.Context, id int64, u expo.User, reason string) (expo.Meeting, error), done string) error {
	ctx := c.Request().Context()
	id, err := meetingID(c)
	if err != nil {
		return err
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if _, err := act(ctx, id, u, f.Value("reason")); err != nil {
		return meetingErr(ctx, err)
	}
	if wantsFragment(c, "meetings") {
		v, err := s.myMeetingsView(ctx, u)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, pages.MeetingsList(s.page(c, i18n.T(ctx, "meeting.my.title")), v))
	}
	s.flash(c, "success", done)
	return redirect(c, "/my/meetings")
}

func (s *Server) handleMeetingAccept(c echo.Context) error {
	return s.meetingAction(c, func(ctx context.Context, id int64, u expo.User, reason string) (expo.Meeting, error) {
		return s.store.AnswerMeeting(ctx, id, u, true, reason)
	}, "meeting.done.accepted")
}

func (s *Server) handleMeetingDecline(c echo.Context) error {
	return s.meetingAction(c, func(ctx context.Context, id int64, u expo.User, reason string) (expo.Meeting, error) {
		return s.store.AnswerMeeting(ctx, id, u, false, reason)
	}, "meeting.done.declined")
}

func (s *Server) handleMeetingCancel(c echo.Context) error {
	return s.meetingAction(c, s.store.CancelMeeting, "meeting.done.cancelled")
}

// Exhibitor side.

// availabilityView loads the exhibitor's matchmaking page; settings and
// invite carry submitted values and errors when given.
func (s *Server) availabilityView(c echo.Context, u expo.User, settings, invite *pages.Form) (pages.AvailabilityView, error) {
	ctx := c.Request().Context()
	if u.ExhibitorID == nil {
		return pages.AvailabilityView{}, expo.ErrForbidden
	}
	exID := *u.ExhibitorID
	ex, err := s.store.Application(ctx, exID)
	if err != nil {
		return pages.AvailabilityView{}, err
	}
	set, err := s.store.ExhibitorMeetingSettings(ctx, exID)
	if err != nil {
		return pages.AvailabilityView{}, err
	}
	grid, err := s.store.AvailabilityGrid(ctx, exID)
	if err != nil {
		return pages.AvailabilityView{}, err
	}
	v := pages.AvailabilityView{Tables: set.Tables, AutoAccept: set.AutoAccept, Days: pages.GroupSlots(grid, s.loc),
		Approved: ex.State == expo.StateApproved, Languages: languageOptions(ctx, expo.LanguageCodes)}
	now := time.Now()
	for _, sl := range grid {
		if sl.Available && sl.Booked < set.Tables && sl.Start.After(now) {
			v.InviteSlots = append(v.InviteSlots, pages.Option{Value: strconv.FormatInt(sl.ID, 10),
				Label: sl.Start.In(s.loc).Format("01-02 15:04") + "–" + sl.End.In(s.loc).Format("15:04")})
		}
	}
	if settings != nil {
		v.Settings = *settings
	} else {
		auto := ""
		if set.AutoAccept {
			auto = "1"
		}
		v.Settings = pages.Form{Values: map[string][]string{"tables": {strconv.Itoa(set.Tables)}, "auto_accept": {auto}}}
	}
	if invite != nil {
		v.Invite = *invite
	} else if len(ex.Languages) > 0 {
		v.Invite = pages.Form{Values: map[string][]string{"language": {ex.Languages[0]}}}
	}
	return v, nil
}

func (s *Server) renderAvailability(c echo.Context, status int, v pages.AvailabilityView) error {
	return s.render(c, status, pages.Availability(s.page(c, i18n.T(c.Request().Context(), "slots.mine.title")), v))
}

func (s *Server) handleAvailability(c echo.Context) error {
	u, _ := currentUser(c)
	v, err := s.availabilityView(c, u, nil, nil)
	if err != nil {
		return err
	}
	return s.renderAvailability(c, http.StatusOK, v)
}

// handleAvailabilitySave saves one day of the grid: the ticked slots
// become available, the others not ("all" and "none" set the whole day).
// Slots holding meetings stay available, and the page says so.
func (s *Server) handleAvailabilitySave(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	if u.ExhibitorID == nil {
		return expo.ErrForbidden
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	dayIDs, err := s.store.SlotsOfDay(ctx, f.Value("day"))
	if err != nil {
		return err
	}
	if len(dayIDs) == 0 {
		return &expo.Error{Code: expo.CodeInvalid, Message: "slots.error.no_day"}
	}
	var on, off []int64
	ticked := map[int64]bool{}
	for _, raw := range f.Values["slot_id"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			ticked[id] = true
		}
	}
	for _, id := range dayIDs {
		switch f.Value("action") {
		case "all":
			on = append(on, id)
		case "none":
			off = append(off, id)
		default:
			if ticked[id] {
				on = append(on, id)
			} else {
				off = append(off, id)
			}
		}
	}
	if _, err := s.store.SetAvailability(ctx, *u.ExhibitorID, on, true); err != nil {
		return err
	}
	kept, err := s.store.SetAvailability(ctx, *u.ExhibitorID, off, false)
	if err != nil {
		return err
	}
	if kept > 0 {
		s.flash(c, "info", "slots.mine.kept")
	} else {
		s.flash(c, "success", "slots.mine.saved")
	}
	return redirect(c, "/exhibitor/meetings#day-"+f.Value("day"))
}

func (s *Server) handleMeetingSettings(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	if u.ExhibitorID == nil {
		return expo.ErrForbidden
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	tables, perr := strconv.Atoi(f.Value("tables"))
	if perr != nil {
		tables = -1
	}
	err = s.store.SetExhibitorMeetingSettings(ctx, *u.ExhibitorID, storeMeetingSettings(tables, f.Value("auto_accept") == "1"))
	if err != nil {
		status, err := formError(&f, err)
		if err != nil {
			return err
		}
		v, verr := s.availabilityView(c, u, &f, nil)
		if verr != nil {
			return verr
		}
		return s.renderAvailability(c, status, v)
	}
	s.flash(c, "success", "slots.mine.settings.saved")
	return redirect(c, "/exhibitor/meetings")
}

// handleMeetingInvite invites an attendee (by e-mail) to one of the
// exhibitor's free slots.
func (s *Server) handleMeetingInvite(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	if u.ExhibitorID == nil {
		return expo.ErrForbidden
	}
	f, err := formOf(c)
	if err != nil {
		return err
	}
	var v expo.Validator
	email := v.Email("email", f.Value("email"))
	slotID, perr := strconv.ParseInt(f.Value("slot_id"), 10, 64)
	if perr != nil || slotID <= 0 {
		v.Fail("slot_id", "meeting.error.choose_slot")
	}
	err = v.Err()
	if err == nil {
		var att expo.User
		att, err = s.store.UserByEmail(ctx, email)
		switch {
		case errors.Is(err, expo.ErrNotFound) || (err == nil && att.Role != expo.RoleAttendee):
			err = &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"email": "meeting.error.no_attendee"}}
		case err == nil:
			if wait, ok := s.limits.meeting.allow("user:" + itoa(u.ID)); !ok {
				err = rateLimitedMsg(c, wait, "error.rate_limited.meetings")
				break
			}
			_, err = s.store.InviteAttendee(ctx, *u.ExhibitorID, u.ID, att.ID, slotID, expo.MeetingRequest{Message: f.Value("message"), Language: f.Value("language")})
		}
	}
	if err != nil {
		if errors.Is(err, expo.ErrNotFound) {
			err = &expo.Error{Code: expo.CodeNotFound, Message: "error.form", Fields: map[string]string{"slot_id": "meeting.error.no_slot"}}
		}
		status, err := formError(&f, meetingErr(ctx, err))
		if err != nil {
			return err
		}
		if status == 0 || f.Message == "" && len(f.Errors) == 0 {
			f.Message = "error.form"
		}
		vw, verr := s.availabilityView(c, u, nil, &f)
		if verr != nil {
			return verr
		}
		if status == 0 {
			status = http.StatusNotFound
		}
		return s.renderAvailability(c, status, vw)
	}
	s.flash(c, "success", "meeting.done.invited")
	return redirect(c, "/my/meetings")
}

// expireMeetingsLoop expires unanswered meeting requests every interval
// until ctx ends (listings also expire them lazily).
func (s *Server) expireMeetingsLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if n, err := s.store.ExpireRequests(ctx, now.UTC()); err != nil && ctx.Err() == nil {
				s.log.Error("expire meeting requests", "err", err)
			} else if n > 0 {
				s.log.Info("expired meeting requests", "count", n)
			}
		}
	}
}
