package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// validApplication is a complete application form.
func validApplication(name, latin, email string) url.Values {
	return url.Values{
		"name": {name}, "name_latin": {latin}, "country": {"KR"}, "sectors": {"pharma_medical", "digital_it"},
		"description":  {"Medical devices. <script>alert('x')</script> <b>bold</b>"},
		"website":      {"https://hanbit.example.kr"},
		"contact_name": {"Park Ji-woo"}, "contact_email": {email}, "contact_phone": {"+82 2 555 0100"},
		"booth_wish": {"standard"}, "products": {"Ultrasound scanners"}, "looking_for": {"Distributors"},
		"languages": {"ko", "en"}, "password": {"correct horse battery"}, "submit": {"1"},
	}
}

// applyAs fills the public form in a new browser and returns that browser,
// logged in as the new exhibitor, and the company.
func applyAs(t *testing.T, app *testApp, name, latin, email string, change ...func(url.Values)) (*testClient, expo.Exhibitor) {
	t.Helper()
	c := app.client(t)
	form := validApplication(name, latin, email)
	for _, f := range change {
		f(form)
	}
	r := c.fill("/apply", "/apply", form)
	if r.status != http.StatusSeeOther || r.location() != "/exhibitor" {
		t.Fatalf("apply %s: status %d to %q; errors %v %s", name, r.status, r.location(), r.fieldErrors(), r.text(".flash-error"))
	}
	u := app.user(t, email)
	ex, err := app.st.Application(context.Background(), *u.ExhibitorID)
	if err != nil {
		t.Fatal(err)
	}
	return c, ex
}

func countApplications(t *testing.T, st *store.Store) int64 {
	t.Helper()
	p, err := st.ReviewQueue(context.Background(), store.ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// multipartPost posts fields and one file with the page's form token.
func (c *testClient) multipartPost(page *reply, action string, fields url.Values, fileField, fileName string, data []byte) *reply {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", c.csrf(page, action))
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, fileName)
		if err != nil {
			c.t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	req := c.newRequest(http.MethodPost, action, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestApply(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		before := countApplications(t, st)

		t.Run("a valid application creates the account and logs in", func(t *testing.T) {
			c, ex := applyAs(t, app, "백두메디텍", "Baekdu Meditech", "park@hanbit.example.kr")
			if ex.State != expo.StateSubmitted {
				t.Errorf("state %s", ex.State)
			}
			home := c.get("/exhibitor")
			if home.status != http.StatusOK {
				t.Fatalf("dashboard: %d", home.status)
			}
			if got := home.text(".company-head .badge"); got != en("exhibitor.state.submitted") {
				t.Errorf("state badge %q", got)
			}
			if home.text(".timeline li") == "" || home.text(".notification-list li") == "" {
				t.Error("history or notifications missing on the dashboard")
			}
			t.Run("HTML in the description is shown as text", func(t *testing.T) {
				if strings.Contains(home.body, "<script>alert") || strings.Contains(home.body, "<b>bold</b>") {
					t.Fatal("description rendered as HTML")
				}
				if got := home.text(".app-facts .prose"); !strings.Contains(got, "<script>alert('x')</script>") {
					t.Errorf("description text %q", got)
				}
			})
		})

		bad := []struct {
			name   string
			change func(v url.Values)
			status int
			field  string
			msg    string
		}{
			{"company name missing", func(v url.Values) { v.Set("name", " ") }, 422, "name", "error.required"},
			{"Latin name in Cyrillic", func(v url.Values) { v.Set("name_latin", "Яндекс") }, 422, "name_latin", "error.latin_only"},
			{"unknown country", func(v url.Values) { v.Set("country", "ZZ") }, 422, "country", "error.choice_invalid"},
			{"no sector", func(v url.Values) { v.Del("sectors") }, 422, "sectors", "error.choose_one"},
			{"forged sector", func(v url.Values) { v["sectors"] = []string{"weapons"} }, 422, "sectors", "error.choice_invalid"},
			{"description missing", func(v url.Values) { v.Set("description", "") }, 422, "description", "error.required"},
			{"description too long", func(v url.Values) { v.Set("description", strings.Repeat("字", expo.MaxLongTextLen+1)) }, 422, "description", "error.too_long"},
			{"javascript website", func(v url.Values) { v.Set("website", "javascript:alert(1)") }, 422, "website", "error.website_scheme"},
			{"contact e-mail invalid", func(v url.Values) { v.Set("contact_email", "park@") }, 422, "contact_email", "error.email_invalid"},
			{"phone with letters", func(v url.Values) { v.Set("contact_phone", "call me maybe") }, 422, "contact_phone", "error.phone_invalid"},
			{"booth wish forged", func(v url.Values) { v.Set("booth_wish", "palace") }, 422, "booth_wish", "error.choice_invalid"},
			{"raw space without size", func(v url.Values) { v.Set("booth_wish", "raw") }, 422, "raw_space_m2", "error.raw_space_required"},
			{"raw space not a number", func(v url.Values) { v.Set("booth_wish", "raw"); v.Set("raw_space_m2", "lots") }, 422, "raw_space_m2", "error.whole_number"},
			{"raw space too big", func(v url.Values) { v.Set("booth_wish", "raw"); v.Set("raw_space_m2", "50000") }, 422, "raw_space_m2", "error.raw_space_range"},
			{"no language", func(v url.Values) { v.Del("languages") }, 422, "languages", "error.choose_one"},
			{"short password", func(v url.Values) { v.Set("password", "short") }, 422, "password", "error.password_short"},
			{"duplicate company name", func(v url.Values) { v.Set("name", "백두 메디텍") }, 409, "name", "error.company_name_taken"},
			{"e-mail has an account", func(v url.Values) { v.Set("contact_email", demoAttendee) }, 409, "contact_email", "error.email_taken"},
		}
		for i, tt := range bad {
			t.Run("refused: "+tt.name, func(t *testing.T) {
				c := app.client(t)
				form := validApplication(fmt.Sprintf("Fresh %d", i), "Fresh Company", fmt.Sprintf("fresh%d@example.com", i))
				tt.change(form)
				r := c.fill("/apply", "/apply", form)
				if r.status != tt.status {
					t.Fatalf("status %d, want %d; errors %v", r.status, tt.status, r.fieldErrors())
				}
				if got, want := r.fieldError(`form[action="/apply"]`, tt.field), en(tt.msg); got != want {
					t.Errorf("error on %s = %q, want %q (all %v)", tt.field, got, want, r.fieldErrors())
				}
				if tt.field != "password" && r.doc.Find(`[name="`+tt.field+`"]`).Length() == 0 {
					t.Errorf("field %s not in the form", tt.field)
				}
				if n := countApplications(t, st); n != before+1 {
					t.Errorf("%d applications, want %d: something was written", n, before+1)
				}
			})
		}

		t.Run("a draft is submitted later from the dashboard", func(t *testing.T) {
			c := app.client(t)
			form := validApplication("札幌アグリフーズ", "Sapporo Agri Foods", "sato@agri.example.jp")
			form.Set("submit", "0")
			r := c.fill("/apply", "/apply", form)
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d %v", r.status, r.fieldErrors())
			}
			home := c.follow(r)
			if got := home.text(".company-head .badge"); got != en("exhibitor.state.draft") {
				t.Fatalf("state %q", got)
			}
			r = c.submit(home, "/exhibitor/submit", nil)
			if r.status != http.StatusSeeOther {
				t.Fatalf("submit: %d", r.status)
			}
			if got := c.follow(r).text(".company-head .badge"); got != en("exhibitor.state.submitted") {
				t.Errorf("after submit: %q", got)
			}
			if r := c.submit(c.get("/exhibitor"), "/exhibitor/withdraw", nil); r.status != http.StatusSeeOther {
				t.Fatalf("withdraw: %d", r.status)
			}
			home = c.get("/exhibitor")
			if got := home.text(".company-head .badge"); got != en("exhibitor.state.withdrawn") {
				t.Errorf("after withdraw: %q", got)
			}
			if home.doc.Find(`form[action="/exhibitor/withdraw"]`).Length() != 0 {
				t.Error("a withdrawn application still offers withdrawing")
			}
		})

		t.Run("a logged-in user is not offered the form", func(t *testing.T) {
			c := app.as(t, demoAttendee)
			page := c.get("/apply")
			if page.doc.Find(`form[action="/apply"]`).Length() != 0 {
				t.Error("form shown to a logged-in attendee")
			}
			form := validApplication("Sneaky", "Sneaky", "sneaky@example.com")
			form.Set("_csrf", c.csrf(page, ""))
			if r := c.post("/apply", form); r.status != http.StatusConflict {
				t.Errorf("status %d, want 409", r.status)
			}
		})
	})
}

func TestExhibitorProfileAndLogo(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		a, exA := applyAs(t, app, "백두메디텍", "Baekdu Meditech", "park@hanbit.example.kr")
		b, exB := applyAs(t, app, "松花江制药", "Songhua River Pharma", "zhao@nepharma.example.cn")

		t.Run("the owner edits the profile", func(t *testing.T) {
			page := a.get("/exhibitor/profile")
			if page.status != http.StatusOK {
				t.Fatalf("status %d", page.status)
			}
			form := validApplication("백두메디텍", "Baekdu Meditech Co", "park@hanbit.example.kr")
			form.Del("password")
			r := a.submit(page, "/exhibitor/profile", form)
			if r.status != http.StatusSeeOther {
				t.Fatalf("status %d %v", r.status, r.fieldErrors())
			}
			got, _ := st.Application(context.Background(), exA.ID)
			if got.NameLatin != "Baekdu Meditech Co" || got.Slug != exA.Slug {
				t.Errorf("stored %q slug %q", got.NameLatin, got.Slug)
			}
		})
		t.Run("bad profile input is refused", func(t *testing.T) {
			tests := []struct{ field, value, msg string }{
				{"website", "ftp://files.example.kr", "error.website_scheme"},
				{"name", "松花江制药", "error.company_name_taken"},
				{"raw_space_m2", "-5", "error.raw_space_range"},
			}
			for _, tt := range tests {
				t.Run(tt.field, func(t *testing.T) {
					form := validApplication("백두메디텍", "Baekdu Meditech Co", "park@hanbit.example.kr")
					form.Set(tt.field, tt.value)
					form.Set("booth_wish", "raw")
					form.Set("raw_space_m2", "40")
					form.Set(tt.field, tt.value)
					r := a.fill("/exhibitor/profile", "/exhibitor/profile", form)
					if r.status < 400 || r.status > 499 {
						t.Fatalf("status %d", r.status)
					}
					if got := r.fieldError(`form[action="/exhibitor/profile"]`, tt.field); got != en(tt.msg) {
						t.Errorf("error %q, want %q", got, en(tt.msg))
					}
					if got, _ := st.Application(context.Background(), exA.ID); got.BoothWish != expo.BoothStandard {
						t.Errorf("written: wish %s", got.BoothWish)
					}
				})
			}
		})

		t.Run("each exhibitor sees only its own company", func(t *testing.T) {
			if got := b.get("/exhibitor").text(".company-head h1"); got != exB.Name {
				t.Errorf("B's dashboard shows %q", got)
			}
			if got := b.get("/exhibitor/profile").doc.Find(`input[name="name"]`).AttrOr("value", ""); got != exB.Name {
				t.Errorf("B's profile form shows %q", got)
			}
			if r := b.get(fmt.Sprintf("/organizer/exhibitors/%d", exA.ID)); r.status != http.StatusForbidden {
				t.Errorf("B opens A's review page: %d", r.status)
			}
		})

		t.Run("logo upload", func(t *testing.T) {
			tests := []struct {
				name   string
				file   string
				data   []byte
				status int
				msg    string
			}{
				{"a GIF", "logo.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), 422, "error.logo_type"},
				{"an SVG named .png", "logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 422, "error.logo_type"},
				{"a broken PNG", "logo.png", pngBytes(t, 40, 40)[:30], 422, "error.logo_broken"},
				{"no file", "", nil, 422, "error.file_missing"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					field := "logo"
					if tt.file == "" {
						field = ""
					}
					r := a.multipartPost(a.get("/exhibitor/profile"), "/exhibitor/logo", nil, field, tt.file, tt.data)
					if r.status != tt.status {
						t.Fatalf("status %d, want %d", r.status, tt.status)
					}
					if got := r.fieldError(`form[action="/exhibitor/logo"]`, "logo"); got != en(tt.msg) {
						t.Errorf("error %q, want %q", got, en(tt.msg))
					}
					if ok, _ := st.HasLogo(context.Background(), exA.ID); ok {
						t.Error("a logo was stored")
					}
				})
			}
			t.Run("a big PNG is scaled and served", func(t *testing.T) {
				r := a.multipartPost(a.get("/exhibitor/profile"), "/exhibitor/logo", nil, "logo", "logo.png", pngBytes(t, 1600, 800))
				if r.status != http.StatusSeeOther {
					t.Fatalf("status %d %v", r.status, r.fieldErrors())
				}
				img := a.get(fmt.Sprintf("/logos/%d", exA.ID))
				if img.status != http.StatusOK || img.header.Get("Content-Type") != "image/png" {
					t.Fatalf("logo: %d %s", img.status, img.header.Get("Content-Type"))
				}
				cfg, err := png.DecodeConfig(strings.NewReader(img.body))
				if err != nil || cfg.Width != expo.MaxLogoSide || cfg.Height != expo.MaxLogoSide/2 {
					t.Errorf("served %dx%d %v", cfg.Width, cfg.Height, err)
				}
			})
			t.Run("a not yet approved company's logo is private", func(t *testing.T) {
				if r := b.get(fmt.Sprintf("/logos/%d", exA.ID)); r.status != http.StatusNotFound {
					t.Errorf("other exhibitor: %d", r.status)
				}
				if r := app.client(t).get(fmt.Sprintf("/logos/%d", exA.ID)); r.status != http.StatusNotFound {
					t.Errorf("anonymous: %d", r.status)
				}
				if r := app.as(t, demoOrganizer).get(fmt.Sprintf("/logos/%d", exA.ID)); r.status != http.StatusOK {
					t.Errorf("organizer: %d", r.status)
				}
			})
			t.Run("B's upload changes only B's logo", func(t *testing.T) {
				r := b.multipartPost(b.get("/exhibitor/profile"), "/exhibitor/logo", nil, "logo", "b.png", pngBytes(t, 10, 10))
				if r.status != http.StatusSeeOther {
					t.Fatalf("status %d", r.status)
				}
				la, _, _ := st.Logo(context.Background(), exA.ID)
				cfg, _ := png.DecodeConfig(bytes.NewReader(la.Data))
				if cfg.Width != expo.MaxLogoSide {
					t.Errorf("A's logo changed to %dx%d", cfg.Width, cfg.Height)
				}
			})
			t.Run("over the size limit", func(t *testing.T) {
				big := append(pngBytes(t, 10, 10), make([]byte, expo.MaxLogoBytes)...)
				r := a.multipartPost(a.get("/exhibitor/profile"), "/exhibitor/logo", nil, "logo", "big.png", big)
				if r.status != http.StatusRequestEntityTooLarge && r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 413 or 422", r.status)
				}
			})
		})
	})
}

func TestApplicationsAuthorization(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		_, ex := applyAs(t, app, "백두메디텍", "Baekdu Meditech", "park@hanbit.example.kr")
		id := fmt.Sprint(ex.ID)
		attendee := app.as(t, demoAttendee)
		exhibitor := app.as(t, demoExhibitor)
		anonymous := app.client(t)
		gets := []string{"/organizer/exhibitors", "/organizer/exhibitors/" + id, "/organizer/exhibitors.csv", "/organizer/exhibitors/import"}
		for _, path := range gets {
			t.Run("attendee GET "+path, func(t *testing.T) {
				if r := attendee.in(t).get(path); r.status != http.StatusForbidden {
					t.Errorf("status %d, want 403", r.status)
				}
			})
			t.Run("exhibitor GET "+path, func(t *testing.T) {
				if r := exhibitor.in(t).get(path); r.status != http.StatusForbidden {
					t.Errorf("status %d, want 403", r.status)
				}
			})
			t.Run("anonymous GET "+path, func(t *testing.T) {
				if r := anonymous.in(t).get(path); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
					t.Errorf("status %d to %q, want the login page", r.status, r.location())
				}
			})
		}
		t.Run("attendee cannot approve", func(t *testing.T) {
			form := values("to", "approved", "_csrf", attendee.csrf(attendee.get("/account"), ""))
			if r := attendee.post("/organizer/exhibitors/"+id+"/transition", form); r.status != http.StatusForbidden {
				t.Errorf("status %d", r.status)
			}
			form = values("to", "approved", "id", id, "_csrf", attendee.csrf(attendee.get("/account"), ""))
			if r := attendee.post("/organizer/exhibitors/bulk", form); r.status != http.StatusForbidden {
				t.Errorf("bulk status %d", r.status)
			}
			if got, _ := st.Application(context.Background(), ex.ID); got.State != expo.StateSubmitted {
				t.Errorf("state %s", got.State)
			}
		})
		t.Run("attendee has no exhibitor pages", func(t *testing.T) {
			for _, path := range []string{"/exhibitor", "/exhibitor/profile", "/exhibitor/team"} {
				if r := attendee.in(t).get(path); r.status != http.StatusForbidden {
					t.Errorf("%s: status %d", path, r.status)
				}
			}
		})
	})
}
