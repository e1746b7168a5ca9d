package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"expo/internal/web"
)

// The accessibility audit: every HTML page of the route table, for the
// visitor its Access allows, at a desktop and a phone width, checked with
// axe-core; any violation of impact serious or critical fails the test.
//
// A GET route with a path parameter needs an example address in
// a11yExamples (filled from the demo data) or a reason in a11ySkip; a route
// in neither fails TestA11yRouteTableCovered, so a new page cannot escape the
// audit.

// a11yActor is who looks at a page: "" for an anonymous visitor, else the
// e-mail of a demo account.
type a11yActor struct {
	name  string
	email string
}

var (
	actorAnonymous = a11yActor{"anonymous", ""}
	actorAttendee  = a11yActor{"attendee", "attendee1@demo.expo"}
	actorExhibitor = a11yActor{"exhibitor", "exhibitor1@demo.expo"}
	actorOrganizer = a11yActor{"organizer", "organizer@demo.expo"}
	// lookUpDemo makes this attendee an interpreter.
	actorInterpreter = a11yActor{"interpreter", "attendee2@demo.expo"}
	a11yActors       = []a11yActor{actorAnonymous, actorAttendee, actorExhibitor, actorOrganizer, actorInterpreter}
)

const a11yDemoPassword = "expo-demo"

// a11yActorsOf names the visitors of routes that their access alone does
// not pick well: pages for some of the logged-in users only.
var a11yActorsOf = map[string][]a11yActor{
	"wishes":          {actorAttendee, actorExhibitor},
	"recommendations": {actorAttendee, actorExhibitor},
	"outcome":         {actorAttendee},
	"interpreting":    {actorInterpreter},
}

// a11yStatus is the answer a page gives on purpose with the demo data
// (the page is still audited); every other page must answer 200.
var a11yStatus = map[string]int{
	"setup": http.StatusConflict, // set up already: the page says so
}

// actorsFor is who visits a route.
func actorsFor(r web.RouteInfo) []a11yActor {
	if as, ok := a11yActorsOf[r.Name]; ok {
		return as
	}
	switch r.Access {
	case web.Public, web.Anonymous:
		return []a11yActor{actorAnonymous}
	case web.LoggedIn:
		return []a11yActor{actorAttendee, actorOrganizer}
	case web.Organizer:
		return []a11yActor{actorOrganizer}
	case web.Exhibitor:
		return []a11yActor{actorExhibitor}
	case web.Attendee:
		return []a11yActor{actorAttendee}
	}
	return nil
}

// a11ySkip lists the GET routes that are not HTML pages, with the reason.
var a11ySkip = map[string]string{
	"healthz":              "plain-text health check",
	"readyz":               "plain-text readiness check",
	"static":               "CSS, JavaScript and icons",
	"logo":                 "an exhibitor's logo image",
	"notifications.badge":  "htmx fragment (the unread count inside the nav, audited with every page)",
	"review.export":        "CSV download",
	"forums.ics":           "iCalendar feed",
	"calendar.personal":    "iCalendar feed",
	"schedule.ics":         "iCalendar feed",
	"schedule.xml":         "Frab schedule XML",
	"schedule.json":        "Frab schedule JSON",
	"api.openapi":          "JSON API description",
	"api.me":               "JSON API",
	"api.exhibitors":       "JSON API",
	"api.exhibitors.view":  "JSON API",
	"api.forums":           "JSON API",
	"api.forums.view":      "JSON API",
	"api.exhibitors.slots": "JSON API",
	"api.meetings":         "JSON API",
}

// demoRefs are real ids, slugs and secrets of the demo data, looked up
// through the app itself, to fill in path parameters.
type demoRefs struct {
	slug, hallCode, hallID, boothID           string
	applicationID, approvedID                 string
	forumID, planForumID, sessionID, roomID   string
	hoursDay, speakerID, interpreterID        string
	meetingID, schedulerRun, importID, invite string
}

// a11yExamples gives an address for every GET route with a path parameter.
// Routes without one are visited at their own path.
var a11yExamples = map[string]func(d *demoRefs) string{
	"invite":                      func(d *demoRefs) string { return "/invite/" + d.invite },
	"review.import.progress":      func(d *demoRefs) string { return "/organizer/exhibitors/import/" + d.importID },
	"review.view":                 func(d *demoRefs) string { return "/organizer/exhibitors/" + d.applicationID },
	"directory.profile":           func(d *demoRefs) string { return "/exhibitors/" + d.slug },
	"floorplan.hall":              func(d *demoRefs) string { return "/floorplan/" + d.hallCode },
	"halls.edit":                  func(d *demoRefs) string { return "/organizer/halls/" + d.hallID },
	"booths.edit":                 func(d *demoRefs) string { return "/organizer/booths/" + d.boothID },
	"exhibitors.booth":            func(d *demoRefs) string { return "/organizer/exhibitors/" + d.approvedID + "/booth" },
	"forums.view":                 func(d *demoRefs) string { return "/forums/" + d.forumID },
	"plan.room":                   func(d *demoRefs) string { return "/organizer/rooms/" + d.roomID },
	"plan.room.delete.confirm":    func(d *demoRefs) string { return "/organizer/rooms/" + d.roomID + "/delete" },
	"plan.hours.delete.confirm":   func(d *demoRefs) string { return "/organizer/hours/" + d.hoursDay + "/delete" },
	"plan.forum":                  func(d *demoRefs) string { return "/organizer/forums/" + d.planForumID },
	"plan.forum.delete.confirm":   func(d *demoRefs) string { return "/organizer/forums/" + d.planForumID + "/delete" },
	"plan.session":                func(d *demoRefs) string { return "/organizer/sessions/" + d.sessionID },
	"plan.session.delete.confirm": func(d *demoRefs) string { return "/organizer/sessions/" + d.sessionID + "/delete" },
	"plan.speaker":                func(d *demoRefs) string { return "/organizer/speakers/" + d.speakerID },
	"plan.speaker.delete.confirm": func(d *demoRefs) string { return "/organizer/speakers/" + d.speakerID + "/delete" },
	"meetings.book":               func(d *demoRefs) string { return "/exhibitors/" + d.slug + "/meet" },
	"wish.form":                   func(d *demoRefs) string { return "/exhibitors/" + d.slug + "/wish" },
	"scheduler.preview":           func(d *demoRefs) string { return d.schedulerRun },
	"interpreters.edit":           func(d *demoRefs) string { return "/organizer/interpreters/" + d.interpreterID },
	"interpreters.delete.confirm": func(d *demoRefs) string { return "/organizer/interpreters/" + d.interpreterID + "/delete" },
	"outcome":                     func(d *demoRefs) string { return "/my/meetings/" + d.meetingID + "/outcome" },
}

// a11yExtras are states of pages that the route table alone does not reach:
// the navigation of every role, the signed-in variants of public pages, the
// other views of a page, error pages, and forms sent empty (their errors
// shown next to the fields). status 0 means 200.
var a11yExtras = []struct {
	actor  a11yActor
	path   func(d *demoRefs) string
	status int
	submit string // a submit button to press before the audit
}{
	{actorAttendee, func(*demoRefs) string { return "/" }, 0, ""},
	{actorExhibitor, func(*demoRefs) string { return "/" }, 0, ""},
	{actorOrganizer, func(*demoRefs) string { return "/" }, 0, ""},
	{actorAttendee, func(d *demoRefs) string { return "/exhibitors/" + d.slug }, 0, ""},
	{actorAttendee, func(d *demoRefs) string { return "/forums/" + d.forumID }, 0, ""},
	{actorAnonymous, func(*demoRefs) string { return "/forums?view=list" }, 0, ""},
	{actorAnonymous, func(*demoRefs) string { return "/exhibitors?q=energy&sort=booth" }, 0, ""},
	{actorAnonymous, func(d *demoRefs) string { return "/floorplan/" + d.hallCode + "?sector=new_energy" }, 0, ""},
	{actorOrganizer, func(*demoRefs) string { return "/organizer/exhibitors?state=approved" }, 0, ""},
	{actorExhibitor, func(*demoRefs) string { return "/my/meetings" }, 0, ""},
	{actorExhibitor, func(*demoRefs) string { return "/my/agenda" }, 0, ""},
	{actorAnonymous, func(*demoRefs) string { return "/no-such-page" }, http.StatusNotFound, ""},
	{actorAttendee, func(*demoRefs) string { return "/organizer" }, http.StatusForbidden, ""},
	{actorAnonymous, func(*demoRefs) string { return "/signup" }, http.StatusUnprocessableEntity, `form[action="/signup"] button[type="submit"]`},
	{actorAnonymous, func(*demoRefs) string { return "/apply" }, http.StatusUnprocessableEntity, `form[action="/apply"] button[value="1"]`},
	{actorAttendee, func(*demoRefs) string { return "/account" }, http.StatusUnprocessableEntity, `form[action="/account/password"] button[type="submit"]`},
	{actorOrganizer, func(*demoRefs) string { return "/organizer/rooms" }, http.StatusUnprocessableEntity, `form[action="/organizer/rooms"] button[type="submit"]`},
}

// a11yVisit is one page the audit opens.
type a11yVisit struct {
	route  string // "extra" for a11yExtras
	path   string
	status int
	submit string
}

// a11yPlan lists, per actor, the pages to audit; an error names each GET
// route that is neither in a11yExamples nor in a11ySkip.
func a11yPlan(d *demoRefs) (map[a11yActor][]a11yVisit, []string) {
	plan := map[a11yActor][]a11yVisit{}
	var problems []string
	for _, r := range web.RouteTable() {
		if r.Method != http.MethodGet {
			continue
		}
		if _, skip := a11ySkip[r.Name]; skip {
			continue
		}
		path := r.Path
		if strings.Contains(r.Path, ":") {
			ex, ok := a11yExamples[r.Name]
			if !ok {
				problems = append(problems, fmt.Sprintf("GET %s (%q) is neither in a11yExamples (an example address from the demo data) nor in a11ySkip (not an HTML page, with the reason)", r.Path, r.Name))
				continue
			}
			path = ex(d)
		}
		actors := actorsFor(r)
		if len(actors) == 0 {
			problems = append(problems, fmt.Sprintf("GET %s (%q) has access %q, which the audit has no visitor for", r.Path, r.Name, r.Access))
		}
		for _, a := range actors {
			status := http.StatusOK
			if s, ok := a11yStatus[r.Name]; ok {
				status = s
			}
			plan[a] = append(plan[a], a11yVisit{route: r.Name, path: path, status: status})
		}
	}
	for _, e := range a11yExtras {
		status := cmp.Or(e.status, http.StatusOK)
		plan[e.actor] = append(plan[e.actor], a11yVisit{route: "extra", path: e.path(d), status: status, submit: e.submit})
	}
	for name := range a11yExamples {
		if !slices.ContainsFunc(web.RouteTable(), func(r web.RouteInfo) bool { return r.Name == name }) {
			problems = append(problems, fmt.Sprintf("a11yExamples names %q, which is not in the route table", name))
		}
	}
	for name := range a11yActorsOf {
		if !slices.ContainsFunc(web.RouteTable(), func(r web.RouteInfo) bool { return r.Name == name }) {
			problems = append(problems, fmt.Sprintf("a11yActorsOf names %q, which is not in the route table", name))
		}
	}
	for name := range a11ySkip {
		if !slices.ContainsFunc(web.RouteTable(), func(r web.RouteInfo) bool { return r.Name == name }) {
			problems = append(problems, fmt.Sprintf("a11ySkip names %q, which is not in the route table", name))
		}
	}
	return plan, problems
}

// TestA11yRouteTableCovered needs neither a browser nor axe: it fails when a
// GET route has no example address and no reason to be skipped.
func TestA11yRouteTableCovered(t *testing.T) {
	_, problems := a11yPlan(&demoRefs{})
	for _, p := range problems {
		t.Error(p)
	}
}

// axeScript returns the source of axe.min.js, or skips the test (fails it
// when CI=1 or EXPO_REQUIRE_AXE=1).
func axeScript(t *testing.T) string {
	t.Helper()
	var candidates []string
	if p := os.Getenv("EXPO_AXE_JS"); p != "" {
		candidates = append(candidates, p)
	}
	candidates = append(candidates, "/opt/axe/node_modules/axe-core/axe.min.js")
	if root, err := moduleRoot(); err == nil {
		candidates = append(candidates, filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
	}
	for _, p := range candidates {
		if b, err := os.ReadFile(p); err == nil {
			return string(b)
		}
	}
	msg := fmt.Sprintf("axe-core not found (looked at %s); install it with `npm install --prefix /opt/axe axe-core` or set EXPO_AXE_JS", strings.Join(candidates, ", "))
	if ci := os.Getenv("CI"); ci == "1" || ci == "true" || os.Getenv("EXPO_REQUIRE_AXE") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// moduleRoot is the directory of go.mod above the test's working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found")
		}
		dir = parent
	}
}

// lookUpDemo finds the demo data's ids through the app, as a visitor would
// find them: by following the links of its pages.
func lookUpDemo(t *testing.T, base string) *demoRefs {
	t.Helper()
	org := logInHTTP(t, base, actorOrganizer.email)
	att := logInHTTP(t, base, actorAttendee.email)
	exh := logInHTTP(t, base, actorExhibitor.email)
	d := &demoRefs{}

	d.slug = firstLink(t, org.get("/exhibitors"), `^/exhibitors/([^/?]+)$`)
	d.hallCode = firstLink(t, org.get("/floorplan"), `^/floorplan/([^/.?]+)$`)
	d.hallID = firstLink(t, org.get("/organizer/halls"), `^/organizer/halls/(\d+)$`)
	d.boothID = firstLink(t, org.get("/organizer/halls/"+d.hallID), `^/organizer/booths/(\d+)$`)
	d.applicationID = firstLink(t, org.get("/organizer/exhibitors"), `^/organizer/exhibitors/(\d+)$`)
	d.approvedID = firstLink(t, org.get("/organizer/exhibitors?state=approved"), `^/organizer/exhibitors/(\d+)$`)
	d.forumID = firstLink(t, org.get("/forums?view=list"), `^/forums/(\d+)$`)
	d.planForumID = firstLink(t, org.get("/organizer/forums"), `^/organizer/forums/(\d+)$`)
	d.sessionID = firstLink(t, org.get("/organizer/forums/"+d.planForumID), `^/organizer/sessions/(\d+)$`)
	rooms := org.get("/organizer/rooms")
	d.roomID = firstLink(t, rooms, `^/organizer/rooms/(\d+)$`)
	d.hoursDay = firstLink(t, rooms, `^/organizer/hours/([0-9-]+)/delete$`)
	d.speakerID = firstLink(t, org.get("/organizer/speakers"), `^/organizer/speakers/(\d+)$`)
	d.interpreterID = firstLink(t, org.get("/organizer/interpreters"), `^/organizer/interpreters/(\d+)$`)
	// Before the expo no meeting is over yet, so no page links an outcome
	// form; any of the attendee's meetings opens it.
	meetings := att.get("/my/meetings")
	meetings.Doc.Find(`[id^="meeting-"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		d.meetingID, _ = strings.CutPrefix(s.AttrOr("id", ""), "meeting-")
		return d.meetingID == ""
	})
	if d.meetingID == "" {
		t.Fatalf("attendee1 has no meeting on %s", meetings.URL)
	}

	run := org.get("/organizer/matchmaking/scheduler/run")
	if run.Status != http.StatusOK || !strings.HasPrefix(run.URL.Path, "/organizer/matchmaking/scheduler/") {
		t.Fatalf("running the scheduler ended at %s with status %d", run.URL, run.Status)
	}
	d.schedulerRun = run.URL.Path

	// An invitation link is shown once, on the team page, after creating it.
	team := exh.submit(exh.get("/exhibitor/team"), `form[action="/exhibitor/team/invite"]`, nil)
	if m := regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`).FindStringSubmatch(team.Doc.Find("#invite-link").AttrOr("value", "")); m != nil {
		d.invite = m[1]
	} else {
		t.Fatalf("no invitation link on the team page after creating one")
	}

	d.importID = importOne(t, org)

	// Link the first interpreter to an account, which then has its own
	// page of meetings to interpret.
	it := org.get("/organizer/interpreters/" + d.interpreterID)
	sel := `form[action="/organizer/interpreters/` + d.interpreterID + `"]`
	fields := url.Values{"name": {it.Doc.Find(sel+` input[name="name"]`).AttrOr("value", "")}, "email": {actorInterpreter.email}}
	it.Doc.Find(sel + ` input[name="pairs"]:checked`).Each(func(_ int, in *goquery.Selection) {
		fields.Add("pairs", in.AttrOr("value", ""))
	})
	if saved := org.submit(it, sel, fields); saved.Status != http.StatusOK || saved.Doc.Find(".field-error").Length() > 0 {
		t.Fatalf("linking an interpreter to %s: status %d, %s", actorInterpreter.email, saved.Status, saved.Doc.Find(".field-error").Text())
	}
	return d
}

// logInHTTP is an HTTP client logged in as email (with the demo password).
func logInHTTP(t *testing.T, base, email string) *browser {
	t.Helper()
	b := newBrowser(t, base)
	p := b.submit(b.get("/login"), `form[action="/login"]`, url.Values{"email": {email}, "password": {a11yDemoPassword}})
	if p.Doc.Find(`form[action="/logout"]`).Length() == 0 {
		t.Fatalf("log in as %s failed: at %s, status %d", email, p.URL, p.Status)
	}
	return b
}

// firstLink is the first capture of pattern among the links of p.
func firstLink(t *testing.T, p page, pattern string) string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	var found string
	p.Doc.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		if m := re.FindStringSubmatch(a.AttrOr("href", "")); m != nil {
			found = m[1]
			return false
		}
		return true
	})
	if found == "" {
		t.Fatalf("%s (status %d) has no link matching %s", p.URL, p.Status, pattern)
	}
	return found
}

// importOne imports one company from a CSV file, as an organizer does, and
// returns the id of the import's progress page.
func importOne(t *testing.T, org *browser) string {
	t.Helper()
	form := org.get("/organizer/exhibitors/import")
	csrf := form.Doc.Find(`form[action="/organizer/exhibitors/import"] input[name="_csrf"]`).AttrOr("value", "")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", csrf)
	fw, err := mw.CreateFormFile("file", "pavilion.csv")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(fw, "name,name_latin,country,sectors,description,contact_name,contact_email,contact_phone,booth_wish,raw_space_m2,languages\n"+
		"Audit Pavilion,Audit Pavilion,MN,logistics,Freight forwarding,Bat,bat@audit.example.mn,+976 11 120000,standard,,mn;ru\n")
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, org.base+"/organizer/exhibitors/import", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	checked := org.read(org.c.Do(req))
	if checked.Status != http.StatusOK {
		t.Fatalf("import dry run: status %d", checked.Status)
	}
	done := org.submit(checked, `form[action$="/run"]`, url.Values{"state": {"submitted"}})
	id, ok := strings.CutPrefix(done.URL.Path, "/organizer/exhibitors/import/")
	if !ok || done.Status != http.StatusOK {
		t.Fatalf("import run ended at %s with status %d", done.URL, done.Status)
	}
	return id
}

// axeViolation is the part of an axe-core result the report shows.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Count  int    `json:"count"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// axeRun runs axe-core on the loaded page and keeps the serious and critical
// violations, with the first few elements of each.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
	.filter(v => v.impact === "serious" || v.impact === "critical")
	.map(v => ({id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
		nodes: v.nodes.slice(0, 4).map(n => ({target: n.target.join(" "), html: n.html.slice(0, 240), summary: n.failureSummary}))})))`

// pageFacts is what the audit checks about a page before running axe.
type pageFacts struct {
	Status      int    `json:"status"`
	ContentType string `json:"contentType"`
	Path        string `json:"path"`
}

const pageFactsJS = `(() => {
	const nav = performance.getEntriesByType("navigation")[0];
	return {status: nav ? nav.responseStatus : 0, contentType: document.contentType,
		path: location.pathname + location.search};
})()`

type a11yWidth struct {
	name          string
	width, height int64
	phone         bool
}

var a11yWidths = []a11yWidth{
	{"desktop 1366px", 1366, 900, false},
	{"phone 390px", 390, 844, true},
}

// TestA11yAudit opens every page of the route table (and a11yExtras) for
// the visitor its access allows, at 1366 and 390 pixels, and fails on any
// axe-core violation of impact serious or critical.
func TestA11yAudit(t *testing.T) {
	findChromium(t)
	axe := axeScript(t)
	t.Parallel()
	app := startApp(t, "", "--demo")
	demo := lookUpDemo(t, app.URL)
	plan, problems := a11yPlan(demo)
	for _, p := range problems {
		t.Error(p)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	browserCtx, _ := newBrowserContext(t, ctx)

	pages, failures := 0, map[string]int{}
	for _, actor := range a11yActors {
		// A fresh browser context per visitor: its own cookies, one tab.
		tab, closeTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
		if actor.email != "" {
			step(t, tab, "log in as "+actor.email,
				chromedp.Navigate(app.URL+"/login"),
				chromedp.WaitVisible(chromedp.ID("f-email")),
				chromedp.SendKeys(chromedp.ID("f-email"), actor.email),
				chromedp.SendKeys(chromedp.ID("f-password"), a11yDemoPassword+kb.Enter),
				chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
			)
		}
		// Each page loads once and is audited at both widths: the viewport
		// changes under it (media queries apply at once), in alternating
		// order so that each page costs one change.
		widths := slices.Clone(a11yWidths)
		a11ySetWidth(t, tab, widths[0])
		for _, v := range plan[actor] {
			facts, err := a11yOpenPage(tab, app.URL+v.path, v.submit, axe)
			want := v.status
			page := fmt.Sprintf("%s as %s", v.path, actor.name)
			if v.submit != "" {
				page = fmt.Sprintf("%s sent empty (%s) as %s", v.path, v.submit, actor.name)
			}
			if v.route != "extra" {
				page = fmt.Sprintf("GET %s (route %s) as %s", v.path, v.route, actor.name)
			}
			switch {
			case err != nil:
				t.Errorf("%s: %v", page, err)
				continue
			case facts.Status != want || !strings.HasPrefix(facts.ContentType, "text/html"):
				t.Errorf("%s: status %d, %s (ended at %s), want %d text/html; fix the example address, or add the route to a11ySkip if it is not an HTML page",
					page, facts.Status, facts.ContentType, facts.Path, want)
				continue
			}
			for i, w := range widths {
				if i > 0 {
					a11ySetWidth(t, tab, w)
				}
				where := page + " at " + w.name
				pages++
				overflow, violations, err := a11yRunAxe(tab)
				if err != nil {
					t.Errorf("%s: %v", where, err)
					continue
				}
				if w.phone && overflow > 0 {
					t.Logf("note: %s scrolls sideways by %d px", where, overflow)
				}
				for _, v := range violations {
					failures[v.ID]++
					var b strings.Builder
					fmt.Fprintf(&b, "%s: axe %s (%s): %s — %d element(s)", where, v.ID, v.Impact, v.Help, v.Count)
					for _, n := range v.Nodes {
						fmt.Fprintf(&b, "\n    %s\n      %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
					}
					t.Error(b.String())
				}
			}
			slices.Reverse(widths)
		}
		closeTab()
	}
	t.Logf("audited %d page views (%d visitors, %d widths); serious/critical violations by rule: %v", pages, len(a11yActors), len(a11yWidths), failures)
}

func a11ySetWidth(t *testing.T, tab context.Context, w a11yWidth) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if w.phone {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	step(t, tab, "set the viewport to "+w.name, chromedp.EmulateViewport(w.width, w.height, opts...))
}

// a11yOpenPage opens url in the tab (and presses the submit button, when
// given, waiting for the answer), waits for htmx to settle and injects
// axe-core (CDP's Runtime.evaluate is not subject to the page's CSP).
func a11yOpenPage(tab context.Context, url, submit, axe string) (pageFacts, error) {
	if err := chromedp.Do(tab,
		chromedp.Navigate(url),
		chromedp.WaitReady(chromedp.CSS("body")),
	); err != nil {
		return pageFacts{}, fmt.Errorf("open: %w", err)
	}
	if submit != "" {
		origin, err := chromedp.Run(tab, chromedp.Evaluate[float64](`performance.timeOrigin`))
		if err == nil {
			err = chromedp.Do(tab, chromedp.Click(chromedp.CSS(submit)))
		}
		// The answer is a new document; evaluating during the navigation
		// may fail, so ask again until it is there.
		for deadline := time.Now().Add(15 * time.Second); err == nil; {
			done, e := chromedp.Run(tab, chromedp.Evaluate[bool](fmt.Sprintf(`performance.timeOrigin !== %v && document.readyState === "complete"`, origin)))
			if e == nil && done {
				break
			}
			if time.Now().After(deadline) {
				err = fmt.Errorf("no answer within 15s (last error: %v)", e)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			return pageFacts{}, fmt.Errorf("send the form with %s: %w", submit, err)
		}
	}
	facts, err := chromedp.Run(tab, chromedp.Evaluate[pageFacts](pageFactsJS))
	if err != nil {
		return facts, fmt.Errorf("read the page: %w", err)
	}
	if !strings.HasPrefix(facts.ContentType, "text/html") {
		return facts, nil
	}
	// htmx requests started at load (the unread badge) finish first.
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`!document.querySelector(".htmx-request")`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		return facts, fmt.Errorf("wait for htmx: %w", err)
	}
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](axe+"\n;undefined")); err != nil {
		return facts, fmt.Errorf("inject axe-core: %w", err)
	}
	return facts, nil
}

// a11yRunAxe runs axe-core on the page as it is laid out now; it also says by
// how many pixels the page scrolls sideways.
func a11yRunAxe(tab context.Context) (int, []axeViolation, error) {
	overflow, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	if err != nil {
		return 0, nil, fmt.Errorf("measure the page: %w", err)
	}
	raw, err := chromedp.Run(tab, chromedp.Evaluate[json.RawMessage](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return overflow, nil, fmt.Errorf("run axe-core: %w", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		return overflow, nil, fmt.Errorf("read axe-core's result %.200s: %w", raw, err)
	}
	return overflow, vs, nil
}
