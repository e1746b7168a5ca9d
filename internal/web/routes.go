package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Access says who may use a route. Authentication and role checks for every
// route happen in one middleware (requireAccess) driven by this value.
type Access string

const (
	Public    Access = "public"    // anyone
	Anonymous Access = "anonymous" // anyone; logged-in users are sent to their account
	LoggedIn  Access = "user"      // any logged-in user
	Organizer Access = "organizer" // organizers only
	Exhibitor Access = "exhibitor" // exhibitor company members only
	Attendee  Access = "attendee"  // attendees only
	Token     Access = "token"     // API: a personal access token (Authorization: Bearer)
)

// Route is one entry of the route table.
type Route struct {
	Method  string
	Path    string
	Name    string
	Access  Access
	handler echo.HandlerFunc
}

// Routes lists every route of the application. Tests walk this table, so a
// new route is covered by the authorization and page checks automatically.
func (s *Server) Routes() []Route {
	return []Route{
		{http.MethodGet, "/", "home", Public, s.handleHome},
		{http.MethodGet, "/healthz", "healthz", Public, s.handleHealthz},
		{http.MethodGet, "/readyz", "readyz", Public, s.handleReadyz},
		{http.MethodGet, "/static/:name", "static", Public, s.handleStatic},
		{http.MethodPost, "/lang", "lang", Public, s.handleLanguage},

		{http.MethodGet, "/setup", "setup", Public, s.handleSetupForm},
		{http.MethodPost, "/setup", "setup.submit", Public, s.handleSetup},
		{http.MethodGet, "/signup", "signup", Anonymous, s.handleSignUpForm},
		{http.MethodPost, "/signup", "signup.submit", Anonymous, s.handleSignUp},
		{http.MethodGet, "/login", "login", Anonymous, s.handleLoginForm},
		{http.MethodPost, "/login", "login.submit", Anonymous, s.handleLogin},
		{http.MethodPost, "/logout", "logout", LoggedIn, s.handleLogout},

		{http.MethodGet, "/account", "account", LoggedIn, s.handleAccount},
		{http.MethodPost, "/account/profile", "account.profile", LoggedIn, s.handleAccountProfile},
		{http.MethodPost, "/account/password", "account.password", LoggedIn, s.handleAccountPassword},
		{http.MethodPost, "/account/tokens", "account.tokens.create", LoggedIn, s.handleTokenCreate},
		{http.MethodPost, "/account/tokens/:id/revoke", "account.tokens.revoke", LoggedIn, s.handleTokenRevoke},

		{http.MethodGet, "/organizer", "organizer", Organizer, s.handleDashboard},

		// Exhibitor registration: application, review, booths, floor plan, directory.
		// (end of exhibitor registration routes)

		// Forum scheduling: rooms, forums, sessions, sign-up, agenda, feeds.
		// (end of forum routes)

		{http.MethodGet, "/api/v1/openapi.json", "api.openapi", Public, s.handleOpenAPI},
		{http.MethodPost, "/api/v1/tokens", "api.tokens.create", Public, s.handleAPITokenCreate},
		{http.MethodGet, "/api/v1/me", "api.me", Token, s.handleAPIMe},
		// Exhibitor API.
		// (end of exhibitor API routes)
		// Forum API.
		// (end of forum API routes)
	}
}
