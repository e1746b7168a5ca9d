package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

func TestRecommendations(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		exhUser := app.user(t, demoExhibitor)
		company, err := st.Application(ctx, *exhUser.ExhibitorID)
		if err != nil {
			t.Fatal(err)
		}
		// attendee1 shares the first sector and a language of exhibitor1.
		att := app.user(t, demoAttendee)
		if _, err := st.UpdateProfile(ctx, att.ID, expo.Profile{Name: att.Name, Organization: att.Organization, Country: att.Country,
			JobTitle: att.JobTitle, Languages: company.Languages[:1], Interests: company.Sectors[:1]}); err != nil {
			t.Fatal(err)
		}

		t.Run("attendee sees exhibitors with reasons", func(t *testing.T) {
			c := app.as(t, demoAttendee)
			r := c.get("/my/recommendations")
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			item := r.doc.Find(`.recommend-item:has(a[href="/exhibitors/` + company.Slug + `"])`)
			if item.Length() != 1 {
				t.Fatalf("exhibitor %s not recommended; items: %s", company.Slug, r.text(".recommend-list"))
			}
			reasons := strings.TrimSpace(item.Find(".recommend-reasons").Text())
			if !strings.Contains(reasons, en("recommend.reason.sector", map[string]any{"Sector": en("sector." + company.Sectors[0])})) {
				t.Errorf("reasons %q lack the shared sector", reasons)
			}
			if item.Find(`a[href="/exhibitors/`+company.Slug+`/meet"]`).Length() != 1 {
				t.Error("no link to request a meeting")
			}
		})
		t.Run("reasons in Chinese", func(t *testing.T) {
			if _, err := st.UpdateProfile(ctx, att.ID, expo.Profile{Name: att.Name, Organization: att.Organization, Country: att.Country,
				JobTitle: att.JobTitle, Languages: company.Languages[:1], Interests: company.Sectors[:1], Locale: "zh"}); err != nil {
				t.Fatal(err)
			}
			r := app.as(t, demoAttendee).get("/my/recommendations")
			if !strings.Contains(r.text(".recommend-reasons"), "同属") {
				t.Errorf("reasons %q", r.text(".recommend-reasons"))
			}
		})
		t.Run("pages", func(t *testing.T) {
			c := app.as(t, demoAttendee)
			if r := c.get("/my/recommendations?page=999"); r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			if r := c.get("/my/recommendations?page=-1"); r.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", r.status)
			}
		})
		t.Run("exhibitor sees visitors", func(t *testing.T) {
			r := app.as(t, demoExhibitor).get("/my/recommendations")
			if r.status != http.StatusOK || r.text("h1") != en("recommend.title.exhibitor") {
				t.Fatalf("status %d h1 %q", r.status, r.text("h1"))
			}
			if !strings.Contains(r.text(".recommend-list"), att.Name) {
				t.Errorf("attendee %s not recommended: %s", att.Name, r.text(".recommend-list"))
			}
		})
		t.Run("organizer has none", func(t *testing.T) {
			if r := app.as(t, demoOrganizer).get("/my/recommendations"); r.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", r.status)
			}
		})
		t.Run("anonymous logs in first", func(t *testing.T) {
			if r := app.client(t).get("/my/recommendations"); r.status < 300 || r.status > 399 {
				t.Fatalf("status %d, want a redirect", r.status)
			}
		})
	})
}
