package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

func TestReviewQueue(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		org := app.as(t, demoOrganizer)
		_, a := applyAs(t, app, "백두메디텍", "Baekdu Meditech", "a@baekdu.example.kr")
		_, b := applyAs(t, app, "松花江制药", "Songhua River Pharma", "b@songhua.example.cn")
		owner, c := applyAs(t, app, "Тайга Логистик", "Taiga Logistics", "c@taiga.example.ru", func(v url.Values) {
			v.Set("country", "RU")
			v["sectors"] = []string{"logistics"}
			v.Set("booth_wish", "raw")
			v.Set("raw_space_m2", "120")
		})

		t.Run("filters and counts", func(t *testing.T) {
			r := org.get("/organizer/exhibitors?state=submitted&country=KR&sector=pharma_medical&booth_wish=standard")
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			if n := r.doc.Find(".review-table tbody tr").Length(); n < 1 {
				t.Fatalf("%d rows", n)
			}
			if !strings.Contains(r.text(".review-table"), "Baekdu Meditech") || strings.Contains(r.text(".review-table"), "Taiga") {
				t.Errorf("filtered rows: %s", r.text(".review-table tbody"))
			}
			if r.doc.Find(`.state-tabs a[aria-current]`).Length() != 1 {
				t.Error("the current state tab is not marked")
			}
		})
		t.Run("an unknown filter value is a 422", func(t *testing.T) {
			for _, q := range []string{"state=eaten", "country=XX", "sector=weapons", "booth_wish=palace"} {
				if r := org.in(t).get("/organizer/exhibitors?" + q); r.status != http.StatusUnprocessableEntity {
					t.Errorf("%s: status %d", q, r.status)
				}
			}
		})
		t.Run("an empty result says what to do", func(t *testing.T) {
			r := org.get("/organizer/exhibitors?country=AQ")
			if r.text(".empty h2") != en("review.empty") {
				t.Errorf("empty state %q", r.text(".empty"))
			}
		})

		detail := fmt.Sprintf("/organizer/exhibitors/%d", a.ID)
		action := detail + "/transition"
		t.Run("reject needs a reason", func(t *testing.T) {
			r := org.fill(detail, action, values("to", "rejected", "reason", "  "))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", r.status)
			}
			if got := r.fieldError(".card", "reason"); got != en("error.required") {
				t.Errorf("reason error %q (%v)", got, r.fieldErrors())
			}
		})
		t.Run("an impossible move is a 409", func(t *testing.T) {
			r := org.fill(detail, action, values("to", "draft"))
			if r.status != http.StatusConflict || !strings.Contains(r.text(".flash-error"), en("error.transition_not_allowed")) {
				t.Errorf("status %d, %q", r.status, r.text(".flash-error"))
			}
			r = org.fill(detail, action, values("to", "eaten"))
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("unknown state: %d", r.status)
			}
		})
		t.Run("waitlist, then reject with a reason shown as text", func(t *testing.T) {
			if r := org.fill(detail, action, values("to", "waitlisted")); r.status != http.StatusSeeOther {
				t.Fatalf("waitlist: %d", r.status)
			}
			r := org.fill(detail, action, values("to", "rejected", "reason", "<i>Hall</i> is full"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("reject: %d %v", r.status, r.fieldErrors())
			}
			page := org.follow(r)
			if got := page.text(".reason"); got != "<i>Hall</i> is full" || strings.Contains(page.body, "<i>Hall</i>") {
				t.Errorf("reason %q", got)
			}
			if page.doc.Find(`form[action="`+action+`"]`).Length() != 0 {
				t.Error("a rejected application still offers decisions")
			}
		})
		t.Run("the applicant sees the decision", func(t *testing.T) {
			ca := app.client(t)
			ca.logIn("a@baekdu.example.kr", "correct horse battery")
			home := ca.get("/exhibitor")
			if got := home.text(".company-head .badge"); got != en("exhibitor.state.rejected") {
				t.Errorf("state %q", got)
			}
			if !strings.Contains(home.text(".notification-list"), "<i>Hall</i> is full") {
				t.Errorf("notification %q", home.text(".notification-list"))
			}
			notes := ca.get("/notifications")
			if notes.doc.Find(".notification-list li.unread").Length() < 3 {
				t.Errorf("unread %d", notes.doc.Find(".notification-list li.unread").Length())
			}
			r := ca.submit(notes, "/notifications/read", nil)
			if r.status != http.StatusSeeOther || ca.follow(r).doc.Find(".notification-list li.unread").Length() != 0 {
				t.Error("mark read did not")
			}
		})

		t.Run("bulk approve reports every item", func(t *testing.T) {
			page := org.get("/organizer/exhibitors?state=submitted")
			r := org.submit(page, "/organizer/exhibitors/bulk", values("to", "approved", "id", fmt.Sprint(b.ID), "id", fmt.Sprint(c.ID), "id", fmt.Sprint(a.ID), "back", "/organizer/exhibitors?state=submitted"))
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			if got := r.text(".bulk-results strong"); got != en("review.bulk.done", map[string]any{"Count": 2}) {
				t.Errorf("summary %q", got)
			}
			if !strings.Contains(r.text(".bulk-results li"), en("error.transition_not_allowed")) {
				t.Errorf("failure list %q", r.text(".bulk-results"))
			}
			for _, id := range []int64{b.ID, c.ID} {
				if got, _ := st.Application(context.Background(), id); got.State != expo.StateApproved {
					t.Errorf("%d: %s", id, got.State)
				}
			}
			if n := len(owner.get("/notifications").doc.Find(".notification-list li").Nodes); n != 2 {
				t.Errorf("owner of C has %d notifications, want 2", n)
			}
		})
		t.Run("bulk refusals write nothing", func(t *testing.T) {
			tests := []struct {
				name   string
				form   []string
				status int
				want   string
			}{
				{"nothing selected", []string{"to", "approved"}, 422, "error.bulk_none"},
				{"reject without reason", []string{"to", "rejected", "id", fmt.Sprint(b.ID)}, 422, "error.required"},
				{"forged action", []string{"to", "draft", "id", fmt.Sprint(b.ID)}, 422, "error.choice_invalid"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := org.submit(org.get("/organizer/exhibitors"), "/organizer/exhibitors/bulk", values(tt.form...))
					if r.status != tt.status {
						t.Fatalf("status %d", r.status)
					}
					if !strings.Contains(r.text(".bulk-bar"), en(tt.want)) {
						t.Errorf("bulk bar %q, want %q", r.text(".bulk-bar"), en(tt.want))
					}
					if got, _ := st.Application(context.Background(), b.ID); got.State != expo.StateApproved {
						t.Errorf("state %s", got.State)
					}
				})
			}
			r := org.submit(org.get("/organizer/exhibitors"), "/organizer/exhibitors/bulk", values("to", "approved", "id", "abc"))
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("bad id: %d", r.status)
			}
		})
		t.Run("pagination", func(t *testing.T) {
			r := org.get("/organizer/exhibitors")
			total := r.text(".review-form > p.muted")
			if r.doc.Find(".review-table tbody tr").Length() != reviewPerPage || r.doc.Find(`.pager a[rel="next"]`).Length() != 1 {
				t.Fatalf("first page: %d rows, %s", r.doc.Find(".review-table tbody tr").Length(), total)
			}
			next := r.doc.Find(`.pager a[rel="next"]`).AttrOr("href", "")
			if p2 := org.get(next); p2.doc.Find(`.pager a[rel="prev"]`).Length() != 1 {
				t.Errorf("page 2 at %s has no previous link", next)
			}
		})
	})
}

func TestExportImport(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		org := app.as(t, demoOrganizer)
		applyAs(t, app, "백두메디텍", "Baekdu Meditech", "a@baekdu.example.kr")

		t.Run("export", func(t *testing.T) {
			r := org.get("/organizer/exhibitors.csv")
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
				!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") {
				t.Fatalf("status %d, headers %v", r.status, r.header)
			}
			if !strings.HasPrefix(r.body, "\uFEFFid,slug,state,") || !strings.Contains(r.body, "백두메디텍") {
				t.Errorf("body %.200q", r.body)
			}
		})

		header := "name,name_latin,country,sectors,description,contact_name,contact_email,contact_phone,booth_wish,raw_space_m2,languages\n"
		upload := func(t *testing.T, file string) *reply {
			return org.multipartPost(org.get("/organizer/exhibitors/import"), "/organizer/exhibitors/import", nil, "file", "pavilion.csv", []byte(file))
		}
		t.Run("dry run lists every bad row", func(t *testing.T) {
			count := countApplications(t, st)
			r := upload(t, header+
				"Good Co,Good Co,KR,finance,Desc,Kim,kim@example.kr,+82 10 1111 2222,standard,,ko\n"+
				"Bad Co,Bad Co,XX,finance,Desc,Kim,kim@example.kr,+82 10 1111 2222,standard,,ko\n"+
				"백두메디텍,Baekdu Again,KR,finance,Desc,Kim,kim@example.kr,+82 10 1111 2222,raw,5,ko\n")
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", r.status)
			}
			rows := r.doc.Find(".import-report tbody tr")
			got := []string{}
			rows.Each(func(_ int, s *goquery.Selection) {
				var cells []string
				s.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, strings.TrimSpace(td.Text())) })
				got = append(got, strings.Join(cells, " "))
			})
			want := []string{
				"3 country " + en("error.choice_invalid"),
				"4 raw_space_m2 " + en("error.raw_space_range"),
			}
			if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("report %q, want %q", got, want)
			}
			if countApplications(t, st) != count {
				t.Error("a dry run wrote")
			}
			if r.doc.Find(`form[action$="/run"]`).Length() != 0 {
				t.Error("an unclean file can be imported")
			}
		})
		t.Run("no file", func(t *testing.T) {
			r := org.multipartPost(org.get("/organizer/exhibitors/import"), "/organizer/exhibitors/import", nil, "", "", nil)
			if r.status != http.StatusUnprocessableEntity || r.fieldError("form", "file") != en("error.file_missing") {
				t.Errorf("status %d %v", r.status, r.fieldErrors())
			}
		})
		t.Run("a clean file imports with progress", func(t *testing.T) {
			var b strings.Builder
			b.WriteString(header)
			for i := range 230 {
				fmt.Fprintf(&b, "Pavilion Member %d,Pavilion Member %d,MN,logistics;other,Freight,Bat,bat%d@example.mn,+976 11 12%04d,standard,,mn;ru\n", i, i, i, i)
			}
			count := countApplications(t, st)
			r := upload(t, b.String())
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.text(".import-report"))
			}
			runForm := r.doc.Find(`form[action$="/run"]`)
			action := runForm.AttrOr("action", "")
			if action == "" {
				t.Fatal("no import button")
			}
			t.Run("another organizer cannot run it", func(t *testing.T) {
				if _, err := st.CreateOrganizer(context.Background(), expo.NewOrganizer{Email: "other@expo.example", Name: "Other", Password: demoPassword + "-long"}); err != nil {
					t.Fatal(err)
				}
				other := app.client(t)
				other.logIn("other@expo.example", demoPassword+"-long")
				rr := other.post(action, values("state", "approved", "_csrf", other.csrf(other.get("/organizer/exhibitors"), "")))
				if rr.status != http.StatusNotFound {
					t.Errorf("status %d", rr.status)
				}
			})
			rr := org.submit(r, action, values("state", "approved"))
			if rr.status != http.StatusSeeOther {
				t.Fatalf("run: %d", rr.status)
			}
			progress := rr.location()
			var page *reply
			for i := 0; i < 100; i++ {
				page = org.get(progress)
				if page.doc.Find(".import-progress[hx-get]").Length() == 0 {
					break
				}
				if page.doc.Find(`.import-progress a[href="`+progress+`"]`).Length() != 1 {
					t.Fatal("a running import has no plain reload link")
				}
				time.Sleep(50 * time.Millisecond)
			}
			if got := page.text(".import-progress h2"); got != en("import.done", map[string]any{"Count": 230}) {
				t.Fatalf("progress page %q", page.text(".import-progress"))
			}
			if n := countApplications(t, st) - count; n != 230 {
				t.Errorf("%d imported", n)
			}
			t.Run("htmx gets only the fragment", func(t *testing.T) {
				req := org.newRequest(http.MethodGet, progress, nil)
				req.Header.Set("HX-Request", "true")
				req.Header.Set("HX-Target", "import-progress")
				fr := org.do(req)
				if fr.doc.Find("html header").Length() != 0 || fr.doc.Find("#import-progress").Length() != 1 {
					t.Errorf("fragment %.200s", fr.body)
				}
			})
			t.Run("the same dry run cannot run twice", func(t *testing.T) {
				if rr := org.submit(r, action, values("state", "approved")); rr.status != http.StatusNotFound {
					t.Errorf("status %d", rr.status)
				}
			})
		})
	})
}
