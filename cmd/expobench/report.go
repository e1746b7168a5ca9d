package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"expo/internal/store"
)

// The targets besides the per-scenario ones.
const (
	targetRSSMB    = 256
	targetReadyS   = 1.0
	targetGenerate = 30.0
)

// Report is everything one run measured; --json writes it as is.
type Report struct {
	Date            string           `json:"date"`
	Machine         string           `json:"machine"`
	CPUs            int              `json:"cpus"`
	GoVersion       string           `json:"go_version"`
	Conns           int              `json:"conns"`
	Duration        string           `json:"duration_per_scenario"`
	Data            store.DemoCounts `json:"data"`
	GenerateSeconds float64          `json:"generate_seconds"`
	ReadySeconds    float64          `json:"ready_seconds"`
	PageBytes       int              `json:"directory_page_bytes"`
	Supply          supplyInfo       `json:"accept_decline_supply"`
	Scenarios       []result         `json:"scenarios"`
	PeakRSSMB       float64          `json:"server_peak_rss_mb"`
	Status5xx       int              `json:"status_5xx"`
	ServerErrors    int              `json:"server_logged_5xx"`
	Violations      []string         `json:"invariant_violations"`
}

// Passed reports whether the run met every target of the issue.
func (r *Report) Passed() bool {
	for _, s := range r.Scenarios {
		if s.Kind != string(kindLimit) && !s.Met {
			return false
		}
	}
	return r.sound() && r.PeakRSSMB <= targetRSSMB && r.ReadySeconds <= targetReadyS && r.GenerateSeconds <= targetGenerate
}

// sound reports the correctness half of the targets: no 5xx, no broken
// rule. Unlike the timings, it must hold on any machine.
func (r *Report) sound() bool {
	return r.Status5xx == 0 && r.ServerErrors == 0 && len(r.Violations) == 0
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func (r *Report) rows() [][]string {
	var rows [][]string
	for _, s := range r.Scenarios {
		ratio, target, met := "1 (limit)", "", ""
		if s.Kind != string(kindLimit) {
			ratio = fmt.Sprintf("%.2f", s.Ratio)
			target = fmt.Sprintf("≥ %.2f, p99 ≤ %.0f ms", s.TargetRatio, s.TargetP99ms)
			met = yesNo(s.Met)
		}
		rows = append(rows, []string{s.Name, s.Kind, fmt.Sprintf("%.0f", s.RPS), fmt.Sprintf("%.2f", s.P50ms), fmt.Sprintf("%.2f", s.P95ms),
			fmt.Sprintf("%.2f", s.P99ms), fmt.Sprint(s.OK), fmt.Sprint(s.Rejected), fmt.Sprint(s.Errors), ratio, target, met})
	}
	return rows
}

var header = []string{"scenario", "kind", "req/s", "p50 ms", "p95 ms", "p99 ms", "2xx", "3xx/4xx", "errors", "ratio to limit", "target", "met"}

func (r *Report) summary() []string {
	violations := "none"
	if len(r.Violations) > 0 {
		violations = strings.Join(r.Violations, "; ")
	}
	lines := []string{
		fmt.Sprintf("data: %d exhibitors, %d forums, %d attendees, %d slots, %d meetings (%d open), %d registrations (%d waitlisted)",
			r.Data.Exhibitors, r.Data.Forums, r.Data.Attendees, r.Data.Slots, r.Data.Meetings, r.Data.OpenMeetings, r.Data.Registrations, r.Data.Waitlisted),
		fmt.Sprintf("demo generated in %.2f s (target ≤ %.0f s: %s)", r.GenerateSeconds, targetGenerate, yesNo(r.GenerateSeconds <= targetGenerate)),
		r.supplyLine(),
		fmt.Sprintf("server ready in %.0f ms (target ≤ %.0f ms: %s)", r.ReadySeconds*1000, targetReadyS*1000, yesNo(r.ReadySeconds <= targetReadyS)),
		fmt.Sprintf("server peak RSS %.1f MB (target ≤ %d MB: %s)", r.PeakRSSMB, targetRSSMB, yesNo(r.PeakRSSMB <= targetRSSMB)),
		fmt.Sprintf("5xx answers: %d seen by the client, %d logged by the server", r.Status5xx, r.ServerErrors),
		fmt.Sprintf("invariant violations after the writes: %s", violations),
		fmt.Sprintf("directory page %d bytes; %d connections, %s per scenario; %s, %s", r.PageBytes, r.Conns, r.Duration, r.Machine, r.GoVersion),
	}
	for _, s := range r.Scenarios {
		if s.Kind == string(kindWrite) {
			lines = append(lines, s.statusLine())
		}
		if s.Answers != nil {
			lines = append(lines, s.Name+": "+s.answersLine())
		}
	}
	return lines
}

// statusLine lists a scenario's answers by HTTP status, most frequent
// first.
func (s result) statusLine() string {
	codes := make([]string, 0, len(s.Statuses))
	for c := range s.Statuses {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		a, b := s.Statuses[codes[i]], s.Statuses[codes[j]]
		return a > b || a == b && codes[i] < codes[j]
	})
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = c + " × " + thousands(s.Statuses[c])
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	return s.Name + " answers: " + strings.Join(parts, ", ")
}

// thousands writes n with thousands separators: 12,345.
func thousands(n int) string {
	d := strconv.Itoa(n)
	neg := strings.HasPrefix(d, "-")
	d = strings.TrimPrefix(d, "-")
	var b strings.Builder
	for i, c := range d {
		if i > 0 && (len(d)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// supplyLine describes the pending requests created for accept-decline.
func (r *Report) supplyLine() string {
	s := r.Supply
	return fmt.Sprintf("write set-up in %.2f s before the server starts, not timed by any scenario: API tokens for %s attendees (%.2f s); "+
		"%d negotiation tables and %d meeting tables for each exhibitor with an account (%.2f s); "+
		"accept-decline supply: %s pending requests created in %.2f s (wanted %s, %d a second of a scenario; capped by the data: "+
		"%s free places of the exhibitors with an account in slots with a free table, at most half of each attendee's open-request quota; "+
		"at most %s can be accepted, the free (table, slot) pairs), plus %d pending of the demo",
		s.SetupSeconds, thousands(s.Tokens), s.TokenSeconds, s.Tables, exhibitorTables, s.AreaSeconds,
		thousands(s.Created), s.Seconds, thousands(s.Wanted), supplyRate, thousands(s.Capacity), thousands(s.FreeTables), s.Demo)
}

// answersLine says what an answering scenario measured.
func (s result) answersLine() string {
	a := s.Answers
	dry := "the queue did not run dry"
	if a.DryAfterSeconds > 0 {
		dry = fmt.Sprintf("the queue ran dry after %.2f s and the connections stopped (req/s is over the %.2f s the scenario lasted)",
			a.DryAfterSeconds, float64(s.Requests)/max(s.RPS, 1e-9))
	}
	return fmt.Sprintf("every request answered a pending meeting (%d queued): %d accepted, %d declined; refused (3xx/4xx, an accept usually for want of a free table): %d accepts, %d declines; %s",
		a.Queued, a.Accepted, a.Declined, a.RefusedAccepts, a.RefusedDeclines, dry)
}

// print writes the plain-text table and summary.
func (r *Report) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, row := range r.rows() {
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	for _, line := range r.summary() {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "all targets met: %s\n", yesNo(r.Passed()))
}

// markdown writes the table and summary ready to paste into BENCHMARKS.md.
func (r *Report) markdown(w io.Writer) {
	fmt.Fprintf(w, "Run of %s (%s):\n\n", r.Date, r.Machine)
	fmt.Fprintln(w, "| "+strings.Join(header, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat("---|", len(header)))
	for _, row := range r.rows() {
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
	}
	fmt.Fprintln(w)
	for _, line := range r.summary() {
		fmt.Fprintln(w, "- "+line)
	}
	fmt.Fprintf(w, "- all targets met: %s\n", yesNo(r.Passed()))
}

func (r *Report) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
