package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"golang.org/x/crypto/bcrypt"

	"expo/internal/expo"
	"expo/internal/store"
)

// TestBrowserMeetingJourney: an attendee books a negotiation slot from an
// exhibitor's profile; the exhibitor accepts it on "My meetings" (htmx
// swaps the list); both see the meeting in their agenda; a second attendee
// is no longer offered the slot (the exhibitor has one table).
func TestBrowserMeetingJourney(t *testing.T) {
	findChromium(t)
	t.Parallel()
	app := startApp(t, "", "--demo")

	ctx := context.Background()
	st, err := store.Open(ctx, app.DB, store.Options{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := st.UserByEmail(ctx, "exhibitor1@demo.expo")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := st.Application(ctx, *rep.ExhibitorID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetExhibitorMeetingSettings(ctx, ex.ID, store.MeetingSettings{Tables: 1}); err != nil {
		t.Fatal(err)
	}
	const password = "negotiate-2026"
	var attendees []expo.User
	for _, email := range []string{"buyer@example.cn", "investor@example.kr"} {
		u, err := st.CreateAttendee(ctx, expo.SignUp{Email: email, Password: password,
			Profile: expo.Profile{Name: "Buyer " + email, Organization: "Harbin Trading", Country: "CN", Languages: []string{"en"}}})
		if err != nil {
			t.Fatal(err)
		}
		attendees = append(attendees, u)
	}
	free, err := st.FreeSlots(ctx, ex.ID, attendees[0].ID, time.Now())
	if err != nil || len(free) == 0 {
		t.Fatalf("no free slot of %s: %v", ex.Slug, err)
	}
	var slot expo.Slot
	for _, s := range free {
		if s.RestrictCountry == "" {
			slot = s
			break
		}
	}
	slotInput := `input[name="slot_id"][value="` + strconv.FormatInt(slot.ID, 10) + `"]`

	bctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	bctx, problems := newBrowserContext(t, bctx)
	logIn := func(email, pw string) {
		t.Helper()
		step(t, bctx, "log in as "+email,
			chromedp.Navigate(app.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("f-email")),
			chromedp.SendKeys(chromedp.ID("f-email"), email),
			chromedp.SendKeys(chromedp.ID("f-password"), pw+kb.Enter),
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

	logIn("buyer@example.cn", password)
	step(t, bctx, "open the exhibitor's profile and choose Book a meeting",
		chromedp.Navigate(app.URL+"/exhibitors/"+ex.Slug),
		chromedp.Click(chromedp.CSS(".book-meeting a")),
		chromedp.WaitVisible(chromedp.CSS(slotInput)),
	)
	step(t, bctx, "pick the slot, write a message and send",
		chromedp.Click(chromedp.CSS(slotInput)),
		chromedp.SendKeys(chromedp.ID("f-message"), "We would like to buy charging equipment."),
		chromedp.Click(chromedp.CSS(`#slot-picker button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".meeting-group-awaiting")),
	)
	logOut()

	mine, err := st.MyMeetings(ctx, attendees[0])
	if err != nil || len(mine) != 1 || mine[0].Status != expo.MeetingPending {
		t.Fatalf("after the request: %+v %v", mine, err)
	}
	card := "#meeting-" + strconv.FormatInt(mine[0].ID, 10)

	logIn("exhibitor1@demo.expo", "expo-demo")
	step(t, bctx, "accept the request on My meetings",
		chromedp.Navigate(app.URL+"/my/meetings"),
		chromedp.WaitVisible(chromedp.CSS(card+` form[action$="/accept"] button`)),
		chromedp.Click(chromedp.CSS(card+` form[action$="/accept"] button`)),
		chromedp.WaitVisible(chromedp.CSS(card+".meeting-accepted")),
	)
	if got := run1(t, bctx, "read the accepted meeting", chromedp.Text(chromedp.CSS(card))); !strings.Contains(got, "Table") {
		t.Errorf("accepted meeting shows no table: %q", got)
	}
	step(t, bctx, "the exhibitor's agenda lists the meeting",
		chromedp.Navigate(app.URL+"/my/agenda"),
		chromedp.WaitVisible(chromedp.CSS(".agenda-meeting")),
	)
	if got := run1(t, bctx, "read agenda", chromedp.Text(chromedp.CSS(".agenda"))); !strings.Contains(got, "Buyer buyer@example.cn") {
		t.Errorf("exhibitor agenda lacks the meeting: %.300q", got)
	}
	logOut()

	logIn("buyer@example.cn", password)
	step(t, bctx, "the attendee's agenda lists the meeting",
		chromedp.Navigate(app.URL+"/my/agenda"),
		chromedp.WaitVisible(chromedp.CSS(".agenda-meeting")),
	)
	if got := run1(t, bctx, "read agenda", chromedp.Text(chromedp.CSS(".agenda-meeting"))); !strings.Contains(got, ex.Name) {
		t.Errorf("attendee agenda: %q", got)
	}
	logOut()

	logIn("investor@example.kr", password)
	step(t, bctx, "the second attendee opens the slot picker",
		chromedp.Navigate(app.URL+"/exhibitors/"+ex.Slug+"/meet"),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	)
	n := run1(t, bctx, "count the taken slot", chromedp.Evaluate[int](`document.querySelectorAll('`+slotInput+`').length`))
	if n != 0 {
		t.Errorf("the taken slot is still offered to a second attendee")
	}
	for _, p := range problems.all() {
		t.Errorf("browser problem: %s", p)
	}
}
