package expo

import (
	"bufio"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CalendarEvent is one VEVENT of an iCalendar feed.
type CalendarEvent struct {
	// UID is globally unique and stable across feed refreshes, so calendar
	// apps update an event instead of adding a copy.
	UID         string
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	URL         string // absolute; optional
	Categories  []string
	// Tentative marks an event the user is only waitlisted for.
	Tentative bool
	// Modified is when the event last changed (LAST-MODIFIED); optional.
	Modified time.Time
}

// Calendar is an iCalendar (RFC 5545) document.
type Calendar struct {
	Name string // X-WR-CALNAME, shown by calendar apps as the feed's name
	// Stamp is DTSTAMP of every event: when the feed was generated.
	Stamp  time.Time
	Events []CalendarEvent
}

// icalProdID identifies the generator (RFC 5545 §3.7.3).
const icalProdID = "-//Expo//Expo forum programme//EN"

// icalTime writes an instant as a UTC DATE-TIME ("20261214T013000Z"). UTC is
// exact for every client and needs no VTIMEZONE; apps show it in the
// reader's own zone.
func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// WriteICalendar writes cal as RFC 5545 text: CRLF line ends, lines folded
// at 75 octets without splitting a UTF-8 character, TEXT values escaped.
func WriteICalendar(w io.Writer, cal Calendar) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", icalProdID)
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if cal.Name != "" {
		line("X-WR-CALNAME", icalText(cal.Name))
	}
	stamp := cal.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	for _, e := range cal.Events {
		line("BEGIN", "VEVENT")
		line("UID", icalText(e.UID))
		line("DTSTAMP", icalTime(stamp))
		line("DTSTART", icalTime(e.Start))
		line("DTEND", icalTime(e.End))
		line("SUMMARY", icalText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", icalText(e.Description))
		}
		if e.Location != "" {
			line("LOCATION", icalText(e.Location))
		}
		if e.URL != "" {
			// A URI value is not TEXT: no escaping, but no line breaks either.
			line("URL", stripControl(e.URL))
		}
		if len(e.Categories) > 0 {
			parts := make([]string, len(e.Categories))
			for i, c := range e.Categories {
				parts[i] = icalText(c)
			}
			line("CATEGORIES", strings.Join(parts, ","))
		}
		if e.Tentative {
			line("STATUS", "TENTATIVE")
		} else {
			line("STATUS", "CONFIRMED")
		}
		if !e.Modified.IsZero() {
			line("LAST-MODIFIED", icalTime(e.Modified))
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// icalText escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon,
// comma and line breaks; other control characters are not allowed in TEXT
// and are dropped.
func icalText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// maxLineOctets is the longest content line RFC 5545 §3.1 allows, without
// its CRLF.
const maxLineOctets = 75

// writeFolded writes one content line, folded: a line longer than 75 octets
// continues on the next line after a CRLF and one space. A fold never falls
// inside a multi-byte UTF-8 character.
func writeFolded(w *bufio.Writer, line string) {
	limit := maxLineOctets
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		w.WriteString(line[:cut])
		w.WriteString("\r\n ")
		line = line[cut:]
		limit = maxLineOctets - 1 // the leading space counts
	}
	w.WriteString(line)
	w.WriteString("\r\n")
}
