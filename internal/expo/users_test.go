package expo

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// sqlFragment is a classic injection attempt. In a name it is just text; the
// store passes it as a bound parameter.
const sqlFragment = "Robert'); DROP TABLE users;--"

// fieldsOf returns the field errors of err, failing the test when err is not
// an invalid-input *Error.
func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		t.Fatal("got no error, want an invalid-input error")
	}
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("got %T %v, want *expo.Error", err, err)
	}
	if e.Code != CodeInvalid || e.Message != "error.form" {
		t.Fatalf("got code %q message %q, want %q %q", e.Code, e.Message, CodeInvalid, "error.form")
	}
	return e.Fields
}

// checkFields compares the field errors of err with want; an empty want means
// no error is expected.
func checkFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if got := fieldsOf(t, err); !maps.Equal(got, want) {
		t.Fatalf("got fields %v, want %v", got, want)
	}
}

func TestValidatorZeroValue(t *testing.T) {
	var v Validator
	if err := v.Err(); err != nil {
		t.Fatalf("zero Validator: got %v, want nil", err)
	}
	v.Fail("name", "error.required")
	v.Fail("name", "error.too_long")
	checkFields(t, v.Err(), map[string]string{"name": "error.required"})
}

func TestValidatorLine(t *testing.T) {
	tests := []struct {
		name     string
		value    string
		required bool
		max      int
		want     string
		wantErr  string
	}{
		{name: "plain", value: "Li Wei", required: true, max: 10, want: "Li Wei"},
		{name: "trimmed", value: "  Li Wei \t", required: true, max: 10, want: "Li Wei"},
		{name: "empty required", value: "", required: true, max: 10, wantErr: "error.required"},
		{name: "blank required", value: " \t\n ", required: true, max: 10, wantErr: "error.required"},
		{name: "empty optional", value: "", required: false, max: 10, want: ""},
		{name: "exactly max", value: strings.Repeat("a", 10), required: true, max: 10, want: strings.Repeat("a", 10)},
		{name: "max plus one", value: strings.Repeat("a", 11), required: true, max: 10, wantErr: "error.too_long"},
		// Runes, not bytes: ten CJK characters are thirty bytes.
		{name: "multi-byte at max", value: strings.Repeat("名", 10), required: true, max: 10, want: strings.Repeat("名", 10)},
		{name: "multi-byte over max", value: strings.Repeat("名", 11), required: true, max: 10, wantErr: "error.too_long"},
		{name: "script tag", value: "<script>alert(1)</script>", required: true, max: 100, wantErr: "error.no_markup"},
		{name: "lone angle bracket", value: "a > b", required: true, max: 100, wantErr: "error.no_markup"},
		{name: "NUL", value: "a\x00b", required: true, max: 10, wantErr: "error.control_chars"},
		{name: "inner newline", value: "a\nb", required: true, max: 10, wantErr: "error.control_chars"},
		{name: "DEL", value: "a\x7fb", required: true, max: 10, wantErr: "error.control_chars"},
		{name: "invalid UTF-8", value: "\xff", required: true, max: 10, wantErr: "error.invalid_utf8"},
		{name: "invalid UTF-8 in text", value: "Li\xffWei", required: false, max: 10, wantErr: "error.invalid_utf8"},
		{name: "SQL fragment is text", value: sqlFragment, required: true, max: 100, want: sqlFragment},
		{name: "quotes and ampersand", value: `O'Brien & "Sons"`, required: true, max: 100, want: `O'Brien & "Sons"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Validator
			got := v.Line("f", tt.value, tt.required, tt.max)
			if tt.wantErr != "" {
				checkFields(t, v.Err(), map[string]string{"f": tt.wantErr})
				return
			}
			checkFields(t, v.Err(), nil)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidatorEmail(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    string
		wantErr string
	}{
		{name: "plain", value: "li.wei@example.cn", want: "li.wei@example.cn"},
		{name: "lower-cased", value: "Li.Wei@Example.CN", want: "li.wei@example.cn"},
		{name: "trimmed", value: "  li@example.cn ", want: "li@example.cn"},
		{name: "plus address", value: "li+expo@example.cn", want: "li+expo@example.cn"},
		{name: "empty", value: "", wantErr: "error.required"},
		{name: "no at", value: "li.example.cn", wantErr: "error.email_invalid"},
		{name: "no domain dot", value: "li@localhost", wantErr: "error.email_invalid"},
		{name: "two ats", value: "li@wei@example.cn", wantErr: "error.email_invalid"},
		{name: "display name", value: "Li Wei li@example.cn", wantErr: "error.email_invalid"},
		{name: "angle brackets", value: "Li <li@example.cn>", wantErr: "error.no_markup"},
		{name: "script tag", value: "<script>@example.cn", wantErr: "error.no_markup"},
		{name: "SQL fragment", value: sqlFragment + "@example.cn", wantErr: "error.email_invalid"},
		{name: "SQL comment", value: "li@example.cn';--", wantErr: "error.email_invalid"},
		{name: "newline header injection", value: "li@example.cn\nBcc: x@example.cn", wantErr: "error.control_chars"},
		{name: "invalid UTF-8", value: "li\xff@example.cn", wantErr: "error.invalid_utf8"},
		{name: "too long", value: strings.Repeat("a", MaxEmailLen) + "@example.cn", wantErr: "error.too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Validator
			got := v.Email("email", tt.value)
			if tt.wantErr != "" {
				checkFields(t, v.Err(), map[string]string{"email": tt.wantErr})
				return
			}
			checkFields(t, v.Err(), nil)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidatorPassword(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		wantErr string
	}{
		{name: "minimum length", value: strings.Repeat("x", MinPasswordLen)},
		{name: "maximum length", value: strings.Repeat("x", MaxPasswordLen)},
		{name: "spaces count and are kept", value: "  pass  word  "},
		{name: "multi-byte runes", value: strings.Repeat("密", MinPasswordLen)},
		{name: "empty", value: "", wantErr: "error.required"},
		{name: "too short", value: strings.Repeat("x", MinPasswordLen-1), wantErr: "error.password_short"},
		{name: "too long", value: strings.Repeat("x", MaxPasswordLen+1), wantErr: "error.too_long"},
		{name: "invalid UTF-8", value: "0123456789\xff", wantErr: "error.invalid_utf8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Validator
			v.Password("password", tt.value)
			if tt.wantErr == "" {
				checkFields(t, v.Err(), nil)
				return
			}
			checkFields(t, v.Err(), map[string]string{"password": tt.wantErr})
		})
	}
}

func TestValidatorOneOf(t *testing.T) {
	allowed := []string{"en", "zh"}
	tests := []struct {
		name     string
		value    string
		required bool
		want     string
		wantErr  string
	}{
		{name: "allowed", value: "zh", required: true, want: "zh"},
		{name: "empty optional", value: "", required: false, want: ""},
		{name: "empty required", value: "", required: true, wantErr: "error.required"},
		{name: "unknown", value: "fr", required: false, wantErr: "error.choice_invalid"},
		{name: "wrong case", value: "ZH", required: false, wantErr: "error.choice_invalid"},
		{name: "SQL fragment", value: "en' OR '1'='1", required: false, wantErr: "error.choice_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Validator
			got := v.OneOf("locale", tt.value, allowed, tt.required)
			if tt.wantErr != "" {
				checkFields(t, v.Err(), map[string]string{"locale": tt.wantErr})
				if got != "" {
					t.Errorf("refused choice returned as %q, want empty", got)
				}
				return
			}
			checkFields(t, v.Err(), nil)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidatorSomeOf(t *testing.T) {
	allowed := []string{"zh", "en", "ko", "ru"}
	tests := []struct {
		name    string
		values  []string
		min     int
		want    []string
		wantErr string
	}{
		{name: "canonical order", values: []string{"ru", "zh"}, min: 1, want: []string{"zh", "ru"}},
		{name: "duplicates dropped", values: []string{"en", "en", "zh", "en"}, min: 1, want: []string{"zh", "en"}},
		{name: "none optional", values: nil, min: 0, want: []string{}},
		{name: "none required", values: nil, min: 1, wantErr: "error.choose_one"},
		{name: "empty list required", values: []string{}, min: 1, wantErr: "error.choose_one"},
		{name: "unknown", values: []string{"zh", "xx"}, min: 1, wantErr: "error.choice_invalid"},
		{name: "empty string", values: []string{""}, min: 0, wantErr: "error.choice_invalid"},
		{name: "joined list is not a code", values: []string{"zh,en"}, min: 0, wantErr: "error.choice_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Validator
			got := v.SomeOf("languages", tt.values, allowed, tt.min)
			if tt.wantErr != "" {
				checkFields(t, v.Err(), map[string]string{"languages": tt.wantErr})
				return
			}
			checkFields(t, v.Err(), nil)
			if got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func validProfile() Profile {
	return Profile{
		Name:         "Kim Min-jun",
		Organization: "Busan Capital Partners",
		Country:      "KR",
		JobTitle:     "Investment manager",
		Languages:    []string{"ko", "en"},
		Interests:    []string{"finance"},
		Locale:       "en",
	}
}

func TestProfileValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(p *Profile)
		want   map[string]string
		verify func(t *testing.T, p Profile)
	}{
		{name: "valid", edit: func(p *Profile) {}, verify: func(t *testing.T, p Profile) {
			if p.Name != "Kim Min-jun" || p.Country != "KR" || p.Locale != "en" {
				t.Errorf("valid profile changed: %+v", p)
			}
		}},
		{name: "name trimmed", edit: func(p *Profile) { p.Name = "  Kim Min-jun  " }, verify: func(t *testing.T, p Profile) {
			if p.Name != "Kim Min-jun" {
				t.Errorf("name %q, want trimmed", p.Name)
			}
		}},
		{name: "CJK name at limit", edit: func(p *Profile) { p.Name = strings.Repeat("金", MaxNameLen) }, verify: func(t *testing.T, p Profile) {
			if p.Name != strings.Repeat("金", MaxNameLen) {
				t.Errorf("CJK name altered: %q", p.Name)
			}
		}},
		{name: "SQL fragment in name kept verbatim", edit: func(p *Profile) { p.Name = sqlFragment; p.Organization = sqlFragment }, verify: func(t *testing.T, p Profile) {
			if p.Name != sqlFragment || p.Organization != sqlFragment {
				t.Errorf("got name %q organization %q, want %q", p.Name, p.Organization, sqlFragment)
			}
		}},
		{name: "languages canonical", edit: func(p *Profile) { p.Languages = []string{"ko", "en", "ko"} }, verify: func(t *testing.T, p Profile) {
			if want := []string{"en", "ko"}; !slices.Equal(p.Languages, want) {
				t.Errorf("languages %v, want %v", p.Languages, want)
			}
		}},
		{name: "interests optional", edit: func(p *Profile) { p.Interests = nil }, verify: func(t *testing.T, p Profile) {
			if p.Interests == nil || len(p.Interests) != 0 {
				t.Errorf("interests %#v, want empty non-nil", p.Interests)
			}
		}},
		{name: "locale optional", edit: func(p *Profile) { p.Locale = "" }},
		{name: "optional lines empty", edit: func(p *Profile) { p.Organization, p.JobTitle = "", "" }},
		{name: "name empty", edit: func(p *Profile) { p.Name = "" }, want: map[string]string{"name": "error.required"}},
		{name: "name too long", edit: func(p *Profile) { p.Name = strings.Repeat("a", MaxNameLen+1) }, want: map[string]string{"name": "error.too_long"}},
		{name: "CJK name too long", edit: func(p *Profile) { p.Name = strings.Repeat("金", MaxNameLen+1) }, want: map[string]string{"name": "error.too_long"}},
		{name: "script in name", edit: func(p *Profile) { p.Name = "<script>alert(1)</script>" }, want: map[string]string{"name": "error.no_markup"}},
		{name: "tag in organization", edit: func(p *Profile) { p.Organization = "<b>Busan</b>" }, want: map[string]string{"organization": "error.no_markup"}},
		{name: "control char in job title", edit: func(p *Profile) { p.JobTitle = "Manager\x1b[31m" }, want: map[string]string{"job_title": "error.control_chars"}},
		{name: "invalid UTF-8 name", edit: func(p *Profile) { p.Name = "\xff" }, want: map[string]string{"name": "error.invalid_utf8"}},
		{name: "job title too long", edit: func(p *Profile) { p.JobTitle = strings.Repeat("a", MaxNameLen+1) }, want: map[string]string{"job_title": "error.too_long"}},
		{name: "country missing", edit: func(p *Profile) { p.Country = "" }, want: map[string]string{"country": "error.required"}},
		{name: "country unknown", edit: func(p *Profile) { p.Country = "XX" }, want: map[string]string{"country": "error.choice_invalid"}},
		{name: "country lower case", edit: func(p *Profile) { p.Country = "kr" }, want: map[string]string{"country": "error.choice_invalid"}},
		{name: "languages missing", edit: func(p *Profile) { p.Languages = nil }, want: map[string]string{"languages": "error.choose_one"}},
		{name: "language unknown", edit: func(p *Profile) { p.Languages = []string{"ko", "klingon"} }, want: map[string]string{"languages": "error.choice_invalid"}},
		{name: "sector unknown", edit: func(p *Profile) { p.Interests = []string{"finance", "gambling"} }, want: map[string]string{"interests": "error.choice_invalid"}},
		{name: "locale unknown", edit: func(p *Profile) { p.Locale = "ko" }, want: map[string]string{"locale": "error.choice_invalid"}},
		{name: "every field reported", edit: func(p *Profile) { *p = Profile{Name: "<x>", Country: "XX", Interests: []string{"x"}, Locale: "xx"} },
			want: map[string]string{"name": "error.no_markup", "country": "error.choice_invalid", "languages": "error.choose_one", "interests": "error.choice_invalid", "locale": "error.choice_invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProfile()
			tt.edit(&p)
			var v Validator
			got := p.Validate(&v)
			checkFields(t, v.Err(), tt.want)
			if tt.verify != nil {
				tt.verify(t, got)
			}
		})
	}
}

func validSignUp() SignUp {
	return SignUp{Email: "kim@example.kr", Password: "correct horse battery", Profile: validProfile()}
}

func TestSignUpValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(s *SignUp)
		want   map[string]string
		verify func(t *testing.T, s SignUp)
	}{
		{name: "valid", edit: func(s *SignUp) {}, verify: func(t *testing.T, s SignUp) {
			if s.Email != "kim@example.kr" || s.Password != "correct horse battery" || s.Name != "Kim Min-jun" {
				t.Errorf("valid sign-up changed: %+v", s)
			}
		}},
		{name: "e-mail lower-cased", edit: func(s *SignUp) { s.Email = " Kim@Example.KR " }, verify: func(t *testing.T, s SignUp) {
			if s.Email != "kim@example.kr" {
				t.Errorf("e-mail %q, want kim@example.kr", s.Email)
			}
		}},
		{name: "password kept untrimmed", edit: func(s *SignUp) { s.Password = "  ten chars " }, verify: func(t *testing.T, s SignUp) {
			if s.Password != "  ten chars " {
				t.Errorf("password %q was altered", s.Password)
			}
		}},
		{name: "profile normalized", edit: func(s *SignUp) { s.Languages = []string{"ru", "ko", "zh", "ko"} }, verify: func(t *testing.T, s SignUp) {
			if want := []string{"zh", "ko", "ru"}; !slices.Equal(s.Languages, want) {
				t.Errorf("languages %v, want %v", s.Languages, want)
			}
		}},
		{name: "SQL fragment name accepted", edit: func(s *SignUp) { s.Name = sqlFragment }, verify: func(t *testing.T, s SignUp) {
			if s.Name != sqlFragment {
				t.Errorf("name %q, want %q", s.Name, sqlFragment)
			}
		}},
		{name: "SQL fragment e-mail refused", edit: func(s *SignUp) { s.Email = sqlFragment + "@example.kr" }, want: map[string]string{"email": "error.email_invalid"}},
		{name: "e-mail empty", edit: func(s *SignUp) { s.Email = "" }, want: map[string]string{"email": "error.required"}},
		{name: "e-mail invalid", edit: func(s *SignUp) { s.Email = "kim.example.kr" }, want: map[string]string{"email": "error.email_invalid"}},
		{name: "e-mail invalid UTF-8", edit: func(s *SignUp) { s.Email = "\xff" }, want: map[string]string{"email": "error.invalid_utf8"}},
		{name: "password empty", edit: func(s *SignUp) { s.Password = "" }, want: map[string]string{"password": "error.required"}},
		{name: "password short", edit: func(s *SignUp) { s.Password = "short" }, want: map[string]string{"password": "error.password_short"}},
		{name: "password too long", edit: func(s *SignUp) { s.Password = strings.Repeat("p", MaxPasswordLen+1) }, want: map[string]string{"password": "error.too_long"}},
		{name: "name script", edit: func(s *SignUp) { s.Name = "<script>x</script>" }, want: map[string]string{"name": "error.no_markup"}},
		{name: "country unknown", edit: func(s *SignUp) { s.Country = "ZZ" }, want: map[string]string{"country": "error.choice_invalid"}},
		{name: "languages missing", edit: func(s *SignUp) { s.Languages = []string{} }, want: map[string]string{"languages": "error.choose_one"}},
		{name: "everything empty", edit: func(s *SignUp) { *s = SignUp{} },
			want: map[string]string{"email": "error.required", "password": "error.required", "name": "error.required", "country": "error.required", "languages": "error.choose_one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSignUp()
			tt.edit(&s)
			got, err := s.Validate()
			checkFields(t, err, tt.want)
			if tt.verify != nil {
				tt.verify(t, got)
			}
		})
	}
}

func TestNewOrganizerValidate(t *testing.T) {
	valid := NewOrganizer{Email: "ops@expo.example", Name: "Expo Organizer", Password: "organizer-password"}
	tests := []struct {
		name string
		in   NewOrganizer
		want map[string]string
		out  NewOrganizer
	}{
		{name: "valid", in: valid, out: valid},
		{name: "normalized", in: NewOrganizer{Email: " OPS@Expo.Example ", Name: "  组委会  ", Password: valid.Password},
			out: NewOrganizer{Email: "ops@expo.example", Name: "组委会", Password: valid.Password}},
		{name: "SQL fragment name accepted", in: NewOrganizer{Email: valid.Email, Name: sqlFragment, Password: valid.Password},
			out: NewOrganizer{Email: valid.Email, Name: sqlFragment, Password: valid.Password}},
		{name: "SQL fragment e-mail refused", in: NewOrganizer{Email: "x'); DROP TABLE users;--@expo.example", Name: valid.Name, Password: valid.Password},
			want: map[string]string{"email": "error.email_invalid"}},
		{name: "empty", in: NewOrganizer{},
			want: map[string]string{"email": "error.required", "name": "error.required", "password": "error.required"}},
		{name: "name markup", in: NewOrganizer{Email: valid.Email, Name: "<img src=x>", Password: valid.Password},
			want: map[string]string{"name": "error.no_markup"}},
		{name: "name too long", in: NewOrganizer{Email: valid.Email, Name: strings.Repeat("组", MaxNameLen+1), Password: valid.Password},
			want: map[string]string{"name": "error.too_long"}},
		{name: "name control chars", in: NewOrganizer{Email: valid.Email, Name: "Expo\x07Organizer", Password: valid.Password},
			want: map[string]string{"name": "error.control_chars"}},
		{name: "name invalid UTF-8", in: NewOrganizer{Email: valid.Email, Name: "\xff", Password: valid.Password},
			want: map[string]string{"name": "error.invalid_utf8"}},
		{name: "password short", in: NewOrganizer{Email: valid.Email, Name: valid.Name, Password: "123"},
			want: map[string]string{"password": "error.password_short"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Validate()
			checkFields(t, err, tt.want)
			if len(tt.want) == 0 && got != tt.out {
				t.Errorf("got %+v, want %+v", got, tt.out)
			}
		})
	}
}

func TestErrorCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Code
	}{
		{name: "email taken", err: ErrEmailTaken, want: CodeConflict},
		{name: "setup done", err: ErrSetupDone, want: CodeConflict},
		{name: "invalid credentials", err: ErrInvalidCredentials, want: CodeUnauthorized},
		{name: "wrapped", err: errors.Join(errors.New("context"), ErrNotFound), want: CodeNotFound},
		{name: "plain error", err: errors.New("disk full"), want: CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
