package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// inviteLink makes an invitation as the owner and returns its path.
func inviteLink(t *testing.T, owner *testClient) string {
	t.Helper()
	r := owner.submit(owner.get("/exhibitor/team"), "/exhibitor/team/invite", nil)
	if r.status != http.StatusOK {
		t.Fatalf("invite: status %d", r.status)
	}
	link := r.doc.Find("#invite-link").AttrOr("value", "")
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/invite/") {
		t.Fatalf("invite link %q", link)
	}
	return u.Path
}

func TestTeam(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		ownerA, exA := applyAs(t, app, "백두메디텍", "Baekdu Meditech", "a@baekdu.example.kr")
		ownerB, exB := applyAs(t, app, "松花江制药", "Songhua River Pharma", "b@songhua.example.cn")

		var member *testClient
		t.Run("a new person joins through a one-time link", func(t *testing.T) {
			path := inviteLink(t, ownerA)
			member = app.client(t)
			page := member.get(path)
			if page.status != http.StatusOK || !strings.Contains(page.text("h1"), "Baekdu Meditech") {
				t.Fatalf("invite page: %d %q", page.status, page.text("h1"))
			}
			r := member.submit(page, path, values("name", "Kim Min-ji", "email", "kim@baekdu.example.kr", "password", "correct horse battery"))
			if r.status != http.StatusSeeOther {
				t.Fatalf("accept: %d %v", r.status, r.fieldErrors())
			}
			if got := member.follow(r).text(".company-head h1"); got != exA.Name {
				t.Errorf("member sees %q", got)
			}
			again := app.client(t).get(path)
			if again.status != http.StatusConflict || !strings.Contains(again.text(".lead"), en("error.invite_used")) {
				t.Errorf("reused link: %d %q", again.status, again.text(".lead"))
			}
			if r := app.client(t).get("/invite/not-a-real-token"); r.status != http.StatusNotFound {
				t.Errorf("unknown link: %d", r.status)
			}
		})
		t.Run("bad sign-up input on the invite page", func(t *testing.T) {
			path := inviteLink(t, ownerA)
			c := app.client(t)
			tests := []struct{ name, field, value, msg string }{
				{"e-mail taken", "email", "b@songhua.example.cn", "error.email_taken"},
				{"bad e-mail", "email", "kim@", "error.email_invalid"},
				{"short password", "password", "short", "error.password_short"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					form := values("name", "Lee", "email", "lee@baekdu.example.kr", "password", "correct horse battery")
					form.Set(tt.field, tt.value)
					r := c.fill(path, path, form)
					if r.status < 400 || r.status > 499 || r.fieldError("form", tt.field) != en(tt.msg) {
						t.Errorf("status %d, errors %v", r.status, r.fieldErrors())
					}
				})
			}
			if r := c.get(path); r.status != http.StatusOK {
				t.Errorf("a refused attempt spent the link: %d", r.status)
			}
		})
		t.Run("a logged-in attendee joins; another company's owner cannot", func(t *testing.T) {
			path := inviteLink(t, ownerA)
			page := ownerB.get(path)
			if page.doc.Find(`button[type="submit"]`).Length() != 0 && strings.Contains(page.text(".card"), en("invite.join")) {
				t.Error("another company's owner is offered to join")
			}
			form := values("_csrf", ownerB.csrf(page, ""))
			if r := ownerB.post(path, form); r.status != http.StatusConflict {
				t.Errorf("other owner accept: %d", r.status)
			}
			att := app.as(t, demoAttendee2)
			r := att.submit(att.get(path), path, nil)
			if r.status != http.StatusSeeOther {
				t.Fatalf("attendee accept: %d %s", r.status, r.text(".flash-error"))
			}
			if u := app.user(t, demoAttendee2); u.Role != expo.RoleExhibitor || *u.ExhibitorID != exA.ID {
				t.Errorf("attendee now %+v", u)
			}
		})
		t.Run("members see the team but only the owner manages it", func(t *testing.T) {
			page := member.get("/exhibitor/team")
			if page.status != http.StatusOK || page.doc.Find(".member-list li").Length() != 3 {
				t.Fatalf("team page %d, %d members", page.status, page.doc.Find(".member-list li").Length())
			}
			if page.doc.Find(`form[action="/exhibitor/team/invite"]`).Length() != 0 {
				t.Error("a member is offered invitations")
			}
			tok := member.csrf(page, "")
			if r := member.post("/exhibitor/team/invite", values("_csrf", tok)); r.status != http.StatusForbidden {
				t.Errorf("member invites: %d", r.status)
			}
			if r := member.get("/exhibitor/profile"); r.status != http.StatusForbidden {
				t.Errorf("member edits profile: %d", r.status)
			}
			if r := member.post("/exhibitor/logo", values("_csrf", tok)); r.status != http.StatusForbidden {
				t.Errorf("member uploads logo: %d", r.status)
			}
		})
		t.Run("another company cannot see or change the team", func(t *testing.T) {
			page := ownerB.get("/exhibitor/team")
			if strings.Contains(page.body, "kim@baekdu.example.kr") {
				t.Error("B sees A's member")
			}
			kim := app.user(t, "kim@baekdu.example.kr")
			r := ownerB.post(fmt.Sprintf("/exhibitor/team/%d/remove", kim.ID), values("_csrf", ownerB.csrf(page, "")))
			if r.status != http.StatusNotFound {
				t.Errorf("B removes A's member: %d", r.status)
			}
			if u := app.user(t, "kim@baekdu.example.kr"); u.ExhibitorID == nil || *u.ExhibitorID != exA.ID {
				t.Error("A's member was removed by B")
			}
			_ = exB
		})
		t.Run("the owner removes a member, who loses access at once", func(t *testing.T) {
			kim := app.user(t, "kim@baekdu.example.kr")
			page := ownerA.get("/exhibitor/team")
			action := fmt.Sprintf("/exhibitor/team/%d/remove", kim.ID)
			if page.doc.Find(`details.confirm form[action="`+action+`"]`).Length() != 1 {
				t.Fatal("no confirmation form for removal")
			}
			if r := ownerA.submit(page, action, nil); r.status != http.StatusSeeOther {
				t.Fatalf("remove: %d", r.status)
			}
			if r := member.get("/exhibitor"); r.status != http.StatusForbidden {
				t.Errorf("removed member still sees the company: %d", r.status)
			}
			owner := app.user(t, "a@baekdu.example.kr")
			r := ownerA.submit(ownerA.get("/exhibitor/team"), "/exhibitor/team/invite", nil)
			if r2 := ownerA.post(fmt.Sprintf("/exhibitor/team/%d/remove", owner.ID), values("_csrf", ownerA.csrf(r, ""))); r2.status != http.StatusConflict {
				t.Errorf("owner removes self: %d", r2.status)
			}
		})
	})
}

func TestOwnerInviteFromReview(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		org := app.as(t, demoOrganizer)
		header := "name,name_latin,country,sectors,description,contact_name,contact_email,contact_phone,booth_wish,languages\n"
		r := org.multipartPost(org.get("/organizer/exhibitors/import"), "/organizer/exhibitors/import", nil, "file", "one.csv",
			[]byte(header+"Ховд Агро,Khovd Agro,MN,agri_food,Cashmere and dairy,Bold,bold@khovd.example.mn,+976 11 654321,standard,mn\n"))
		action := r.doc.Find(`form[action$="/run"]`).AttrOr("action", "")
		if action == "" {
			t.Fatalf("dry run: %d %s", r.status, r.text(".import-report"))
		}
		progress := org.submit(r, action, values("state", "submitted")).location()
		for i := 0; i < 100 && org.get(progress).doc.Find(".import-progress[hx-get]").Length() > 0; i++ {
			time.Sleep(20 * time.Millisecond)
		}
		var id int64
		p, _ := st.ReviewQueue(t.Context(), store.ReviewFilter{Country: "MN", Sector: "agri_food", State: expo.StateSubmitted})
		for _, e := range p.Items {
			if e.NameLatin == "Khovd Agro" {
				id = e.ID
			}
		}
		if id == 0 {
			t.Fatal("imported company not found")
		}
		detail := fmt.Sprintf("/organizer/exhibitors/%d", id)
		page := org.get(detail)
		if page.text(".review-table") != "" || page.doc.Find(`form[action="`+detail+`/invite"]`).Length() != 1 {
			t.Fatal("no owner invitation offered for an imported company")
		}
		r = org.submit(page, detail+"/invite", nil)
		link := r.doc.Find("#invite-link").AttrOr("value", "")
		u, err := url.Parse(link)
		if r.status != http.StatusOK || err != nil || !strings.HasPrefix(u.Path, "/invite/") {
			t.Fatalf("status %d link %q", r.status, link)
		}
		c := app.client(t)
		acc := c.fill(u.Path, u.Path, values("name", "Bold", "email", "bold@khovd.example.mn", "password", "correct horse battery"))
		if acc.status != http.StatusSeeOther {
			t.Fatalf("accept: %d %v", acc.status, acc.fieldErrors())
		}
		if r := c.get("/exhibitor/profile"); r.status != http.StatusOK {
			t.Errorf("the new owner cannot edit the profile: %d", r.status)
		}
		if r := org.get(detail); r.doc.Find(`form[action="`+detail+`/invite"]`).Length() != 0 {
			t.Error("owner invitation still offered once the company has an owner")
		}
		t.Run("attendee cannot make one", func(t *testing.T) {
			att := app.as(t, demoAttendee)
			if r := att.post(detail+"/invite", values("_csrf", att.csrf(att.get("/account"), ""))); r.status != http.StatusForbidden {
				t.Errorf("status %d", r.status)
			}
		})
	})
}
