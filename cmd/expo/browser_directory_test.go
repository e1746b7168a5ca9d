package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserDirectory types into the directory search and watches htmx
// replace the results without a page load (the address bar follows), then
// follows a result to its booth on the floor plan.
func TestBrowserDirectory(t *testing.T) {
	findChromium(t)
	t.Parallel()
	app := startApp(t, "", "--demo")

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ctx, problems := newBrowserContext(t, ctx)

	step(t, ctx, "open the directory from the nav",
		chromedp.Navigate(app.URL+"/"),
		chromedp.Click(chromedp.CSS(`.main-nav a[href="/exhibitors"]`)),
		chromedp.WaitVisible(chromedp.ID("f-q")),
	)
	// A marker on the page survives only if the page is not reloaded.
	step(t, ctx, "mark the page and type a search",
		chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`),
		chromedp.SendKeys(chromedp.ID("f-q"), "한빛메디칼"),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#directory-results .exhibitor-card").length === 1`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	if same := run1(t, ctx, "check the document", chromedp.Evaluate[bool](`window.__sameDocument === true`)); !same {
		t.Error("the search reloaded the page instead of swapping the results")
	}
	if loc := run1(t, ctx, "read the address", chromedp.Location()); !strings.Contains(loc, "q=") {
		t.Errorf("the address %q does not follow the search", loc)
	}
	step(t, ctx, "open the profile and its booth on the plan",
		chromedp.Click(chromedp.CSS(`#directory-results .exhibitor-card h3 a`)),
		chromedp.WaitVisible(chromedp.CSS(".profile-head h1")),
		chromedp.Click(chromedp.CSS(`.facts a.booth-code`)),
		chromedp.WaitVisible(chromedp.CSS("svg.floorplan rect.booth.is-match")),
	)
	if n := run1(t, ctx, "count highlighted booths", chromedp.Evaluate[int](`document.querySelectorAll("svg.floorplan rect.booth.is-match").length`)); n != 1 {
		t.Errorf("%d highlighted booths, want 1", n)
	}
	step(t, ctx, "a booth on the plan links to its company",
		chromedp.Click(chromedp.CSS(`svg.floorplan a.booth-link`)),
		chromedp.WaitVisible(chromedp.CSS(".profile-head h1")),
	)
	if p := problems.all(); len(p) > 0 {
		t.Errorf("the pages reported problems:\n%s", strings.Join(p, "\n"))
	}
}
