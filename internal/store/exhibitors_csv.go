package store

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// CSV export and import of exhibitor applications, for organizers.

// csvColumns is the column order of the export; the import reads columns
// by their header name, so an exported file can be imported elsewhere.
var csvColumns = []string{
	"id", "slug", "state", "name", "name_latin", "country", "sectors", "description", "website",
	"contact_name", "contact_email", "contact_phone", "booth_wish", "raw_space_m2", "products",
	"looking_for", "languages", "submitted_at", "created_at",
}

// importIgnored are export columns the import skips: the database assigns them.
var importIgnored = map[string]bool{"id": true, "slug": true, "state": true, "submitted_at": true, "created_at": true}

// importRequired are the columns an import file must have.
var importRequired = []string{"name", "name_latin", "country", "sectors", "description", "contact_name", "contact_email", "contact_phone", "booth_wish", "languages"}

// MaxImportRows is the most companies one import file may hold.
const MaxImportRows = 5000

// csvSafe keeps a spreadsheet from running a cell as a formula: a cell that
// starts with = + - @ (or a tab or carriage return) gets a leading
// apostrophe, which spreadsheets hide and the import removes again.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func csvUnsafe(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// ExportApplications writes every exhibitor with all application fields as
// CSV: UTF-8 with a byte-order mark, so spreadsheet programs show Chinese,
// Korean and Cyrillic names correctly. Rows are read in pages, not all at
// once.
func (s *Store) ExportApplications(ctx context.Context, w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	db := s.r.WithContext(ctx)
	var last int64
	for {
		var rows []appRow
		if err := db.Where("id > ?", last).Order("id").Limit(500).Find(&rows).Error; err != nil {
			return dbErr(err, "export exhibitors")
		}
		if len(rows) == 0 {
			break
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		sec, err := sectorsOf(db, ids)
		if err != nil {
			return dbErr(err, "export sectors")
		}
		for _, r := range rows {
			rec := []string{
				strconv.FormatInt(r.ID, 10), r.Slug, r.State, r.Name, r.NameLatin, r.Country, strings.Join(sec[r.ID], ";"),
				r.Description, r.Website, r.ContactName, r.ContactEmail, r.ContactPhone, r.BoothWish,
				strconv.Itoa(r.RawSpaceM2), r.Products, r.LookingFor, strings.ReplaceAll(r.Languages, ",", ";"),
				csvTime(r.SubmittedAt), r.CreatedAt.UTC().Format(time.RFC3339),
			}
			for i := range rec {
				rec[i] = csvSafe(rec[i])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		last = rows[len(rows)-1].ID
	}
	cw.Flush()
	return cw.Error()
}

func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ImportRow is one company of an import file.
type ImportRow struct {
	Line int // line of the file, counting the header as line 1
	expo.Application
}

// ImportProblem is why one row (or the file) cannot be imported.
type ImportProblem struct {
	Line    int    // 0 for the file as a whole
	Column  string // "" when not about one column
	Message string // translation ID
	Data    map[string]any
}

// ImportCheck is the result of a dry run.
type ImportCheck struct {
	Rows     []ImportRow
	Problems []ImportProblem
}

// OK reports whether the file can be imported.
func (c ImportCheck) OK() bool { return len(c.Problems) == 0 && len(c.Rows) > 0 }

// CheckImport reads an import file and reports every problem of every row:
// the field checks of the application form, names repeated within the
// file, and names of companies that exist already. It writes nothing.
func (s *Store) CheckImport(ctx context.Context, r io.Reader) (ImportCheck, error) {
	var out ImportCheck
	fileProblem := func(msg string, data map[string]any) ImportCheck {
		out.Problems = append(out.Problems, ImportProblem{Message: msg, Data: data})
		return out
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return fileProblem("error.import_empty", nil), nil
	}
	if err != nil {
		return fileProblem("error.import_not_csv", nil), nil
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if _, known := importColumn(h); !known {
			out.Problems = append(out.Problems, ImportProblem{Line: 1, Column: h, Message: "error.import_unknown_column"})
			continue
		}
		col[h] = i
	}
	for _, h := range importRequired {
		if _, ok := col[h]; !ok {
			out.Problems = append(out.Problems, ImportProblem{Line: 1, Column: h, Message: "error.import_missing_column"})
		}
	}
	if len(out.Problems) > 0 {
		return out, nil
	}
	keys := map[string]int{} // name key → first line
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// FieldPos panics without a record (an unterminated quote at the
			// end of the file), so the line comes from the parse error.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			out.Problems = append(out.Problems, ImportProblem{Line: line, Message: "error.import_bad_line"})
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(out.Rows)+len(out.Problems) >= MaxImportRows {
			return fileProblem("error.import_too_many", map[string]any{"Max": MaxImportRows}), nil
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return csvUnsafe(rec[i])
			}
			return ""
		}
		var v expo.Validator
		a := expo.Application{
			Name: get("name"), NameLatin: get("name_latin"), Country: strings.ToUpper(strings.TrimSpace(get("country"))),
			Sectors: splitCSVList(get("sectors")), Description: get("description"), Website: get("website"),
			ContactName: get("contact_name"), ContactEmail: get("contact_email"), ContactPhone: get("contact_phone"),
			BoothWish: expo.BoothWish(strings.ToLower(strings.TrimSpace(get("booth_wish")))), Products: get("products"),
			LookingFor: get("looking_for"), Languages: splitCSVList(get("languages")),
		}
		a.RawSpaceM2 = expo.ParseRawSpace(&v, get("raw_space_m2"))
		a = a.Validate(&v)
		if e, ok := expo.AsError(v.Err()); ok {
			for _, c := range csvColumns {
				if msg, bad := e.Fields[c]; bad {
					out.Problems = append(out.Problems, ImportProblem{Line: line, Column: c, Message: msg})
				}
			}
			continue
		}
		key := expo.NameKey(a.Name)
		if first, dup := keys[key]; dup {
			out.Problems = append(out.Problems, ImportProblem{Line: line, Column: "name", Message: "error.import_duplicate_in_file", Data: map[string]any{"Line": first}})
			continue
		}
		keys[key] = line
		out.Rows = append(out.Rows, ImportRow{Line: line, Application: a})
	}
	if len(out.Rows) == 0 && len(out.Problems) == 0 {
		return fileProblem("error.import_empty", nil), nil
	}
	// Names that exist already, in one query per thousand names.
	all := make([]string, 0, len(keys))
	for k := range keys {
		all = append(all, k)
	}
	taken := map[string]bool{}
	for i := 0; i < len(all); i += 1000 {
		var found []string
		if err := s.r.WithContext(ctx).Model(&appRow{}).Where("name_key IN ?", all[i:min(i+1000, len(all))]).Pluck("name_key", &found).Error; err != nil {
			return out, dbErr(err, "check names")
		}
		for _, f := range found {
			taken[f] = true
		}
	}
	if len(taken) > 0 {
		kept := out.Rows[:0]
		for _, r := range out.Rows {
			if taken[expo.NameKey(r.Name)] {
				out.Problems = append(out.Problems, ImportProblem{Line: r.Line, Column: "name", Message: "error.company_name_taken"})
				continue
			}
			kept = append(kept, r)
		}
		out.Rows = kept
	}
	sortProblems(out.Problems)
	return out, nil
}

func importColumn(h string) (string, bool) {
	for _, c := range csvColumns {
		if c == h {
			return c, true
		}
	}
	return "", false
}

func splitCSVList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func sortProblems(ps []ImportProblem) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Line < ps[j-1].Line; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// ImportApplications creates the companies of a checked import, all in one
// transaction: either every row is imported or none. Imported companies
// have no account yet (their people join through an invitation link made by
// an organizer later, or apply themselves); they start in state (submitted
// or approved), each with a history entry by the importing organizer.
// progress, if set, is called after each batch with the rows done so far.
func (s *Store) ImportApplications(ctx context.Context, rows []ImportRow, state expo.ExhibitorState, actor expo.User, progress func(done, total int)) error {
	if actor.Role != expo.RoleOrganizer {
		return expo.ErrForbidden
	}
	if state != expo.StateSubmitted && state != expo.StateApproved {
		return &expo.Error{Code: expo.CodeInvalid, Message: "error.form", Fields: map[string]string{"state": "error.choice_invalid"}}
	}
	if len(rows) == 0 {
		return expo.Errorf(expo.CodeInvalid, "error.import_empty")
	}
	const batch = 100
	now := s.now()
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var slugs []string
		if err := tx.Model(&appRow{}).Pluck("slug", &slugs).Error; err != nil {
			return err
		}
		taken := make(map[string]bool, len(slugs)+len(rows))
		for _, sl := range slugs {
			taken[sl] = true
		}
		for start := 0; start < len(rows); start += batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			part := rows[start:min(start+batch, len(rows))]
			apps := make([]appRow, len(part))
			for i, r := range part {
				apps[i] = appRow{State: string(state), CreatedAt: now, UpdatedAt: &now, SubmittedAt: &now}
				apps[i].setApplication(r.Application)
				base := expo.Slug(r.NameLatin)
				slug := base
				for n := 2; taken[slug]; n++ {
					slug = fmt.Sprintf("%s-%d", base, n)
				}
				taken[slug] = true
				apps[i].Slug = slug
			}
			if err := tx.Omit("OwnerID").Create(&apps).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return expo.Errorf(expo.CodeConflict, "error.import_conflict")
				}
				return err
			}
			var sectors []appSectorRow
			events := make([]appEventRow, len(apps))
			for i, a := range apps {
				for _, sec := range part[i].Sectors {
					sectors = append(sectors, appSectorRow{ExhibitorID: a.ID, Sector: sec})
				}
				events[i] = appEventRow{ExhibitorID: a.ID, FromState: "", ToState: string(state), ActorID: &actor.ID, Reason: "CSV import", CreatedAt: now}
			}
			if err := tx.Create(&sectors).Error; err != nil {
				return err
			}
			if err := tx.Create(&events).Error; err != nil {
				return err
			}
			if progress != nil {
				progress(start+len(part), len(rows))
			}
		}
		return s.audit(tx, auditEntry{action: AuditExhibitorImport, subjectType: auditSubjectExhibitor,
			details: map[string]any{"count": len(rows), "state": string(state)}, by: &actor})
	})
	return dbErr(err, "import exhibitors")
}
