package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// printWidth is the width an A4 page leaves for content (210 mm less the
// 14 mm margins of @page), in CSS pixels.
const printWidth = 688

// printFacts reads, in print media, what must and must not be on paper.
const printFactsJS = `(() => {
	const shown = sel => [...document.querySelectorAll(sel)].filter(e => e.checkVisibility()).length;
	const items = [...document.querySelectorAll('.programme-item, .agenda-item')];
	return {
		nav: shown('.main-nav'),
		navLinks: shown('.main-nav a'),
		buttons: shown('button, .button'),
		forms: shown('main form'),
		footerAPI: shown('.site-footer a'),
		tabs: shown('.day-tabs, .programme-filters, .agenda-feed'),
		grid: shown('.timetable-wrap'),
		items: items.filter(e => e.checkVisibility()).length,
		splittable: items.filter(e => getComputedStyle(e).breakInside !== 'avoid').length,
		overflow: document.documentElement.scrollWidth - window.innerWidth,
		dark: getComputedStyle(document.body).color === 'rgb(0, 0, 0)' && getComputedStyle(document.body).backgroundColor === 'rgb(255, 255, 255)' ? 0 : 1,
	};
})()`

// TestBrowserPrint prints the programme of a day and a personal agenda: in
// print media the nav, buttons, forms and tabs are gone, the day is a list
// whose sessions never break across pages, nothing is wider than an A4 page,
// and the PDF Chromium makes is A4. EXPO_PRINT_OUT=dir keeps the PDFs.
func TestBrowserPrint(t *testing.T) {
	findChromium(t)
	t.Parallel()
	app := startApp(t, "", "--demo")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	browserCtx, _ := newBrowserContext(t, ctx)
	tab := phoneTab(t, browserCtx, app.URL, phoneVisitor{email: "attendee1@demo.expo"})

	// The second day: the programme's day tabs link it.
	openAt(t, tab, app.URL+"/forums", 1280, 900, false)
	day := run1(t, tab, "read the second day", chromedp.AttributeValue(chromedp.CSS(`.day-tabs li:nth-child(2) a`), "href"))
	if !day.Exists {
		t.Fatal("the programme has no second day tab")
	}

	for _, tt := range []struct {
		name, path, pdf string
		minItems        int
	}{
		{"programme of a day", day.Value, "programme-day.pdf", 5},
		{"personal agenda", "/my/agenda", "agenda.pdf", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			openAt(t, tab, app.URL+tt.path, printWidth, 1000, false)
			if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
				t.Fatal(err)
			}
			defer chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
			f := run1(t, tab, "read the printed page", chromedp.Evaluate[map[string]int](printFactsJS))
			for _, k := range []string{"nav", "navLinks", "buttons", "forms", "footerAPI", "tabs", "grid"} {
				if f[k] != 0 {
					t.Errorf("%s prints %d of %q, want none", tt.path, f[k], k)
				}
			}
			if f["items"] < tt.minItems {
				t.Errorf("%s prints %d sessions, want at least %d", tt.path, f["items"], tt.minItems)
			}
			if f["splittable"] != 0 {
				t.Errorf("%s: %d sessions may break across pages", tt.path, f["splittable"])
			}
			if f["overflow"] > 0 {
				t.Errorf("%s is %dpx wider than an A4 page in print", tt.path, f["overflow"])
			}
			if f["dark"] != 0 {
				t.Errorf("%s does not print black on white", tt.path)
			}

			pdf := run1(t, tab, "print to PDF", chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("Chromium's print of %s is not a PDF", tt.path)
			}
			// A4 is 595×842 points; @page says A4, so the PDF is A4.
			// (Without it Chromium prints on Letter, 612×792.)
			box := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`).FindSubmatch(pdf)
			if box == nil {
				t.Fatalf("the PDF of %s has no media box", tt.path)
			}
			w, _ := strconv.ParseFloat(string(box[1]), 64)
			h, _ := strconv.ParseFloat(string(box[2]), 64)
			if math.Abs(w-595) > 2 || math.Abs(h-842) > 2 {
				t.Errorf("the PDF of %s is %.0f×%.0f points, want A4 (595×842)", tt.path, w, h)
			}
			if dir := os.Getenv("EXPO_PRINT_OUT"); dir != "" {
				if err := os.WriteFile(filepath.Join(dir, tt.pdf), pdf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
