package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// findChromium returns the browser the journeys run in, or skips the test.
func findChromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not found; install Debian's chromium to run the browser tests")
	return ""
}

// newBrowserContext starts a headless Chromium with a profile of its own and
// returns a tab context bound to ctx. Every console error, uncaught exception
// and browser log error (CSP violations are reported there) lands in the
// returned pageProblems.
func newBrowserContext(t *testing.T, ctx context.Context) (context.Context, *pageProblems) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findChromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	problems := &pageProblems{}
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(problems.record))
	// Close the browser before t.TempDir removes its profile.
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return tabCtx, problems
}

// pageProblems collects what a page must never produce. The listener runs on
// the tab's event loop, so by the time an action returns, every event sent
// before its reply has been recorded.
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

func (p *pageProblems) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		msg = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		if d.URL != "" {
			msg += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
		}
	case *log.EventEntryAdded:
		e := ev.Entry
		if e.Level != log.EntryLevelError && e.Level != log.EntryLevelWarning {
			return
		}
		msg = fmt.Sprintf("browser log %s [%s]: %s %s", e.Level, e.Source, e.Text, e.URL)
	default:
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, msg)
}

func (p *pageProblems) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.list...)
}

// step runs actions as one named step of a journey; on failure it says
// where the browser was.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("%s: %v\nbrowser at %s, page text:\n%s", what, err, loc, body)
	}
}

// run1 runs one action that returns a value, failing the test on error.
func run1[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func pathOf(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc := run1(t, ctx, "read location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("parse location %q: %v", loc, err)
	}
	return u.Path
}

// TestBrowserJourney signs up, logs out, logs in and switches to Chinese in
// a real browser, using the keyboard and the mouse as a person would.
func TestBrowserJourney(t *testing.T) {
	findChromium(t) // skip before starting a server for nothing
	t.Parallel()
	app := startApp(t, "")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx, problems := newBrowserContext(t, ctx)

	const (
		name     = "Bolormaa Tsend"
		email    = "bolormaa@example.mn"
		password = "steppe-wind-2024"
	)

	step(t, ctx, "open /signup",
		chromedp.Navigate(app.URL+"/signup"),
		chromedp.WaitVisible(chromedp.ID("f-name")),
	)
	step(t, ctx, "fill in the sign-up form",
		chromedp.SendKeys(chromedp.ID("f-name"), name),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-organization"), "Steppe Trade LLC"),
		// Typing into a focused <select> picks the option by its label.
		chromedp.SendKeys(chromedp.ID("f-country"), "Mongolia"),
		chromedp.Click(chromedp.CSS(`input[name="languages"][value="mn"]`)),
		chromedp.Click(chromedp.CSS(`input[name="languages"][value="en"]`)),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
	)
	if got := run1(t, ctx, "read country", chromedp.Value(chromedp.ID("f-country"))); got != "MN" {
		t.Fatalf("typing Mongolia into the country select chose %q, want MN", got)
	}
	step(t, ctx, "submit the sign-up form",
		chromedp.Click(chromedp.CSS(`form[action="/signup"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("profile-h")),
	)
	if got := pathOf(t, ctx); got != "/account" {
		t.Fatalf("after sign-up the browser is at %s, want /account", got)
	}
	if got := run1(t, ctx, "read header name", chromedp.Text(chromedp.CSS(".site-header .who"))); !strings.Contains(got, name) {
		t.Errorf("after sign-up the header shows %q, want it to contain %q", got, name)
	}

	step(t, ctx, "log out",
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.header-tools a[href="/login"]`)),
	)
	if got := pathOf(t, ctx); got != "/" {
		t.Errorf("after log-out the browser is at %s, want /", got)
	}

	step(t, ctx, "open the log-in page from the header",
		chromedp.Click(chromedp.CSS(`.header-tools a[href="/login"]`)),
		chromedp.WaitVisible(chromedp.ID("f-email")),
	)
	step(t, ctx, "log in with the keyboard",
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), password+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("profile-h")),
	)
	if got := pathOf(t, ctx); got != "/account" {
		t.Fatalf("after log-in the browser is at %s, want /account", got)
	}
	if got := run1(t, ctx, "read profile name", chromedp.Value(chromedp.ID("f-name"))); got != name {
		t.Errorf("the profile form shows name %q, want %q", got, name)
	}

	step(t, ctx, "switch to Chinese",
		chromedp.Click(chromedp.CSS(`.lang-switch button[value="zh"]`)),
		chromedp.WaitReady(chromedp.CSS(`html[lang="zh-Hans"]`)),
		chromedp.WaitVisible(chromedp.ID("profile-h")),
	)
	if got := pathOf(t, ctx); got != "/account" {
		t.Errorf("after switching language the browser is at %s, want to stay on /account", got)
	}
	pressed := run1(t, ctx, "read 中文 button", chromedp.AttributeValue(chromedp.CSS(`.lang-switch button[value="zh"]`), "aria-pressed"))
	if !pressed.Exists {
		t.Errorf("the 中文 button is not marked aria-pressed after switching")
	}
	heading := run1(t, ctx, "read heading", chromedp.Text(chromedp.CSS("main h1")))
	if !strings.ContainsFunc(heading, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		t.Errorf("in Chinese the account heading is %q, with no Chinese characters", heading)
	}
	country := run1(t, ctx, "read country label",
		chromedp.Evaluate[string](`document.getElementById("f-country").selectedOptions[0].textContent`))
	if country != "蒙古" {
		t.Errorf("in Chinese the country shows as %q, want 蒙古", country)
	}

	for _, p := range problems.all() {
		t.Errorf("page problem: %s", p)
	}
}
