package store_test

import (
	"context"
	"strings"
	"testing"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

const importHeader = "name,name_latin,country,sectors,description,website,contact_name,contact_email,contact_phone,booth_wish,raw_space_m2,products,looking_for,languages\n"

// FuzzCheckImport runs the CSV import's dry run on arbitrary files. It
// never fails or panics: every problem is a translated message with a line
// (or none for the whole file), and every row it would import passes the
// application validator again, carries a data line number, and has a name
// no other row of the file has.
func FuzzCheckImport(f *testing.F) {
	f.Add([]byte(importHeader + `长春一汽新能源,Changchun FAW New Energy,CN,new_energy;automotive,Batteries,https://faw.example,Li Wei,li@faw.example,+86 431 555 0100,standard,,EV,Partners,zh;en` + "\n"))
	f.Add([]byte("\uFEFF" + importHeader + `"a ""quoted"" name",A,KR,pharma_medical,"multi` + "\n" + `line",,Kim,kim@x.example,+82 2 1,raw,50,,,ko` + "\n"))
	f.Add([]byte(importHeader + `=HYPERLINK("http://evil"),'=1+1,CN,x,<script>,javascript:alert(1),a,b,c,d,-5,,,` + "\n" + `"unterminated,`))
	f.Add([]byte("name\n\xff\xfe\n"))
	f.Add([]byte(""))
	f.Add([]byte("\x00,\x00\n\x00"))
	st := storetest.Open(f, "sqlite")
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		chk, err := st.CheckImport(ctx, strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("CheckImport: %v", err)
		}
		for _, p := range chk.Problems {
			if !strings.HasPrefix(p.Message, "error.") || p.Line < 0 {
				t.Errorf("problem %+v", p)
			}
		}
		names := map[string]bool{}
		for _, r := range chk.Rows {
			if r.Line < 2 {
				t.Errorf("row on line %d", r.Line)
			}
			var v expo.Validator
			again := r.Application.Validate(&v)
			if err := v.Err(); err != nil {
				t.Errorf("line %d passed the dry run but not the validator: %v", r.Line, err)
			}
			if again.Name != r.Name || again.Country != r.Country {
				t.Errorf("line %d is not in its validated form: %+v", r.Line, r.Application)
			}
			key := expo.NameKey(r.Name)
			if names[key] {
				t.Errorf("line %d: name %q twice in the rows to import", r.Line, r.Name)
			}
			names[key] = true
		}
		if len(chk.Rows) > store.MaxImportRows {
			t.Errorf("%d rows, more than %d", len(chk.Rows), store.MaxImportRows)
		}
		if chk.OK() != (len(chk.Problems) == 0 && len(chk.Rows) > 0) {
			t.Errorf("OK() = %v with %d problems and %d rows", chk.OK(), len(chk.Problems), len(chk.Rows))
		}
	})
}
