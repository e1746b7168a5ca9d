package pages

import (
	"context"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"

	"expo/internal/expo"
	"expo/web/i18n"
)

// The agenda's repeated parts, its items and its overlap warnings, are
// written here in Go rather than in agenda.templ: templ formats every
// { expression } through fmt.Sprint and every dynamic attribute through its
// sanitizer, a few allocations each, and with thirty items and as many
// warnings that was most of the page's rendering time (load benchmark
// profiles). The HTML is what the templ version wrote, byte for byte
// (TestAgendaPageGolden); text is escaped as templ escapes it.

// agendaOverlapItems writes the <li> of each overlap warning.
func agendaOverlapItems(v AgendaView, loc *time.Location) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		b := getAgendaScratch()
		defer putAgendaScratch(b)
		warning := newMsgForm(ctx, "agenda.overlap", "A", "AStart", "B", "BStart", "Day")
		meeting := newMsgForm(ctx, "agenda.meeting", "Name")
		// Warnings come in agenda order, mostly several a day.
		var day string
		var dayOf [3]int
		for _, o := range v.Overlaps {
			y, m, d := o.A.StartsAt.In(loc).Date()
			if key := [3]int{y, int(m), d}; day == "" || key != dayOf {
				day, dayOf = formatShortDay(ctx, o.A.StartsAt, loc), key
			}
			*b = append(*b, "<li>"...)
			*b = warning.fill(*b, func(b []byte, field int) []byte {
				switch field {
				case 0:
					return appendAgendaTitle(b, o.A, meeting)
				case 1:
					return appendEscaped(b, o.A.Time)
				case 2:
					return appendAgendaTitle(b, o.B, meeting)
				case 3:
					return appendEscaped(b, o.B.Time)
				}
				return appendEscaped(b, day)
			})
			*b = append(*b, "</li>"...)
		}
		_, err := w.Write(*b)
		return err
	})
}

// appendAgendaTitle writes the title the agenda shows for it, escaped: a
// session's own, or "Meeting with …" (agenda.meeting) and the other party.
func appendAgendaTitle(b []byte, it *AgendaEntry, meeting msgForm) []byte {
	if it.Kind == expo.AgendaMeeting {
		return meeting.fill(b, func(b []byte, _ int) []byte { return appendEscaped(b, it.Title) })
	}
	return appendEscaped(b, it.Title)
}

// msgForm is a translated message with its {{.Field}} values left open, to
// be filled many times on one page without T's work each time (a map of
// interface values and a new string). It is made by translating the
// message with a marker for each value, so the catalogue stays the one
// source of its text; only messages whose values are plain {{.Field}}
// insertions may be used so (no plural forms, no other template actions).
type msgForm []msgPart

type msgPart struct {
	lit   string
	field int // index into newMsgForm's fields; -1 after the last literal
}

// msgMarker starts the marker of a value: it never occurs in translations.
const msgMarker = '\x00'

func newMsgForm(ctx context.Context, id string, fields ...string) msgForm {
	// A form depends only on the language (the catalogue is embedded), so
	// each is made once.
	key := msgFormKey{lang: i18n.Lang(ctx), id: id}
	if f, ok := msgForms.Load(key); ok {
		return f.(msgForm)
	}
	data := make(map[string]any, len(fields))
	for i, name := range fields {
		data[name] = string([]byte{msgMarker, byte('0' + i)})
	}
	text := i18n.T(ctx, id, data)
	translated := !strings.Contains(text, "⟦") // a context without the catalogue names only the ID
	var f msgForm
	for {
		i := strings.IndexByte(text, msgMarker)
		if i < 0 || i+1 == len(text) {
			f = append(f, msgPart{lit: text, field: -1})
			break
		}
		f = append(f, msgPart{lit: text[:i], field: int(text[i+1] - '0')})
		text = text[i+2:]
	}
	if translated {
		msgForms.Store(key, f)
	}
	return f
}

type msgFormKey struct{ lang, id string }

// msgForms keeps the forms newMsgForm made, by language and message.
var msgForms sync.Map // msgFormKey → msgForm

// fill appends the message escaped; value appends the escaped value of
// each field.
func (f msgForm) fill(b []byte, value func(b []byte, field int) []byte) []byte {
	for _, p := range f {
		b = appendEscaped(b, p.lit)
		if p.field >= 0 {
			b = value(b, p.field)
		}
	}
	return b
}

// agendaDays writes a section for each day of the agenda with its items.
func agendaDays(v AgendaView, loc *time.Location) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		b := getAgendaScratch()
		defer putAgendaScratch(b)
		// Labels many items repeat, translated once per page.
		labels := agendaLabels{
			overlap:   i18n.T(ctx, "agenda.overlap.badge"),
			confirmed: i18n.T(ctx, "forum.reg.confirmed.badge"),
			table:     i18n.T(ctx, "meeting.field.table"),
			meeting:   newMsgForm(ctx, "agenda.meeting", "Name"),
		}
		for _, d := range v.Days {
			*b = append(*b, `<section class="agenda-day"><h2>`...)
			*b = appendEscaped(*b, formatDay(ctx, d.Day, loc))
			*b = append(*b, `</h2><ol class="agenda-list">`...)
			for i := range d.Items {
				*b = appendAgendaItem(ctx, *b, &d.Items[i], &labels)
			}
			*b = append(*b, `</ol></section>`...)
		}
		_, err := w.Write(*b)
		return err
	})
}

type agendaLabels struct {
	overlap, confirmed, table string
	meeting                   msgForm // a meeting's title
}

// appendAgendaItem writes one item: a meeting links to the meetings page,
// a forum session to its forum.
func appendAgendaItem(ctx context.Context, b []byte, it *AgendaEntry, l *agendaLabels) []byte {
	b = append(b, `<li class="`...)
	b = append(b, it.class()...)
	b = append(b, `"><p class="agenda-time"><strong>`...)
	b = appendEscaped(b, it.Time)
	if it.Kind == expo.AgendaMeeting {
		b = append(b, `</strong></p><div><a class="session-title" href="/my/meetings">`...)
		b = appendAgendaTitle(b, it, l.meeting)
		b = append(b, `</a> `...)
		if it.Room != "" {
			b = append(b, `<span class="small muted">`...)
			b = appendEscaped(b, l.table)
			b = append(b, ' ')
			b = appendEscaped(b, it.Room)
			b = append(b, `</span> `...)
		}
		b = append(b, `<span class="session-seats small"><span class="badge badge-meeting-`...)
		b = appendEscaped(b, string(it.Meeting))
		b = append(b, `">`...)
		b = appendEscaped(b, i18n.T(ctx, "meeting.status."+string(it.Meeting)))
		b = append(b, `</span> `...)
		if it.Overlap {
			b = appendOverlapBadge(b, l)
		}
		return append(b, `</span></div></li>`...)
	}
	b = append(b, `</strong></p><div><a class="session-title" href="/forums/`...)
	b = strconv.AppendInt(b, it.ForumID, 10)
	b = append(b, `">`...)
	b = appendEscaped(b, it.Title)
	b = append(b, `</a> <span class="session-forum">`...)
	b = appendEscaped(b, it.Forum)
	b = append(b, `</span> <span class="small muted">`...)
	b = appendEscaped(b, it.Room)
	b = append(b, `</span> <span class="session-seats small">`...)
	// registrationBadge (forums.templ), as the forum pages show it.
	if it.Status == expo.RegistrationConfirmed {
		b = append(b, `<span class="badge badge-confirmed">`...)
		b = appendEscaped(b, l.confirmed)
	} else {
		b = append(b, `<span class="badge badge-waitlisted">`...)
		b = appendEscaped(b, i18n.T(ctx, "forum.reg.waitlisted.badge", map[string]any{"Position": it.Position}))
	}
	b = append(b, `</span>`...)
	if it.Overlap {
		b = appendOverlapBadge(b, l)
	}
	return append(b, `</span></div></li>`...)
}

func appendOverlapBadge(b []byte, l *agendaLabels) []byte {
	b = append(b, `<span class="badge badge-overlap">`...)
	b = appendEscaped(b, l.overlap)
	return append(b, `</span>`...)
}

// appendEscaped appends s escaped for HTML text and attribute values, as
// templ.EscapeString (html.EscapeString) does.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		esc := htmlEscapes[s[i]]
		if esc == "" {
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// htmlEscapes are html.EscapeString's replacements, by byte.
var htmlEscapes = [256]string{'&': "&amp;", '\'': "&#39;", '<': "&lt;", '>': "&gt;", '"': "&#34;"}

// agendaScratch holds the buffers the agenda's parts are written into
// before they go to the page in one write.
var agendaScratch = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

func getAgendaScratch() *[]byte { return agendaScratch.Get().(*[]byte) }

func putAgendaScratch(b *[]byte) {
	if cap(*b) <= 1<<20 {
		*b = (*b)[:0]
		agendaScratch.Put(b)
	}
}
