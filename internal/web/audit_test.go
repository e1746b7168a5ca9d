package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
	"expo/web/pages"
)

const auditRows = `table.audit-table tbody tr[data-action]`

func TestAuditPageAccess(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		t.Run("anonymous is sent to log in", func(t *testing.T) {
			r := app.client(t).get("/organizer/audit?action=booth.assign")
			if r.status != http.StatusSeeOther || r.location() != "/login?next="+url.QueryEscape("/organizer/audit?action=booth.assign") {
				t.Fatalf("status %d, location %q", r.status, r.location())
			}
		})
		for _, who := range []string{demoAttendee, demoExhibitor} {
			t.Run(who+" is refused", func(t *testing.T) {
				r := app.as(t, who).get("/organizer/audit")
				if r.status != http.StatusForbidden {
					t.Fatalf("status %d, want 403", r.status)
				}
				if r.doc.Find(auditRows).Length() != 0 {
					t.Error("the log is shown to a non-organizer")
				}
			})
		}
		t.Run("nobody can change the log over HTTP", func(t *testing.T) {
			for _, r := range app.srv.Routes() {
				if strings.HasPrefix(r.Path, "/organizer/audit") && r.Method != http.MethodGet {
					t.Errorf("%s %s changes the audit log", r.Method, r.Path)
				}
			}
			org := app.as(t, demoOrganizer)
			page := org.get("/organizer/audit")
			for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
				req := org.newRequest(method, "/organizer/audit", strings.NewReader(url.Values{"_csrf": {org.csrf(page, "/logout")}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if r := org.do(req); r.status < 400 || r.status >= 500 {
					t.Errorf("%s: status %d, want a refusal", method, r.status)
				}
			}
		})
		t.Run("organizer sees it, with a nav link", func(t *testing.T) {
			r := app.as(t, demoOrganizer).get("/organizer/audit")
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			if got := r.text("h1"); got != en("audit.title") {
				t.Errorf("h1 = %q", got)
			}
			if r.doc.Find(`nav.main-nav a[href="/organizer/audit"][aria-current="page"]`).Length() != 1 {
				t.Error("no current nav link to the audit log")
			}
		})
	})
}

func TestAuditLogPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		org := app.as(t, demoOrganizer)
		orgUser := app.user(t, demoOrganizer)
		events := func(t *testing.T, f store.AuditFilter) []store.AuditEvent {
			t.Helper()
			f.PerPage = 200
			p, err := st.AuditEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return p.Items
		}

		t.Run("the demo's decisions and booths are in the log", func(t *testing.T) {
			for _, action := range []string{store.AuditExhibitorApprove, store.AuditBoothAssign} {
				r := org.in(t).get("/organizer/audit?action=" + action)
				if n := r.doc.Find(auditRows).Length(); n == 0 {
					t.Errorf("no %s rows in the demo", action)
				}
			}
		})

		const guess = "Secret-Guess-9f3c"
		t.Run("failed logins are recorded with the e-mail tried, never the password", func(t *testing.T) {
			if r := app.client(t).fill("/login", "/login", values("email", strings.ToUpper(demoAttendee), "password", guess)); r.status != http.StatusUnauthorized {
				t.Fatalf("login status %d, want 401", r.status)
			}
			b, _ := json.Marshal(map[string]string{"email": "nobody@example.com", "password": guess})
			if r := app.client(t).api(http.MethodPost, "/api/v1/tokens", "application/json", string(b), ""); r.status != http.StatusUnauthorized {
				t.Fatalf("API status %d, want 401", r.status)
			}
			var evs []store.AuditEvent
			for _, email := range []string{demoAttendee, "nobody@example.com"} {
				got := events(t, store.AuditFilter{Action: store.AuditLoginFailed, Actor: email})
				if len(got) != 1 {
					t.Fatalf("%d failed-login events of %s, want 1", len(got), email)
				}
				evs = append(evs, got...)
			}
			for _, e := range evs {
				raw, _ := json.Marshal(e)
				if strings.Contains(string(raw), guess) {
					t.Errorf("the password is in the audit log: %s", raw)
				}
				if e.ActorUserID != nil || e.IP == "" || e.RequestID == "" {
					t.Errorf("event %+v: want no user, an address and a request id", e)
				}
			}
			r := org.in(t).get("/organizer/audit?action=" + store.AuditLoginFailed + "&actor=" + url.QueryEscape(demoAttendee))
			if n := r.doc.Find(auditRows).Length(); n != 1 {
				t.Fatalf("%d rows, want 1", n)
			}
			if !strings.Contains(r.text(auditRows), en("audit.summary.login_failed", map[string]any{"Email": demoAttendee})) {
				t.Errorf("rows %q do not name the e-mail tried", r.text(auditRows))
			}
			if strings.Contains(r.body, guess) {
				t.Error("the page shows the password")
			}
		})

		t.Run("a login flood is recorded once", func(t *testing.T) {
			limited := newApp(t, st, Config{Limits: Limits{LoginPerAccount: Limit{Every: time.Hour, Burst: 1}}})
			c := limited.client(t)
			if r := c.fill("/login", "/login", values("email", demoAttendee2, "password", "wrong")); r.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", r.status)
			}
			for range 3 {
				if r := c.fill("/login", "/login", values("email", demoAttendee2, "password", "wrong")); r.status != http.StatusTooManyRequests {
					t.Fatalf("status %d, want 429", r.status)
				}
			}
			if evs := events(t, store.AuditFilter{Action: store.AuditLoginRateLimited, Actor: demoAttendee2}); len(evs) != 1 {
				t.Fatalf("%d rate-limit events, want 1 per flood", len(evs))
			}
		})

		t.Run("a page action records who, from where and which request", func(t *testing.T) {
			c := org.in(t)
			r := c.fill("/account", "/account/tokens", values("token_name", "Badge printer"))
			if r.status != http.StatusCreated {
				t.Fatalf("status %d", r.status)
			}
			evs := events(t, store.AuditFilter{Action: store.AuditTokenCreate})
			if len(evs) != 1 {
				t.Fatalf("%d token events, want 1", len(evs))
			}
			e := evs[0]
			if e.ActorUserID == nil || *e.ActorUserID != orgUser.ID || e.ActorLabel != demoOrganizer || e.IP != "127.0.0.1" {
				t.Errorf("event %+v", e)
			}
			if id := r.header.Get("X-Request-ID"); id == "" || e.RequestID != id {
				t.Errorf("request id %q, answer's %q", e.RequestID, id)
			}
		})

		t.Run("an approval shows with its company and a link", func(t *testing.T) {
			queue, err := st.ReviewQueue(ctx, store.ReviewFilter{State: expo.StateSubmitted, PerPage: 1})
			if err != nil || len(queue.Items) == 0 {
				t.Fatalf("no submitted application: %v", err)
			}
			ex := queue.Items[0]
			actx := store.WithActor(ctx, store.Actor{UserID: orgUser.ID, Label: orgUser.Email})
			if _, err := st.Transition(actx, ex.ID, expo.StateApproved, orgUser, ""); err != nil {
				t.Fatal(err)
			}
			r := org.in(t).get("/organizer/audit?action=" + store.AuditExhibitorApprove)
			rows := r.doc.Find(auditRows).First() // the newest
			want := en("audit.summary.state", map[string]any{"Company": ex.NameLatin, "From": en("exhibitor.state.submitted"), "To": en("exhibitor.state.approved")})
			link := rows.Find(`a[href="/organizer/exhibitors/` + strconv.FormatInt(ex.ID, 10) + `"]`)
			if strings.TrimSpace(link.Text()) != want {
				t.Errorf("summary link %q, want %q", link.Text(), want)
			}
			if got := strings.TrimSpace(rows.Find(".audit-actor").Text()); got != demoOrganizer {
				t.Errorf("actor %q", got)
			}
		})

		today := time.Now().UTC().Format("2006-01-02")
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
		everything, err := st.AuditEvents(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		all := int(everything.Total)
		filters := []struct {
			name, query string
			rows        int
		}{
			{"no filter", "", all},
			{"by action", "action=" + store.AuditTokenCreate, 1},
			{"by actor, any case", "actor=" + url.QueryEscape(strings.ToUpper(demoAttendee)), 1},
			{"by actor and action", "actor=" + demoOrganizer + "&action=" + store.AuditTokenCreate, 1},
			{"today", "from=" + today + "&to=" + today, all},
			{"from tomorrow", "from=" + tomorrow, 0},
			{"up to yesterday", "to=" + time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02"), 0},
		}
		for _, f := range filters {
			t.Run("filter "+f.name, func(t *testing.T) {
				r := org.in(t).get("/organizer/audit?" + f.query)
				if r.status != http.StatusOK {
					t.Fatalf("status %d", r.status)
				}
				if n := r.doc.Find(auditRows).Length(); n != min(f.rows, 50) {
					t.Fatalf("%d rows, want %d", n, min(f.rows, 50))
				}
				if f.rows > 0 && r.text(".audit-total") != en("audit.total", map[string]any{"Count": f.rows, "N": strconv.Itoa(f.rows)}) {
					t.Errorf("total %q, want %d events", r.text(".audit-total"), f.rows)
				}
				if f.rows == 0 && r.text(".empty h2") != en("audit.empty.filtered") {
					t.Errorf("empty state %q, want the filtered one", r.text(".empty h2"))
				}
			})
		}

		bad := []struct {
			name, query, field, msg string
		}{
			{"unknown action", "action=booth.steal", "action", "error.choice_invalid"},
			{"impossible date", "from=2026-13-45", "from", "audit.error.date"},
			{"not a date", "to=yesterday", "to", "audit.error.date"},
			{"end before start", "from=" + tomorrow + "&to=" + today, "to", "audit.error.range"},
			{"over-long actor", "actor=" + strings.Repeat("a", 300) + "@example.com", "actor", "audit.error.actor"},
		}
		for _, b := range bad {
			t.Run("bad filter "+b.name, func(t *testing.T) {
				r := org.in(t).get("/organizer/audit?" + b.query)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", r.status)
				}
				if got := r.fieldError(`form[action="/organizer/audit"]`, b.field); got != en(b.msg) {
					t.Errorf("%s error = %q, want %q", b.field, got, en(b.msg))
				}
			})
		}

		t.Run("pages of fifty, newest first, filter kept", func(t *testing.T) {
			for i := range 60 {
				if err := st.AuditLoginFailed(ctx, "flood"+strconv.Itoa(i)+"@example.com", false); err != nil {
					t.Fatal(err)
				}
			}
			total := len(events(t, store.AuditFilter{Action: store.AuditLoginFailed}))
			if total > 100 {
				t.Fatalf("%d failed logins; the test wants two pages", total)
			}
			r := org.in(t).get("/organizer/audit?action=" + store.AuditLoginFailed)
			rows := r.doc.Find(auditRows)
			if rows.Length() != 50 {
				t.Fatalf("%d rows on page 1, want 50", rows.Length())
			}
			if got := strings.TrimSpace(rows.First().Find(".audit-actor").Text()); got != "flood59@example.com" {
				t.Errorf("first row by %q, want the newest (flood59)", got)
			}
			next, ok := r.doc.Find(`nav.pager a[rel="next"]`).Attr("href")
			if !ok || !strings.Contains(next, "action="+url.QueryEscape(store.AuditLoginFailed)) || !strings.Contains(next, "page=2") {
				t.Fatalf("next link %q", next)
			}
			r2 := org.in(t).get(next)
			if n := r2.doc.Find(auditRows).Length(); n != total-50 {
				t.Errorf("%d rows on page 2, want %d", n, total-50)
			}
			if r3 := org.in(t).get("/organizer/audit?page=999"); r3.status != http.StatusOK || r3.doc.Find(auditRows).Length() == 0 {
				t.Errorf("a page past the end: status %d, %d rows", r3.status, r3.doc.Find(auditRows).Length())
			}
		})

		t.Run("in Chinese", func(t *testing.T) {
			// The organizer switches the interface language (last: it
			// stays the account's language).
			c := org.in(t)
			page := c.get("/organizer/audit")
			if sw := c.submit(page, "/lang", values("lang", "zh")); sw.status != http.StatusSeeOther {
				t.Fatalf("language switch: status %d", sw.status)
			}
			r := c.get("/organizer/audit")
			if got := r.text("h1"); got != tr("zh", "audit.title") {
				t.Errorf("h1 = %q", got)
			}
			if strings.Contains(r.body, "⟦") {
				t.Error("a message is missing a translation")
			}
		})
	})
}

// TestAuditEmptyState: a log with nothing in it says what will appear
// there. (Setup and the demo always write rows, so the page is rendered
// directly.)
func TestAuditEmptyState(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		t.Run(lang, func(t *testing.T) {
			var b strings.Builder
			ctx := catalog.With(context.Background(), lang)
			if err := pages.Audit(pages.Page{Title: "x", Lang: lang, Loc: time.UTC}, pages.AuditView{}).Render(ctx, &b); err != nil {
				t.Fatal(err)
			}
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(doc.Find(".empty h2").Text()); got != tr(lang, "audit.empty") {
				t.Errorf("empty state %q, want %q", got, tr(lang, "audit.empty"))
			}
			if doc.Find("table").Length() != 0 || strings.Contains(b.String(), "⟦") {
				t.Error("an empty log shows a table or an untranslated message")
			}
		})
	}
}
