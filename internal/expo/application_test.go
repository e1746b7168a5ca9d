package expo

import (
	"slices"
	"strings"
	"testing"
)

func validApplication() Application {
	return Application{
		Name: "한빛메디칼", NameLatin: "Hanbit Medical", Country: "KR", Sectors: []string{"pharma_medical"},
		Description: "Medical devices for clinics.", Website: "https://hanbit.example.kr",
		ContactName: "Park Ji-woo", ContactEmail: "Park@Hanbit.example.kr", ContactPhone: "+82 2-555-0100",
		BoothWish: BoothStandard, Languages: []string{"ko", "en"},
	}
}

func TestApplicationValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *Application)
		field  string // "" means valid
		msg    string
	}{
		{"valid", func(a *Application) {}, "", ""},
		{"name missing", func(a *Application) { a.Name = "  " }, "name", "error.required"},
		{"name markup", func(a *Application) { a.Name = "<b>Acme</b>" }, "name", "error.no_markup"},
		{"name without letters", func(a *Application) { a.Name = "---" }, "name", "error.name_letters"},
		{"latin name in Hangul", func(a *Application) { a.NameLatin = "한빛" }, "name_latin", "error.latin_only"},
		{"latin name with accents is Latin", func(a *Application) { a.NameLatin = "Société Générale" }, "", ""},
		{"latin name too long", func(a *Application) { a.NameLatin = strings.Repeat("a", MaxNameLen+1) }, "name_latin", "error.too_long"},
		{"unknown country", func(a *Application) { a.Country = "XX" }, "country", "error.choice_invalid"},
		{"no sector", func(a *Application) { a.Sectors = nil }, "sectors", "error.choose_one"},
		{"unknown sector", func(a *Application) { a.Sectors = []string{"weapons"} }, "sectors", "error.choice_invalid"},
		{"description missing", func(a *Application) { a.Description = "" }, "description", "error.required"},
		{"description with HTML is text", func(a *Application) { a.Description = "<script>alert(1)</script> & <b>bold</b>" }, "", ""},
		{"description too long", func(a *Application) { a.Description = strings.Repeat("長", MaxLongTextLen+1) }, "description", "error.too_long"},
		{"description control char", func(a *Application) { a.Description = "a\x00b" }, "description", "error.control_chars"},
		{"description invalid UTF-8", func(a *Application) { a.Description = "a\xffb" }, "description", "error.invalid_utf8"},
		{"website optional", func(a *Application) { a.Website = "" }, "", ""},
		{"website javascript", func(a *Application) { a.Website = "javascript:alert(1)" }, "website", "error.website_scheme"},
		{"website without scheme", func(a *Application) { a.Website = "hanbit.example.kr" }, "website", "error.website_scheme"},
		{"website without dot", func(a *Application) { a.Website = "http://localhost/" }, "website", "error.website_invalid"},
		{"website with user info", func(a *Application) { a.Website = "https://a:b@x.example/" }, "website", "error.website_invalid"},
		{"contact missing", func(a *Application) { a.ContactName = "" }, "contact_name", "error.required"},
		{"e-mail invalid", func(a *Application) { a.ContactEmail = "park@" }, "contact_email", "error.email_invalid"},
		{"phone letters", func(a *Application) { a.ContactPhone = "call me" }, "contact_phone", "error.phone_invalid"},
		{"phone too short", func(a *Application) { a.ContactPhone = "12345" }, "contact_phone", "error.phone_invalid"},
		{"phone plus inside", func(a *Application) { a.ContactPhone = "12+3456789" }, "contact_phone", "error.phone_invalid"},
		{"booth wish unknown", func(a *Application) { a.BoothWish = "palace" }, "booth_wish", "error.choice_invalid"},
		{"booth wish missing", func(a *Application) { a.BoothWish = "" }, "booth_wish", "error.required"},
		{"raw without size", func(a *Application) { a.BoothWish = BoothRaw }, "raw_space_m2", "error.raw_space_required"},
		{"raw too small", func(a *Application) { a.BoothWish, a.RawSpaceM2 = BoothRaw, MinRawSpaceM2-1 }, "raw_space_m2", "error.raw_space_range"},
		{"raw too large", func(a *Application) { a.BoothWish, a.RawSpaceM2 = BoothRaw, MaxRawSpaceM2+1 }, "raw_space_m2", "error.raw_space_range"},
		{"raw in range", func(a *Application) { a.BoothWish, a.RawSpaceM2 = BoothRaw, 120 }, "", ""},
		{"products too long", func(a *Application) { a.Products = strings.Repeat("x", MaxShortTextLen+1) }, "products", "error.too_long"},
		{"no language", func(a *Application) { a.Languages = nil }, "languages", "error.choose_one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validApplication()
			tt.change(&a)
			var v Validator
			out := a.Validate(&v)
			err := v.Err()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("want an error on %s, got %v", tt.field, err)
			}
			if got := e.Fields[tt.field]; got != tt.msg {
				t.Errorf("field %s: %q, want %q (all: %v)", tt.field, got, tt.msg, e.Fields)
			}
			_ = out
		})
	}
	t.Run("normalizes", func(t *testing.T) {
		a := validApplication()
		a.Name = "  한빛메디칼 "
		a.Sectors = []string{"other", "automotive", "other"}
		a.RawSpaceM2 = 50 // ignored for a standard booth
		var v Validator
		out := a.Validate(&v)
		if err := v.Err(); err != nil {
			t.Fatal(err)
		}
		if out.Name != "한빛메디칼" || out.ContactEmail != "park@hanbit.example.kr" || out.RawSpaceM2 != 0 {
			t.Errorf("normalized %+v", out)
		}
		if !slices.Equal(out.Sectors, []string{"automotive", "other"}) {
			t.Errorf("sectors %v, want canonical order without duplicates", out.Sectors)
		}
	})
}

func TestParseRawSpace(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		msg  string
	}{{"", 0, ""}, {" 40 ", 40, ""}, {"forty", 0, "error.whole_number"}, {"4.5", 0, "error.whole_number"}, {"-3", 0, "error.raw_space_range"}, {"0", 0, ""}} {
		t.Run(tt.in, func(t *testing.T) {
			var v Validator
			got := ParseRawSpace(&v, tt.in)
			msg := ""
			if e, ok := AsError(v.Err()); ok {
				msg = e.Fields["raw_space_m2"]
			}
			if got != tt.want || msg != tt.msg {
				t.Errorf("ParseRawSpace(%q) = %d, %q; want %d, %q", tt.in, got, msg, tt.want, tt.msg)
			}
		})
	}
}

func TestNameKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Acme Ltd.", "ACME  LTD"},
		{"ＡＣＭＥ", "acme"}, // full-width letters
		{"长春 一汽", "长春一汽"},
		{"Яндекс", "яндекс"},
	}
	for _, tt := range tests {
		t.Run(tt.a, func(t *testing.T) {
			if NameKey(tt.a) != NameKey(tt.b) {
				t.Errorf("NameKey(%q)=%q, NameKey(%q)=%q; want equal", tt.a, NameKey(tt.a), tt.b, NameKey(tt.b))
			}
		})
	}
	if NameKey("Acme") == NameKey("Acme 2") {
		t.Error("different names share a key")
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hanbit Medical", "hanbit-medical"},
		{"  Société Générale & Co. ", "societe-generale-co"},
		{"한빛", "exhibitor"},
		{"FAW--New   Energy!!", "faw-new-energy"},
		{strings.Repeat("ab ", 40), strings.TrimRight(strings.Repeat("ab-", 20), "-")},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Slug(tt.in); got != tt.want {
				t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckTransition(t *testing.T) {
	tests := []struct {
		from, to ExhibitorState
		actor    Actor
		reason   string
		want     string // "" allowed, else the error message ID
	}{
		{StateDraft, StateSubmitted, ActorOwner, "", ""},
		{StateDraft, StateSubmitted, ActorOrganizer, "", "error.transition_not_allowed"},
		{StateDraft, StateApproved, ActorOrganizer, "", "error.transition_not_allowed"},
		{StateSubmitted, StateApproved, ActorOrganizer, "", ""},
		{StateSubmitted, StateApproved, ActorOwner, "", "error.transition_not_allowed"},
		{StateSubmitted, StateWaitlisted, ActorOrganizer, "", ""},
		{StateSubmitted, StateRejected, ActorOrganizer, "", "error.form"},
		{StateSubmitted, StateRejected, ActorOrganizer, "Sector is full.", ""},
		{StateWaitlisted, StateApproved, ActorOrganizer, "", ""},
		{StateWaitlisted, StateRejected, ActorOrganizer, "No space left.", ""},
		{StateApproved, StateRejected, ActorOrganizer, "Changed mind", "error.transition_not_allowed"},
		{StateApproved, StateApproved, ActorOrganizer, "", "error.transition_not_allowed"},
		{StateSubmitted, StateWithdrawn, ActorOwner, "", ""},
		{StateApproved, StateWithdrawn, ActorOwner, "", ""},
		{StateWaitlisted, StateWithdrawn, ActorOwner, "", ""},
		{StateDraft, StateWithdrawn, ActorOwner, "", ""},
		{StateSubmitted, StateWithdrawn, ActorOrganizer, "", "error.form"},
		{StateSubmitted, StateWithdrawn, ActorOrganizer, "Asked by phone.", ""},
		{StateRejected, StateWithdrawn, ActorOwner, "", "error.transition_not_allowed"},
		{StateWithdrawn, StateSubmitted, ActorOwner, "", "error.transition_not_allowed"},
		{StateRejected, StateApproved, ActorOrganizer, "", "error.transition_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(string(tt.actor)+" "+string(tt.from)+"→"+string(tt.to)+" "+tt.reason, func(t *testing.T) {
			_, err := CheckTransition(tt.from, tt.to, tt.actor, tt.reason)
			got := ""
			if e, ok := AsError(err); ok {
				got = e.Message
			} else if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("final states have no moves", func(t *testing.T) {
		for _, s := range []ExhibitorState{StateRejected, StateWithdrawn} {
			for _, a := range []Actor{ActorOwner, ActorOrganizer} {
				if n := NextStates(s, a); len(n) != 0 || s.Open() {
					t.Errorf("%s by %s: %v", s, a, n)
				}
			}
		}
	})
}
