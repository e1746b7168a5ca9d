package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSmoke runs the whole benchmark on a small expo for a few hundred
// milliseconds per scenario: it must build and start the server, run every
// scenario, and find no 5xx and no broken invariant. It asserts no timing.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the server; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "result.json")
	var stdout, stderr bytes.Buffer
	rep, err := run(ctx, []string{"--small", "--duration", "300ms", "--conns", "8", "--attendees", "120", "--meetings", "300",
		"--tokens", "60", "--logins", "4", "--dir", filepath.Join(dir, "work"), "--json", jsonPath, "--markdown"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	t.Log(stdout.String())

	names := map[string]bool{}
	for _, s := range rep.Scenarios {
		names[s.Name] = true
		if s.Requests == 0 {
			t.Errorf("scenario %s made no request", s.Name)
		}
		if s.Errors != 0 {
			t.Errorf("scenario %s: %d errors, first: %s", s.Name, s.Errors, s.FirstError)
		}
		if s.Kind == string(kindRead) && s.OK != s.Requests {
			t.Errorf("read scenario %s: %d of %d answers were 2xx", s.Name, s.OK, s.Requests)
		}
		// The statuses add up, and no scenario hit a rate limit: every
		// attendee has a token, so none sends a burst of requests.
		total := 0
		for code, n := range s.Statuses {
			total += n
			if code == "429" {
				t.Errorf("scenario %s: %d answers 429 (rate limited)", s.Name, n)
			}
		}
		if total != s.Requests {
			t.Errorf("scenario %s: statuses %v add up to %d, want %d requests", s.Name, s.Statuses, total, s.Requests)
		}
		if s.Kind == string(kindWrite) && !strings.Contains(stdout.String(), "- "+s.Name+" answers: ") {
			t.Errorf("--markdown printed no status line for %s", s.Name)
		}
		if s.Name == "accept-decline" {
			// Every request answers a pending meeting, most of them
			// successfully: the supply was made to be accepted.
			a := s.Answers
			switch {
			case a == nil:
				t.Errorf("accept-decline reported no answer counts")
			case a.Accepted+a.Declined+a.Refused != s.Requests || a.Accepted+a.Declined != s.OK:
				t.Errorf("accept-decline: %+v for %d requests (%d 2xx): not every request was an answer", *a, s.Requests, s.OK)
			case a.Accepted == 0 || a.Declined == 0 || a.Refused > s.Requests/2 || a.RefusedAccepts*4 > a.Accepted:
				// The set-up's negotiation tables leave room for the
				// accepts: at most one in five is refused.
				t.Errorf("accept-decline: %+v, want accepts and declines that mostly succeed", *a)
			}
		}
	}
	for _, want := range []string{limitPage, limitInsert, "directory", "profile", "timetable", "floorplan-svg", "agenda",
		"api-exhibitors", "forum-register", "meeting-request", "accept-decline"} {
		if !names[want] {
			t.Errorf("scenario %s did not run", want)
		}
	}
	if rep.Status5xx != 0 || rep.ServerErrors != 0 {
		t.Errorf("5xx answers: %d seen, %d logged", rep.Status5xx, rep.ServerErrors)
	}
	if len(rep.Violations) != 0 {
		t.Errorf("invariant violations: %v", rep.Violations)
	}
	if rep.Supply.Created == 0 || rep.Supply.Created > rep.Supply.Wanted || rep.Supply.Wanted != 2400 {
		t.Errorf("accept-decline supply %+v: want some of 2,400 (0.3 s × 8,000) pending requests created", rep.Supply)
	}
	if rep.Supply.Tokens != 120 || rep.Supply.Tables != 500 {
		t.Errorf("set-up %+v: want tokens for all 120 attendees and 500 negotiation tables", rep.Supply)
	}
	if rep.Data.Attendees != 120 || rep.Data.Meetings != 300 || rep.Data.Exhibitors < 1000 {
		t.Errorf("data %+v, want 120 attendees, 300 meetings, 1,000+ exhibitors", rep.Data)
	}
	if rep.PeakRSSMB <= 0 || rep.ReadySeconds <= 0 || rep.PageBytes <= 0 {
		t.Errorf("peak RSS %.1f MB, ready %.3f s, page %d bytes: want all measured", rep.PeakRSSMB, rep.ReadySeconds, rep.PageBytes)
	}
	if !strings.Contains(stdout.String(), "| scenario | kind | req/s") {
		t.Errorf("--markdown printed no table:\n%s", stdout.String())
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil || len(back.Scenarios) != len(rep.Scenarios) {
		t.Fatalf("--json wrote %d scenarios (err %v), want %d", len(back.Scenarios), err, len(rep.Scenarios))
	}
	for i, s := range back.Scenarios {
		if len(s.Statuses) == 0 || fmt.Sprint(s.Statuses) != fmt.Sprint(rep.Scenarios[i].Statuses) {
			t.Errorf("--json statuses of %s: %v, want %v", s.Name, s.Statuses, rep.Scenarios[i].Statuses)
		}
	}
	if !strings.Contains(string(b), `"statuses": {`) {
		t.Errorf("--json has no statuses")
	}
}

func TestOptions(t *testing.T) {
	bad := [][]string{
		{"--conns", "0"},
		{"--duration", "1ms"},
		{"--attendees", "3"},
		{"--logins", "99"},
		{"--profiles", "/tmp/x"},
		{"--no-such-flag"},
	}
	for _, args := range bad {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if _, err := parseOptions(args, &bytes.Buffer{}); err == nil {
				t.Errorf("parseOptions(%q) accepted", args)
			}
		})
	}
	o, err := parseOptions([]string{"--small", "--conns", "4"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.attendees != 300 || o.meetings != 500 || o.duration != time.Second || o.conns != 4 {
		t.Errorf("--small --conns 4 gave %+v, want 300 attendees, 500 meetings, 1s, 4 connections", o)
	}
}
