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
	// Shared public pages go through the page cache (pagecache.go,
	// sharedPageRoutes).
	return s.cacheSharedPages([]Route{
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
		// Applications (exhibitor side), team, notifications, review (organizer side).
		{http.MethodGet, "/apply", "apply", Public, s.handleApplyForm},
		{http.MethodPost, "/apply", "apply.submit", Public, s.handleApply},
		{http.MethodGet, "/exhibitor", "exhibitor", Exhibitor, s.handleExhibitorHome},
		{http.MethodPost, "/exhibitor/submit", "exhibitor.submit", Exhibitor, s.handleExhibitorSubmit},
		{http.MethodPost, "/exhibitor/withdraw", "exhibitor.withdraw", Exhibitor, s.handleExhibitorWithdraw},
		{http.MethodGet, "/exhibitor/profile", "exhibitor.profile", Exhibitor, s.handleProfileForm},
		{http.MethodPost, "/exhibitor/profile", "exhibitor.profile.save", Exhibitor, s.handleProfileSave},
		{http.MethodPost, "/exhibitor/logo", "exhibitor.logo", Exhibitor, s.handleLogoUpload},
		{http.MethodGet, "/logos/:id", "logo", Public, s.handleLogo},
		{http.MethodGet, "/exhibitor/team", "exhibitor.team", Exhibitor, s.handleTeam},
		{http.MethodPost, "/exhibitor/team/invite", "exhibitor.team.invite", Exhibitor, s.handleInviteCreate},
		{http.MethodPost, "/exhibitor/team/:id/remove", "exhibitor.team.remove", Exhibitor, s.handleMemberRemove},
		{http.MethodGet, "/invite/:token", "invite", Public, s.handleInviteForm},
		{http.MethodPost, "/invite/:token", "invite.accept", Public, s.handleInviteAccept},
		{http.MethodGet, "/notifications", "notifications", LoggedIn, s.handleNotifications},
		{http.MethodPost, "/notifications/read", "notifications.read", LoggedIn, s.handleNotificationsRead},
		{http.MethodGet, "/notifications/badge", "notifications.badge", LoggedIn, s.handleUnreadBadge},
		{http.MethodGet, "/organizer/exhibitors", "review", Organizer, s.handleReviewQueue},
		{http.MethodPost, "/organizer/exhibitors/bulk", "review.bulk", Organizer, s.handleReviewBulk},
		{http.MethodGet, "/organizer/exhibitors.csv", "review.export", Organizer, s.handleReviewExport},
		{http.MethodGet, "/organizer/exhibitors/import", "review.import", Organizer, s.handleImportForm},
		{http.MethodPost, "/organizer/exhibitors/import", "review.import.check", Organizer, s.handleImportCheck},
		{http.MethodPost, "/organizer/exhibitors/import/:id/run", "review.import.run", Organizer, s.handleImportRun},
		{http.MethodGet, "/organizer/exhibitors/import/:id", "review.import.progress", Organizer, s.handleImportProgress},
		{http.MethodGet, "/organizer/exhibitors/:id", "review.view", Organizer, s.handleReviewDetail},
		{http.MethodPost, "/organizer/exhibitors/:id/transition", "review.transition", Organizer, s.handleReviewTransition},
		{http.MethodPost, "/organizer/exhibitors/:id/invite", "review.invite", Organizer, s.handleReviewInvite},
		// (end of application routes)
		// Directory, floor plan, halls and booths.
		{http.MethodGet, "/exhibitors", "directory", Public, s.handleDirectory},
		{http.MethodGet, "/exhibitors/:slug", "directory.profile", Public, s.handleDirectoryProfile},
		{http.MethodGet, "/floorplan", "floorplan", Public, s.handleFloorPlanIndex},
		{http.MethodGet, "/floorplan/:hall", "floorplan.hall", Public, s.handleFloorPlan}, // also /floorplan/A.svg
		{http.MethodGet, "/organizer/halls", "halls", Organizer, s.handleHalls},
		{http.MethodPost, "/organizer/halls", "halls.create", Organizer, s.handleHallCreate},
		{http.MethodGet, "/organizer/halls/:id", "halls.edit", Organizer, s.handleHallEdit},
		{http.MethodPost, "/organizer/halls/:id", "halls.update", Organizer, s.handleHallUpdate},
		{http.MethodPost, "/organizer/halls/:id/delete", "halls.delete", Organizer, s.handleHallDelete},
		{http.MethodPost, "/organizer/halls/:id/booths", "booths.create", Organizer, s.handleBoothCreate},
		{http.MethodPost, "/organizer/halls/:id/row", "booths.row", Organizer, s.handleBoothRow},
		{http.MethodGet, "/organizer/booths/:id", "booths.edit", Organizer, s.handleBoothEdit},
		{http.MethodPost, "/organizer/booths/:id", "booths.update", Organizer, s.handleBoothUpdate},
		{http.MethodPost, "/organizer/booths/:id/delete", "booths.delete", Organizer, s.handleBoothDelete},
		{http.MethodPost, "/organizer/booths/:id/assign", "booths.assign", Organizer, s.handleBoothAssign},
		{http.MethodPost, "/organizer/booths/:id/unassign", "booths.unassign", Organizer, s.handleBoothUnassign},
		{http.MethodGet, "/organizer/exhibitors/:id/booth", "exhibitors.booth", Organizer, s.handleExhibitorBooth},
		{http.MethodPost, "/organizer/exhibitors/:id/booth", "exhibitors.booth.assign", Organizer, s.handleExhibitorBoothAssign},
		// (end of directory and booth routes)
		// (end of exhibitor registration routes)

		// Forum scheduling: rooms, forums, sessions, sign-up, agenda, feeds.
		// Programme, sign-up, agenda and feeds (attendee side).
		{http.MethodGet, "/forums", "forums", Public, s.handleProgramme},
		{http.MethodGet, "/forums/:id", "forums.view", Public, s.handleForumDetail},
		{http.MethodGet, "/forums/:id/calendar.ics", "forums.ics", Public, s.handleForumICS},
		{http.MethodPost, "/forums/:id/register", "forums.register", Attendee, s.handleForumRegister},
		{http.MethodPost, "/forums/:id/cancel", "forums.cancel", Attendee, s.handleForumCancel},
		{http.MethodGet, "/my/agenda", "agenda", LoggedIn, s.handleAgenda},
		{http.MethodPost, "/my/agenda/feed", "agenda.feed.rotate", LoggedIn, s.handleFeedRotate},
		{http.MethodPost, "/my/agenda/feed/revoke", "agenda.feed.revoke", LoggedIn, s.handleFeedRevoke},
		{http.MethodGet, "/calendar/:file", "calendar.personal", Public, s.handlePersonalICS},
		{http.MethodGet, "/schedule.ics", "schedule.ics", Public, s.handleScheduleICS},
		{http.MethodGet, "/schedule.xml", "schedule.xml", Public, s.handleScheduleXML},
		{http.MethodGet, "/schedule.json", "schedule.json", Public, s.handleScheduleJSON},
		// (end of attendee forum routes)
		// Programme planning (organizer side).
		{http.MethodGet, "/organizer/rooms", "plan.rooms", Organizer, s.handlePlanRooms},
		{http.MethodPost, "/organizer/rooms", "plan.rooms.create", Organizer, s.handlePlanRoomCreate},
		{http.MethodGet, "/organizer/rooms/:id", "plan.room", Organizer, s.handlePlanRoom},
		{http.MethodPost, "/organizer/rooms/:id", "plan.room.update", Organizer, s.handlePlanRoomUpdate},
		{http.MethodGet, "/organizer/rooms/:id/delete", "plan.room.delete.confirm", Organizer, s.handlePlanRoomDeleteConfirm},
		{http.MethodPost, "/organizer/rooms/:id/delete", "plan.room.delete", Organizer, s.handlePlanRoomDelete},
		{http.MethodPost, "/organizer/hours", "plan.hours.set", Organizer, s.handlePlanHoursSet},
		{http.MethodGet, "/organizer/hours/:day/delete", "plan.hours.delete.confirm", Organizer, s.handlePlanHoursDeleteConfirm},
		{http.MethodPost, "/organizer/hours/:day/delete", "plan.hours.delete", Organizer, s.handlePlanHoursDelete},
		{http.MethodGet, "/organizer/forums", "plan.forums", Organizer, s.handlePlanForums},
		{http.MethodPost, "/organizer/forums", "plan.forums.create", Organizer, s.handlePlanForumCreate},
		{http.MethodGet, "/organizer/forums/new", "plan.forums.new", Organizer, s.handlePlanForumNew},
		{http.MethodGet, "/organizer/forums/:id", "plan.forum", Organizer, s.handlePlanForum},
		{http.MethodPost, "/organizer/forums/:id", "plan.forum.update", Organizer, s.handlePlanForumUpdate},
		{http.MethodPost, "/organizer/forums/:id/publish", "plan.forum.publish", Organizer, s.handlePlanForumPublish},
		{http.MethodPost, "/organizer/forums/:id/unpublish", "plan.forum.unpublish", Organizer, s.handlePlanForumUnpublish},
		{http.MethodGet, "/organizer/forums/:id/delete", "plan.forum.delete.confirm", Organizer, s.handlePlanForumDeleteConfirm},
		{http.MethodPost, "/organizer/forums/:id/delete", "plan.forum.delete", Organizer, s.handlePlanForumDelete},
		{http.MethodPost, "/organizer/forums/:id/sessions", "plan.session.create", Organizer, s.handlePlanSessionCreate},
		{http.MethodGet, "/organizer/sessions/:id", "plan.session", Organizer, s.handlePlanSession},
		{http.MethodPost, "/organizer/sessions/:id", "plan.session.update", Organizer, s.handlePlanSessionUpdate},
		{http.MethodPost, "/organizer/sessions/:id/move", "plan.session.move", Organizer, s.handlePlanSessionMove},
		{http.MethodGet, "/organizer/sessions/:id/delete", "plan.session.delete.confirm", Organizer, s.handlePlanSessionDeleteConfirm},
		{http.MethodPost, "/organizer/sessions/:id/delete", "plan.session.delete", Organizer, s.handlePlanSessionDelete},
		{http.MethodGet, "/organizer/speakers", "plan.speakers", Organizer, s.handlePlanSpeakers},
		{http.MethodPost, "/organizer/speakers", "plan.speakers.create", Organizer, s.handlePlanSpeakerCreate},
		{http.MethodGet, "/organizer/speakers/:id", "plan.speaker", Organizer, s.handlePlanSpeaker},
		{http.MethodPost, "/organizer/speakers/:id", "plan.speaker.update", Organizer, s.handlePlanSpeakerUpdate},
		{http.MethodGet, "/organizer/speakers/:id/delete", "plan.speaker.delete.confirm", Organizer, s.handlePlanSpeakerDeleteConfirm},
		{http.MethodPost, "/organizer/speakers/:id/delete", "plan.speaker.delete", Organizer, s.handlePlanSpeakerDelete},
		{http.MethodGet, "/organizer/clashes", "plan.clashes", Organizer, s.handlePlanClashes},
		{http.MethodGet, "/organizer/timetable", "plan.timetable", Organizer, s.handlePlanTimetable},
		// (end of organizer forum routes)
		// (end of forum routes)

		// Business matchmaking: slot grid, availability, meetings, recommendations, interpreters, scheduler, outcomes.
		// Matchmaking core: slot grid, availability, booking, My meetings.
		{http.MethodGet, "/exhibitors/:slug/meet", "meetings.book", Attendee, s.handleMeetForm},
		{http.MethodPost, "/exhibitors/:slug/meet", "meetings.request", Attendee, s.handleMeetRequest},
		{http.MethodGet, "/my/meetings", "meetings", LoggedIn, s.handleMyMeetings},
		{http.MethodPost, "/my/meetings/:id/accept", "meetings.accept", LoggedIn, s.handleMeetingAccept},
		{http.MethodPost, "/my/meetings/:id/decline", "meetings.decline", LoggedIn, s.handleMeetingDecline},
		{http.MethodPost, "/my/meetings/:id/cancel", "meetings.cancel", LoggedIn, s.handleMeetingCancel},
		{http.MethodGet, "/exhibitor/meetings", "meetings.availability", Exhibitor, s.handleAvailability},
		{http.MethodPost, "/exhibitor/meetings/availability", "meetings.availability.save", Exhibitor, s.handleAvailabilitySave},
		{http.MethodPost, "/exhibitor/meetings/settings", "meetings.settings", Exhibitor, s.handleMeetingSettings},
		{http.MethodPost, "/exhibitor/meetings/invite", "meetings.invite", Exhibitor, s.handleMeetingInvite},
		{http.MethodGet, "/organizer/matchmaking", "matchmaking", Organizer, s.handleMatchmakingAdmin},
		{http.MethodPost, "/organizer/matchmaking/blocks", "matchmaking.blocks.create", Organizer, s.handleBlockCreate},
		{http.MethodPost, "/organizer/matchmaking/blocks/:id/delete", "matchmaking.blocks.delete", Organizer, s.handleBlockDelete},
		{http.MethodPost, "/organizer/matchmaking/tables", "matchmaking.tables", Organizer, s.handleTablesSave},
		// (end of matchmaking core routes)
		// Meeting wishes and the auto-scheduler (scheduler.go).
		{http.MethodGet, "/exhibitors/:slug/wish", "wish.form", Attendee, s.handleWishForm},
		{http.MethodPost, "/exhibitors/:slug/wish", "wish.set", Attendee, s.handleWishSet},
		{http.MethodGet, "/my/wishes", "wishes", LoggedIn, s.handleMyWishes},
		{http.MethodPost, "/my/wishes", "wishes.add", Exhibitor, s.handleWishAdd},
		{http.MethodPost, "/my/wishes/remove", "wishes.remove", LoggedIn, s.handleWishRemove},
		{http.MethodGet, "/organizer/matchmaking/scheduler", "scheduler", Organizer, s.handleScheduler},
		{http.MethodGet, "/organizer/matchmaking/scheduler/run", "scheduler.run", Organizer, s.handleSchedulerRun},
		{http.MethodGet, "/organizer/matchmaking/scheduler/:id", "scheduler.preview", Organizer, s.handleSchedulerPreview},
		{http.MethodPost, "/organizer/matchmaking/scheduler/:id/commit", "scheduler.commit", Organizer, s.handleSchedulerCommit},
		// (end of scheduler routes)
		// Recommendations, interpreters, outcomes (recommend.go, interpreters.go, outcomes.go).
		{http.MethodGet, "/my/recommendations", "recommendations", LoggedIn, s.handleRecommendations},
		{http.MethodGet, "/organizer/interpreters", "interpreters", Organizer, s.handleInterpreters},
		{http.MethodPost, "/organizer/interpreters", "interpreters.create", Organizer, s.handleInterpreterCreate},
		{http.MethodGet, "/organizer/interpreters/:id", "interpreters.edit", Organizer, s.handleInterpreter},
		{http.MethodPost, "/organizer/interpreters/:id", "interpreters.update", Organizer, s.handleInterpreterUpdate},
		{http.MethodPost, "/organizer/interpreters/:id/availability", "interpreters.availability", Organizer, s.handleInterpreterAvailability},
		{http.MethodGet, "/organizer/interpreters/:id/delete", "interpreters.delete.confirm", Organizer, s.handleInterpreterDeleteConfirm},
		{http.MethodPost, "/organizer/interpreters/:id/delete", "interpreters.delete", Organizer, s.handleInterpreterDelete},
		{http.MethodGet, "/my/interpreting", "interpreting", LoggedIn, s.handleInterpreting},
		{http.MethodGet, "/my/meetings/:id/outcome", "outcome", LoggedIn, s.handleOutcome},
		{http.MethodPost, "/my/meetings/:id/outcome", "outcome.save", LoggedIn, s.handleOutcomeSave},
		{http.MethodGet, "/organizer/matchmaking/results", "results", Organizer, s.handleResults},
		// (end of recommendation, interpreter and outcome routes)
		// (end of matchmaking routes)

		// Audit log (read-only: there is no route that changes it).
		{http.MethodGet, "/organizer/audit", "audit", Organizer, s.handleAudit},

		{http.MethodGet, "/api/v1/openapi.json", "api.openapi", Public, s.handleOpenAPI},
		{http.MethodPost, "/api/v1/tokens", "api.tokens.create", Public, s.handleAPITokenCreate},
		{http.MethodGet, "/api/v1/me", "api.me", Token, s.handleAPIMe},
		// Exhibitor API.
		{http.MethodGet, "/api/v1/exhibitors", "api.exhibitors", Public, s.handleAPIExhibitors},
		{http.MethodGet, "/api/v1/exhibitors/:slug", "api.exhibitors.view", Public, s.handleAPIExhibitor},
		// (end of exhibitor API routes)
		// Forum API.
		{http.MethodGet, "/api/v1/forums", "api.forums", Public, s.handleAPIForums},
		{http.MethodGet, "/api/v1/forums/:id", "api.forums.view", Public, s.handleAPIForum},
		{http.MethodPost, "/api/v1/forums/:id/registration", "api.forums.register", Token, s.handleAPIRegister},
		{http.MethodDelete, "/api/v1/forums/:id/registration", "api.forums.cancel", Token, s.handleAPICancel},
		// (end of forum API routes)
		// Matchmaking API.
		{http.MethodGet, "/api/v1/exhibitors/:slug/slots", "api.exhibitors.slots", Token, s.handleAPISlots},
		{http.MethodGet, "/api/v1/meetings", "api.meetings", Token, s.handleAPIMeetings},
		{http.MethodPost, "/api/v1/meetings", "api.meetings.create", Token, s.handleAPIMeetingCreate},
		{http.MethodPost, "/api/v1/meetings/:id/accept", "api.meetings.accept", Token, s.handleAPIMeetingAccept},
		{http.MethodPost, "/api/v1/meetings/:id/decline", "api.meetings.decline", Token, s.handleAPIMeetingDecline},
		{http.MethodPost, "/api/v1/meetings/:id/cancel", "api.meetings.cancel", Token, s.handleAPIMeetingCancel},
		// (end of matchmaking API routes)
	})
}
