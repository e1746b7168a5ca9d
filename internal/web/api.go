package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
)

//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) handleOpenAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/json", openAPIDoc)
}

// bindJSON decodes a JSON body strictly: valid UTF-8, one object, no unknown
// fields. Every failure is an invalid-input error (422) with a message saying
// what is wrong.
func bindJSON(c echo.Context, dst any) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.json_content_type"}
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	if !utf8.Valid(body) {
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.invalid_utf8"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil || dec.More() {
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.bad_json"}
	}
	return nil
}

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

type tokenResponse struct {
	Token string `json:"token"`
}

func (s *Server) handleAPITokenCreate(c echo.Context) error {
	ctx := c.Request().Context()
	var req tokenRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	var v expo.Validator
	v.Line("email", req.Email, true, expo.MaxEmailLen)
	if req.Password == "" {
		v.Fail("password", "error.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.loginAllowed(c, req.Email); err != nil {
		return err
	}
	u, err := s.store.Authenticate(ctx, req.Email, req.Password)
	if err != nil {
		return s.loginFailed(c, req.Email, err)
	}
	if wait, ok := s.limits.token.allow("user:" + itoa(u.ID)); !ok {
		return rateLimitedMsg(c, wait, "error.rate_limited.tokens")
	}
	// The token's creator is the user who just proved the password.
	ctx = s.actingAs(c, u)
	name := req.Name
	if name == "" {
		name = "API " + time.Now().In(s.loc).Format("2006-01-02 15:04")
	}
	secret, _, err := s.store.CreateToken(ctx, u.ID, name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, tokenResponse{Token: secret})
}

// apiUser is the JSON shape of a user.
type apiUser struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	Organization string    `json:"organization"`
	Country      string    `json:"country"`
	JobTitle     string    `json:"job_title"`
	Languages    []string  `json:"languages"`
	Interests    []string  `json:"interests"`
	Locale       string    `json:"locale"`
	ExhibitorID  *int64    `json:"exhibitor_id"`
	CreatedAt    time.Time `json:"created_at"`
}

func (s *Server) handleAPIMe(c echo.Context) error {
	u, _ := currentUser(c)
	return c.JSON(http.StatusOK, apiUser{
		ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Organization: u.Organization,
		Country: u.Country, JobTitle: u.JobTitle, Languages: u.Languages, Interests: u.Interests,
		Locale: u.Locale, ExhibitorID: u.ExhibitorID, CreatedAt: u.CreatedAt.UTC(),
	})
}
