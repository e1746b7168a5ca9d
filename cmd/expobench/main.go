// Command expobench is Expo's load benchmark: it builds an expo-scale
// database from the demo generator, starts the real server binary on
// loopback against it, measures the machine's limits (a fixed page served by
// Echo, a single-row insert through the writer pool) and then realistic read
// and write scenarios with the same load generator and concurrency, checks
// the database's invariants after the writes, and prints one table (also as
// markdown and JSON). See BENCHMARKS.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "expobench:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	binary    string
	dir       string
	keep      bool
	duration  time.Duration
	conns     int
	small     bool
	attendees int
	meetings  int
	only      string
	json      string
	markdown  bool
	pprof     string
	profiles  string
	logins    int
	tokens    int
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("expobench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.binary, "binary", "", "the expo binary to benchmark (default: go build ./cmd/expo into the work directory)")
	fs.StringVar(&o.dir, "dir", "", "work directory for the database, binary and server log (default: a new temporary directory)")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "how long each scenario runs")
	fs.IntVar(&o.conns, "conns", 64, "concurrent connections of the load generator")
	fs.BoolVar(&o.small, "small", false, "smoke run: small data (300 attendees, 500 meetings), 1 s per scenario unless --duration is given, 16 connections unless --conns is given")
	fs.IntVar(&o.attendees, "attendees", 20000, "demo attendees")
	fs.IntVar(&o.meetings, "meetings", 20000, "demo meetings")
	fs.StringVar(&o.only, "only", "", "comma-separated scenario names to run (the limits always run)")
	fs.StringVar(&o.json, "json", "", "also write the results as JSON to this file")
	fs.BoolVar(&o.markdown, "markdown", false, "also print the table as markdown, ready for BENCHMARKS.md")
	fs.StringVar(&o.pprof, "pprof", "", "start the server with net/http/pprof on this loopback address (e.g. 127.0.0.1:6060)")
	fs.StringVar(&o.profiles, "profiles", "", "with --pprof: write a CPU profile of the server during each scenario to this directory (SCENARIO.pprof)")
	fs.IntVar(&o.logins, "logins", 32, "attendees that log in through /login for the logged-in scenarios")
	fs.IntVar(&o.tokens, "tokens", 2000, "attendees given an API token for the write scenarios")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.small {
		if !set["attendees"] {
			o.attendees = 300
		}
		if !set["meetings"] {
			o.meetings = 500
		}
		if !set["duration"] {
			o.duration = time.Second
		}
		if !set["conns"] {
			o.conns = 16
		}
		if !set["tokens"] {
			o.tokens = 200
		}
		if !set["logins"] {
			o.logins = 8
		}
	}
	switch {
	case o.conns < 1 || o.conns > 1024:
		return o, errors.New("--conns must be between 1 and 1024")
	case o.duration < 100*time.Millisecond:
		return o, errors.New("--duration must be at least 100ms")
	case o.attendees < 10 || o.meetings < 1:
		return o, errors.New("--attendees must be at least 10 and --meetings at least 1")
	case o.logins < 1 || o.logins > 50:
		// /login allows 60 quick attempts per address before it slows down.
		return o, errors.New("--logins must be between 1 and 50")
	case o.profiles != "" && o.pprof == "":
		return o, errors.New("--profiles needs --pprof")
	case o.tokens < 1:
		return o, errors.New("--tokens must be at least 1")
	}
	return o, nil
}

// run is the whole benchmark; it returns the report it printed.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (*Report, error) {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return nil, err
	}
	if o.dir == "" {
		if o.dir, err = os.MkdirTemp("", "expobench-"); err != nil {
			return nil, err
		}
		if !o.keep {
			defer os.RemoveAll(o.dir)
		}
	} else if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return nil, err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "expobench: "+format+"\n", a...) }
	rep := &Report{Date: time.Now().UTC().Format(time.RFC3339), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(),
		Conns: o.conns, Duration: o.duration.String(), Machine: machine()}

	if o.binary == "" {
		o.binary = filepath.Join(o.dir, "expo")
		logf("building the server: go build -o %s expo/cmd/expo", o.binary)
		if err := goBuild(ctx, o.binary); err != nil {
			return nil, err
		}
	}

	dbPath := filepath.Join(o.dir, "expo.db")
	for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
		os.Remove(p)
	}
	logf("generating the demo: %d attendees, %d meetings", o.attendees, o.meetings)
	fx, err := generate(ctx, dbPath, o)
	if err != nil {
		return nil, err
	}
	rep.Data = fx.counts
	rep.GenerateSeconds = fx.generate.Seconds()
	logf("generated in %.2f s: %+v", rep.GenerateSeconds, fx.counts)
	rep.Supply = fx.supply
	logf("%s", rep.supplyLine())

	srv, err := startServer(ctx, o.binary, dbPath, filepath.Join(o.dir, "server.log"), o.pprof)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	rep.ReadySeconds = srv.ready.Seconds()
	logf("server ready at %s in %.0f ms", srv.base, srv.ready.Seconds()*1000)

	lg := newLoadGen(srv.base, o.conns)
	if err := fx.logIn(ctx, lg, o.logins); err != nil {
		return nil, err
	}
	pageSize, err := lg.size(ctx, "/exhibitors")
	if err != nil {
		return nil, err
	}
	rep.PageBytes = pageSize

	want := map[string]bool{}
	for _, n := range strings.Split(o.only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	limits := map[string]float64{}
	for _, sc := range scenarios(fx, pageSize) {
		if sc.kind != kindLimit && len(want) > 0 && !want[sc.name] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var profiled chan error
		if o.profiles != "" {
			profiled = make(chan error, 1)
			go func() { profiled <- cpuProfile(ctx, o.pprof, o.duration, filepath.Join(o.profiles, sc.name+".pprof")) }()
		}
		if sc.begin != nil {
			sc.begin()
		}
		res := lg.run(ctx, sc, o.duration)
		if sc.end != nil {
			sc.end(&res)
		}
		if profiled != nil {
			if err := <-profiled; err != nil {
				logf("profile of %s: %v", sc.name, err)
			}
		}
		if sc.kind == kindLimit {
			limits[sc.name] = res.RPS
		} else if l := limits[sc.limit]; l > 0 {
			res.Ratio = res.RPS / l
			res.Limit = sc.limit
			res.TargetRatio = sc.targetRatio
			res.TargetP99ms = float64(sc.targetP99) / float64(time.Millisecond)
			res.Met = res.Ratio >= sc.targetRatio && res.P99ms <= res.TargetP99ms && res.Errors == 0
		}
		logf("%-18s %8.0f req/s  p50 %6.2f ms  p99 %7.2f ms  2xx %d  4xx %d  errors %d", res.Name, res.RPS, res.P50ms, res.P99ms, res.OK, res.Rejected, res.Errors)
		if sc.kind == kindWrite {
			logf("%s", res.statusLine())
		}
		if res.Answers != nil {
			logf("%-18s %s", res.Name, res.answersLine())
		}
		rep.Scenarios = append(rep.Scenarios, res)
	}
	rep.PeakRSSMB = float64(srv.peakRSS()) / 1024
	if err := srv.stop(); err != nil {
		logf("server stopped with: %v (log: %s)", err, srv.logPath)
	}
	rep.ServerErrors, err = countServerErrors(srv.logPath)
	if err != nil {
		return nil, err
	}
	rep.Violations, err = checkInvariants(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	if rep.Violations == nil {
		rep.Violations = []string{}
	}
	for _, s := range rep.Scenarios {
		rep.Status5xx += s.Status5xx
	}
	rep.print(stdout)
	if o.markdown {
		fmt.Fprintln(stdout)
		rep.markdown(stdout)
	}
	if o.json != "" {
		if err := rep.writeJSON(o.json); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// cpuProfile saves a CPU profile of the server taken over d.
func cpuProfile(ctx context.Context, addr string, d time.Duration, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	secs := max(1, int(d.Seconds()))
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// machine describes the CPU, for the report.
func machine() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOOS + "/" + runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return fmt.Sprintf("%s, %d cores", strings.TrimSpace(v), runtime.NumCPU())
		}
	}
	return fmt.Sprintf("%s/%s, %d cores", runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
}
