package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/web"
	"expo/web/i18n"
)

const usage = `Usage: expo <command> [flags]

Commands:
  serve          run the web application (default)
  migrate        create or upgrade the database, then exit
  admin create   create an organizer account (password read from stdin)
  admin token    print a new API token for a user
  backup         write a consistent copy of the SQLite database

Run "expo <command> -h" for the flags of a command.
`

// run is the whole program; main only wires it to the process. Tests call it
// with their own arguments, environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args, getenv, stdout, stderr)
	case "admin":
		if len(args) == 0 {
			return errors.New("admin needs a subcommand: create or token")
		}
		switch args[0] {
		case "create":
			return adminCreate(ctx, args[1:], getenv, stdin, stdout, stderr)
		case "token":
			return adminToken(ctx, args[1:], getenv, stdout, stderr)
		}
		return fmt.Errorf("unknown admin subcommand %q: use create or token", args[0])
	case "backup":
		return backup(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// dbFlags are the flags every command that opens the database shares.
type dbFlags struct {
	db string
}

func newFlagSet(name string, stderr io.Writer, getenv func(string) string) (*flag.FlagSet, *dbFlags) {
	fs := flag.NewFlagSet("expo "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := &dbFlags{}
	fs.StringVar(&d.db, "db", envOr(getenv, "EXPO_DB", "expo.db"), "SQLite file path, or a postgres:// URL (env EXPO_DB)")
	return fs, d
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func openStore(ctx context.Context, d *dbFlags, log *slog.Logger) (*store.Store, error) {
	return store.Open(ctx, d.db, store.Options{Logger: log})
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, d := newFlagSet("serve", stderr, getenv)
	addr := fs.String("addr", envOr(getenv, "EXPO_ADDR", "127.0.0.1:8080"), "listen address (env EXPO_ADDR)")
	baseURL := fs.String("base-url", getenv("EXPO_BASE_URL"), "public URL of the app, e.g. https://expo.example.org (env EXPO_BASE_URL); https makes cookies Secure")
	tz := fs.String("timezone", envOr(getenv, "EXPO_TIMEZONE", "Asia/Shanghai"), "expo time zone (env EXPO_TIMEZONE)")
	demo := fs.Bool("demo", getenv("EXPO_DEMO") == "1" || getenv("EXPO_DEMO") == "true", "load a demo expo into an empty database (env EXPO_DEMO=1)")
	demoPassword := fs.String("demo-password", envOr(getenv, "EXPO_DEMO_PASSWORD", "expo-demo"), "password of the demo accounts (env EXPO_DEMO_PASSWORD)")
	trustProxy := fs.Bool("trust-proxy", getenv("EXPO_TRUST_PROXY") == "1" || getenv("EXPO_TRUST_PROXY") == "true", "take client addresses from X-Forwarded-For (only behind a reverse proxy; env EXPO_TRUST_PROXY=1)")
	logFormat := fs.String("log-format", envOr(getenv, "EXPO_LOG_FORMAT", "text"), "log format: text or json (env EXPO_LOG_FORMAT)")
	readCache := fs.String("read-cache", envOr(getenv, "EXPO_READ_CACHE", "2s"), "how long public directory, profile, floor plan and programme reads are reused; a change made through another instance shows after at most this long; 0 turns it off (env EXPO_READ_CACHE)")
	benchRoutes := fs.Bool("bench-routes", getenv("EXPO_BENCH_ROUTES") == "1", "load benchmark only: add its limit probes (env EXPO_BENCH_ROUTES=1)")
	benchPprof := fs.String("bench-pprof", getenv("EXPO_BENCH_PPROF"), "load benchmark only: serve net/http/pprof on this loopback address (env EXPO_BENCH_PPROF)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(*logFormat, stderr)
	readCacheTTL, err := time.ParseDuration(*readCache)
	if err != nil || readCacheTTL < 0 || readCacheTTL > time.Hour {
		return fmt.Errorf("--read-cache %q: want a duration from 0 to 1h, e.g. 2s", *readCache)
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("time zone %q: %w", *tz, err)
	}
	st, err := openStore(ctx, d, log)
	if err != nil {
		return err
	}
	defer st.Close()
	// Matchmaking messages ("no interpreter free … at 10:30") speak expo time.
	st.SetMatchmakingOptions(store.MatchmakingOptions{Location: loc})
	if *demo {
		if err := loadDemo(ctx, st, *demoPassword, loc, stdout); err != nil {
			return err
		}
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	url := "http://" + ln.Addr().String()
	if *baseURL == "" {
		*baseURL = url
	}
	srv := web.New(st, cat, web.Config{BaseURL: *baseURL, Location: loc, Logger: log, TrustProxy: *trustProxy, BenchRoutes: *benchRoutes,
		ReadCacheTTL: readCacheTTL})
	if *benchPprof != "" {
		stop, err := servePprof(*benchPprof, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
	}
	bgCtx, stopBg := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBg()
	srv.Background(bgCtx)
	httpSrv := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	done, err := st.SetupDone(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Expo listening on %s (database: %s, time zone: %s)\n", url, st.Dialect(), loc)
	if !done {
		fmt.Fprintf(stdout, "No organizer yet: open %s/setup to create the first one, or run: expo admin create --email E --name N --password-stdin\n", url)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Finish in-flight requests, then stop.
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func loadDemo(ctx context.Context, st *store.Store, password string, loc *time.Location, stdout io.Writer) error {
	has, err := st.HasUsers(ctx)
	if err != nil {
		return err
	}
	if has {
		fmt.Fprintln(stdout, "Demo: the database already has accounts, so no demo data was added.")
		return nil
	}
	acc, err := st.LoadDemo(ctx, password, store.DemoSize{Exhibitors: 8, Attendees: 500}, loc)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demo expo loaded. Log in with password %q as:\n  organizer: %s\n  exhibitors: %s … %s\n  attendees: %s … %s\n",
		password, acc.Organizer, acc.Exhibitors[0], acc.Exhibitors[len(acc.Exhibitors)-1], acc.Attendees[0], acc.Attendees[len(acc.Attendees)-1])
	return nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, d := newFlagSet("migrate", stderr, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, d, newLogger("text", stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := st.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Database is at schema version %d.\n", v)
	return nil
}

func adminCreate(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, d := newFlagSet("admin create", stderr, getenv)
	email := fs.String("email", "", "e-mail of the new organizer (required)")
	name := fs.String("name", "", "full name of the new organizer (required)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*fromStdin {
		return errors.New("admin create: pass --password-stdin and give the password on standard input")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	st, err := openStore(ctx, d, newLogger("text", stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateOrganizer(ctx, expo.NewOrganizer{Email: *email, Name: *name, Password: password})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "Organizer %s <%s> created.\n", u.Name, u.Email)
	return nil
}

func adminToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, d := newFlagSet("admin token", stderr, getenv)
	email := fs.String("email", "", "e-mail of the user (required)")
	name := fs.String("name", "expo admin token", "label of the token on the account page")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, d, newLogger("text", stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, *email)
	if errors.Is(err, expo.ErrNotFound) {
		return fmt.Errorf("no user with e-mail %q", *email)
	}
	if err != nil {
		return err
	}
	secret, _, err := st.CreateToken(ctx, u.ID, *name)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, d := newFlagSet("backup", stderr, getenv)
	to := fs.String("to", "", "file to write the copy to; it must not exist (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("backup: --to FILE is required")
	}
	st, err := openStore(ctx, d, newLogger("text", stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backup written to %s.\n", *to)
	return nil
}

// describe turns a validation error into a sentence for the shell.
func describe(err error) error {
	e, ok := expo.AsError(err)
	if !ok {
		return err
	}
	cat, cerr := i18n.Load()
	if cerr != nil {
		return err
	}
	ctx := cat.With(context.Background(), "en")
	if len(e.Fields) == 0 {
		return errors.New(i18n.T(ctx, e.Message))
	}
	var parts []string
	for _, field := range slices.Sorted(maps.Keys(e.Fields)) {
		parts = append(parts, "--"+strings.ReplaceAll(field, "_", "-")+": "+strings.TrimSuffix(i18n.T(ctx, e.Fields[field]), "."))
	}
	return errors.New(strings.Join(parts, "; "))
}
