package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserExhibitorJourney applies to exhibit in a real browser, has an
// organizer approve the application (and assign a booth), and finds the
// company in the public directory.
func TestBrowserExhibitorJourney(t *testing.T) {
	findChromium(t)
	t.Parallel()
	app := startApp(t, "", "--demo")

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	ctx, problems := newBrowserContext(t, ctx)

	const (
		name     = "백두산메디칼"
		latin    = "Paektu Mountain Medical"
		email    = "kim@paektu-medical.example.kr"
		password = "tiger-lily-2026"
	)

	step(t, ctx, "open the application form from the nav",
		chromedp.Navigate(app.URL+"/"),
		chromedp.Click(chromedp.CSS(`.main-nav a[href="/apply"]`)),
		chromedp.WaitVisible(chromedp.ID("f-name")),
	)
	step(t, ctx, "fill in the application",
		chromedp.SendKeys(chromedp.ID("f-name"), name),
		chromedp.SendKeys(chromedp.ID("f-name_latin"), latin),
		chromedp.SendKeys(chromedp.ID("f-country"), "South Korea"),
		chromedp.SendKeys(chromedp.ID("f-website"), "https://paektu-medical.example.kr"),
		chromedp.Click(chromedp.CSS(`input[name="sectors"][value="pharma_medical"]`)),
		chromedp.SendKeys(chromedp.ID("f-description"), "Portable ultrasound scanners for rural clinics. <b>not bold</b>"),
		chromedp.SendKeys(chromedp.ID("f-products"), "Handheld ultrasound, patient monitors"),
		chromedp.Click(chromedp.CSS(`input[name="languages"][value="ko"]`)),
		chromedp.Click(chromedp.CSS(`input[name="languages"][value="en"]`)),
		chromedp.Click(chromedp.CSS(`input[name="booth_wish"][value="raw"]`)),
		chromedp.SendKeys(chromedp.ID("f-contact_name"), "Kim Soo-jin"),
		chromedp.SendKeys(chromedp.ID("f-contact_email"), email),
		chromedp.SendKeys(chromedp.ID("f-contact_phone"), "+82 2 555 0199"),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
	)
	step(t, ctx, "submit without the raw space size",
		chromedp.Click(chromedp.CSS(`form[action="/apply"] button[value="1"]`)),
		chromedp.WaitVisible(chromedp.ID("e-raw_space_m2")),
	)
	if got := run1(t, ctx, "read the kept name", chromedp.Value(chromedp.ID("f-name_latin"))); got != latin {
		t.Errorf("after an error the form kept %q, want %q", got, latin)
	}
	step(t, ctx, "add the size and submit",
		chromedp.SendKeys(chromedp.ID("f-raw_space_m2"), "36"),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/apply"] button[value="1"]`)),
		chromedp.WaitVisible(chromedp.ID("status-h")),
	)
	if got := pathOf(t, ctx); got != "/exhibitor" {
		t.Fatalf("after applying the browser is at %s, want /exhibitor", got)
	}
	if got := run1(t, ctx, "read state", chromedp.Text(chromedp.CSS(".company-head .badge"))); got != "Submitted" {
		t.Errorf("state %q, want Submitted", got)
	}
	if got := run1(t, ctx, "read description", chromedp.Text(chromedp.CSS(".app-facts .prose"))); !strings.Contains(got, "<b>not bold</b>") {
		t.Errorf("the description shows %q; markup must show as text", got)
	}

	step(t, ctx, "log out and log in as the organizer",
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.header-tools a[href="/login"]`)),
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), "organizer@demo.expo"),
		chromedp.SendKeys(chromedp.ID("f-password"), "expo-demo"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`.main-nav .nav-drop:has(a[href="/organizer/exhibitors"]) > summary`)),
	)
	step(t, ctx, "filter the review queue to raw space from Korea",
		// Organizer pages sit in drop-down groups of the nav.
		chromedp.Click(chromedp.CSS(`.main-nav .nav-drop:has(a[href="/organizer/exhibitors"]) > summary`)),
		chromedp.Click(chromedp.CSS(`.main-nav a[href="/organizer/exhibitors"]`)),
		chromedp.WaitVisible(chromedp.CSS(".state-tabs")),
		chromedp.SendKeys(chromedp.ID("f-country"), "South Korea"),
		chromedp.SendKeys(chromedp.ID("f-booth_wish"), "Raw"),
		chromedp.Click(chromedp.CSS(`.filters button[type="submit"]`)),
	)
	// The unfiltered queue has a table too: wait for the filtered page.
	for deadline := time.Now().Add(15 * time.Second); ; {
		loc := run1(t, ctx, "read the address", chromedp.Location())
		if strings.Contains(loc, "booth_wish=raw") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the filtered queue did not load; at %s", loc)
		}
		time.Sleep(100 * time.Millisecond)
	}
	step(t, ctx, "wait for the filtered queue", chromedp.WaitVisible(chromedp.CSS(".review-table")))
	href := run1(t, ctx, "find the application in the queue", chromedp.Evaluate[string](
		`([...document.querySelectorAll(".review-table a")].find(a => a.textContent.includes("`+latin+`")) || {}).getAttribute?.("href") || ""`))
	if href == "" {
		t.Fatalf("%s is not in the filtered queue", latin)
	}
	step(t, ctx, "open the application",
		chromedp.Click(chromedp.CSS(`.review-table a[href="`+href+`"]`)),
		chromedp.WaitVisible(chromedp.ID("decide-h")),
	)
	step(t, ctx, "approve it",
		chromedp.Click(chromedp.CSS(`form[action$="/transition"] button[type="submit"]:not(.button-quiet):not(.button-danger)`)),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	)
	if got := run1(t, ctx, "read state", chromedp.Text(chromedp.CSS(".company-head .badge"))); got != "Approved" {
		t.Fatalf("state after approving %q, want Approved", got)
	}

	step(t, ctx, "assign the first free booth that fits",
		chromedp.Click(chromedp.CSS(`.booth-line a[href$="/booth"]`)),
		chromedp.WaitVisible(chromedp.CSS(".booth-choice")),
		chromedp.Click(chromedp.CSS(".booth-choice")),
		chromedp.WaitVisible(chromedp.CSS(".flash-success")),
	)

	step(t, ctx, "find the company in the directory",
		chromedp.Navigate(app.URL+"/exhibitors?q=paektu"),
		chromedp.WaitReady(chromedp.CSS("main")),
	)
	text := run1(t, ctx, "read the directory", chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(text, latin) {
		t.Errorf("the directory does not list %s after approval:\n%s", latin, text)
	}

	step(t, ctx, "open its profile and its booth on the floor plan",
		chromedp.Click(chromedp.CSS(`#directory-results .exhibitor-card h3 a`)),
		chromedp.WaitVisible(chromedp.CSS(".profile-head h1")),
		chromedp.Click(chromedp.CSS(`.facts a.booth-code`)),
		chromedp.WaitVisible(chromedp.CSS("svg.floorplan rect.booth.is-match")),
	)
	profile := run1(t, ctx, "read the profile address of the highlighted booth",
		chromedp.Evaluate[string](`(document.querySelector("svg.floorplan rect.booth.is-match").closest("a") || {}).getAttribute?.("href") || ""`))
	if !strings.HasPrefix(profile, "/exhibitors/") {
		t.Errorf("the company's booth on the floor plan links to %q, want its profile", profile)
	}

	step(t, ctx, "the applicant sees the decision and the notification",
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.header-tools a[href="/login"]`)),
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), password+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`.main-nav a[href="/exhibitor"]`)),
		chromedp.Click(chromedp.CSS(`.main-nav a[href="/exhibitor"]`)),
		chromedp.WaitVisible(chromedp.ID("status-h")),
		// htmx loads the unread count into the nav.
		chromedp.WaitVisible(chromedp.CSS(".main-nav .nav-count")),
	)
	if got := run1(t, ctx, "read state", chromedp.Text(chromedp.CSS(".company-head .badge"))); got != "Approved" {
		t.Errorf("the applicant sees %q, want Approved", got)
	}
	if got := run1(t, ctx, "read notifications", chromedp.Text(chromedp.CSS(".notification-list"))); !strings.Contains(got, "approved") {
		t.Errorf("notifications %q", got)
	}

	for _, p := range problems.all() {
		// The deliberately incomplete submission answers 422, which the
		// browser logs; anything else is a real problem.
		if strings.Contains(p, "status of 422") && strings.HasSuffix(p, app.URL+"/apply") {
			continue
		}
		t.Errorf("page problem: %s", p)
	}
}
