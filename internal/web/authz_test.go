package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
	"expo/internal/store"
)

// The authorization matrix: every route of the route table, requested by
// each of six actors, with the outcome each must get. A route without a row
// (or a row without a route) fails the test, so a new route cannot ship
// without someone deciding who may use it.
//
// Besides the role checks of requireAccess the rows cover object-level
// rules: company B's exhibitor against company A's profile, team, slots and
// meetings; attendee 2 against attendee 1's meetings, registrations,
// tokens and calendar feed. Around every request by an actor that is not
// allowed, a snapshot of A's and attendee 1's data must not change, and no
// answer to such an actor may contain their secrets.

// The six actors, in the order of a row's outcomes.
const (
	actAnon = iota
	actAtt1
	actAtt2
	actExA
	actExB
	actOrg
	actors
)

var actorNames = [actors]string{"anonymous", "attendee1", "attendee2", "exhibitorA", "exhibitorB", "organizer"}

// Outcomes of one request.
const (
	outOK    = "ok"    // GET: 2xx or a 3xx not to the login page; POST: handled (2xx, 3xx, 400, 409, 422)
	outLogin = "login" // GET: 303 to /login?next=; POST and API: 401
	outDeny  = "deny"  // 403
	outNone  = "none"  // 404: someone else's object looks like no object
	outAway  = "away"  // 303 to /account: a page for visitors only
	outTaken = "taken" // 409: the action does not fit the object's state (for anyone)
)

// authzRow is one route's line of the matrix.
type authzRow struct {
	path string // with the parameters filled from the fixture
	// want holds six outcomes separated by spaces: anonymous, attendee1,
	// attendee2, exhibitorA, exhibitorB, organizer.
	want string
	form url.Values // a POST's fields besides _csrf
	json string     // an API request's body
}

// authzFixture is the demo expo plus the objects the rows point at.
type authzFixture struct {
	att1, att2, exA, exB, org expo.User
	a, b                      expo.Exhibitor
	memberA                   int64  // a second member of company A
	inviteA                   string // an unused team invitation of A
	meeting                   int64  // attendee1's pending request to A
	meetingSecret             string // its message
	meetingAPI                int64  // a second one, for the API rows
	feedFile                  string // attendee1's calendar feed file name
	tokens                    [actors]string
	tokenRevoke               int64 // id of a second API token of attendee1
	slot                      int64 // the slot of the meeting
	forum, forumDel           int64 // published forums; forumDel is deleted by its row
	draft                     int64
	session, sessionDel       int64
	room, roomDel             int64
	speaker, speakerDel       int64
	hall, hallDel             int64
	hallCode                  string
	booth, boothDel           int64
	interp, interpDel         int64
	block, blockDel           int64
	day, dayDel               string
	preview                   string // the organizer's scheduler preview
}

func id64(n int64) string { return strconv.FormatInt(n, 10) }

// authzTable is the matrix. Keep it in the order of routes.go.
func authzTable(f authzFixture) map[string]authzRow {
	var (
		forum   = "/forums/" + id64(f.forum)
		meeting = "/my/meetings/" + id64(f.meeting)
		apiMeet = "/api/v1/meetings/" + id64(f.meetingAPI)
		exA     = "/organizer/exhibitors/" + id64(f.a.ID)
	)
	return map[string]authzRow{
		"home":    {path: "/", want: "ok ok ok ok ok ok"},
		"healthz": {path: "/healthz", want: "ok ok ok ok ok ok"},
		"readyz":  {path: "/readyz", want: "ok ok ok ok ok ok"},
		"static":  {path: "/static/nope.css", want: "none none none none none none"},
		"lang":    {path: "/lang", want: "ok ok ok ok ok ok", form: values("lang", "en")},
		// Setup is done once; afterwards it is refused for everyone.
		"setup":         {path: "/setup", want: "taken taken taken taken taken taken"},
		"setup.submit":  {path: "/setup", want: "taken taken taken taken taken taken"},
		"signup":        {path: "/signup", want: "ok away away away away away"},
		"signup.submit": {path: "/signup", want: "ok ok ok ok ok ok"},
		"login":         {path: "/login", want: "ok away away away away away"},
		"login.submit":  {path: "/login", want: "ok ok ok ok ok ok"},
		"logout":        {path: "/logout", want: "login ok ok ok ok ok"},

		"account":               {path: "/account", want: "login ok ok ok ok ok"},
		"account.profile":       {path: "/account/profile", want: "login ok ok ok ok ok"},
		"account.password":      {path: "/account/password", want: "login ok ok ok ok ok"},
		"account.tokens.create": {path: "/account/tokens", want: "login ok ok ok ok ok", form: values("name", "")},
		// Only attendee1 holds this token; for everyone else it does not exist.
		"account.tokens.revoke": {path: "/account/tokens/" + id64(f.tokenRevoke) + "/revoke", want: "login ok none none none none"},

		"organizer": {path: "/organizer", want: "login deny deny deny deny ok"},
		"audit":     {path: "/organizer/audit", want: "login deny deny deny deny ok"},

		"apply":                  {path: "/apply", want: "ok ok ok ok ok ok"},
		"apply.submit":           {path: "/apply", want: "ok ok ok ok ok ok"},
		"exhibitor":              {path: "/exhibitor", want: "login deny deny ok ok deny"},
		"exhibitor.submit":       {path: "/exhibitor/submit", want: "login deny deny ok ok deny"},
		"exhibitor.withdraw":     {path: "/exhibitor/withdraw", want: "login deny deny ok ok deny"},
		"exhibitor.profile":      {path: "/exhibitor/profile", want: "login deny deny ok ok deny"},
		"exhibitor.profile.save": {path: "/exhibitor/profile", want: "login deny deny ok ok deny"},
		"exhibitor.logo":         {path: "/exhibitor/logo", want: "login deny deny ok ok deny"},
		"logo":                   {path: "/logos/" + id64(f.a.ID), want: "ok ok ok ok ok ok"},
		"exhibitor.team":         {path: "/exhibitor/team", want: "login deny deny ok ok deny"},
		"exhibitor.team.invite":  {path: "/exhibitor/team/invite", want: "login deny deny ok ok deny"},
		"exhibitor.team.remove":  {path: "/exhibitor/team/" + id64(f.memberA) + "/remove", want: "login deny deny ok none deny"},
		"invite":                 {path: "/invite/" + f.inviteA, want: "ok ok ok ok ok ok"},
		"invite.accept":          {path: "/invite/" + f.inviteA, want: "ok ok ok ok ok ok"},
		"notifications":          {path: "/notifications", want: "login ok ok ok ok ok"},
		"notifications.read":     {path: "/notifications/read", want: "login ok ok ok ok ok"},
		"notifications.badge":    {path: "/notifications/badge", want: "login ok ok ok ok ok"},
		"review":                 {path: "/organizer/exhibitors", want: "login deny deny deny deny ok"},
		"review.bulk":            {path: "/organizer/exhibitors/bulk", want: "login deny deny deny deny ok"},
		"review.export":          {path: "/organizer/exhibitors.csv", want: "login deny deny deny deny ok"},
		"review.import":          {path: "/organizer/exhibitors/import", want: "login deny deny deny deny ok"},
		"review.import.check":    {path: "/organizer/exhibitors/import", want: "login deny deny deny deny ok"},
		// No import is waiting: the organizer gets past the role check to a 404.
		// No import is waiting: the organizer passes the role check and gets a 404.
		"review.import.run":       {path: "/organizer/exhibitors/import/nope/run", want: "login deny deny deny deny none", form: values("state", "submitted")},
		"review.import.progress":  {path: "/organizer/exhibitors/import/nope", want: "login deny deny deny deny none"},
		"review.view":             {path: exA, want: "login deny deny deny deny ok"},
		"review.transition":       {path: exA + "/transition", want: "login deny deny deny deny ok"},
		"review.invite":           {path: exA + "/invite", want: "login deny deny deny deny ok"},
		"directory":               {path: "/exhibitors?q=%27+OR+1%3D1+--", want: "ok ok ok ok ok ok"},
		"directory.profile":       {path: "/exhibitors/" + f.a.Slug, want: "ok ok ok ok ok ok"},
		"floorplan":               {path: "/floorplan", want: "ok ok ok ok ok ok"},
		"floorplan.hall":          {path: "/floorplan/" + f.hallCode, want: "ok ok ok ok ok ok"},
		"halls":                   {path: "/organizer/halls", want: "login deny deny deny deny ok"},
		"halls.create":            {path: "/organizer/halls", want: "login deny deny deny deny ok"},
		"halls.edit":              {path: "/organizer/halls/" + id64(f.hall), want: "login deny deny deny deny ok"},
		"halls.update":            {path: "/organizer/halls/" + id64(f.hall), want: "login deny deny deny deny ok"},
		"halls.delete":            {path: "/organizer/halls/" + id64(f.hallDel) + "/delete", want: "login deny deny deny deny ok"},
		"booths.create":           {path: "/organizer/halls/" + id64(f.hall) + "/booths", want: "login deny deny deny deny ok"},
		"booths.row":              {path: "/organizer/halls/" + id64(f.hall) + "/row", want: "login deny deny deny deny ok"},
		"booths.edit":             {path: "/organizer/booths/" + id64(f.booth), want: "login deny deny deny deny ok"},
		"booths.update":           {path: "/organizer/booths/" + id64(f.booth), want: "login deny deny deny deny ok"},
		"booths.delete":           {path: "/organizer/booths/" + id64(f.boothDel) + "/delete", want: "login deny deny deny deny ok"},
		"booths.assign":           {path: "/organizer/booths/" + id64(f.booth) + "/assign", want: "login deny deny deny deny ok"},
		"booths.unassign":         {path: "/organizer/booths/" + id64(f.booth) + "/unassign", want: "login deny deny deny deny ok"},
		"exhibitors.booth":        {path: exA + "/booth", want: "login deny deny deny deny ok"},
		"exhibitors.booth.assign": {path: exA + "/booth", want: "login deny deny deny deny ok"},

		"forums":                      {path: "/forums", want: "ok ok ok ok ok ok"},
		"forums.view":                 {path: forum, want: "ok ok ok ok ok ok"},
		"forums.ics":                  {path: forum + "/calendar.ics", want: "ok ok ok ok ok ok"},
		"forums.register":             {path: forum + "/register", want: "login ok ok deny deny deny"},
		"forums.cancel":               {path: forum + "/cancel", want: "login ok ok deny deny deny"},
		"agenda":                      {path: "/my/agenda", want: "login ok ok ok ok ok"},
		"agenda.feed.rotate":          {path: "/my/agenda/feed", want: "login ok ok ok ok ok"},
		"agenda.feed.revoke":          {path: "/my/agenda/feed/revoke", want: "login ok ok ok ok ok"},
		"calendar.personal":           {path: "/calendar/" + f.feedFile, want: "ok ok ok ok ok ok"},
		"schedule.ics":                {path: "/schedule.ics", want: "ok ok ok ok ok ok"},
		"schedule.xml":                {path: "/schedule.xml", want: "ok ok ok ok ok ok"},
		"schedule.json":               {path: "/schedule.json", want: "ok ok ok ok ok ok"},
		"plan.rooms":                  {path: "/organizer/rooms", want: "login deny deny deny deny ok"},
		"plan.rooms.create":           {path: "/organizer/rooms", want: "login deny deny deny deny ok"},
		"plan.room":                   {path: "/organizer/rooms/" + id64(f.room), want: "login deny deny deny deny ok"},
		"plan.room.update":            {path: "/organizer/rooms/" + id64(f.room), want: "login deny deny deny deny ok"},
		"plan.room.delete.confirm":    {path: "/organizer/rooms/" + id64(f.roomDel) + "/delete", want: "login deny deny deny deny ok"},
		"plan.room.delete":            {path: "/organizer/rooms/" + id64(f.roomDel) + "/delete", want: "login deny deny deny deny ok"},
		"plan.hours.set":              {path: "/organizer/hours", want: "login deny deny deny deny ok"},
		"plan.hours.delete.confirm":   {path: "/organizer/hours/" + f.dayDel + "/delete", want: "login deny deny deny deny ok"},
		"plan.hours.delete":           {path: "/organizer/hours/" + f.dayDel + "/delete", want: "login deny deny deny deny ok"},
		"plan.forums":                 {path: "/organizer/forums", want: "login deny deny deny deny ok"},
		"plan.forums.create":          {path: "/organizer/forums", want: "login deny deny deny deny ok"},
		"plan.forums.new":             {path: "/organizer/forums/new", want: "login deny deny deny deny ok"},
		"plan.forum":                  {path: "/organizer/forums/" + id64(f.draft), want: "login deny deny deny deny ok"},
		"plan.forum.update":           {path: "/organizer/forums/" + id64(f.draft), want: "login deny deny deny deny ok"},
		"plan.forum.publish":          {path: "/organizer/forums/" + id64(f.draft) + "/publish", want: "login deny deny deny deny ok"},
		"plan.forum.unpublish":        {path: "/organizer/forums/" + id64(f.forumDel) + "/unpublish", want: "login deny deny deny deny ok"},
		"plan.forum.delete.confirm":   {path: "/organizer/forums/" + id64(f.forumDel) + "/delete", want: "login deny deny deny deny ok"},
		"plan.forum.delete":           {path: "/organizer/forums/" + id64(f.forumDel) + "/delete", want: "login deny deny deny deny ok"},
		"plan.session.create":         {path: "/organizer/forums/" + id64(f.draft) + "/sessions", want: "login deny deny deny deny ok"},
		"plan.session":                {path: "/organizer/sessions/" + id64(f.session), want: "login deny deny deny deny ok"},
		"plan.session.update":         {path: "/organizer/sessions/" + id64(f.session), want: "login deny deny deny deny ok"},
		"plan.session.move":           {path: "/organizer/sessions/" + id64(f.session) + "/move", want: "login deny deny deny deny ok"},
		"plan.session.delete.confirm": {path: "/organizer/sessions/" + id64(f.sessionDel) + "/delete", want: "login deny deny deny deny ok"},
		"plan.session.delete":         {path: "/organizer/sessions/" + id64(f.sessionDel) + "/delete", want: "login deny deny deny deny ok"},
		"plan.speakers":               {path: "/organizer/speakers", want: "login deny deny deny deny ok"},
		"plan.speakers.create":        {path: "/organizer/speakers", want: "login deny deny deny deny ok"},
		"plan.speaker":                {path: "/organizer/speakers/" + id64(f.speaker), want: "login deny deny deny deny ok"},
		"plan.speaker.update":         {path: "/organizer/speakers/" + id64(f.speaker), want: "login deny deny deny deny ok"},
		"plan.speaker.delete.confirm": {path: "/organizer/speakers/" + id64(f.speakerDel) + "/delete", want: "login deny deny deny deny ok"},
		"plan.speaker.delete":         {path: "/organizer/speakers/" + id64(f.speakerDel) + "/delete", want: "login deny deny deny deny ok"},
		"plan.clashes":                {path: "/organizer/clashes", want: "login deny deny deny deny ok"},
		"plan.timetable":              {path: "/organizer/timetable", want: "login deny deny deny deny ok"},

		// attendee1 asked company A for a meeting: only the two sides see
		// or change it; attendee1 cannot accept its own request.
		"meetings.book":    {path: "/exhibitors/" + f.a.Slug + "/meet", want: "login ok ok deny deny deny"},
		"meetings.request": {path: "/exhibitors/" + f.a.Slug + "/meet", want: "login ok ok deny deny deny"},
		"meetings":         {path: "/my/meetings", want: "login ok ok ok ok ok"},
		"meetings.accept":  {path: meeting + "/accept", want: "login deny none ok none none"},
		// attendee1 cannot answer its own request (decline: 409, accept: 403).
		"meetings.decline":            {path: meeting + "/decline", want: "login taken none ok none none", form: values("reason", "no")},
		"meetings.cancel":             {path: meeting + "/cancel", want: "login ok none ok none none", form: values("reason", "no")},
		"meetings.availability":       {path: "/exhibitor/meetings", want: "login deny deny ok ok deny"},
		"meetings.availability.save":  {path: "/exhibitor/meetings/availability", want: "login deny deny ok ok deny"},
		"meetings.settings":           {path: "/exhibitor/meetings/settings", want: "login deny deny ok ok deny"},
		"meetings.invite":             {path: "/exhibitor/meetings/invite", want: "login deny deny ok ok deny"},
		"matchmaking":                 {path: "/organizer/matchmaking", want: "login deny deny deny deny ok"},
		"matchmaking.blocks.create":   {path: "/organizer/matchmaking/blocks", want: "login deny deny deny deny ok"},
		"matchmaking.blocks.delete":   {path: "/organizer/matchmaking/blocks/" + id64(f.blockDel) + "/delete", want: "login deny deny deny deny ok"},
		"matchmaking.tables":          {path: "/organizer/matchmaking/tables", want: "login deny deny deny deny ok"},
		"wish.form":                   {path: "/exhibitors/" + f.a.Slug + "/wish", want: "login ok ok deny deny deny"},
		"wish.set":                    {path: "/exhibitors/" + f.a.Slug + "/wish", want: "login ok ok deny deny deny"},
		"wishes":                      {path: "/my/wishes", want: "login ok ok ok ok deny"},
		"wishes.add":                  {path: "/my/wishes", want: "login deny deny ok ok deny"},
		"wishes.remove":               {path: "/my/wishes/remove", want: "login ok ok ok ok deny"},
		"scheduler":                   {path: "/organizer/matchmaking/scheduler", want: "login deny deny deny deny ok"},
		"scheduler.run":               {path: "/organizer/matchmaking/scheduler/run", want: "login deny deny deny deny ok"},
		"scheduler.preview":           {path: "/organizer/matchmaking/scheduler/" + f.preview, want: "login deny deny deny deny ok"},
		"scheduler.commit":            {path: "/organizer/matchmaking/scheduler/" + f.preview + "/commit", want: "login deny deny deny deny ok"},
		"recommendations":             {path: "/my/recommendations", want: "login ok ok ok ok deny"},
		"interpreters":                {path: "/organizer/interpreters", want: "login deny deny deny deny ok"},
		"interpreters.create":         {path: "/organizer/interpreters", want: "login deny deny deny deny ok"},
		"interpreters.edit":           {path: "/organizer/interpreters/" + id64(f.interp), want: "login deny deny deny deny ok"},
		"interpreters.update":         {path: "/organizer/interpreters/" + id64(f.interp), want: "login deny deny deny deny ok"},
		"interpreters.availability":   {path: "/organizer/interpreters/" + id64(f.interp) + "/availability", want: "login deny deny deny deny ok"},
		"interpreters.delete.confirm": {path: "/organizer/interpreters/" + id64(f.interpDel) + "/delete", want: "login deny deny deny deny ok"},
		"interpreters.delete":         {path: "/organizer/interpreters/" + id64(f.interpDel) + "/delete", want: "login deny deny deny deny ok"},
		// The last demo attendee (attendee2 here) is also an interpreter.
		"interpreting": {path: "/my/interpreting", want: "login deny ok deny deny deny"},
		"outcome":      {path: meeting + "/outcome", want: "login ok none ok none none"},
		"outcome.save": {path: meeting + "/outcome", want: "login ok none ok none none"},
		"results":      {path: "/organizer/matchmaking/results", want: "login deny deny deny deny ok"},

		"api.openapi":         {path: "/api/v1/openapi.json", want: "ok ok ok ok ok ok"},
		"api.tokens.create":   {path: "/api/v1/tokens", want: "ok ok ok ok ok ok", json: `{"email":"` + demoAttendee2 + `","password":"` + demoPassword + `"}`},
		"api.me":              {path: "/api/v1/me", want: "login ok ok ok ok ok"},
		"api.exhibitors":      {path: "/api/v1/exhibitors", want: "ok ok ok ok ok ok"},
		"api.exhibitors.view": {path: "/api/v1/exhibitors/" + f.a.Slug, want: "ok ok ok ok ok ok"},
		"api.forums":          {path: "/api/v1/forums", want: "ok ok ok ok ok ok"},
		"api.forums.view":     {path: "/api/v1/forums/" + id64(f.forum), want: "ok ok ok ok ok ok"},
		"api.forums.register": {path: "/api/v1/forums/" + id64(f.forum) + "/registration", want: "login ok ok deny deny deny"},
		// Only attendees register; the others have no registration to cancel.
		"api.forums.cancel":    {path: "/api/v1/forums/" + id64(f.forum) + "/registration", want: "login ok ok none none none"},
		"api.exhibitors.slots": {path: "/api/v1/exhibitors/" + f.a.Slug + "/slots", want: "login ok ok ok ok ok"},
		"api.meetings":         {path: "/api/v1/meetings", want: "login ok ok ok ok ok"},
		"api.meetings.create":  {path: "/api/v1/meetings", want: "login ok ok deny deny deny", json: `{"exhibitor":"` + f.a.Slug + `","slot_id":` + id64(f.slot) + `,"language":"en"}`},
		"api.meetings.accept":  {path: apiMeet + "/accept", want: "login deny none ok none none", json: `{}`},
		"api.meetings.decline": {path: apiMeet + "/decline", want: "login taken none ok none none", json: `{"reason":"no"}`},
		"api.meetings.cancel":  {path: apiMeet + "/cancel", want: "login ok none ok none none", json: `{"reason":"no"}`},
	}
}

// destructive rows run after all others, in this order, so that what they
// delete or close does not change the outcome of other rows; logout runs
// last of all and ends the sessions, which are then opened again.
var destructive = []string{
	"plan.session.delete", "plan.forum.unpublish", "plan.forum.delete", "plan.room.delete", "plan.speaker.delete",
	"plan.hours.delete", "booths.delete", "halls.delete", "interpreters.delete", "matchmaking.blocks.delete",
	"exhibitor.team.remove", "account.tokens.revoke", "agenda.feed.rotate", "agenda.feed.revoke", "scheduler.commit",
	"meetings.accept", "meetings.decline", "meetings.cancel",
	"api.meetings.accept", "api.meetings.decline", "api.meetings.cancel",
	"exhibitor.withdraw", "invite.accept", "logout",
}

func TestAuthorizationMatrix(t *testing.T) {
	forEachRaw(t, func(t *testing.T, st *store.Store, raw *gorm.DB) {
		loadDemo(t, st)
		app := newApp(t, st, Config{Limits: unlimited()})
		f, clients := newAuthzFixture(t, app, raw)
		table := authzTable(f)

		routes := app.srv.Routes()
		names := map[string]Route{}
		for _, r := range routes {
			names[r.Name] = r
			if _, ok := table[r.Name]; !ok {
				t.Errorf("route %s %s (%s) has no row in the authorization matrix", r.Method, r.Path, r.Name)
			}
		}
		for name := range table {
			if _, ok := names[name]; !ok {
				t.Errorf("matrix row %q names no route", name)
			}
		}
		order := make([]Route, 0, len(routes))
		last := map[string]int{}
		for i, n := range destructive {
			last[n] = i + 1
		}
		for _, r := range routes {
			if last[r.Name] == 0 {
				order = append(order, r)
			}
		}
		var tail []Route
		for _, r := range routes {
			if last[r.Name] > 0 {
				tail = append(tail, r)
			}
		}
		sort.SliceStable(tail, func(i, j int) bool { return last[tail[i].Name] < last[tail[j].Name] })
		order = append(order, tail...)

		secrets := []struct {
			text   string
			owners []int // actors who may see it
		}{
			{f.meetingSecret, []int{actAtt1, actExA, actOrg}},
			{strings.TrimSuffix(f.feedFile, ".ics"), []int{actAtt1}},
			{f.tokens[actAtt1], []int{actAtt1}},
			{"member-a@example.com", []int{actExA, actOrg}}, // A's team is A's business
		}

		checked := 0
		for _, route := range order {
			row, ok := table[route.Name]
			if !ok {
				continue
			}
			wants := strings.Fields(row.want)
			if len(wants) != actors {
				t.Errorf("%s: want has %d outcomes, need %d", route.Name, len(wants), actors)
				continue
			}
			// Refused actors first, with the protected data checked after
			// each; then the allowed ones, who may change things.
			var seq []int
			for a := 0; a < actors; a++ {
				if wants[a] != outOK {
					seq = append(seq, a)
				}
			}
			for a := 0; a < actors; a++ {
				if wants[a] == outOK {
					seq = append(seq, a)
				}
			}
			for _, a := range seq {
				t.Run(route.Name+"/"+actorNames[a], func(t *testing.T) {
					var before string
					if wants[a] != outOK {
						before = protectedState(t, raw, f)
					}
					r := authzRequest(t, clients[a].in(t), route, row, f.tokens[a], a == actAnon)
					checked++
					got := authzOutcome(route, r)
					// A 409 is a handled POST: the object's state (changed by
					// an earlier row) does not allow the action for anyone.
					if got == outTaken && wants[a] == outOK && route.Method != http.MethodGet {
						got = outOK
					}
					if got != wants[a] {
						t.Errorf("%s %s: %s got %s (status %d, location %q), want %s; body: %.200s",
							route.Method, row.path, actorNames[a], got, r.status, r.location(), wants[a], r.body)
					}
					for _, s := range secrets {
						// A secret in the request's own address may come back in it.
						if s.text != "" && !containsInt(s.owners, a) && !strings.Contains(row.path, s.text) && strings.Contains(r.body, s.text) {
							t.Errorf("%s %s: the answer to %s contains %q, which only %v may see", route.Method, row.path, actorNames[a], s.text, s.owners)
						}
					}
					if wants[a] != outOK {
						if after := protectedState(t, raw, f); after != before {
							t.Errorf("%s %s by %s changed protected data:\nbefore %s\nafter  %s", route.Method, row.path, actorNames[a], before, after)
						}
					}
				})
			}
		}
		t.Logf("%d routes × %d actors: %d requests checked", len(routes), actors, checked)
	})
}

// unlimited are rate limits no test of this file reaches: they make
// hundreds of requests per account.
func unlimited() Limits {
	many := Limit{Every: time.Microsecond, Burst: 1 << 20}
	return Limits{LoginPerIP: many, LoginPerAccount: many, SignupPerIP: many, ActionPerUser: many, TokenPerUser: many, MeetingPerUser: many}
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// authzRequest sends a row's request as an actor: pages with the actor's
// session and anti-forgery token, the API with the actor's bearer token.
func authzRequest(t *testing.T, c *testClient, route Route, row authzRow, token string, anonymous bool) *reply {
	t.Helper()
	if strings.HasPrefix(route.Path, "/api/") {
		if anonymous {
			token = ""
		}
		ct := ""
		if row.json != "" {
			ct = "application/json"
		}
		return c.api(route.Method, row.path, ct, row.json, token)
	}
	if route.Method == http.MethodGet {
		return c.get(row.path)
	}
	form := url.Values{}
	for k, v := range row.form {
		form[k] = v
	}
	form.Set("_csrf", csrfOf(t, c))
	return c.post(row.path, form)
}

// csrfOf is the browser's anti-forgery token: the value of its CSRF
// cookie, which a GET sets when it is missing.
func csrfOf(t *testing.T, c *testClient) string {
	t.Helper()
	u, _ := url.Parse(c.app.ts.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "expo_csrf" {
			return ck.Value
		}
	}
	c.get("/")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "expo_csrf" {
			return ck.Value
		}
	}
	t.Fatal("no anti-forgery cookie")
	return ""
}

// authzOutcome classifies an answer.
func authzOutcome(route Route, r *reply) string {
	switch {
	case r.status >= 500:
		return fmt.Sprintf("server-error-%d", r.status)
	case r.status == http.StatusUnauthorized:
		return outLogin
	case r.status == http.StatusForbidden:
		return outDeny
	case r.status == http.StatusNotFound:
		return outNone
	case r.status == http.StatusConflict:
		return outTaken
	case r.status >= 300 && r.status < 400 && strings.HasPrefix(r.location(), "/login"):
		return outLogin
	case r.status == http.StatusSeeOther && r.location() == "/account" && route.Access == Anonymous && route.Method == http.MethodGet:
		return outAway
	case r.status < 400:
		return outOK
	case route.Method != http.MethodGet && (r.status == http.StatusBadRequest || r.status == http.StatusUnprocessableEntity):
		return outOK // handled: the input was refused, not the actor
	}
	return fmt.Sprintf("status-%d", r.status)
}

// protectedState is company A's and attendee1's data, as text: whatever
// a refused request does, it must not change.
func protectedState(t *testing.T, raw *gorm.DB, f authzFixture) string {
	t.Helper()
	var b strings.Builder
	q := func(label, sql string, args ...any) {
		var rows []map[string]any
		if err := raw.Raw(sql, args...).Scan(&rows).Error; err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		fmt.Fprintf(&b, "%s=%v; ", label, rows)
	}
	q("company", `SELECT * FROM exhibitors WHERE id = ?`, f.a.ID)
	q("sectors", `SELECT * FROM exhibitor_sectors WHERE exhibitor_id = ? ORDER BY 2`, f.a.ID)
	q("team", `SELECT id, email, name, role, exhibitor_id, password_hash FROM users WHERE exhibitor_id = ? ORDER BY id`, f.a.ID)
	q("invites", `SELECT id, used_at FROM exhibitor_invites WHERE exhibitor_id = ? ORDER BY id`, f.a.ID)
	q("logo", `SELECT updated_at FROM exhibitor_logos WHERE exhibitor_id = ?`, f.a.ID)
	q("availability", `SELECT slot_id, booked FROM exhibitor_availability WHERE exhibitor_id = ? ORDER BY slot_id`, f.a.ID)
	q("booth", `SELECT id FROM booths WHERE exhibitor_id = ?`, f.a.ID)
	q("meetings", `SELECT * FROM meetings WHERE id IN (?, ?) ORDER BY id`, f.meeting, f.meetingAPI)
	q("attendee", `SELECT id, email, name, organization, password_hash, locale FROM users WHERE id = ?`, f.att1.ID)
	q("registrations", `SELECT forum_id, status FROM forum_registrations WHERE user_id = ? ORDER BY forum_id`, f.att1.ID)
	q("feed", `SELECT token_hash FROM calendar_feeds WHERE user_id = ?`, f.att1.ID)
	// Not last_used_at: the owner's own earlier calls set it, written in the
	// background within half a second (internal/store/tokentouch.go).
	q("tokens", `SELECT id, user_id, name, prefix, token_hash, created_at FROM api_tokens WHERE user_id = ? ORDER BY id`, f.att1.ID)
	q("wishes", `SELECT exhibitor_id, side, weight FROM meeting_wishes WHERE attendee_id = ? OR exhibitor_id = ? ORDER BY id`, f.att1.ID, f.a.ID)
	return b.String()
}

// newAuthzFixture builds the matrix's objects and logs each actor in.
func newAuthzFixture(t *testing.T, app *testApp, raw *gorm.DB) (authzFixture, [actors]*testClient) {
	t.Helper()
	ctx := context.Background()
	st := app.st
	var f authzFixture
	f.att1, f.att2 = app.user(t, demoAttendee), app.user(t, demoAttendee2)
	f.exA, f.exB = app.user(t, demoExhibitor), app.user(t, "exhibitor2@demo.expo")
	f.org = app.user(t, demoOrganizer)
	var err error
	if f.a, err = st.Application(ctx, *f.exA.ExhibitorID); err != nil {
		t.Fatal(err)
	}
	if f.b, err = st.Application(ctx, *f.exB.ExhibitorID); err != nil {
		t.Fatal(err)
	}

	// A second member of A, and an unused invitation of A.
	secret, _, err := st.CreateInvite(ctx, f.exA.ID, f.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.AcceptInvite(ctx, secret, nil, store.NewMember{Email: "member-a@example.com", Name: "Member of A", Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	f.memberA = m.ID
	if f.inviteA, _, err = st.CreateInvite(ctx, f.exA.ID, f.a.ID); err != nil {
		t.Fatal(err)
	}

	var clients [actors]*testClient
	clients[actAnon] = app.client(t)
	for a, email := range map[int]string{actAtt1: demoAttendee, actAtt2: demoAttendee2, actExA: demoExhibitor, actExB: "exhibitor2@demo.expo", actOrg: demoOrganizer} {
		clients[a] = app.as(t, email)
		u := app.user(t, email)
		tok, info, err := st.CreateToken(ctx, u.ID, "authz")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[a] = tok
		if a == actAtt1 {
			if _, info, err = st.CreateToken(ctx, u.ID, "to revoke"); err != nil {
				t.Fatal(err)
			}
			f.tokenRevoke = info.ID
		}
	}

	// A's logo, public as A is approved.
	exA := clients[actExA]
	if r := exA.multipartPost(exA.get("/exhibitor/profile"), "/exhibitor/logo", nil, "logo", "a.png", pngBytes(t, 20, 20)); r.status != http.StatusSeeOther {
		t.Fatalf("upload A's logo: status %d %v", r.status, r.fieldErrors())
	}

	// attendee1's pending request to A, in a slot free for both.
	if err := st.SetExhibitorMeetingSettings(ctx, f.a.ID, store.MeetingSettings{Tables: 1, AutoAccept: false}); err != nil {
		t.Fatal(err)
	}
	free, err := st.FreeSlots(ctx, f.a.ID, f.att1.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var slots []int64
	for _, s := range free {
		if s.RestrictCountry == "" {
			slots = append(slots, s.ID)
		}
	}
	if len(slots) < 2 {
		t.Fatal("no two free slots for attendee1 with A")
	}
	f.slot = slots[0]
	f.meetingSecret = "authz-secret-message-7f3a"
	meet := "/exhibitors/" + f.a.Slug + "/meet"
	for i, dst := range []*int64{&f.meeting, &f.meetingAPI} {
		if r := clients[actAtt1].fill(meet, meet, values("slot_id", id64(slots[i]), "language", "en", "message", f.meetingSecret)); r.status != http.StatusSeeOther {
			t.Fatalf("book a meeting: status %d %v", r.status, r.fieldErrors())
		}
		if err := raw.Raw(`SELECT id FROM meetings WHERE attendee_id = ? AND exhibitor_id = ? AND slot_id = ?`, f.att1.ID, f.a.ID, slots[i]).Scan(dst).Error; err != nil || *dst == 0 {
			t.Fatalf("the booked meeting: %v", err)
		}
	}

	// attendee1's calendar feed and registration.
	feed, err := st.RotateCalendarFeed(ctx, f.att1.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.feedFile = feed + ".ics"

	ids := func(sql string, args ...any) []int64 {
		var out []int64
		if err := raw.Raw(sql, args...).Scan(&out).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return out
	}
	two := func(label string, v []int64) (int64, int64) {
		if len(v) < 2 {
			t.Fatalf("the demo has fewer than two %s", label)
		}
		return v[0], v[len(v)-1]
	}
	f.forum, f.forumDel = two("published forums", ids(`SELECT id FROM forums WHERE published = ? ORDER BY id`, true))
	if d := ids(`SELECT id FROM forums WHERE published = ? ORDER BY id`, false); len(d) > 0 {
		f.draft = d[0]
	} else {
		t.Fatal("the demo has no draft forum")
	}
	page := clients[actAtt1].get("/forums/" + id64(f.forum))
	if r := clients[actAtt1].submit(page, "/forums/"+id64(f.forum)+"/register", nil); r.status != http.StatusSeeOther {
		t.Fatalf("register attendee1: status %d", r.status)
	}
	f.session = ids(`SELECT id FROM forum_sessions WHERE forum_id = ? ORDER BY id`, f.forum)[0]
	f.sessionDel = ids(`SELECT id FROM forum_sessions WHERE forum_id = ? ORDER BY id`, f.draft)[0]
	f.room, f.roomDel = two("rooms", ids(`SELECT id FROM rooms ORDER BY id`))
	f.speaker, f.speakerDel = two("speakers", ids(`SELECT id FROM speakers ORDER BY id`))
	f.hall, f.hallDel = two("halls", ids(`SELECT id FROM halls ORDER BY id`))
	if err := raw.Raw(`SELECT code FROM halls WHERE id = ?`, f.hall).Scan(&f.hallCode).Error; err != nil {
		t.Fatal(err)
	}
	f.booth, f.boothDel = two("booths", ids(`SELECT id FROM booths ORDER BY id`))
	f.interp, f.interpDel = two("interpreters", ids(`SELECT id FROM interpreters ORDER BY id`))
	f.block, f.blockDel = two("blocks", ids(`SELECT id FROM negotiation_blocks ORDER BY id`))
	var days []string
	if err := raw.Raw(`SELECT day FROM opening_hours ORDER BY day`).Scan(&days).Error; err != nil || len(days) < 2 {
		t.Fatalf("opening hours: %v", err)
	}
	f.day, f.dayDel = days[0], days[len(days)-1]

	run := clients[actOrg].get("/organizer/matchmaking/scheduler/run")
	f.preview = strings.TrimPrefix(run.location(), "/organizer/matchmaking/scheduler/")
	if run.status != http.StatusSeeOther || f.preview == "" {
		t.Fatalf("scheduler run: status %d to %q", run.status, run.location())
	}
	return f, clients
}
