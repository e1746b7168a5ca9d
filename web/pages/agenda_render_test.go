package pages

import (
	"html"
	"strings"
	"testing"
)

// TestAppendEscaped: the agenda's escaping is templ's (html.EscapeString)
// for every byte, in text of any script.
func TestAppendEscaped(t *testing.T) {
	var every strings.Builder
	for c := range 256 {
		every.WriteByte(byte(c))
	}
	for _, s := range []string{"", "plain", `<a href="x">Tom's & "co"</a>`, "“中文” & <b>", every.String(), "&&&", "x<"} {
		if got, want := string(appendEscaped([]byte("prefix:"), s)), "prefix:"+html.EscapeString(s); got != want {
			t.Errorf("appendEscaped(%q) = %q, want %q", s, got, want)
		}
	}
}
