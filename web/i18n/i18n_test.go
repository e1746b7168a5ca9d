package i18n

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"

	"expo/internal/expo"
	"expo/internal/store"
)

// message is one entry of a message file: a plain string, or the forms of a
// plural message ("one", "other", …).
type message struct {
	text   string
	plural map[string]string // nil for a plain message
}

// values are the texts of a message: the string, or every plural form.
func (m message) values() []string {
	if m.plural == nil {
		return []string{m.text}
	}
	return slices.Collect(maps.Values(m.plural))
}

// shape is "string" or the sorted plural forms, e.g. "plural[one other]".
func (m message) shape() string {
	if m.plural == nil {
		return "string"
	}
	return fmt.Sprintf("plural%v", slices.Sorted(maps.Keys(m.plural)))
}

// pluralForms are the CLDR plural categories go-i18n understands.
var pluralForms = map[string]bool{"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true}

// readMessages parses locales/<code>.toml from the embedded files.
func readMessages(t *testing.T, code string) map[string]message {
	t.Helper()
	name := "locales/" + code + ".toml"
	raw, err := fs.ReadFile(files, name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	var doc map[string]any
	if err := toml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	out := make(map[string]message, len(doc))
	for id, v := range doc {
		switch v := v.(type) {
		case string:
			out[id] = message{text: v}
		case map[string]any:
			m := message{plural: map[string]string{}}
			for form, fv := range v {
				if !pluralForms[form] {
					t.Errorf("%s: %q has unknown plural form %q", name, id, form)
					continue
				}
				s, ok := fv.(string)
				if !ok {
					t.Errorf("%s: %q form %q is a %T, want a string", name, id, form, fv)
					continue
				}
				m.plural[form] = s
			}
			if _, ok := m.plural["other"]; !ok {
				t.Errorf("%s: plural %q has no \"other\" form", name, id)
			}
			out[id] = m
		default:
			t.Errorf("%s: %q is a %T, want a string or a plural table", name, id, v)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no messages", name)
	}
	return out
}

var (
	placeholderRe = regexp.MustCompile(`\{\{\.([A-Za-z_][A-Za-z0-9_]*)\}\}`)
	han           = regexp.MustCompile(`\p{Han}`)
)

// placeholders are the {{.Name}} placeholders of all texts of a message. It
// reports template actions that are not plain placeholders, since a typo such
// as "{{ .Zone}" would silently show up on the page.
func placeholders(t *testing.T, file, id string, m message) map[string]bool {
	t.Helper()
	set := map[string]bool{}
	for _, s := range m.values() {
		found := placeholderRe.FindAllStringSubmatch(s, -1)
		for _, f := range found {
			set[f[1]] = true
		}
		if n := strings.Count(s, "{{"); n != len(found) || strings.Count(s, "}}") != len(found) {
			t.Errorf("%s: %q has a malformed placeholder (only {{.Name}} is allowed): %q", file, id, s)
		}
	}
	return set
}

func TestMessageFilesMatch(t *testing.T) {
	en := readMessages(t, "en")
	zh := readMessages(t, "zh")

	for _, id := range slices.Sorted(maps.Keys(en)) {
		if _, ok := zh[id]; !ok {
			t.Errorf("zh.toml lacks %q", id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(zh)) {
		if _, ok := en[id]; !ok {
			t.Errorf("zh.toml has %q, which en.toml lacks", id)
		}
	}

	for code, msgs := range map[string]map[string]message{"en": en, "zh": zh} {
		for id, m := range msgs {
			for _, s := range m.values() {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s.toml: %q is empty", code, id)
				}
			}
		}
	}

	for _, id := range slices.Sorted(maps.Keys(en)) {
		e, z := en[id], zh[id]
		if z.text == "" && z.plural == nil {
			continue // missing, reported above
		}
		if e.shape() != z.shape() {
			t.Errorf("%q: en.toml has shape %s, zh.toml %s", id, e.shape(), z.shape())
		}
		pe := placeholders(t, "en.toml", id, e)
		pz := placeholders(t, "zh.toml", id, z)
		if !maps.Equal(pe, pz) {
			t.Errorf("%q: placeholders differ: en %v, zh %v", id, slices.Sorted(maps.Keys(pe)), slices.Sorted(maps.Keys(pz)))
		}
		// zh.toml started as a copy of en.toml; every entry must be translated.
		for _, s := range z.values() {
			if !han.MatchString(s) {
				t.Errorf("zh.toml: %q looks untranslated (no Chinese characters): %q", id, s)
			}
		}
	}
}

// moduleRoot is the directory of go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

const goString = `"((?:[^"\\\n]|\\.)*)"`

var (
	// i18n.T(ctx, "id" …): the first argument may contain one level of
	// parentheses, as in c.Request().Context(). The character after the
	// literal tells a complete ID (, or )) from a prefix that is
	// concatenated (+).
	tCallRe = regexp.MustCompile(`\bi18n\.T\(\s*[^,()"]*(?:\([^()]*\)[^,()"]*)*,\s*` + goString + `\s*([,)+]?)`)
	// Label: "…" and Help: "…" anywhere, and the Field{…} literals whose
	// Label and Help are always message IDs.
	labelRe    = regexp.MustCompile(`\b(?:Label|Help):\s*` + goString)
	fieldLitRe = regexp.MustCompile(`\bField\{[^{}]*\}`)
	// Any literal that looks like a message ID of a known group, or like a
	// prefix ("sector.") that is concatenated into one.
	idLiteralRe = regexp.MustCompile(`"((?:error|field|home|nav|login|logout|signup|setup|account|dashboard|footer|form|role|sector|weekday|site)\.[a-z0-9_.]*)"(\s*\+)?`)
	idShapeRe   = regexp.MustCompile(`^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$`)
)

// dynamicIDs lists, for each prefix the code concatenates with a variable,
// every value the variable can take.
func dynamicIDs() map[string][]string {
	var roles []string
	for _, r := range []expo.Role{expo.RoleOrganizer, expo.RoleExhibitor, expo.RoleAttendee} {
		roles = append(roles, string(r))
	}
	var codes []string
	for _, c := range []expo.Code{expo.CodeInvalid, expo.CodeNotFound, expo.CodeConflict, expo.CodeUnauthorized,
		expo.CodeForbidden, expo.CodeRateLimited, expo.CodeUnavailable, expo.CodeInternal} {
		codes = append(codes, string(c))
	}
	// web/pages builds weekday IDs from the first three letters of the
	// English weekday name.
	var days []string
	for d := time.Sunday; d <= time.Saturday; d++ {
		days = append(days, strings.ToLower(d.String()[:3]))
	}
	return map[string][]string{
		"role.":              roles,
		"sector.":            expo.SectorCodes,
		"weekday.":           days,
		"error.heading.":     codes,
		"error.role_needed.": roles,
		"forum.theme.":       expo.ForumThemes,
		"clash.kind.":        {string(expo.ClashRoom), string(expo.ClashSpeaker), string(expo.ClashHours), string(expo.ClashCapacity)},
		// Exhibitor applications: states, booth wishes, organizer decisions.
		"exhibitor.state.":  appStates(),
		"exhibitor.status.": appStates(),
		"exhibitor.wish.":   expo.BoothWishes,
		"review.action.":    {string(expo.StateApproved), string(expo.StateRejected), string(expo.StateWaitlisted), string(expo.StateWithdrawn)},
		"review.confirm.":   {string(expo.StateRejected), string(expo.StateWithdrawn)},
		// Directory, floor plan and booths: booth kinds, directory orders.
		"booth.kind.":            expo.BoothWishes,
		"error.booth_size_kind.": expo.BoothWishes,
		"directory.sort.":        expo.DirectorySorts,
		// Matchmaking core: meeting statuses and the groups of "My meetings".
		"meeting.status.": meetingStatuses(),
		"meeting.group.":  {"to_answer", "awaiting", "upcoming", "past", "closed"},
		// Meeting wishes: weights 0 (none) to 3.
		"wish.weight.": {"0", "1", "2", "3"},
		// Audit log: every action code.
		"audit.action.": store.AuditActions,
	}
}

// meetingStatuses lists the meeting statuses.
func meetingStatuses() []string {
	var out []string
	for _, s := range expo.MeetingStatuses {
		out = append(out, string(s))
	}
	return out
}

// appStates lists the exhibitor application states.
func appStates() []string {
	var out []string
	for _, s := range expo.ExhibitorStates {
		out = append(out, string(s))
	}
	return out
}

// use is where a message ID occurs in the code.
type use struct{ file, what string }

// codeIDs scans the module's hand-written Go and templ sources for message
// IDs (id → first use) and for prefixes of concatenated IDs.
func codeIDs(t *testing.T) (ids map[string]use, prefixes map[string]use, nfiles int) {
	t.Helper()
	root := moduleRoot(t)
	ids, prefixes = map[string]use{}, map[string]use{}
	add := func(m map[string]use, id string, u use) {
		if _, ok := m[id]; !ok {
			m[id] = u
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "vendor" || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".templ")) ||
			strings.HasSuffix(name, "_templ.go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		nfiles++
		src := string(raw)
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)

		for _, m := range tCallRe.FindAllStringSubmatch(src, -1) {
			u := use{rel, `i18n.T(ctx, "` + m[1] + `")`}
			if m[2] == "+" {
				add(prefixes, m[1], u)
			} else {
				add(ids, m[1], u)
			}
		}
		for _, lit := range fieldLitRe.FindAllString(src, -1) {
			for _, m := range labelRe.FindAllStringSubmatch(lit, -1) {
				add(ids, m[1], use{rel, lit})
			}
		}
		for _, m := range labelRe.FindAllStringSubmatch(src, -1) {
			// Outside Field{…}, Label and Help may be display text, such as
			// the language names of LocaleOptions; those are not IDs.
			if idShapeRe.MatchString(m[1]) {
				add(ids, m[1], use{rel, m[0]})
			}
		}
		for _, m := range idLiteralRe.FindAllStringSubmatch(src, -1) {
			if m[2] != "" || strings.HasSuffix(m[1], ".") {
				add(prefixes, m[1], use{rel, m[0]})
			} else {
				add(ids, m[1], use{rel, m[0]})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	return ids, prefixes, nfiles
}

func TestCodeIDsExist(t *testing.T) {
	en := readMessages(t, "en")
	ids, prefixes, nfiles := codeIDs(t)
	// Guard against scanning the wrong tree and proving nothing.
	if nfiles < 10 || len(ids) < 50 {
		t.Fatalf("found only %d message IDs in %d source files; is the module root right?", len(ids), nfiles)
	}

	var missing []string
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		if _, ok := en[id]; !ok {
			u := ids[id]
			missing = append(missing, fmt.Sprintf("%q (used in %s: %s)", id, u.file, u.what))
		}
	}

	dyn := dynamicIDs()
	for _, p := range slices.Sorted(maps.Keys(prefixes)) {
		values, ok := dyn[p]
		if !ok {
			u := prefixes[p]
			t.Errorf("message IDs are built from %q in %s (%s); add its possible values to dynamicIDs", p, u.file, u.what)
			continue
		}
		for _, v := range values {
			if _, ok := en[p+v]; !ok {
				missing = append(missing, fmt.Sprintf("%q (built from %q in %s)", p+v, p, prefixes[p].file))
			}
		}
	}
	for p := range dyn {
		if _, ok := prefixes[p]; !ok {
			t.Errorf("dynamicIDs lists %q, but no code builds IDs from it any more", p)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d message IDs used in the code are missing from en.toml:\n\t%s", len(missing), strings.Join(missing, "\n\t"))
	}

	// Not an error: messages the scan cannot see used (e.g. passed around
	// in variables). Logged to spot dead entries.
	used := maps.Clone(ids)
	for p, values := range dyn {
		for _, v := range values {
			used[p+v] = use{}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(en)) {
		if _, ok := used[id]; !ok {
			t.Logf("en.toml: %q is not referenced by a literal in the code", id)
		}
	}
}

func load(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestMatch(t *testing.T) {
	c := load(t)
	for header, want := range map[string]string{
		"zh-CN,zh;q=0.9":         "zh",
		"zh":                     "zh",
		"zh-Hans":                "zh",
		"zh-SG":                  "zh",
		"zh-TW":                  "zh", // any Chinese reads the Simplified interface
		"zh-HK":                  "zh",
		"zh-Hant":                "zh",
		"en-US":                  "en",
		"en-GB,en;q=0.9":         "en",
		"en":                     "en",
		"de-DE":                  "en", // unsupported: the default
		"ko-KR,ko;q=0.9":         "en",
		"de-DE,zh-CN;q=0.5":      "zh", // the first supported choice wins
		"en-US,zh-CN;q=0.8":      "en",
		"":                       "en",
		"*":                      "en",
		"this is not a language": "en",
	} {
		if got := c.Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestWithAndLang(t *testing.T) {
	c := load(t)
	bg := context.Background()
	if got := Lang(bg); got != "en" {
		t.Errorf("Lang(background) = %q, want en", got)
	}
	for lang, want := range map[string]string{"en": "en", "zh": "zh", "fr": "en", "": "en"} {
		if got := Lang(c.With(bg, lang)); got != want {
			t.Errorf("Lang(With(%q)) = %q, want %q", lang, got, want)
		}
	}
}

func TestT(t *testing.T) {
	c := load(t)
	en := c.With(context.Background(), "en")
	zh := c.With(context.Background(), "zh")

	tests := []struct {
		ctx  context.Context
		id   string
		data map[string]any
		want string
	}{
		{en, "nav.login", nil, "Log in"},
		{zh, "nav.login", nil, "登录"},
		{zh, "site.name", nil, "东北亚博览会"},
		{zh, "role.exhibitor", nil, "展商"},
		{en, "no.such.key", nil, "⟦no.such.key⟧"},
		{zh, "no.such.key", nil, "⟦no.such.key⟧"},
		{context.Background(), "nav.login", nil, "⟦nav.login⟧"}, // no language in ctx
		{en, "footer.timezone", map[string]any{"Zone": "Asia/Shanghai"}, "All times are in the expo time zone (Asia/Shanghai)."},
		{zh, "footer.timezone", map[string]any{"Zone": "Asia/Shanghai"}, "所有时间均为博览会所在地时间（Asia/Shanghai）。"},
		{en, "home.rooms.seats", map[string]any{"Count": 1, "Seats": "1"}, "1 seat"},
		{en, "home.rooms.seats", map[string]any{"Count": 2, "Seats": "2"}, "2 seats"},
		{en, "home.rooms.seats", map[string]any{"Count": 0, "Seats": "0"}, "0 seats"},
		{zh, "home.rooms.seats", map[string]any{"Count": 1, "Seats": "1"}, "1 个座位"},
		{zh, "home.rooms.seats", map[string]any{"Count": 120, "Seats": "120"}, "120 个座位"},
		{en, "error.rate_limited", map[string]any{"Count": 1, "Seconds": 1}, "Too many attempts. Please wait 1 second and try again."},
		{en, "error.rate_limited", map[string]any{"Count": 30, "Seconds": 30}, "Too many attempts. Please wait 30 seconds and try again."},
		{zh, "error.rate_limited", map[string]any{"Count": 30, "Seconds": 30}, "尝试次数过多，请等待 30 秒后重试。"},
	}
	for _, tt := range tests {
		if got := T(tt.ctx, tt.id, tt.data); got != tt.want {
			t.Errorf("T(%s, %q, %v) = %q, want %q", Lang(tt.ctx), tt.id, tt.data, got, tt.want)
		}
	}
	if got := SectorName(zh, "new_energy"); got != "新能源" {
		t.Errorf("SectorName(zh, new_energy) = %q, want 新能源", got)
	}
}

// TestEveryMessageRenders localizes every message in both languages through
// go-i18n, with every placeholder filled, so a message that loads but does
// not render (bad template, missing plural form) fails here.
func TestEveryMessageRenders(t *testing.T) {
	c := load(t)
	en := readMessages(t, "en")
	for _, lang := range Codes {
		ctx := c.With(context.Background(), lang)
		for _, id := range slices.Sorted(maps.Keys(en)) {
			data := map[string]any{}
			for p := range placeholders(t, "en.toml", id, en[id]) {
				data[p] = "«" + p + "»"
			}
			counts := []int{2}
			if en[id].plural != nil {
				counts = []int{0, 1, 2, 5, 21}
			}
			for _, n := range counts {
				data["Count"] = n
				got := T(ctx, id, data)
				if strings.HasPrefix(got, "⟦") || strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
					t.Errorf("T(%s, %q, Count=%d) = %q", lang, id, n, got)
				}
				for p := range data {
					if p != "Count" && !strings.Contains(got, "«"+p+"»") {
						t.Errorf("T(%s, %q, Count=%d) = %q lost placeholder %s", lang, id, n, got, p)
					}
				}
			}
		}
	}
}

func TestCountryName(t *testing.T) {
	c := load(t)
	en := c.With(context.Background(), "en")
	zh := c.With(context.Background(), "zh")
	for _, tt := range []struct {
		ctx        context.Context
		code, want string
	}{
		{en, "KR", "South Korea"},
		{zh, "KR", "韩国"},
		{en, "kr", "South Korea"},
		{en, "KP", "North Korea"},
		{zh, "KP", "朝鲜"},
		{en, "RU", "Russia"},
		{zh, "RU", "俄罗斯"},
		{en, "MN", "Mongolia"},
		{zh, "MN", "蒙古"},
		{en, "JP", "Japan"},
		{zh, "JP", "日本"},
		{zh, "CN", "中国"},
		{en, "not a code", "not a code"},
		{context.Background(), "KR", "South Korea"},
	} {
		if got := CountryName(tt.ctx, tt.code); got != tt.want {
			t.Errorf("CountryName(%s, %q) = %q, want %q", Lang(tt.ctx), tt.code, got, tt.want)
		}
	}
	// Every country offered in the forms has a real name in both languages.
	for _, ctx := range []context.Context{en, zh} {
		for _, code := range expo.CountryCodes {
			if got := CountryName(ctx, code); got == code || got == "" {
				t.Errorf("CountryName(%s, %q) = %q, want a name", Lang(ctx), code, got)
			}
		}
	}
}

func TestLanguageName(t *testing.T) {
	c := load(t)
	en := c.With(context.Background(), "en")
	zh := c.With(context.Background(), "zh")
	for _, tt := range []struct {
		ctx        context.Context
		code, want string
	}{
		{en, "ko", "Korean · 한국어"},
		{zh, "ko", "韩语 · 한국어"},
		{en, "en", "English"},
		{zh, "en", "英语 · English"},
		{en, "zh", "Chinese · 中文"},
		{zh, "zh", "中文"},
		{en, "ru", "Russian · русский"},
		{zh, "ru", "俄语 · русский"},
		{en, "!!", "!!"},
	} {
		if got := LanguageName(tt.ctx, tt.code); got != tt.want {
			t.Errorf("LanguageName(%s, %q) = %q, want %q", Lang(tt.ctx), tt.code, got, tt.want)
		}
	}
	for _, ctx := range []context.Context{en, zh} {
		for _, code := range expo.LanguageCodes {
			got := LanguageName(ctx, code)
			if got == code || got == "" {
				t.Errorf("LanguageName(%s, %q) = %q, want a name", Lang(ctx), code, got)
			}
			if Lang(ctx) == "zh" && !unicode.Is(unicode.Han, []rune(got)[0]) {
				t.Errorf("LanguageName(zh, %q) = %q, want a Chinese name first", code, got)
			}
		}
	}
}
