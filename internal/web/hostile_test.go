package web

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"gorm.io/gorm"

	"expo/internal/store"
)

// Hostile input: every form of every page, as the actors who see it, is
// submitted with markup, SQL metacharacters, control characters, very long
// and invalid UTF-8 text in each of its text fields; every JSON body gets
// the same. Nothing may answer 5xx, invalid UTF-8 must be refused, and no
// answer (nor any page afterwards) may contain the markup unescaped.

// Payloads, each put into every text field of a form at once.
var hostilePayloads = []struct {
	name, value string
	refused     bool // must get a 4xx wherever it is sent
}{
	{"markup and SQL", `<script>alert(1)</script>"><img src=x onerror=alert(1)>' OR 1=1 -- %_\`, false},
	{"nul byte", "a\x00b", false},
	{"very long", strings.Repeat("長", 6000), false},
	{"invalid utf-8", "\xff\xfe", true},
}

// rawMarkup must never appear in an answer: it would run as script.
var rawMarkup = []string{`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `onmouseover='alert(1)`}

// skipForms are actions the walk leaves alone: they end the session or
// delete what later forms need; the authorization matrix covers who may
// use them.
func skipForm(action string) bool {
	for _, s := range []string{"/logout", "/delete", "/remove", "/revoke", "/withdraw", "/unpublish", "/commit", "/unassign", "/account/password", "/lang"} {
		if strings.HasSuffix(action, s) || strings.Contains(action, s+"?") {
			return true
		}
	}
	return false
}

// pageForm is one <form> of a page.
type pageForm struct {
	method, action, enctype string
	fields                  []formField
}

type formField struct {
	name, kind, value string // kind: text, hidden, choice, file, submit
}

// formsOf lists the forms of a page.
func formsOf(r *reply, pagePath string) []pageForm {
	if r.doc == nil {
		return nil
	}
	var out []pageForm
	r.doc.Find("form").Each(func(_ int, fs *goquery.Selection) {
		f := pageForm{method: strings.ToUpper(fs.AttrOr("method", "GET")), action: fs.AttrOr("action", pagePath), enctype: fs.AttrOr("enctype", "")}
		if f.action == "" {
			f.action = pagePath
		}
		radios := map[string]bool{}
		fs.Find("input, textarea, select, button[name]").Each(func(_ int, in *goquery.Selection) {
			name, ok := in.Attr("name")
			if !ok || name == "" {
				return
			}
			switch goquery.NodeName(in) {
			case "textarea":
				f.fields = append(f.fields, formField{name, "text", in.Text()})
			case "select":
				opt := in.Find("option[selected]").First()
				if opt.Length() == 0 {
					opt = in.Find("option").First()
				}
				f.fields = append(f.fields, formField{name, "choice", opt.AttrOr("value", opt.Text())})
			case "button":
				f.fields = append(f.fields, formField{name, "submit", in.AttrOr("value", "")})
			default:
				switch typ := strings.ToLower(in.AttrOr("type", "text")); typ {
				case "hidden":
					f.fields = append(f.fields, formField{name, "hidden", in.AttrOr("value", "")})
				case "checkbox":
					if _, on := in.Attr("checked"); on {
						f.fields = append(f.fields, formField{name, "choice", in.AttrOr("value", "on")})
					}
				case "radio":
					_, on := in.Attr("checked")
					if on || !radios[name] {
						radios[name] = true
						f.fields = append(f.fields, formField{name, "choice", in.AttrOr("value", "on")})
					}
				case "file":
					f.fields = append(f.fields, formField{name, "file", ""})
				case "submit", "button", "reset", "image":
				default:
					f.fields = append(f.fields, formField{name, "text", in.AttrOr("value", "")})
				}
			}
		})
		out = append(out, f)
	})
	return out
}

// hostileValues fills a form's text fields (and, for a GET search form,
// its choices too) with payload.
func (f pageForm) hostileValues(payload string) (url.Values, bool) {
	v := url.Values{}
	texts := false
	for _, fl := range f.fields {
		switch {
		case fl.kind == "text" || (fl.kind == "choice" && f.method == http.MethodGet):
			v.Add(fl.name, payload)
			texts = true
		case fl.kind == "file":
		default:
			v.Add(fl.name, fl.value)
		}
	}
	return v, texts
}

// checkNoMarkup fails when an answer carries a payload's markup unescaped.
func checkNoMarkup(t *testing.T, what string, r *reply) {
	t.Helper()
	for _, m := range rawMarkup {
		if strings.Contains(r.body, m) {
			t.Errorf("%s: the answer contains %q unescaped", what, m)
		}
	}
}

// hostileWalkPages are the pages whose forms the walk submits, per actor:
// every GET route of the matrix that the actor may open.
func hostileWalkPages(app *testApp, f authzFixture) map[int][]string {
	table := authzTable(f)
	out := map[int][]string{}
	for _, route := range app.srv.Routes() {
		row, ok := table[route.Name]
		if !ok || route.Method != http.MethodGet || strings.HasPrefix(route.Path, "/api/") || strings.HasSuffix(route.Path, "/run") {
			continue
		}
		wants := strings.Fields(row.want)
		for a := 0; a < actors; a++ {
			if a != actAtt2 && a != actExB && wants[a] == outOK {
				out[a] = append(out[a], row.path)
			}
		}
	}
	return out
}

func TestHostileForms(t *testing.T) {
	forEachRaw(t, func(t *testing.T, st *store.Store, raw *gorm.DB) {
		loadDemo(t, st)
		app := newApp(t, st, Config{Limits: unlimited()})
		f, clients := newAuthzFixture(t, app, raw)
		submitted, forms := 0, 0
		seen := map[string]bool{}
		for a, pagesOf := range hostileWalkPages(app, f) {
			c := clients[a]
			for _, path := range pagesOf {
				page := c.in(t).get(path)
				if page.status != http.StatusOK {
					continue
				}
				for _, form := range formsOf(page, path) {
					key := actorNames[a] + " " + form.method + " " + form.action
					if seen[key] || skipForm(form.action) || strings.HasPrefix(form.enctype, "multipart/") || !strings.HasPrefix(form.action, "/") {
						continue
					}
					seen[key] = true
					forms++
					for _, p := range hostilePayloads {
						values, texts := form.hostileValues(p.value)
						if !texts {
							continue
						}
						t.Run(actorNames[a]+" "+form.method+" "+form.action+" "+p.name, func(t *testing.T) {
							c := c.in(t)
							var r *reply
							if form.method == http.MethodGet {
								target := form.action
								if strings.Contains(target, "?") {
									target += "&" + values.Encode()
								} else {
									target += "?" + values.Encode()
								}
								r = c.get(target)
							} else {
								values.Set("_csrf", csrfOf(t, c))
								r = c.post(form.action, values)
							}
							submitted++
							if r.status >= 500 {
								t.Fatalf("status %d: %.300s", r.status, r.body)
							}
							// Invalid UTF-8 is refused everywhere; a NUL byte in
							// a query string too (forms refuse it per field).
							refused := p.refused || (form.method == http.MethodGet && strings.Contains(p.value, "\x00"))
							if refused && (r.status < 400 || r.status > 499) {
								t.Errorf("status %d, want a 4xx refusing %s", r.status, p.name)
							}
							checkNoMarkup(t, form.action, r)
							if r.status >= 300 && r.status < 400 && strings.HasPrefix(r.location(), "/") {
								checkNoMarkup(t, "after "+form.action, c.get(r.location()))
							}
						})
					}
				}
			}
		}
		// Whatever was stored must show as text on every page afterwards.
		for a, pagesOf := range hostileWalkPages(app, f) {
			for _, path := range pagesOf {
				r := clients[a].in(t).get(path)
				if r.status >= 500 {
					t.Errorf("GET %s as %s after the walk: status %d", path, actorNames[a], r.status)
				}
				checkNoMarkup(t, "GET "+path+" as "+actorNames[a]+" after the walk", r)
			}
		}
		t.Logf("%d forms, %d hostile submissions", forms, submitted)
	})
}

// TestHostileStoredText stores markup through the main text fields and
// checks it comes back escaped, as text, where others read it.
func TestHostileStoredText(t *testing.T) {
	forEachRaw(t, func(t *testing.T, st *store.Store, raw *gorm.DB) {
		loadDemo(t, st)
		app := newApp(t, st, Config{Limits: unlimited()})
		f, clients := newAuthzFixture(t, app, raw)
		const markup = `<script>alert(1)</script>"><img src=x onerror=alert(1)>`
		const escaped = `&lt;script&gt;alert(1)&lt;/script&gt;`
		exA, att1, org := clients[actExA], clients[actAtt1], clients[actOrg]

		t.Run("company description on the public profile", func(t *testing.T) {
			page := exA.in(t).get("/exhibitor/profile")
			var form pageForm
			for _, pf := range formsOf(page, "/exhibitor/profile") {
				if pf.action == "/exhibitor/profile" {
					form = pf
				}
			}
			values := url.Values{}
			for _, fl := range form.fields {
				if fl.kind != "file" {
					values.Add(fl.name, fl.value)
				}
			}
			values.Set("description", "Batteries "+markup)
			values.Set("_csrf", csrfOf(t, exA))
			if r := exA.in(t).post("/exhibitor/profile", values); r.status != http.StatusSeeOther {
				t.Fatalf("save: status %d %v", r.status, r.fieldErrors())
			}
			for _, path := range []string{"/exhibitors/" + f.a.Slug, "/organizer/exhibitors/" + id64(f.a.ID)} {
				c := clients[actAnon]
				if strings.HasPrefix(path, "/organizer") {
					c = org
				}
				r := c.in(t).get(path)
				checkNoMarkup(t, path, r)
				if !strings.Contains(r.body, escaped) {
					t.Errorf("%s does not show the description as text", path)
				}
			}
			api := clients[actAnon].in(t).get("/api/v1/exhibitors/" + f.a.Slug)
			var prof map[string]any
			api.json(t, &prof)
			if d, _ := prof["description"].(string); !strings.Contains(d, markup) {
				t.Errorf("API description = %q, want the text as stored", d)
			}
		})

		t.Run("meeting message seen by the exhibitor", func(t *testing.T) {
			var slot int64
			free, err := st.FreeSlots(t.Context(), f.a.ID, f.att2.ID, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range free {
				if s.RestrictCountry == "" && s.ID != f.slot {
					slot = s.ID
					break
				}
			}
			att2 := clients[actAtt2]
			meet := "/exhibitors/" + f.a.Slug + "/meet"
			// Messages are never markup: angle brackets are refused
			// next to the field, and the page shows the text escaped.
			r := att2.in(t).fill(meet, meet, values("slot_id", id64(slot), "language", "en", "message", markup))
			if r.status != http.StatusUnprocessableEntity || r.fieldError("form", "message") != en("error.no_markup") {
				t.Fatalf("markup in a message: status %d %v, want 422 and %q", r.status, r.fieldErrors(), en("error.no_markup"))
			}
			checkNoMarkup(t, meet, r)
			if !strings.Contains(r.body, escaped) {
				t.Errorf("the form does not give the message back as text")
			}
			// Quotes and ampersands are allowed and must not break out of
			// an attribute or become an entity.
			const quoted = `Tom's "deal" & x' onmouseover='alert(1)`
			if r := att2.in(t).fill(meet, meet, values("slot_id", id64(slot), "language", "en", "message", quoted)); r.status != http.StatusSeeOther {
				t.Fatalf("book: status %d %v", r.status, r.fieldErrors())
			}
			mine := exA.in(t).get("/my/meetings")
			if strings.Contains(mine.body, quoted) || strings.Contains(mine.body, `onmouseover='alert(1)`) {
				t.Errorf("the exhibitor's meetings show the message unescaped")
			}
			if !strings.Contains(mine.text("main"), quoted) {
				t.Errorf("the exhibitor's meetings do not show the message %q as text", quoted)
			}
		})

		t.Run("account name in the nav and the agenda", func(t *testing.T) {
			values := url.Values{}
			page := att1.in(t).get("/account")
			for _, pf := range formsOf(page, "/account") {
				if pf.action == "/account/profile" {
					for _, fl := range pf.fields {
						values.Add(fl.name, fl.value)
					}
				}
			}
			values.Set("name", "Li "+markup[:25])
			values.Set("_csrf", csrfOf(t, att1))
			if r := att1.in(t).post("/account/profile", values); r.status != http.StatusUnprocessableEntity || r.fieldError("form", "name") != en("error.no_markup") {
				t.Fatalf("markup in a name: status %d %v, want 422 and %q", r.status, r.fieldErrors(), en("error.no_markup"))
			}
			values.Set("name", `Li "Wei" & x' onmouseover='alert(1)`)
			if r := att1.in(t).post("/account/profile", values); r.status != http.StatusSeeOther {
				t.Fatalf("save: status %d %v", r.status, r.fieldErrors())
			}
			for _, path := range []string{"/account", "/my/agenda"} {
				r := att1.in(t).get(path)
				checkNoMarkup(t, path, r)
			}
			r := exA.in(t).get("/my/meetings")
			if strings.Contains(r.body, `onmouseover='alert(1)`) {
				t.Errorf("the other side's meetings show the name unescaped")
			}
		})
	})
}

// TestHostileAPIBodies sends every JSON API route bodies with hostile
// strings, wrong types, invalid UTF-8, trailing data and over 1 MB.
func TestHostileAPIBodies(t *testing.T) {
	forEachRaw(t, func(t *testing.T, st *store.Store, raw *gorm.DB) {
		loadDemo(t, st)
		app := newApp(t, st, Config{Limits: unlimited()})
		f, clients := newAuthzFixture(t, app, raw)
		table := authzTable(f)
		bodies := []struct {
			name   string
			body   string
			status int // 0: any 4xx or success, never 5xx
		}{
			{"markup in every string", `{"email":"<script>alert(1)</script>","password":"\"><img src=x onerror=alert(1)>","name":"' OR 1=1 --","exhibitor":"%_","message":"<script>alert(1)</script>","language":"<b>","reason":"' OR 1=1 --"}`, 0},
			{"nul bytes", `{"email":"a\u0000b","password":"a\u0000","name":"\u0000","message":"\u0000","reason":"\u0000","exhibitor":"\u0000"}`, 0},
			{"wrong types", `{"email":1,"password":[],"slot_id":"x","exhibitor":{},"reason":true}`, http.StatusUnprocessableEntity},
			{"huge numbers", `{"slot_id":99999999999999999999999,"exhibitor":"a"}`, http.StatusUnprocessableEntity},
			{"negative ids", `{"slot_id":-5,"exhibitor":"changchun-faw-new-energy"}`, 0},
			{"invalid utf-8", "{\"message\":\"\xff\xfe\",\"reason\":\"\xff\",\"email\":\"\xff\"}", http.StatusUnprocessableEntity},
			{"trailing data", `{"reason":"x"} {"reason":"y"}`, http.StatusUnprocessableEntity},
			{"not json", `<xml/>`, http.StatusUnprocessableEntity},
			{"over 1 MB", `{"message":"` + strings.Repeat("a", 1<<20+10) + `"}`, http.StatusRequestEntityTooLarge},
		}
		n := 0
		for _, route := range app.srv.Routes() {
			if !strings.HasPrefix(route.Path, "/api/") || route.Method == http.MethodGet {
				continue
			}
			row := table[route.Name]
			for _, b := range bodies {
				t.Run(route.Name+" "+b.name, func(t *testing.T) {
					c := clients[actAtt2].in(t)
					r := c.api(route.Method, row.path, "application/json", b.body, f.tokens[actAtt2])
					n++
					if r.status >= 500 {
						t.Fatalf("status %d: %.300s", r.status, r.body)
					}
					if b.status != 0 && r.status != b.status && !(r.status == http.StatusUnprocessableEntity && b.status == http.StatusRequestEntityTooLarge && route.Name == "") {
						// A body the route never reads cannot be refused for
						// its content; only the routes that decode one are held to it.
						if routeReadsBody(route.Name) {
							t.Errorf("status %d, want %d: %.200s", r.status, b.status, r.body)
						}
					}
					if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
						var e map[string]any
						if err := json.Unmarshal([]byte(r.body), &e); err != nil {
							t.Errorf("the answer is not JSON: %v", err)
						}
					}
					checkNoMarkup(t, route.Path, r)
				})
			}
		}
		t.Logf("%d hostile API requests", n)
	})
}

// routeReadsBody reports whether an API route decodes a JSON body.
func routeReadsBody(name string) bool {
	switch name {
	case "api.tokens.create", "api.meetings.create", "api.meetings.decline", "api.meetings.cancel", "api.meetings.accept":
		return true
	}
	return false
}

// TestHostileSearchAndPaths sends SQL metacharacters to every search and
// filter, path traversal to every path parameter, and out-of-range numbers
// to paging and counts.
func TestHostileSearchAndPaths(t *testing.T) {
	forEachRaw(t, func(t *testing.T, st *store.Store, raw *gorm.DB) {
		loadDemo(t, st)
		app := newApp(t, st, Config{Limits: unlimited()})
		f, clients := newAuthzFixture(t, app, raw)
		var usersBefore int64
		raw.Table("users").Count(&usersBefore)

		t.Run("SQL metacharacters in every query parameter", func(t *testing.T) {
			params := []string{"q", "country", "sector", "hall", "sort", "state", "status", "theme", "room", "language", "day", "view", "booth", "wish", "side", "kind", "filter"}
			metas := []string{`' OR 1=1 --`, `%`, `_`, `\`, `"; DROP TABLE users; --`, `1) OR (1=1`, "\x00"}
			table := authzTable(f)
			for _, route := range app.srv.Routes() {
				row := table[route.Name]
				if route.Method != http.MethodGet || strings.HasSuffix(route.Path, "/run") {
					continue
				}
				a := actOrg
				if w := strings.Fields(row.want); len(w) == actors && w[actOrg] != outOK {
					a = actAtt1
				}
				for _, m := range metas {
					v := url.Values{}
					for _, p := range params {
						v.Set(p, m)
					}
					path := row.path
					if strings.Contains(path, "?") {
						path = path[:strings.Index(path, "?")]
					}
					c := clients[a].in(t)
					var r *reply
					if strings.HasPrefix(route.Path, "/api/") {
						r = c.api(http.MethodGet, path+"?"+v.Encode(), "", "", f.tokens[a])
					} else {
						r = c.get(path + "?" + v.Encode())
					}
					if r.status >= 500 {
						t.Errorf("GET %s?…%q as %s: status %d", path, m, actorNames[a], r.status)
					}
					checkNoMarkup(t, path, r)
				}
			}
		})

		t.Run("LIKE wildcards match themselves", func(t *testing.T) {
			for _, q := range []string{"%", "_", "%%", `\`} {
				r := clients[actAnon].in(t).get("/api/v1/exhibitors?q=" + url.QueryEscape(q))
				var page struct{ Total int }
				r.json(t, &page)
				if r.status != http.StatusOK || page.Total != 0 {
					t.Errorf("q=%q: status %d, %d results, want 200 and none", q, r.status, page.Total)
				}
			}
		})

		var after int64
		raw.Table("users").Count(&after)
		if after != usersBefore {
			t.Errorf("users went from %d to %d", usersBefore, after)
		}

		t.Run("path traversal in path parameters", func(t *testing.T) {
			traversals := []string{"../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%5c..%5cwindows%5cwin.ini", "....//....//etc/passwd", "%00", "a%00.ics"}
			for _, route := range app.srv.Routes() {
				if route.Method != http.MethodGet || !strings.Contains(route.Path, ":") {
					continue
				}
				for _, tr := range traversals {
					path := route.Path
					for _, seg := range strings.Split(route.Path, "/") {
						if strings.HasPrefix(seg, ":") {
							path = strings.Replace(path, seg, tr, 1)
						}
					}
					c := clients[actOrg].in(t)
					var r *reply
					if strings.HasPrefix(route.Path, "/api/") {
						r = c.api(http.MethodGet, path, "", "", f.tokens[actOrg])
					} else {
						r = c.get(path)
					}
					if r.status < 400 || r.status > 499 {
						t.Errorf("GET %s: status %d, want a 4xx", path, r.status)
					}
					if strings.Contains(r.body, "root:") || strings.Contains(r.body, "[fonts]") {
						t.Errorf("GET %s: the answer shows a system file", path)
					}
				}
			}
		})

		t.Run("upload names with path traversal write nothing", func(t *testing.T) {
			dir := t.TempDir()
			wd, _ := os.Getwd()
			exA := clients[actExA].in(t)
			for _, name := range []string{"../../hostile-logo.png", "..\\..\\hostile-logo.png", "/tmp/hostile-logo.png"} {
				r := exA.multipartPost(exA.get("/exhibitor/profile"), "/exhibitor/logo", nil, "logo", name, pngBytes(t, 10, 10))
				if r.status >= 500 {
					t.Errorf("logo %q: status %d", name, r.status)
				}
			}
			org := clients[actOrg].in(t)
			for _, name := range []string{"../../hostile-import.csv", "/tmp/hostile-import.csv"} {
				r := org.multipartPost(org.get("/organizer/exhibitors/import"), "/organizer/exhibitors/import", nil, "file", name, []byte("name,country\nx,CN\n"))
				if r.status >= 500 {
					t.Errorf("import %q: status %d", name, r.status)
				}
			}
			// A file cut inside a quoted field (found by FuzzCheckImport:
			// it used to panic) is a problem on its line, not a 500.
			r := org.multipartPost(org.get("/organizer/exhibitors/import"), "/organizer/exhibitors/import", nil, "file", "cut.csv", []byte(importHeaderLine+`"unterminated,`))
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("CSV cut inside a quote: status %d, want 422", r.status)
			}
			for _, p := range []string{filepath.Join(wd, "..", "..", "hostile-logo.png"), "/tmp/hostile-logo.png", filepath.Join(wd, "..", "..", "hostile-import.csv"), "/tmp/hostile-import.csv", filepath.Join(dir, "hostile-logo.png")} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})

		t.Run("sizes", func(t *testing.T) {
			org, exA := clients[actOrg].in(t), clients[actExA].in(t)
			big := append(pngBytes(t, 10, 10), make([]byte, 2<<20)...)
			if r := exA.multipartPost(exA.get("/exhibitor/profile"), "/exhibitor/logo", nil, "logo", "big.png", big); r.status != http.StatusRequestEntityTooLarge {
				t.Errorf("logo over 2 MB: status %d, want 413", r.status)
			} else if got := r.fieldError(`form[action="/exhibitor/logo"]`, "logo"); got == "" {
				t.Errorf("logo over 2 MB: no message next to the field")
			}
			form := values("q", strings.Repeat("x", 1<<20+1))
			form.Set("_csrf", csrfOf(t, org))
			if r := org.post("/organizer/exhibitors/bulk", form); r.status != http.StatusRequestEntityTooLarge {
				t.Errorf("form over 1 MB: status %d, want 413", r.status)
			}
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			w.WriteField("_csrf", csrfOf(t, org))
			fw, _ := w.CreateFormFile("file", "big.csv")
			fw.Write([]byte("name,country\n"))
			fw.Write(bytes.Repeat([]byte("a,CN\n"), (17<<20)/5))
			w.Close()
			req := org.newRequest(http.MethodPost, "/organizer/exhibitors/import", &body)
			req.Header.Set("Content-Type", w.FormDataContentType())
			if r := org.do(req); r.status != http.StatusRequestEntityTooLarge {
				t.Errorf("CSV over the upload limit: status %d, want 413", r.status)
			}
		})

		t.Run("out-of-range numbers", func(t *testing.T) {
			table := authzTable(f)
			// Every page that takes ?page=, as someone who may open it.
			for _, route := range app.srv.Routes() {
				row := table[route.Name]
				if route.Method != http.MethodGet || strings.HasSuffix(route.Path, "/run") || strings.HasSuffix(route.Path, ".ics") || strings.HasSuffix(route.Path, ".csv") {
					continue
				}
				w := strings.Fields(row.want)
				a := -1
				for _, cand := range []int{actOrg, actExA, actAtt1, actAnon} {
					if len(w) == actors && w[cand] == outOK {
						a = cand
						break
					}
				}
				if a < 0 {
					continue
				}
				base := row.path
				if i := strings.Index(base, "?"); i >= 0 {
					base = base[:i]
				}
				for _, bad := range []string{"999999999999999999999", "-1", "0", "abc"} {
					c := clients[a].in(t)
					var r *reply
					if strings.HasPrefix(route.Path, "/api/") {
						r = c.api(http.MethodGet, base+"?page="+bad, "", "", f.tokens[a])
					} else {
						r = c.get(base + "?page=" + bad)
					}
					if r.status >= 500 {
						t.Errorf("GET %s?page=%s: status %d", base, bad, r.status)
					}
					if pagedRoutes[route.Name] && (r.status < 400 || r.status > 499) {
						t.Errorf("GET %s?page=%s as %s: status %d, want a 4xx", base, bad, actorNames[a], r.status)
					}
				}
			}
		})

		t.Run("negative counts and absurd dates", func(t *testing.T) {
			org := clients[actOrg].in(t)
			exA := clients[actExA].in(t)
			cases := []struct {
				c            *testClient
				page, action string
				values       url.Values
				field        string // where the message shows; "" for the form's message
			}{
				{org, "/organizer/rooms", "/organizer/rooms", values("name", "Hostile room", "capacity", "-5"), "capacity"},
				{org, "/organizer/rooms", "/organizer/rooms", values("name", "Hostile room", "capacity", "99999999999999999999"), "capacity"},
				{org, "/organizer/matchmaking", "/organizer/matchmaking/tables", values("tables", "-1"), "tables"},
				{org, "/organizer/matchmaking", "/organizer/matchmaking/tables", values("tables", "99999999999999999999"), "tables"},
				{exA, "/exhibitor/meetings", "/exhibitor/meetings/settings", values("tables", "-1"), "tables"},
				{org, "/organizer/forums/new", "/organizer/forums", values("title", "Hostile forum", "capacity", "-5", "languages", "en"), "capacity"},
				{org, "/organizer/rooms", "/organizer/hours", values("day", "0001-01-01", "opens", "09:00", "closes", "17:00"), ""},
				{org, "/organizer/rooms", "/organizer/hours", values("day", "9999-12-31", "opens", "09:00", "closes", "17:00"), ""},
				{org, "/organizer/rooms", "/organizer/hours", values("day", "2026-13-45", "opens", "25:61", "closes", "17:00"), ""},
				{org, "/organizer/matchmaking", "/organizer/matchmaking/blocks", values("day", "0001-01-01", "start", "09:00", "end", "12:00", "slot_minutes", "30"), "day"},
				{org, "/organizer/matchmaking", "/organizer/matchmaking/blocks", values("day", "9999-12-31", "start", "09:00", "end", "12:00", "slot_minutes", "30"), "day"},
				{org, "/organizer/matchmaking", "/organizer/matchmaking/blocks", values("day", "2026-13-45", "start", "09:00", "end", "12:00", "slot_minutes", "-30"), "slot_minutes"},
				{org, "/organizer/forums/" + id64(f.draft), "/organizer/forums/" + id64(f.draft) + "/sessions", values("title", "Hostile session", "day", "9999-12-31", "start", "09:00", "end", "10:00", "room_id", id64(f.room)), "start"},
				{org, "/organizer/forums/" + id64(f.draft), "/organizer/forums/" + id64(f.draft) + "/sessions", values("title", "Hostile session", "day", "2026-13-45", "start", "09:00", "end", "10:00", "room_id", "-1"), "room_id"},
				{org, "/organizer/halls", "/organizer/halls", values("code", "Z", "name", "Hostile hall", "grid_w", "-1", "grid_h", "99999999999"), "grid_w"},
			}
			for _, tc := range cases {
				t.Run(tc.action+" "+tc.values.Encode(), func(t *testing.T) {
					v := url.Values{}
					for k, x := range tc.values {
						v[k] = x
					}
					v.Set("_csrf", csrfOf(t, tc.c))
					r := tc.c.in(t).post(tc.action, v)
					if r.status != http.StatusUnprocessableEntity {
						t.Errorf("status %d, want 422; errors %v", r.status, r.fieldErrors())
					}
					if tc.field != "" && r.fieldErrors()[tc.field] == "" {
						t.Errorf("no message next to %s; errors %v", tc.field, r.fieldErrors())
					}
				})
			}
		})
	})
}

// importHeaderLine is the header of an import file with every column.
const importHeaderLine = "name,name_latin,country,sectors,description,website,contact_name,contact_email,contact_phone,booth_wish,raw_space_m2,products,looking_for,languages\n"

// pagedRoutes are the pages that read ?page=; a page number that is not a
// whole number from 1 to expo.MaxPage is refused there.
var pagedRoutes = map[string]bool{
	"directory": true, "review": true, "halls.edit": true, "plan.forums": true, "plan.speakers": true,
	"interpreters": true, "recommendations": true, "scheduler.preview": true, "api.exhibitors": true,
}
