package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// buildFlags are extra `go build` flags for the server binary; the smoke
// test adds -race when it runs under the race detector, so the build reuses
// the packages the test run already compiled.
var buildFlags []string

// goBuild compiles the server binary to out.
func goBuild(ctx context.Context, out string) error {
	args := append(append([]string{"build"}, buildFlags...), "-o", out, "expo/cmd/expo")
	cmd := exec.CommandContext(ctx, "go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %w: %s", err, stderr.String())
	}
	return nil
}

// server is the expo binary running as a child process.
type server struct {
	cmd     *exec.Cmd
	base    string
	ready   time.Duration
	logPath string
	logFile *os.File
	done    chan error
	stopped bool
	err     error
}

// startServer runs `expo serve` on a free loopback port against the
// database, with the benchmark routes, and waits until /readyz answers 200.
// ready is the time from starting the process to that answer.
func startServer(ctx context.Context, binary, db, logPath, pprof string) (*server, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--bench-routes"}
	if pprof != "" {
		args = append(args, "--bench-pprof", pprof)
	}
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "EXPO_DEMO=", "EXPO_ADDR=", "EXPO_DB=")
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	s := &server{cmd: cmd, logPath: logPath, logFile: logFile, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "Expo listening on "); ok {
				url, _, _ := strings.Cut(rest, " ")
				addr <- url
			}
		}
	}()
	go func() { s.done <- cmd.Wait() }()
	fail := func(err error) (*server, error) {
		s.stop()
		return nil, fmt.Errorf("%w (server log: %s)", err, logPath)
	}
	select {
	case s.base = <-addr:
	case err := <-s.done:
		s.stopped, s.err = true, err
		return fail(fmt.Errorf("the server exited before listening: %v", err))
	case <-time.After(60 * time.Second):
		return fail(errors.New("the server did not start listening within 60 s"))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := hc.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.ready = time.Since(t0)
				return s, nil
			}
		}
		if time.Since(t0) > 60*time.Second {
			return fail(errors.New("the server was not ready within 60 s"))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// peakRSS is the server's peak resident set size in KiB (VmHWM).
func (s *server) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// stop asks the server to shut down (SIGTERM), kills it after 15 s, and
// returns how it ended; it may be called more than once.
func (s *server) stop() error {
	if s.stopped {
		return s.err
	}
	s.stopped = true
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		s.err = err
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		s.err = errors.New("killed after 15 s")
		<-s.done
	}
	s.logFile.Close()
	return s.err
}

// countServerErrors counts the 5xx answers the server logged.
func countServerErrors(logPath string) (int, error) {
	f, err := os.Open(logPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, " status="); i >= 0 && strings.HasPrefix(line[i+len(" status="):], "5") {
			n++
		}
	}
	return n, sc.Err()
}
