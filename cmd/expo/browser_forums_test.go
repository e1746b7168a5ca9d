package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"golang.org/x/crypto/bcrypt"

	"expo/internal/expo"
	"expo/internal/store"
)

// TestBrowserForumWaitlist: an attendee takes the only seat of a forum, a
// second attendee joins the waitlist, the first cancels and the second is
// promoted — all through the forum page in a real browser, with htmx
// swapping the registration box.
func TestBrowserForumWaitlist(t *testing.T) {
	findChromium(t)
	t.Parallel()
	app := startApp(t, "", "--demo")

	// The forum is made through the store on the app's own database; the
	// organizer's side has its own journey.
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, app.DB, store.Options{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ev, ok, err := st.Event(ctx, loc)
	if err != nil || !ok {
		t.Fatalf("event: %v %v", ok, err)
	}
	room, err := st.CreateRoom(ctx, expo.RoomInput{Name: "VIP Lounge", Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	forum, err := st.CreateForum(ctx, expo.ForumInput{Title: "Investors' Breakfast", Theme: "investment", Languages: []string{"en", "zh"}, Capacity: 1})
	if err != nil {
		t.Fatal(err)
	}
	day := ev.StartsOn
	if _, err := st.CreateSession(ctx, expo.SessionInput{ForumID: forum.ID, Title: "Breakfast briefing",
		StartsAt: time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, loc), EndsAt: time.Date(day.Year(), day.Month(), day.Day(), 9, 45, 0, 0, loc),
		RoomID: room.ID, Language: "en"}, loc); err != nil {
		t.Fatal(err)
	}
	if err := st.Publish(ctx, forum.ID, loc); err != nil {
		t.Fatal(err)
	}
	const password = "breakfast-2026"
	for _, email := range []string{"min-ji@example.kr", "ivan@example.ru"} {
		if _, err := st.CreateAttendee(ctx, expo.SignUp{Email: email, Password: password, Profile: expo.Profile{Name: email, Country: "KR", Languages: []string{"en"}}}); err != nil {
			t.Fatal(err)
		}
	}
	forumPath := "/forums/" + strconv.FormatInt(forum.ID, 10)

	bctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	bctx, problems := newBrowserContext(t, bctx)

	logIn := func(email string) {
		t.Helper()
		step(t, bctx, "log in as "+email,
			chromedp.Navigate(app.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("f-email")),
			chromedp.SendKeys(chromedp.ID("f-email"), email),
			chromedp.SendKeys(chromedp.ID("f-password"), password+kb.Enter),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
		)
	}
	logOut := func() {
		t.Helper()
		step(t, bctx, "log out",
			chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.header-tools a[href="/login"]`)),
		)
	}
	state := func() string {
		t.Helper()
		return strings.TrimSpace(run1(t, bctx, "read registration state", chromedp.Text(chromedp.CSS("#registration .reg-state"))))
	}

	logIn("min-ji@example.kr")
	step(t, bctx, "open the forum from the programme",
		chromedp.Navigate(app.URL+"/forums"),
		chromedp.Click(chromedp.CSS(`.timetable a[href="`+forumPath+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#registration button[type="submit"]`)),
	)
	step(t, bctx, "register",
		chromedp.Click(chromedp.CSS(`#registration button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#registration .reg-state")),
	)
	if got := state(); !strings.Contains(got, "confirmed") {
		t.Fatalf("after registering: %q, want a confirmed seat", got)
	}
	logOut()

	logIn("ivan@example.ru")
	step(t, bctx, "open the full forum",
		chromedp.Navigate(app.URL+forumPath),
		chromedp.WaitVisible(chromedp.CSS(`#registration button[type="submit"]`)),
	)
	step(t, bctx, "join the waitlist",
		chromedp.Click(chromedp.CSS(`#registration button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#registration .reg-state")),
	)
	if got := state(); !strings.Contains(got, "number 1 on the waitlist") {
		t.Fatalf("on a full forum: %q, want waitlist number 1", got)
	}
	logOut()

	logIn("min-ji@example.kr")
	step(t, bctx, "cancel, confirming first",
		chromedp.Navigate(app.URL+forumPath),
		chromedp.Click(chromedp.CSS("#registration details.confirm summary")),
		chromedp.WaitVisible(chromedp.CSS(`#registration form[action$="/cancel"] button`)),
		chromedp.Click(chromedp.CSS(`#registration form[action$="/cancel"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS("#registration .reg-state")),
	)
	logOut()

	logIn("ivan@example.ru")
	step(t, bctx, "see the promotion", chromedp.Navigate(app.URL+forumPath), chromedp.WaitVisible(chromedp.CSS("#registration .reg-state")))
	if got := state(); !strings.Contains(got, "confirmed") {
		t.Errorf("after the cancellation the second attendee sees %q, want a confirmed seat", got)
	}
	step(t, bctx, "the agenda lists the forum", chromedp.Navigate(app.URL+"/my/agenda"), chromedp.WaitVisible(chromedp.CSS(".agenda-item")))
	if got := run1(t, bctx, "read agenda", chromedp.Text(chromedp.CSS(".agenda-list"))); !strings.Contains(got, "Breakfast briefing") {
		t.Errorf("agenda %q", got)
	}

	// Print: the agenda keeps its items and drops the feed box; the
	// programme prints as the list, without timetable, tabs or filters.
	step(t, bctx, "emulate print", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	display := func(sel string) string {
		t.Helper()
		return run1(t, bctx, "display of "+sel, chromedp.Evaluate[string](
			`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); return e ? getComputedStyle(e).display : "absent" })()`))
	}
	for sel, want := range map[string]string{".agenda-feed": "none", ".main-nav": "none", ".lang-switch": "none", ".agenda-list": "block"} {
		if got := display(sel); got != want {
			t.Errorf("printing the agenda: %s has display %s, want %s", sel, got, want)
		}
	}
	step(t, bctx, "open the programme for print", chromedp.Navigate(app.URL+"/forums"), chromedp.WaitReady(chromedp.CSS(".programme-list")))
	for sel, want := range map[string]string{".timetable-wrap": "none", ".day-tabs": "none", ".programme-filters": "none", ".programme-list": "block"} {
		if got := display(sel); got != want {
			t.Errorf("printing the programme: %s has display %s, want %s", sel, got, want)
		}
	}

	for _, p := range problems.all() {
		t.Errorf("page problem: %s", p)
	}
}
