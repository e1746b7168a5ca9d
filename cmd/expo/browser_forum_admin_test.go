package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browserPublishForum is the organizer's part of the forum journey, for any
// browser test to reuse: logged in as an organizer at base, it creates a
// forum through /organizer/forums/new, adds one session on the first expo
// day (firstDay, midnight in the expo time zone) from 09:30 to 10:15 in
// room (the label of the room choice, e.g. "Negotiation Area (120 seats)"),
// publishes it and returns the forum's organizer path.
func browserPublishForum(t *testing.T, ctx context.Context, base, title string, capacity string, firstDay time.Time, room string) string {
	t.Helper()
	step(t, ctx, "open the forum list",
		chromedp.Navigate(base+"/organizer/forums"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/organizer/forums/new"]`)),
	)
	step(t, ctx, "start a new forum",
		chromedp.Click(chromedp.CSS(`.page-head a[href="/organizer/forums/new"]`)),
		chromedp.WaitVisible(chromedp.ID("f-title")),
	)
	step(t, ctx, "fill in the forum",
		chromedp.SendKeys(chromedp.ID("f-title"), title),
		// Typing into a focused <select> picks the option by its label.
		chromedp.SendKeys(chromedp.ID("f-theme"), "Investment"),
		chromedp.SendKeys(chromedp.ID("f-description"), "Green bonds and project finance for Northeast Asia."),
		chromedp.Click(chromedp.CSS(`input[name="languages"][value="ko"]`)),
		chromedp.Click(chromedp.CSS(`input[name="interpretation"]`)),
		chromedp.SendKeys(chromedp.ID("f-capacity"), capacity),
		chromedp.Click(chromedp.CSS(`form[action="/organizer/forums"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("new-session")),
	)
	forumPath := pathOf(t, ctx)
	if !strings.HasPrefix(forumPath, "/organizer/forums/") {
		t.Fatalf("after creating the forum the browser is at %s", forumPath)
	}
	step(t, ctx, "add a session",
		chromedp.SendKeys(chromedp.CSS(`#new-session #f-title`), "Opening panel"),
		chromedp.SetValue(chromedp.CSS(`#new-session #f-day`), firstDay.Format(time.DateOnly)),
		chromedp.SetValue(chromedp.CSS(`#new-session #f-start`), "09:30"),
		chromedp.SetValue(chromedp.CSS(`#new-session #f-end`), "10:15"),
		chromedp.SendKeys(chromedp.CSS(`#new-session #f-room_id`), room),
		chromedp.Click(chromedp.CSS(`#new-session button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sessions .plan-table`)),
	)
	flash := run1(t, ctx, "read the flash", chromedp.Text(chromedp.CSS(`main .flash`)))
	if !strings.Contains(flash, "No clashes") {
		t.Fatalf("after adding the session the page says %q, want no clashes", flash)
	}
	step(t, ctx, "publish",
		chromedp.Click(chromedp.CSS(`#publish button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/unpublish"]`)),
	)
	return forumPath
}

// TestBrowserOrganizerPublishesForum: an organizer creates a forum with a
// session and publishes it; attendees then find it in the public programme.
func TestBrowserOrganizerPublishesForum(t *testing.T) {
	findChromium(t)
	t.Parallel()
	app := startApp(t, "", "--demo")

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ctx, problems := newBrowserContext(t, ctx)

	step(t, ctx, "log in as the organizer",
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), "organizer@demo.expo"),
		chromedp.SendKeys(chromedp.ID("f-password"), "expo-demo"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
	step(t, ctx, "open the programme from the main navigation",
		// Organizer pages sit in drop-down groups of the nav.
		chromedp.Click(chromedp.CSS(`.main-nav .nav-drop:has(a[href="/organizer/forums"]) > summary`)),
		chromedp.Click(chromedp.CSS(`.main-nav a[href="/organizer/forums"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.plan-nav`)),
	)
	// The first expo day is the first tab of the timetable editor.
	step(t, ctx, "open the timetable", chromedp.Navigate(app.URL+"/organizer/timetable"), chromedp.WaitVisible(chromedp.CSS(`.plan-grid`)))
	href := run1(t, ctx, "read the first day", chromedp.AttributeValue(chromedp.CSS(`.day-tabs a`), "href"))
	day, err := time.Parse(time.DateOnly, strings.TrimPrefix(href.Value, "/organizer/timetable?day="))
	if err != nil {
		t.Fatalf("first day link %q: %v", href.Value, err)
	}

	const title = "Green Finance Roundtable"
	forumPath := browserPublishForum(t, ctx, app.URL, title, "80", day, "Negotiation Area")
	badge := run1(t, ctx, "read the status", chromedp.Text(chromedp.CSS(`.page-head h1 .badge`)))
	if badge != "Published" {
		t.Errorf("after publishing the forum's badge is %q", badge)
	}

	step(t, ctx, "see it in the timetable editor",
		chromedp.Navigate(app.URL+"/organizer/timetable?day="+day.Format(time.DateOnly)),
		chromedp.WaitVisible(chromedp.CSS(`.plan-grid`)),
	)
	grid := run1(t, ctx, "read the grid", chromedp.Text(chromedp.CSS(`.plan-grid`)))
	if !strings.Contains(grid, "Opening panel") || !strings.Contains(grid, title) {
		t.Errorf("the timetable does not show the new session")
	}
	step(t, ctx, "find it in the public programme",
		chromedp.Navigate(app.URL+"/forums/"+strings.TrimPrefix(forumPath, "/organizer/forums/")),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
	)
	if h1 := run1(t, ctx, "read the heading", chromedp.Text(chromedp.CSS(`main h1`))); !strings.Contains(h1, title) {
		t.Errorf("the public forum page's heading is %q", h1)
	}
	for _, p := range problems.all() {
		t.Errorf("page problem: %s", p)
	}
}
