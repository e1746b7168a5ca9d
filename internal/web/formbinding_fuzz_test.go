package web

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"expo/internal/expo"
	"expo/web/pages"
)

// FuzzFormBinding feeds arbitrary url-encoded bodies through the functions
// that turn a posted form into domain input (the application and company
// profile, the account profile, a hall) and their validators. Nothing may
// panic; an error is always an invalid-input error naming fields; and
// whatever the validators accept is clean text: valid UTF-8, no control
// characters or angle brackets in one-line fields, known codes only, and
// numbers in range.
func FuzzFormBinding(f *testing.F) {
	f.Add("name=Hanbit+Medical&name_latin=Hanbit+Medical&country=KR&sectors=pharma_medical&description=Devices&website=https%3A%2F%2Fhanbit.example&contact_name=Kim&contact_email=kim%40hanbit.example&contact_phone=%2B82+2+555+0100&booth_wish=standard&languages=ko&languages=en&code=A&grid_w=40&grid_h=20&organization=Busan&job_title=Buyer&locale=en")
	f.Add("name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&country=%27+OR+1%3D1+--&booth_wish=raw&raw_space_m2=-5&grid_w=99999999999999999999&grid_h=-1&code=..%2F..")
	f.Add("name=%FF%FE&name_latin=%00&sectors=%25&sectors=_&raw_space_m2=1e3&languages=zz&locale=%E2%80%AE")
	f.Add("name=" + strings.Repeat("%E9%95%B7", 300) + "&raw_space_m2=2001&booth_wish=raw&grid_w=0")
	f.Add("&&==&name&name=a&name=b&%zz")
	f.Fuzz(func(t *testing.T, body string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return // Echo answers 400 before any binding
		}
		form := pages.Form{Values: values}

		var read expo.Validator
		app := applicationOf(form, &read)
		var v expo.Validator
		app = app.Validate(&v)
		checkFormErr(t, mergeErrors(&read, v.Err()))
		if v.Err() == nil && read.Err() == nil {
			for field, s := range map[string]string{"name": app.Name, "name_latin": app.NameLatin, "contact_name": app.ContactName, "contact_email": app.ContactEmail, "contact_phone": app.ContactPhone, "website": app.Website} {
				checkLine(t, field, s)
			}
			for field, s := range map[string]string{"description": app.Description, "products": app.Products, "looking_for": app.LookingFor} {
				if !utf8.ValidString(s) {
					t.Errorf("%s accepted with invalid UTF-8: %q", field, s)
				}
			}
			if !contains(expo.CountryCodes, app.Country) {
				t.Errorf("country %q accepted", app.Country)
			}
			for _, s := range app.Sectors {
				if !contains(expo.SectorCodes, s) {
					t.Errorf("sector %q accepted", s)
				}
			}
			if app.RawSpaceM2 < 0 || app.BoothArea() < 0 {
				t.Errorf("raw space %d, area %d accepted", app.RawSpaceM2, app.BoothArea())
			}
			if expo.Slug(app.NameLatin) != "" && !validSlug(expo.Slug(app.NameLatin)) {
				t.Errorf("slug %q of %q is not a valid slug", expo.Slug(app.NameLatin), app.NameLatin)
			}
		}

		var pv expo.Validator
		p := profileOf(form).Validate(&pv)
		checkFormErr(t, pv.Err())
		if pv.Err() == nil {
			checkLine(t, "name", p.Name)
			checkLine(t, "organization", p.Organization)
			checkLine(t, "job_title", p.JobTitle)
			if p.Locale != "" && !validLocale(p.Locale) {
				t.Errorf("locale %q accepted", p.Locale)
			}
			for _, l := range p.Languages {
				if !contains(expo.LanguageCodes, l) {
					t.Errorf("language %q accepted", l)
				}
			}
		}

		hall, err := hallInputOf(form)
		checkFormErr(t, err)
		if err == nil {
			checkLine(t, "code", hall.Code)
			checkLine(t, "name", hall.Name)
			if hall.Width <= 0 || hall.Height <= 0 {
				t.Errorf("hall %dx%d accepted", hall.Width, hall.Height)
			}
		}
	})
}

func checkFormErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	e, ok := expo.AsError(err)
	if !ok || e.Code != expo.CodeInvalid || len(e.Fields) == 0 {
		t.Fatalf("error %v is not an invalid-input error naming fields", err)
	}
	for field, msg := range e.Fields {
		if field == "" || !strings.HasPrefix(msg, "error.") && !strings.Contains(msg, ".error.") {
			t.Errorf("field %q has message %q, not a translation ID", field, msg)
		}
	}
}

// checkLine fails on text a one-line field must never hold.
func checkLine(t *testing.T, field, s string) {
	t.Helper()
	if !utf8.ValidString(s) || strings.ContainsAny(s, "<>") || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		t.Errorf("%s accepted: %q", field, s)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
