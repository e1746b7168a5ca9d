package main

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The keyboard journeys: the three main journeys driven with Tab,
// Shift+Tab, Enter, Space, arrow keys and typing only (no clicks, no
// scripted focus). On every page they cross, the skip link must be the first
// Tab stop and move focus to the main content, every Tab stop must show a
// focus ring that stands out from its background, and tabbing must walk
// through distinct elements down to the footer and out of the page (no
// keyboard trap).

// focusInfo describes the focused element after a key press.
type focusInfo struct {
	Path   string `json:"path"`   // a unique CSS path, to tell stops apart
	Desc   string `json:"desc"`   // what a person would call it
	Region string `json:"region"` // skip, header, main, main-itself, footer, other, none
	Ring   string `json:"ring"`   // why the focus is not visible; "" when it is
	Match  bool   `json:"match"`  // whether it matches the selector asked for
}

// focusInfoJS is a function of a CSS selector that describes
// document.activeElement. The ring is visible when the element has a size,
// lies in the viewport, and its outline (or box-shadow) has a contrast of at
// least 3:1 against the background behind it (WCAG 1.4.11).
const focusInfoJS = `(sel) => {
	const el = document.activeElement;
	if (!el || el === document.body || el === document.documentElement) {
		return {path: "none", desc: "(nothing: focus is outside the page)", region: "none", ring: "", match: false};
	}
	const parts = [];
	for (let e = el; e && e !== document.body; e = e.parentElement) {
		let i = 1;
		for (let s = e.previousElementSibling; s; s = s.previousElementSibling) i++;
		parts.unshift(e.tagName.toLowerCase() + ":nth-child(" + i + ")");
	}
	const text = (el.getAttribute("aria-label") || el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 50);
	let desc = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
	for (const a of ["href", "name", "type", "value"]) {
		if (el.hasAttribute(a) && !(a === "value" && el.tagName !== "BUTTON" && el.type !== "radio" && el.type !== "checkbox")) desc += "[" + a + "=" + el.getAttribute(a) + "]";
	}
	desc += ' "' + text + '"';
	const region = el.classList.contains("skip-link") ? "skip"
		: el.closest("footer") ? "footer"
		: el.id === "main" ? "main-itself"
		: el.closest("main") ? "main"
		: el.closest("header") ? "header" : "other";

	const rgba = (c) => {
		const m = c.match(/rgba?\(([^)]+)\)/);
		if (!m) return null;
		const v = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
		return {r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1};
	};
	const lum = (c) => {
		const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
		return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
	};
	const contrast = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
	const cs = getComputedStyle(el);
	const box = el.getBoundingClientRect();
	// The background behind the ring: what lies just outside the element
	// (a positioned element such as the skip link sits over the header),
	// else its ancestors' background.
	const ownBg = (e) => {
		for (; e; e = e.parentElement) {
			const st = getComputedStyle(e);
			const c = rgba(st.backgroundColor);
			if (c && c.a > 0.5) return c;
			// A gradient: its first colour.
			const g = st.backgroundImage.includes("gradient") && rgba(st.backgroundImage);
			if (g && g.a > 0.5) return g;
		}
		return null;
	};
	const behind = (x, y) => {
		for (const e of document.elementsFromPoint(x, y)) {
			if (el.contains(e)) continue;
			return ownBg(e);
		}
		return null;
	};
	// Probe the four sides just outside the ring's inner edge; the ring must
	// stand out on at least half of them.
	const off = parseFloat(cs.outlineOffset) + 1 || 3;
	const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
	let grounds = [behind(box.left - off, cy), behind(box.right + off, cy), behind(cx, box.top - off), behind(cx, box.bottom + off)].filter(Boolean);
	if (grounds.length === 0) grounds = [ownBg(el.parentElement) || {r: 255, g: 255, b: 255, a: 1}];
	let ring = "";
	if (box.width < 1 || box.height < 1) {
		ring = "has no size";
	} else if (box.bottom < 0 || box.top > innerHeight || box.right < 0 || box.left > innerWidth) {
		ring = "is outside the viewport";
	} else {
		const colours = [];
		if (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2) colours.push(cs.outlineColor);
		if (cs.boxShadow !== "none") colours.push(...(cs.boxShadow.match(/rgba?\([^)]*\)/g) || []));
		const rings = colours.map(rgba).filter(c => c && c.a > 0.5);
		const best = (bg) => Math.max(0, ...rings.map(c => contrast(c, bg)));
		const good = grounds.filter(bg => best(bg) >= 3).length;
		if (colours.length === 0) {
			ring = "has no focus outline (outline: " + cs.outlineStyle + " " + cs.outlineWidth + ")";
		} else if (good * 2 < grounds.length) {
			ring = "has a focus outline of contrast " + grounds.map(bg => best(bg).toFixed(2) + ":1 against rgb(" + [bg.r, bg.g, bg.b] + ")").join(", ") + "; want 3:1";
		}
	}
	return {path: "body > " + parts.join(" > "), desc, region, ring, match: !!sel && el.matches(sel)};
}`

// keyboard drives one tab with keys and remembers which stops it has
// already reported.
type keyboard struct {
	t        *testing.T
	ctx      context.Context
	reported map[string]bool
}

func newKeyboard(t *testing.T, ctx context.Context) *keyboard {
	return &keyboard{t: t, ctx: ctx, reported: map[string]bool{}}
}

// focused describes the focused element; sel may be "".
func (k *keyboard) focused(sel string) focusInfo {
	k.t.Helper()
	arg, _ := json.Marshal(sel)
	return run1(k.t, k.ctx, "read the focused element", chromedp.Evaluate[focusInfo]("("+focusInfoJS+")("+string(arg)+")"))
}

// press sends keys (kb constants or text) to the focused element.
func (k *keyboard) press(what, keys string, opts ...chromedp.KeyOption) {
	k.t.Helper()
	step(k.t, k.ctx, what, chromedp.KeyEvent(keys, opts...))
}

// tab moves the focus one stop (backwards with shift), checks that the new
// stop's focus is visible, and describes it.
func (k *keyboard) tab(shift bool, sel string) focusInfo {
	k.t.Helper()
	if shift {
		k.press("Shift+Tab", kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
	} else {
		k.press("Tab", kb.Tab)
	}
	f := k.focused(sel)
	if f.Ring != "" && f.Region != "main-itself" && !k.reported[f.Path] {
		k.reported[f.Path] = true
		loc, _ := chromedp.Run(k.ctx, chromedp.Location())
		k.t.Errorf("on %s the focused %s %s", loc, f.Desc, f.Ring)
	}
	return f
}

// tabTo presses Tab until an element matching sel has the focus, opening
// the closed <details> drop-downs (nav groups, confirmations) that hold it
// on the way, as a keyboard user would: Tab to the summary, Enter.
func (k *keyboard) tabTo(sel string) focusInfo {
	k.t.Helper()
	const most = 400
	for range 4 {
		summary := run1(k.t, k.ctx, "find the drop-down holding "+sel, chromedp.Evaluate[string](`(() => {
			const el = document.querySelector(`+jsString(sel)+`);
			if (!el) return "";
			// The outermost closed drop-down with a visible summary (on a
			// wide screen the nav's own menu is closed but shown).
			let closed = null;
			for (let d = el.closest("details:not([open])"); d; d = d.parentElement && d.parentElement.closest("details:not([open])")) {
				if (d.querySelector(":scope > summary").checkVisibility()) closed = d;
			}
			if (!closed) return "";
			closed.querySelector(":scope > summary").setAttribute("data-kbd-summary", "");
			return "summary[data-kbd-summary]";
		})()`))
		if summary == "" {
			break
		}
		k.tabToOnly(summary, most)
		k.press("open the drop-down", kb.Enter)
		step(k.t, k.ctx, "forget the drop-down's mark", chromedp.Evaluate[chromedp.Void](`document.querySelector("summary[data-kbd-summary]").removeAttribute("data-kbd-summary")`))
	}
	return k.tabToOnly(sel, most)
}

func (k *keyboard) tabToOnly(sel string, most int) focusInfo {
	k.t.Helper()
	if f := k.focused(sel); f.Match {
		return f
	}
	var seen []string
	for range most {
		f := k.tab(false, sel)
		if f.Match {
			return f
		}
		seen = append(seen, f.Desc)
	}
	loc, _ := chromedp.Run(k.ctx, chromedp.Location())
	k.t.Fatalf("on %s, %d presses of Tab never reached %s; the last stops were:\n  %s", loc, most, sel, strings.Join(seen[max(0, len(seen)-15):], "\n  "))
	return focusInfo{}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// checkPage starts at the top of a freshly loaded page: the first Tab stop
// is a visible skip link, Tab walks through distinct, visibly focused
// elements to the footer and out of the page, Shift+Tab walks back, and the
// skip link moves the focus to <main>.
func (k *keyboard) checkPage(name string) {
	k.t.Helper()
	loc := run1(k.t, k.ctx, "read the address", chromedp.Location())
	first := k.tab(false, "")
	if first.Region != "skip" {
		k.t.Errorf("%s (%s): the first Tab stop is %s, want the skip link", name, loc, first.Desc)
	}
	seen := map[string]int{first.Path: 0}
	order := []focusInfo{first}
	footer := false
	for i := 1; ; i++ {
		if i > 600 {
			k.t.Errorf("%s (%s): 600 presses of Tab did not leave the page", name, loc)
			break
		}
		f := k.tab(false, "")
		if f.Region == "none" || (f.Region == "skip" && i > 1) {
			break // out of the page: the browser's own controls are next
		}
		if j, again := seen[f.Path]; again {
			var cycle []string
			for _, s := range order[j:] {
				cycle = append(cycle, s.Desc)
			}
			k.t.Errorf("%s (%s): keyboard trap: Tab comes back to %s after\n  %s", name, loc, f.Desc, strings.Join(cycle, "\n  "))
			break
		}
		seen[f.Path] = i
		order = append(order, f)
		if f.Region == "footer" {
			footer = true
		}
	}
	if !footer {
		k.t.Errorf("%s (%s): tabbing through the page never reached the footer; last stop %s", name, loc, order[len(order)-1].Desc)
	}
	// Back from outside the page: Shift+Tab lands on the last stop, then
	// the one before it.
	if len(order) > 2 {
		for back := 1; back <= 2; back++ {
			want := order[len(order)-back]
			if f := k.tab(true, ""); f.Path != want.Path {
				k.t.Errorf("%s (%s): Shift+Tab #%d reached %s, want %s", name, loc, back, f.Desc, want.Desc)
				break
			}
		}
	}
	// The skip link: Tab to it, Enter, and the focus is on <main>; the next
	// Tab is inside the main content.
	k.tabToOnly("a.skip-link", 700)
	k.press("follow the skip link", kb.Enter)
	if f := k.focused(""); f.Region != "main-itself" {
		k.t.Errorf("%s (%s): after the skip link the focus is on %s, want <main id=\"main\">", name, loc, f.Desc)
	}
	if f := k.tab(false, ""); f.Region != "main" {
		k.t.Errorf("%s (%s): the first Tab after the skip link reached %s, want an element in <main>", name, loc, f.Desc)
	}
}

// follow presses Enter on the focused link or button and waits for sel.
func (k *keyboard) follow(what, sel string) {
	k.t.Helper()
	k.press(what, kb.Enter)
	step(k.t, k.ctx, what+": wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// waitPath waits until the address's path (and query) starts with prefix.
func (k *keyboard) waitPath(what, prefix string) {
	k.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		loc := run1(k.t, k.ctx, "read the address", chromedp.Location())
		if u, err := url.Parse(loc); err == nil && strings.HasPrefix(u.RequestURI(), prefix) {
			return
		}
		if time.Now().After(deadline) {
			k.t.Fatalf("%s: the browser is at %s, want %s…", what, loc, prefix)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// logIn logs in from the log-in page with the keyboard.
func (k *keyboard) logIn(base, email, password string) {
	k.t.Helper()
	step(k.t, k.ctx, "open the log-in page", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("f-email")))
	k.checkPage("log-in page")
	k.tabTo("#f-email")
	k.press("type the e-mail", email)
	k.tabTo("#f-password")
	k.press("type the password and press Enter", password)
	k.follow("log in", `form[action="/logout"]`)
}

// newKeyboardTab is a browser tab at the desktop width.
func newKeyboardTab(t *testing.T) (context.Context, *pageProblems) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	ctx, problems := newBrowserContext(t, ctx)
	step(t, ctx, "set a desktop viewport", chromedp.EmulateViewport(1366, 900))
	return ctx, problems
}

// TestKeyboardExhibitorJourney: a company applies to exhibit and then
// edits its profile, by keyboard only.
func TestKeyboardExhibitorJourney(t *testing.T) {
	findChromium(t)
	t.Parallel()
	app := startApp(t, "", "--demo")
	ctx, problems := newKeyboardTab(t)
	k := newKeyboard(t, ctx)

	step(t, ctx, "open the home page", chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	k.checkPage("home page")
	k.tabTo(`.main-nav a[href="/apply"]`)
	k.follow("open the application form", "#f-name")
	k.checkPage("application form")

	k.tabTo("#f-name")
	k.press("type the name", "Amur Bridge Logistics")
	k.tabTo("#f-name_latin")
	k.press("type the Latin name", "Amur Bridge Logistics")
	k.tabTo("#f-country")
	k.press("choose the country by typing", "Russia")
	k.tabTo(`input[name="sectors"][value="logistics"]`)
	k.press("tick Logistics", " ")
	k.tabTo("#f-description")
	k.press("type the description", "Rail and river freight between Heilongjiang and the Russian Far East.")
	k.tabTo(`input[name="languages"][value="ru"]`)
	k.press("tick Russian", " ")
	k.tabTo(`input[name="languages"][value="zh"]`)
	k.press("tick Chinese", " ")
	k.tabTo(`input[name="booth_wish"]`)
	k.press("choose the first booth wish", " ")
	k.tabTo("#f-contact_name")
	k.press("type the contact", "Irina Volkova")
	k.tabTo("#f-contact_email")
	k.press("type the e-mail", "irina@amur-bridge.example.ru")
	k.tabTo("#f-contact_phone")
	k.press("type the phone", "+7 4212 555 010")
	k.tabTo("#f-password")
	k.press("type the password", "amur-river-2026")
	k.tabTo(`form[action="/apply"] button[value="1"]`)
	k.follow("submit the application", "#status-h")
	if got := run1(t, ctx, "read the state", chromedp.Text(chromedp.CSS(".company-head .badge"))); got != "Submitted" {
		t.Errorf("after applying by keyboard the state is %q, want Submitted", got)
	}
	if got := run1(t, ctx, "read the country", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(got, "Russia") {
		t.Errorf("typing Russia into the country select did not choose it; page:\n%.400s", got)
	}

	k.checkPage("application status")
	k.tabTo(`main a[href="/exhibitor/profile"]`)
	k.follow("open the profile form", `form[action="/exhibitor/profile"]`)
	k.checkPage("profile form")
	k.tabTo("#f-products")
	k.press("type the products", "Container trains Harbin–Khabarovsk")
	k.tabTo(`form[action="/exhibitor/profile"] button[type="submit"]`)
	k.follow("save the profile", ".flash-success")
	if got := run1(t, ctx, "read the profile", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(got, "Container trains Harbin–Khabarovsk") {
		t.Errorf("the saved profile does not show the products typed:\n%.600s", got)
	}
	for _, p := range problems.all() {
		t.Errorf("page problem: %s", p)
	}
}

// TestKeyboardAttendeeJourney: an attendee finds an exhibitor in the
// directory, books a meeting, and registers for a forum, by keyboard only.
func TestKeyboardAttendeeJourney(t *testing.T) {
	findChromium(t)
	t.Parallel()
	app := startApp(t, "", "--demo")
	const email = "attendee1@demo.expo"

	// Beforehand, over HTTP: an exhibitor found by "energy" with a slot free
	// for the attendee, and a forum the attendee can still register for.
	forum, slug := "", ""
	{
		att := logInHTTP(t, app.URL, email)
		att.get("/exhibitors?q=energy").Doc.Find(`#directory-results .exhibitor-card h3 a`).EachWithBreak(func(_ int, a *goquery.Selection) bool {
			href := a.AttrOr("href", "")
			if att.get(href+"/meet").Doc.Find(`input[name="slot_id"]`).Length() > 0 {
				slug = strings.TrimPrefix(href, "/exhibitors/")
				return false
			}
			return true
		})
		if slug == "" {
			t.Fatal(`no exhibitor found by "energy" has a free slot for attendee1`)
		}
		list := att.get("/forums?view=list")
		list.Doc.Find(`main a[href^="/forums/"]`).EachWithBreak(func(_ int, a *goquery.Selection) bool {
			href := a.AttrOr("href", "")
			if strings.HasSuffix(href, ".ics") {
				return true
			}
			if att.get(href).Doc.Find(`#registration form[action$="/register"]`).Length() == 1 {
				forum = href
				return false
			}
			return true
		})
		if forum == "" {
			t.Fatal("no forum open for registration to attendee1")
		}
	}

	ctx, problems := newKeyboardTab(t)
	k := newKeyboard(t, ctx)
	k.logIn(app.URL, email, a11yDemoPassword)

	k.tabTo(`.main-nav a[href="/exhibitors"]`)
	k.follow("open the directory", "#directory-results")
	k.checkPage("directory")
	k.tabTo("#f-q")
	k.press("search for energy", "energy")
	k.press("submit the search", kb.Enter)
	k.waitPath("search the directory", "/exhibitors?")
	step(t, ctx, "wait for the results", chromedp.WaitVisible(chromedp.CSS("#directory-results .exhibitor-card h3 a")))
	k.tabTo(`#directory-results .exhibitor-card h3 a[href="/exhibitors/` + slug + `"]`)
	k.follow("open the exhibitor", ".profile-head h1")
	k.checkPage("exhibitor profile")
	k.tabTo(".book-meeting a")
	k.follow("open the slot picker", "#slot-picker")
	k.checkPage("slot picker")
	k.tabTo(`input[name="slot_id"]`)
	k.press("choose the first free slot", " ")
	k.tabTo("#f-language")
	if v := run1(t, ctx, "read the meeting language", chromedp.Value(chromedp.ID("f-language"))); v == "" {
		k.press("choose the first language", kb.ArrowDown)
	}
	k.tabTo("#f-message")
	k.press("write a message", "We import logistics services for our members.")
	k.tabTo(`#slot-picker button[type="submit"]`)
	k.follow("send the request", ".meeting-group-awaiting")
	k.checkPage("my meetings")

	k.tabTo(`.main-nav a[href="/forums"]`)
	k.follow("open the programme", `main a[href^="/forums/"]`)
	k.tabTo(`main a[href="` + forum + `"]`)
	k.follow("open the forum", "#registration")
	k.checkPage("forum page")
	k.tabTo(`#registration form[action$="/register"] button`)
	k.press("register", kb.Enter)
	step(t, ctx, "wait for the registration", chromedp.WaitVisible(chromedp.CSS("#registration .reg-state")))
	// htmx replaced the box: the keyboard user carries on from there.
	k.tabTo(`#registration summary`)
	for _, p := range problems.all() {
		t.Errorf("page problem: %s", p)
	}
}

// TestKeyboardOrganizerJourney: the organizer opens the review queue and
// approves an application, by keyboard only.
func TestKeyboardOrganizerJourney(t *testing.T) {
	findChromium(t)
	t.Parallel()
	app := startApp(t, "", "--demo")
	ctx, problems := newKeyboardTab(t)
	k := newKeyboard(t, ctx)
	k.logIn(app.URL, "organizer@demo.expo", a11yDemoPassword)
	k.checkPage("organizer home")

	k.tabTo(`.main-nav a[href="/organizer/exhibitors"]`)
	k.follow("open the review queue", ".review-table")
	k.checkPage("review queue")
	k.tabTo(`.state-tabs a.tab-submitted`)
	k.press("show the submitted applications", kb.Enter)
	k.waitPath("show the submitted applications", "/organizer/exhibitors?state=submitted")
	step(t, ctx, "wait for the submitted applications", chromedp.WaitVisible(chromedp.CSS(".review-table")))
	k.tabTo(`.review-table a[href^="/organizer/exhibitors/"]`)
	name := strings.TrimSpace(k.focused("").Desc)
	k.follow("open the first application", "#decide-h")
	k.checkPage("application review")
	k.tabTo(`form[action$="/transition"] button[type="submit"]:not(.button-quiet):not(.button-danger)`)
	k.follow("approve", ".flash-success")
	if got := run1(t, ctx, "read the state", chromedp.Text(chromedp.CSS(".company-head .badge"))); got != "Approved" {
		t.Errorf("after approving %s by keyboard the state is %q, want Approved", name, got)
	}
	for _, p := range problems.all() {
		t.Errorf("page problem: %s", p)
	}
}
