package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
)

// The forum API: the published programme and sign-up with a bearer token.

type apiSpeaker struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	NameLatin    string `json:"name_latin"`
	Title        string `json:"title"`
	Organization string `json:"organization"`
	Country      string `json:"country"`
}

type apiSession struct {
	ID       int64        `json:"id"`
	Title    string       `json:"title"`
	StartsAt time.Time    `json:"starts_at"`
	EndsAt   time.Time    `json:"ends_at"`
	RoomID   int64        `json:"room_id"`
	Room     string       `json:"room"`
	Language string       `json:"language"`
	Speakers []apiSpeaker `json:"speakers"`
}

type apiForum struct {
	ID               int64        `json:"id"`
	Title            string       `json:"title"`
	Theme            string       `json:"theme"`
	Description      string       `json:"description"`
	HostOrganization string       `json:"host_organization"`
	Languages        []string     `json:"languages"`
	Interpretation   bool         `json:"interpretation"`
	Capacity         int          `json:"capacity"`
	Confirmed        int          `json:"confirmed"`
	Waitlisted       int          `json:"waitlisted"`
	SeatsLeft        int          `json:"seats_left"`
	URL              string       `json:"url"`
	Sessions         []apiSession `json:"sessions"`
}

type apiForumList struct {
	Items []apiForum `json:"items"`
}

type apiRegistration struct {
	Status   expo.RegistrationStatus `json:"status"`
	Position int                     `json:"position"`
}

func (s *Server) apiForumOf(c echo.Context, f expo.Forum, rooms map[int64]expo.Room) apiForum {
	out := apiForum{ID: f.ID, Title: f.Title, Theme: f.Theme, Description: f.Description, HostOrganization: f.HostOrganization,
		Languages: f.Languages, Interpretation: f.Interpretation, Capacity: f.Capacity, Confirmed: f.Confirmed,
		Waitlisted: f.Waitlisted, SeatsLeft: progSeatsLeft(f), URL: s.progURL(c, "/forums/"+itoa(f.ID)), Sessions: []apiSession{}}
	if out.Languages == nil {
		out.Languages = []string{}
	}
	for _, ss := range f.Sessions {
		as := apiSession{ID: ss.ID, Title: ss.Title, StartsAt: ss.StartsAt.UTC(), EndsAt: ss.EndsAt.UTC(), RoomID: ss.RoomID,
			Room: rooms[ss.RoomID].Name, Language: ss.Language, Speakers: []apiSpeaker{}}
		for _, sp := range ss.Speakers {
			as.Speakers = append(as.Speakers, apiSpeaker{ID: sp.ID, Name: sp.Name, NameLatin: sp.NameLatin, Title: sp.Title,
				Organization: sp.Organization, Country: sp.Country})
		}
		out.Sessions = append(out.Sessions, as)
	}
	return out
}

// handleAPIForums lists the published forums, optionally filtered by theme,
// language and day (YYYY-MM-DD in the expo time zone); a bad filter value
// is a 422 naming the parameter.
func (s *Server) handleAPIForums(c echo.Context) error {
	ctx := c.Request().Context()
	published := true
	f := store.ForumFilter{Published: &published}
	var v expo.Validator
	f.Theme = v.OneOf("theme", c.QueryParam("theme"), expo.ForumThemes, false)
	f.Language = v.OneOf("language", c.QueryParam("language"), expo.LanguageCodes, false)
	if d := c.QueryParam("day"); d != "" {
		day, err := time.ParseInLocation(time.DateOnly, d, s.loc)
		if err != nil {
			v.Fail("day", "forum.api.error.day")
		}
		f.Day = day
	}
	if err := v.Err(); err != nil {
		return err
	}
	forums, err := s.store.Forums(ctx, f)
	if err != nil {
		return err
	}
	rooms, err := s.store.Rooms(ctx)
	if err != nil {
		return err
	}
	byID := progRooms(rooms)
	out := apiForumList{Items: make([]apiForum, 0, len(forums))}
	for _, fo := range forums {
		out.Items = append(out.Items, s.apiForumOf(c, fo, byID))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleAPIForum(c echo.Context) error {
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
	return c.JSON(http.StatusOK, s.apiForumOf(c, f, progRooms(rooms)))
}

// handleAPIRegister signs the token's user up; registering again answers
// the existing registration (idempotent).
func (s *Server) handleAPIRegister(c echo.Context) error {
	id, err := progForumID(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	reg, err := s.store.Register(c.Request().Context(), id, u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, apiRegistration{Status: reg.Status, Position: reg.Position})
}

func (s *Server) handleAPICancel(c echo.Context) error {
	id, err := progForumID(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	if err := s.store.Cancel(c.Request().Context(), id, u.ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
