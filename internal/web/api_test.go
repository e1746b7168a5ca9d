package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"expo/internal/store"
	"expo/internal/storetest"
)

func TestAPITokens(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		good := `{"email":"` + demoAttendee + `","password":"` + demoPassword + `"}`

		t.Run("right password creates a named token", func(t *testing.T) {
			r := app.client(t).api(http.MethodPost, "/api/v1/tokens", "application/json; charset=utf-8",
				`{"email":"`+demoAttendee+`","password":"`+demoPassword+`","name":"script"}`, "")
			if r.status != http.StatusCreated {
				t.Fatalf("status %d, want 201: %s", r.status, r.body)
			}
			var body struct{ Token string }
			r.json(t, &body)
			if !strings.HasPrefix(body.Token, "expo_") {
				t.Errorf("token = %q, want expo_…", body.Token)
			}
			toks, err := st.Tokens(t.Context(), app.user(t, demoAttendee).ID)
			if err != nil || len(toks) != 1 || toks[0].Name != "script" {
				t.Errorf("stored tokens = %+v, %v; want one named script", toks, err)
			}
		})

		tests := []struct {
			name        string
			contentType string
			body        string
			status      int
			code        string
			message     string            // message ID
			fields      map[string]string // field → message ID
		}{
			{name: "wrong password", contentType: "application/json", body: `{"email":"` + demoAttendee + `","password":"nope"}`,
				status: http.StatusUnauthorized, code: "unauthorized", message: "error.invalid_credentials"},
			{name: "unknown e-mail", contentType: "application/json", body: `{"email":"nobody@demo.expo","password":"nope"}`,
				status: http.StatusUnauthorized, code: "unauthorized", message: "error.invalid_credentials"},
			{name: "malformed JSON", contentType: "application/json", body: `{"email":`,
				status: http.StatusUnprocessableEntity, code: "invalid", message: "error.bad_json"},
			{name: "unknown field", contentType: "application/json", body: `{"email":"a@b.cd","password":"x","admin":true}`,
				status: http.StatusUnprocessableEntity, code: "invalid", message: "error.bad_json"},
			{name: "wrong field type", contentType: "application/json", body: `{"email":1,"password":"x"}`,
				status: http.StatusUnprocessableEntity, code: "invalid", message: "error.bad_json"},
			{name: "two objects", contentType: "application/json", body: good + `{}`,
				status: http.StatusUnprocessableEntity, code: "invalid", message: "error.bad_json"},
			{name: "array", contentType: "application/json", body: `[]`,
				status: http.StatusUnprocessableEntity, code: "invalid", message: "error.bad_json"},
			{name: "empty body", contentType: "application/json", body: ``,
				status: http.StatusUnprocessableEntity, code: "invalid", message: "error.bad_json"},
			{name: "form content type", contentType: "application/x-www-form-urlencoded", body: "email=a&password=b",
				status: http.StatusUnprocessableEntity, code: "invalid", message: "error.json_content_type"},
			{name: "no content type", body: good,
				status: http.StatusUnprocessableEntity, code: "invalid", message: "error.json_content_type"},
			{name: "invalid UTF-8", contentType: "application/json", body: "{\"email\":\"\xff\xfe\",\"password\":\"x\"}",
				status: http.StatusUnprocessableEntity, code: "invalid", message: "error.invalid_utf8"},
			{name: "empty object", contentType: "application/json", body: `{}`,
				status: http.StatusUnprocessableEntity, code: "invalid", message: "error.form",
				fields: map[string]string{"email": "error.required", "password": "error.required"}},
			{name: "body over 1 MB", contentType: "application/json", body: `{"email":"` + strings.Repeat("a", 1<<20) + `"}`,
				status: http.StatusRequestEntityTooLarge, code: "invalid", message: "error.too_large"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := app.client(t).api(http.MethodPost, "/api/v1/tokens", tt.contentType, tt.body, "")
				if r.status != tt.status {
					t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
				}
				checkAPIError(t, r, tt.code, en(tt.message))
				var body apiError
				r.json(t, &body)
				if len(body.Error.Fields) != len(tt.fields) {
					t.Errorf("fields = %v, want %v", body.Error.Fields, tt.fields)
				}
				for f, id := range tt.fields {
					if got := body.Error.Fields[f]; got != en(id) {
						t.Errorf("field %s = %q, want %q", f, got, en(id))
					}
				}
			})
		}

		t.Run("errors follow Accept-Language", func(t *testing.T) {
			c := app.client(t)
			c.header.Set("Accept-Language", "zh-CN")
			r := c.api(http.MethodPost, "/api/v1/tokens", "application/json", `{"email":"`+demoAttendee+`","password":"nope"}`, "")
			checkAPIError(t, r, "unauthorized", tr("zh", "error.invalid_credentials"))
		})
	})
}

func TestAPIMe(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		loadDemo(t, st)
		app := newApp(t, st, Config{})
		c := app.client(t)
		organizerToken := c.apiToken(demoOrganizer, demoPassword)
		exhibitorToken := c.apiToken(demoExhibitor, demoPassword)
		revoked := c.apiToken(demoAttendee, demoPassword)
		toks, err := st.Tokens(t.Context(), app.user(t, demoAttendee).ID)
		if err != nil || len(toks) != 1 {
			t.Fatalf("tokens = %v, %v", toks, err)
		}
		if err := st.RevokeToken(t.Context(), app.user(t, demoAttendee).ID, toks[0].ID); err != nil {
			t.Fatal(err)
		}

		for _, tt := range []struct {
			name, token, email, role string
		}{
			{"organizer token", organizerToken, demoOrganizer, "organizer"},
			{"exhibitor token", exhibitorToken, demoExhibitor, "exhibitor"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c := c.in(t)
				r := c.api(http.MethodGet, "/api/v1/me", "", "", tt.token)
				if r.status != http.StatusOK {
					t.Fatalf("status %d, want 200: %s", r.status, r.body)
				}
				var me apiUser
				r.json(t, &me)
				if me.Email != tt.email || me.Role != tt.role || me.ID == 0 {
					t.Errorf("me = %+v, want %s as %s", me, tt.email, tt.role)
				}
				if tt.role == "exhibitor" && me.ExhibitorID == nil {
					t.Error("exhibitor without exhibitor_id")
				}
			})
		}

		for _, tt := range []struct {
			name, authorization, message string
		}{
			{"no token", "", "error.token_required"},
			{"revoked token", "Bearer " + revoked, "error.unauthorized"},
			{"unknown token", "Bearer expo_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "error.unauthorized"},
			{"not an expo token", "Bearer hunter2", "error.unauthorized"},
			{"oversized token", "Bearer expo_" + strings.Repeat("a", 4000), "error.unauthorized"},
			{"basic authentication", "Basic b3JnYW5pemVyQGRlbW8uZXhwbzpleHBvLWRlbW8=", "error.token_required"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c := c.in(t)
				req := c.newRequest(http.MethodGet, "/api/v1/me", nil)
				if tt.authorization != "" {
					req.Header.Set("Authorization", tt.authorization)
				}
				r := c.do(req)
				if r.status != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401: %s", r.status, r.body)
				}
				checkAPIError(t, r, "unauthorized", en(tt.message))
			})
		}

		t.Run("a browser session is not an API credential", func(t *testing.T) {
			browser := app.as(t, demoOrganizer)
			r := browser.get("/api/v1/me")
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", r.status)
			}
			checkAPIError(t, r, "unauthorized", en("error.token_required"))
		})
	})
}

// checkAPIError checks the one JSON shape of API errors.
func checkAPIError(t *testing.T, r *reply, code, message string) {
	t.Helper()
	var raw map[string]map[string]any
	r.json(t, &raw)
	body, ok := raw["error"]
	if !ok || len(raw) != 1 {
		t.Fatalf("body = %s, want {\"error\": …}", r.body)
	}
	if body["code"] != code {
		t.Errorf("code = %v, want %q", body["code"], code)
	}
	if body["message"] != message {
		t.Errorf("message = %v, want %q", body["message"], message)
	}
}

// TestOpenAPIDocumentsEveryRoute: the API description and the route table
// must not drift apart.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		app := newApp(t, st, Config{})
		r := app.client(t).get("/api/v1/openapi.json")
		if r.status != http.StatusOK {
			t.Fatalf("status %d, want 200", r.status)
		}
		var doc struct {
			OpenAPI string                                `json:"openapi"`
			Paths   map[string]map[string]json.RawMessage `json:"paths"`
		}
		r.json(t, &doc)
		if !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
		}
		param := regexp.MustCompile(`:([A-Za-z_]+)`)
		routed := map[string]bool{}
		for _, route := range app.srv.Routes() {
			if !strings.HasPrefix(route.Path, "/api/v1/") {
				continue
			}
			path := param.ReplaceAllString(route.Path, "{$1}")
			method := strings.ToLower(route.Method)
			routed[method+" "+path] = true
			t.Run(route.Method+" "+path+" is documented", func(t *testing.T) {
				op, ok := doc.Paths[path][method]
				if !ok {
					t.Fatalf("paths[%q][%q] missing", path, method)
				}
				var o struct {
					Responses map[string]json.RawMessage `json:"responses"`
					Security  []map[string][]string      `json:"security"`
				}
				if err := json.Unmarshal(op, &o); err != nil || len(o.Responses) == 0 {
					t.Errorf("operation without responses: %s (%v)", op, err)
				}
				if route.Access == Token && len(o.Security) == 0 {
					t.Error("a token route is documented without security")
				}
			})
		}
		t.Run("every documented operation is routed", func(t *testing.T) {
			for path, ops := range doc.Paths {
				for method := range ops {
					if !routed[method+" "+path] {
						t.Errorf("documented %s %s has no route", strings.ToUpper(method), path)
					}
				}
			}
		})
	})
}
