package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// phoneVisitor is a demo account (or nobody) and the pages it checks on a
// phone.
type phoneVisitor struct {
	name  string
	email string // empty: anonymous
	pages []string
}

var phoneVisitors = []phoneVisitor{
	{name: "anonymous", pages: []string{"/", "/exhibitors", "/exhibitors/hanbit-medical", "/forums", "/floorplan/A", "/apply", "/login", "/signup"}},
	{name: "attendee", email: "attendee1@demo.expo", pages: []string{"/my/meetings", "/exhibitors/changchun-faw-new-energy/meet",
		"/my/agenda", "/forums", "/my/recommendations", "/my/wishes", "/account", "/notifications"}},
	{name: "exhibitor", email: "exhibitor1@demo.expo", pages: []string{"/my/meetings", "/exhibitor/meetings", "/exhibitor", "/exhibitor/profile"}},
	{name: "organizer", email: "organizer@demo.expo", pages: []string{"/organizer", "/organizer/exhibitors", "/organizer/exhibitors/import",
		"/organizer/halls", "/organizer/timetable", "/organizer/forums", "/organizer/rooms", "/organizer/speakers", "/organizer/clashes",
		"/organizer/matchmaking", "/organizer/matchmaking/scheduler", "/organizer/interpreters", "/organizer/matchmaking/results"}},
}

// overflowJS measures how far the page is wider than the screen: a phone
// would scroll it sideways.
const overflowJS = `document.documentElement.scrollWidth - window.innerWidth`

// navLinksJS lists the nav links (in open groups only when onlyOpen is set
// for groups) that are not fully on screen, as "href: why".
const navLinksJS = `(() => {
	const bad = [];
	for (const a of document.querySelectorAll('.main-nav .nav-list a')) {
		const drop = a.closest('.nav-drop');
		if (drop && !drop.open) continue;
		const r = a.getBoundingClientRect();
		// checkVisibility also sees a closed <details> hiding its content.
		if (!a.checkVisibility({visibilityProperty: true}) || r.width === 0 || r.height === 0) bad.push(a.getAttribute('href') + ': not shown');
		else if (r.left < 0 || r.right > window.innerWidth + 0.5) bad.push(a.getAttribute('href') + ': off screen ' + r.left + '..' + r.right);
	}
	return bad;
})()`

// groupKeysJS names each nav group by the href of its first link.
const groupKeysJS = `[...document.querySelectorAll('.main-nav .nav-drop')].map(d => d.querySelector('a').getAttribute('href'))`

// phoneTab opens a tab of its own browser profile, logged in as v.
func phoneTab(t *testing.T, browserCtx context.Context, base string, v phoneVisitor) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	step(t, ctx, "open a tab")
	if v.email != "" {
		step(t, ctx, "log in as "+v.email,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.ID("f-email")),
			chromedp.SendKeys(chromedp.ID("f-email"), v.email),
			chromedp.SendKeys(chromedp.ID("f-password"), "expo-demo"+kb.Enter),
			chromedp.WaitReady(chromedp.CSS(`form[action="/logout"]`)),
		)
	}
	return ctx
}

// navLinkExposed reports whether the accessibility tree has a link named
// name that is not ignored.
func navLinkExposed(t *testing.T, ctx context.Context, name string) bool {
	t.Helper()
	doc := run1(t, ctx, "find the document", chromedp.Evaluate[*runtime.RemoteObject](`document`))
	res, err := chromedp.Call(ctx, accessibility.QueryAXTree, accessibility.QueryAXTreeParams{ObjectID: doc.ObjectID, AccessibleName: name, Role: "link"})
	if err != nil {
		t.Fatalf("query the accessibility tree: %v", err)
	}
	for _, n := range res.Nodes {
		if !n.Ignored {
			return true
		}
	}
	return false
}

// open loads a page at the given screen size and waits for it.
func openAt(t *testing.T, ctx context.Context, url string, width, height int64, mobile bool) {
	t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	step(t, ctx, "open "+url,
		chromedp.EmulateViewport(width, height, opts...),
		chromedp.Navigate(url),
		chromedp.WaitReady(chromedp.CSS("footer")),
	)
}

// TestBrowserPhone opens the main pages of every kind of visitor on a
// 390×844 phone: no page scrolls sideways, the nav is a collapsed menu
// whose every link (in every group) can be reached, on screen, and the
// public programme is a list per day instead of the wide timetable.
func TestBrowserPhone(t *testing.T) {
	findChromium(t)
	t.Parallel()
	app := startApp(t, "", "--demo")

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	browserCtx, problems := newBrowserContext(t, ctx)

	for _, v := range phoneVisitors {
		t.Run(v.name, func(t *testing.T) {
			tab := phoneTab(t, browserCtx, app.URL, v)
			for _, path := range v.pages {
				openAt(t, tab, app.URL+path, 390, 844, true)
				if wide := run1(t, tab, "measure "+path, chromedp.Evaluate[int](overflowJS)); wide > 0 {
					t.Errorf("%s is %dpx wider than a 390px phone", path, wide)
				}
			}

			// The nav is collapsed behind its menu button.
			openAt(t, tab, app.URL+v.pages[0], 390, 844, true)
			if n := run1(t, tab, "count shown nav links", chromedp.Evaluate[int](
				`[...document.querySelectorAll('.main-nav .nav-list a')].filter(a => a.checkVisibility({visibilityProperty: true})).length`)); n != 0 {
				t.Errorf("on a phone %d nav links show before the menu is opened, want 0", n)
			}
			if navLinkExposed(t, tab, "Home") {
				t.Errorf("on a phone the closed menu's Home link is exposed to assistive technology")
			}
			// The keyboard opens it: focus the menu button, press Enter.
			step(t, tab, "open the menu with the keyboard",
				chromedp.Focus(chromedp.CSS(".nav-toggle")),
				chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible(chromedp.CSS(`.main-nav .nav-list > li:first-child a`)),
			)
			if !navLinkExposed(t, tab, "Home") {
				t.Errorf("on a phone the open menu's Home link is hidden from assistive technology")
			}
			if bad := run1(t, tab, "check top-level links", chromedp.Evaluate[[]string](navLinksJS)); len(bad) > 0 {
				t.Errorf("with the menu open, nav links not reachable: %s", strings.Join(bad, "; "))
			}
			groups := run1(t, tab, "list nav groups", chromedp.Evaluate[[]string](groupKeysJS))
			if v.name == "organizer" && len(groups) < 3 {
				t.Errorf("the organizer nav has %d groups, want at least 3 (exhibitors, programme, matchmaking)", len(groups))
			}
			for _, g := range groups {
				step(t, tab, "open the nav group of "+g,
					chromedp.Click(chromedp.CSS(fmt.Sprintf(`.main-nav .nav-drop:has(a[href=%q]) > summary`, g))),
					chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`.main-nav a[href=%q]`, g))),
				)
				if bad := run1(t, tab, "check links of "+g, chromedp.Evaluate[[]string](navLinksJS)); len(bad) > 0 {
					t.Errorf("nav group of %s: links not reachable: %s", g, strings.Join(bad, "; "))
				}
				if wide := run1(t, tab, "measure with the menu open", chromedp.Evaluate[int](overflowJS)); wide > 0 {
					t.Errorf("with the nav group of %s open the page is %dpx wider than the phone", g, wide)
				}
			}
			// A link in the menu works.
			step(t, tab, "follow the home link from the menu",
				chromedp.Click(chromedp.CSS(`.main-nav .nav-list > li:first-child a`)),
				chromedp.WaitReady(chromedp.CSS(`.main-nav a[href="/"][aria-current="page"]`)),
			)
		})
	}

	t.Run("programme is a list per day", func(t *testing.T) {
		tab := phoneTab(t, browserCtx, app.URL, phoneVisitors[0])
		openAt(t, tab, app.URL+"/forums", 390, 844, true)
		shown := run1(t, tab, "read what shows", chromedp.Evaluate[map[string]bool](`({
			grid: [...document.querySelectorAll('.timetable-wrap')].some(e => e.checkVisibility()),
			list: [...document.querySelectorAll('.programme-list')].some(e => e.checkVisibility()),
			items: document.querySelectorAll('.programme-list .programme-item').length > 0,
		})`))
		if shown["grid"] || !shown["list"] || !shown["items"] {
			t.Errorf("on a phone /forums shows %v, want the list with items and no timetable grid", shown)
		}
	})

	t.Run("desktop nav is one row with drop-downs", func(t *testing.T) {
		for _, v := range phoneVisitors {
			tab := phoneTab(t, browserCtx, app.URL, v)
			openAt(t, tab, app.URL+"/", 1366, 900, false)
			facts := run1(t, tab, "measure the nav", chromedp.Evaluate[map[string]float64](`({
				toggle: document.querySelector('.nav-toggle').getClientRects().length,
				height: document.querySelector('.main-nav').getBoundingClientRect().height,
				item: document.querySelector('.main-nav .nav-list > li').getBoundingClientRect().height,
			})`))
			if facts["toggle"] != 0 {
				t.Errorf("%s: the menu button shows on a desktop screen", v.name)
			}
			if facts["height"] > facts["item"]*1.5 {
				t.Errorf("%s: the nav is %.0fpx high with %.0fpx items: it wraps to more than one row", v.name, facts["height"], facts["item"])
			}
			if bad := run1(t, tab, "check nav links", chromedp.Evaluate[[]string](navLinksJS)); len(bad) > 0 {
				t.Errorf("%s: nav links not shown on a desktop screen: %s", v.name, strings.Join(bad, "; "))
			}
			// The row lives in a closed <details>: assistive technology
			// must still get its links.
			if exposed := navLinkExposed(t, tab, "Home"); !exposed {
				t.Errorf("%s: on a desktop screen the nav's Home link is hidden from assistive technology", v.name)
			}
			for _, g := range run1(t, tab, "list nav groups", chromedp.Evaluate[[]string](groupKeysJS)) {
				step(t, tab, "open the drop-down of "+g,
					chromedp.Click(chromedp.CSS(fmt.Sprintf(`.main-nav .nav-drop:has(a[href=%q]) > summary`, g))),
					chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`.main-nav a[href=%q]`, g))),
				)
				if bad := run1(t, tab, "check links of "+g, chromedp.Evaluate[[]string](navLinksJS)); len(bad) > 0 {
					t.Errorf("%s: drop-down of %s: %s", v.name, g, strings.Join(bad, "; "))
				}
			}
		}
	})

	t.Run("current page is marked in its group", func(t *testing.T) {
		tab := phoneTab(t, browserCtx, app.URL, phoneVisitors[3])
		openAt(t, tab, app.URL+"/organizer/timetable", 1366, 900, false)
		got := run1(t, tab, "read the current link", chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('.main-nav [aria-current="page"]')].map(a => a.getAttribute('href'))`))
		if len(got) != 1 || got[0] != "/organizer/timetable" {
			t.Errorf("on /organizer/timetable the nav marks %v as the current page, want [/organizer/timetable]", got)
		}
		marked := run1(t, tab, "read the marked group", chromedp.Evaluate[string](
			`[...document.querySelectorAll('.main-nav .nav-drop > summary.nav-current')].map(s => s.textContent.trim()).join(',')`))
		if marked != "Programme" {
			t.Errorf("on /organizer/timetable the highlighted nav group is %q, want Programme", marked)
		}
	})

	for _, p := range problems.all() {
		t.Errorf("page problem: %s", p)
	}
}
