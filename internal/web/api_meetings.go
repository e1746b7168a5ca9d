package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
)

// The matchmaking API (bearer token): an exhibitor's slots free for the
// caller, requesting a meeting, answering and cancelling, and the caller's
// meetings. A slot that went to someone else is a 409 whose error code is
// "slot_taken" (see handleError).

type apiSlot struct {
	ID         int64     `json:"id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	TablesFree int       `json:"tables_free"`
	Theme      string    `json:"theme,omitempty"`
}

type apiSlotList struct {
	Items []apiSlot `json:"items"`
}

type apiMeetingRequest struct {
	Exhibitor string `json:"exhibitor"`
	SlotID    int64  `json:"slot_id"`
	Message   string `json:"message"`
	Language  string `json:"language"`
}

type apiReason struct {
	Reason string `json:"reason"`
}

type apiMeeting struct {
	ID          int64              `json:"id"`
	Status      expo.MeetingStatus `json:"status"`
	Initiator   expo.Side          `json:"initiator"`
	SlotID      int64              `json:"slot_id"`
	Start       time.Time          `json:"start"`
	End         time.Time          `json:"end"`
	Exhibitor   string             `json:"exhibitor"`
	Company     string             `json:"exhibitor_name"`
	Attendee    string             `json:"attendee_name"`
	Language    string             `json:"language"`
	Message     string             `json:"message"`
	Table       int                `json:"table,omitempty"`
	Interpreter string             `json:"interpreter,omitempty"`
	Reason      string             `json:"reason,omitempty"`
	ExpiresAt   *time.Time         `json:"expires_at,omitempty"`
}

type apiMeetingList struct {
	Items []apiMeeting `json:"items"`
}

func apiMeetingOf(m expo.Meeting) apiMeeting {
	return apiMeeting{ID: m.ID, Status: m.Status, Initiator: m.Initiator, SlotID: m.SlotID, Start: m.Start.UTC(), End: m.End.UTC(),
		Exhibitor: m.ExhibitorSlug, Company: m.ExhibitorName, Attendee: m.AttendeeName, Language: m.Language, Message: m.Message,
		Table: m.TableNumber, Interpreter: m.InterpreterName, Reason: m.Reason, ExpiresAt: m.ExpiresAt}
}

// handleAPISlots lists the exhibitor's slots free for the caller.
func (s *Server) handleAPISlots(c echo.Context) error {
	ctx := c.Request().Context()
	slug := c.Param("slug")
	if !validSlug(slug) {
		return expo.ErrNotFound
	}
	prof, err := s.store.DirectoryProfile(ctx, slug)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	slots, err := s.store.FreeSlots(ctx, prof.ID, u.ID, time.Now())
	if err != nil {
		return err
	}
	out := apiSlotList{Items: make([]apiSlot, len(slots))}
	for i, sl := range slots {
		out.Items[i] = apiSlot{ID: sl.ID, Start: sl.Start.UTC(), End: sl.End.UTC(), TablesFree: sl.TablesFree, Theme: sl.Theme}
	}
	return c.JSON(http.StatusOK, out)
}

// handleAPIMeetingCreate requests a meeting: 201 with the meeting (pending,
// or accepted when the exhibitor auto-accepts).
func (s *Server) handleAPIMeetingCreate(c echo.Context) error {
	ctx := c.Request().Context()
	var req apiMeetingRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, _ := currentUser(c)
	// The store refuses one's own company and non-attendees.
	if req.SlotID <= 0 {
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"slot_id": "meeting.error.choose_slot"}}
	}
	if !validSlug(req.Exhibitor) {
		return expo.ErrNotFound
	}
	if wait, ok := s.limits.meeting.allow("user:" + itoa(u.ID)); !ok {
		return rateLimitedMsg(c, wait, "error.rate_limited.meetings")
	}
	m, err := s.store.RequestMeeting(ctx, u.ID, req.Exhibitor, req.SlotID, expo.MeetingRequest{Message: req.Message, Language: req.Language})
	if err != nil {
		return meetingErr(ctx, err)
	}
	return c.JSON(http.StatusCreated, apiMeetingOf(m))
}

func (s *Server) apiMeetingAction(c echo.Context, act func(id int64, u expo.User, reason string) (expo.Meeting, error)) error {
	id, err := meetingID(c)
	if err != nil {
		return err
	}
	var body apiReason
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &body); err != nil {
			return err
		}
	}
	u, _ := currentUser(c)
	m, err := act(id, u, body.Reason)
	if err != nil {
		return meetingErr(c.Request().Context(), err)
	}
	return c.JSON(http.StatusOK, apiMeetingOf(m))
}

func (s *Server) handleAPIMeetingAccept(c echo.Context) error {
	return s.apiMeetingAction(c, func(id int64, u expo.User, reason string) (expo.Meeting, error) {
		return s.store.AnswerMeeting(c.Request().Context(), id, u, true, reason)
	})
}

func (s *Server) handleAPIMeetingDecline(c echo.Context) error {
	return s.apiMeetingAction(c, func(id int64, u expo.User, reason string) (expo.Meeting, error) {
		return s.store.AnswerMeeting(c.Request().Context(), id, u, false, reason)
	})
}

func (s *Server) handleAPIMeetingCancel(c echo.Context) error {
	return s.apiMeetingAction(c, func(id int64, u expo.User, reason string) (expo.Meeting, error) {
		return s.store.CancelMeeting(c.Request().Context(), id, u, reason)
	})
}

// handleAPIMeetings lists the caller's meetings (an attendee's own, an
// exhibitor representative's company's), by slot start.
func (s *Server) handleAPIMeetings(c echo.Context) error {
	u, _ := currentUser(c)
	ms, err := s.store.MyMeetings(c.Request().Context(), u)
	if err != nil {
		return err
	}
	out := apiMeetingList{Items: make([]apiMeeting, len(ms))}
	for i, m := range ms {
		out.Items[i] = apiMeetingOf(m)
	}
	return c.JSON(http.StatusOK, out)
}
