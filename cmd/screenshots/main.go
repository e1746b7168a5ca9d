// Command screenshots takes full-page PNG screenshots of the main pages at a
// desktop and a phone width (and a few as printed on A4), for reviews of the
// look and for the docs.
//
//	go run ./cmd/screenshots --out docs/screenshots
//
// Without --url it builds cmd/expo into a temporary directory and runs it
// with a fresh demo database on a free port; with --url it uses a running
// server that has the demo accounts. It needs Chromium.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

// viewport is a screen the pages are shot at.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var viewports = []viewport{
	{name: "desktop", width: 1366, height: 900},
	{name: "phone", width: 390, height: 844, mobile: true},
}

// shot is one page as one kind of visitor sees it.
type shot struct {
	name string
	path string
	as   string // demo account to log in as; anonymous when empty
	lang string // "zh" switches the interface to Chinese first
	// openNav opens the nav before the shot: on a phone the menu, and
	// the first drop-down group on every screen.
	openNav bool
	// print also shoots the page as it prints: print media, A4 width.
	print bool
}

// printWidth is the width an A4 page leaves for content (210 mm less the
// 14 mm margins of the print stylesheet's @page), in CSS pixels.
const printWidth = 688

var shots = []shot{
	{name: "home", path: "/"},
	{name: "signup", path: "/signup"},
	{name: "login", path: "/login"},
	{name: "account", path: "/account", as: "attendee1@demo.expo"},
	{name: "organizer", path: "/organizer", as: "organizer@demo.expo"},
	{name: "nav-organizer", path: "/organizer/timetable", as: "organizer@demo.expo", openNav: true},
	{name: "not-found", path: "/no-such-page"},
	{name: "home-zh", path: "/", lang: "zh"},
	// Exhibitor registration shots.
	{name: "apply", path: "/apply"},
	{name: "review-queue", path: "/organizer/exhibitors?state=submitted", as: "organizer@demo.expo"},
	{name: "review-detail", path: "/organizer/exhibitors/1", as: "organizer@demo.expo"},
	{name: "exhibitor-dashboard", path: "/exhibitor", as: "exhibitor1@demo.expo"},
	{name: "exhibitor-import", path: "/organizer/exhibitors/import", as: "organizer@demo.expo"},
	{name: "exhibitor-dashboard-zh", path: "/exhibitor", as: "exhibitor2@demo.expo", lang: "zh"},
	{name: "directory", path: "/exhibitors"},
	{name: "directory-search-zh", path: "/exhibitors?q=%E6%B1%BD%E8%BD%A6&hall=A", lang: "zh"},
	{name: "exhibitor-profile", path: "/exhibitors/hanbit-medical"},
	{name: "floorplan", path: "/floorplan/A"},
	{name: "floorplan-sector", path: "/floorplan/C?sector=pharma_medical"},
	{name: "organizer-hall", path: "/organizer/halls/1", as: "organizer@demo.expo"},
	{name: "organizer-booth-assign", path: "/organizer/exhibitors/81/booth", as: "organizer@demo.expo"},
	// Forum scheduling shots.
	{name: "organizer-timetable", path: "/organizer/timetable", as: "organizer@demo.expo"},
	{name: "organizer-clashes", path: "/organizer/clashes", as: "organizer@demo.expo"},
	{name: "organizer-forum-draft", path: "/organizer/forums/35", as: "organizer@demo.expo"},
	{name: "forums-timetable", path: "/forums", print: true},
	{name: "forum-page", path: "/forums/1", as: "attendee1@demo.expo"},
	{name: "my-agenda", path: "/my/agenda", as: "attendee1@demo.expo", print: true},
	// Matchmaking shots.
	{name: "slot-picker", path: "/exhibitors/changchun-faw-new-energy/meet", as: "attendee2@demo.expo"},
	{name: "my-meetings-attendee", path: "/my/meetings", as: "attendee1@demo.expo"},
	{name: "my-meetings-exhibitor", path: "/my/meetings", as: "exhibitor1@demo.expo"},
	{name: "exhibitor-availability", path: "/exhibitor/meetings", as: "exhibitor1@demo.expo"},
	{name: "organizer-matchmaking", path: "/organizer/matchmaking", as: "organizer@demo.expo"},
	{name: "scheduler-preview", path: "/organizer/matchmaking/scheduler/run", as: "organizer@demo.expo"},
	{name: "my-wishes", path: "/my/wishes", as: "attendee1@demo.expo"},
	{name: "recommendations", path: "/my/recommendations", as: "attendee1@demo.expo"},
	{name: "interpreters", path: "/organizer/interpreters", as: "organizer@demo.expo"},
	{name: "matchmaking-results", path: "/organizer/matchmaking/results", as: "organizer@demo.expo"},
	// Audit log shot.
	{name: "organizer-audit", path: "/organizer/audit", as: "organizer@demo.expo"},
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("screenshots", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "docs/screenshots", "directory to write the PNG files to")
	baseURL := fs.String("url", "", "URL of a running expo with the demo accounts; empty starts one")
	password := fs.String("password", "expo-demo", "password of the demo accounts")
	chromium := fs.String("chromium", "", "path of the Chromium binary; empty looks for chromium on the PATH")
	only := fs.String("only", "", "comma-separated shot names to take; empty takes all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	selected, err := selectShots(shots, *only)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if *baseURL == "" {
		srv, err := startDemo(ctx, *password, stderr)
		if err != nil {
			return err
		}
		defer srv.stop(stderr)
		*baseURL = srv.url
	}
	base := strings.TrimSuffix(*baseURL, "/")
	if err := waitHealthy(ctx, base); err != nil {
		return err
	}

	browserCtx, cancel, err := startBrowser(ctx, *chromium)
	if err != nil {
		return err
	}
	defer cancel()
	// One browser profile per visitor (account and language), logged in
	// once: logging in for every shot would hit the login rate limit.
	profiles := map[string]context.Context{}
	for _, s := range selected {
		key := s.as + "|" + s.lang
		ctx, ok := profiles[key]
		if !ok {
			var cancel context.CancelFunc
			ctx, cancel = chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
			defer cancel()
			// The first Run opens the tab; it must not get a timeout context,
			// or the tab would close with it.
			if err := chromedp.Do(ctx); err != nil {
				return fmt.Errorf("%s: open a tab: %w", s.name, err)
			}
			if err := prepare(ctx, base, *password, s); err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			profiles[key] = ctx
		}
		if err := take(ctx, base, *out, s, stdout); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

// selectShots returns the shots named in the comma-separated list, or all
// of them for an empty list.
func selectShots(all []shot, names string) ([]shot, error) {
	if names == "" {
		return all, nil
	}
	byName := map[string]shot{}
	for _, s := range all {
		byName[s.name] = s
	}
	var out []shot
	for _, n := range strings.Split(names, ",") {
		s, ok := byName[strings.TrimSpace(n)]
		if !ok {
			return nil, fmt.Errorf("no shot named %q", n)
		}
		out = append(out, s)
	}
	return out, nil
}

// prepare logs a fresh browser profile in as the shot's visitor and switches
// its language.
func prepare(ctx context.Context, base, password string, s shot) error {
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()
	if s.as != "" {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/login"),
			chromedp.SendKeys(chromedp.ID("f-email"), s.as),
			chromedp.SendKeys(chromedp.ID("f-password"), password+kb.Enter),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
		); err != nil {
			return fmt.Errorf("log in as %s: %w", s.as, err)
		}
	}
	if s.lang != "" {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.Click(chromedp.CSS(`.lang-switch button[value="`+s.lang+`"]`)),
			chromedp.WaitReady(chromedp.CSS(`.lang-switch button[value="`+s.lang+`"][aria-pressed]`)),
		); err != nil {
			return fmt.Errorf("switch to %s: %w", s.lang, err)
		}
	}
	return nil
}

// take writes the page at every viewport.
func take(ctx context.Context, base, out string, s shot, stdout io.Writer) error {
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()
	for _, v := range viewports {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
		if v.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		if err := chromedp.Do(ctx,
			chromedp.EmulateViewport(v.width, v.height, opts...),
			chromedp.Navigate(base+s.path),
			chromedp.WaitReady(chromedp.CSS("footer")),
		); err != nil {
			return fmt.Errorf("open %s at %s width: %w", s.path, v.name, err)
		}
		// A page wider than the screen scrolls sideways on a phone; say so,
		// since a full-page screenshot crops it silently.
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
		if err != nil {
			return fmt.Errorf("measure %s at %s width: %w", s.path, v.name, err)
		}
		if wide > 0 {
			fmt.Fprintf(stdout, "warning: %s at %s width is %dpx wider than the screen\n", s.name, v.name, wide)
		}
		if s.openNav {
			if v.mobile {
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".nav-toggle"))); err != nil {
					return fmt.Errorf("open the menu at %s width: %w", v.name, err)
				}
			}
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".main-nav .nav-drop > summary"))); err != nil {
				return fmt.Errorf("open a nav group at %s width: %w", v.name, err)
			}
		}
		if err := shoot(ctx, filepath.Join(out, s.name+"-"+v.name+".png"), stdout); err != nil {
			return fmt.Errorf("screenshot at %s width: %w", v.name, err)
		}
	}
	if s.print {
		if err := chromedp.Do(ctx,
			chromedp.EmulateViewport(printWidth, 1123),
			chromedp.Navigate(base+s.path),
			chromedp.WaitReady(chromedp.CSS("footer")),
		); err != nil {
			return fmt.Errorf("open %s for print: %w", s.path, err)
		}
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			return err
		}
		err := shoot(ctx, filepath.Join(out, s.name+"-print.png"), stdout)
		if _, resetErr := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err == nil {
			err = resetErr
		}
		if err != nil {
			return fmt.Errorf("print screenshot: %w", err)
		}
	}
	return nil
}

// shoot writes a full-page PNG of the tab.
func shoot(ctx context.Context, file string, stdout io.Writer) error {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "wrote", file)
	return nil
}

func startBrowser(ctx context.Context, path string) (context.Context, context.CancelFunc, error) {
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		return nil, nil, errors.New("chromium not found; install Debian's chromium or pass --chromium")
	}
	profile, err := os.MkdirTemp("", "expo-screenshots-profile-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(profile),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	cancel := func() {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(profile)
	}
	if err := chromedp.Do(browserCtx); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("start chromium: %w", err)
	}
	return browserCtx, cancel, nil
}

// demoServer is an expo binary serving a fresh demo database.
type demoServer struct {
	url  string
	cmd  *exec.Cmd
	dir  string
	logs *bytes.Buffer
}

// startDemo builds cmd/expo and starts it with --demo on a free port. It
// builds a binary rather than exec "go run" so that the interrupt reaches the
// server itself and it shuts down gracefully.
func startDemo(ctx context.Context, password string, stderr io.Writer) (*demoServer, error) {
	dir, err := os.MkdirTemp("", "expo-screenshots-")
	if err != nil {
		return nil, err
	}
	root, err := moduleRoot(ctx)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	bin := filepath.Join(dir, "expo")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/expo")
	build.Dir = root
	build.Stdout, build.Stderr = stderr, stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("build cmd/expo: %w", err)
	}

	s := &demoServer{dir: dir, logs: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "serve", "--demo", "--db", filepath.Join(dir, "expo.db"), "--addr", "127.0.0.1:0",
		"--demo-password", password, "--base-url", "")
	s.cmd.Stderr = s.logs
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "Expo listening on "); ok {
				u, _, _ := strings.Cut(rest, " ")
				urls <- u
			}
		}
	}()
	select {
	case s.url = <-urls:
		return s, nil
	case <-time.After(2 * time.Minute):
	case <-ctx.Done():
	}
	s.stop(stderr)
	return nil, fmt.Errorf("expo did not start; its log:\n%s", s.logs)
}

// stop interrupts the server, waits for its graceful shutdown and removes
// the temporary files.
func (s *demoServer) stop(stderr io.Writer) {
	defer os.RemoveAll(s.dir)
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			fmt.Fprintf(stderr, "expo exited with %v; its log:\n%s", err, s.logs)
		}
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
		fmt.Fprintln(stderr, "expo did not stop within 15s of an interrupt; killed it")
	}
}

func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run this inside the expo module, or pass --url")
	}
	return filepath.Dir(gomod), nil
}

func waitHealthy(ctx context.Context, base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%s/healthz: %w", base, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
