package main

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runExpo runs an expo command as a child process (the test binary
// re-executed) and returns its stdout.
func runExpo(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = childEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		t.Logf("expo %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), err
}

// TestBackupUnderLoad runs `expo backup` while registrations and meeting
// requests are being written: the copy opens (expo migrate), passes
// integrity_check, holds every row acknowledged before the backup began,
// exactly once, and keeps every invariant.
func TestBackupUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("fault tests start child servers; skipped with -short")
	}
	fx := sqliteFixture(t)
	ch := startChild(t, fx.DSN)
	l := newLedger()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		runLoad(fx, l, []string{ch.URL}, 8, stop)
		close(done)
	}()
	time.Sleep(800 * time.Millisecond)

	// What was acknowledged before the backup began.
	before := newLedger()
	l.mu.Lock()
	before.regs = maps.Clone(l.regs)
	before.meetings = maps.Clone(l.meetings)
	sentBefore := l.sent
	l.mu.Unlock()

	to := filepath.Join(t.TempDir(), "backup.db")
	start := time.Now()
	out, err := runExpo(t, "backup", "--db", fx.DSN, "--to", to)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("expo backup during load: %v", err)
	}
	if !strings.Contains(out, "Backup written to") {
		t.Errorf("expo backup printed %q", out)
	}
	l.mu.Lock()
	sentDuring := l.sent - sentBefore
	l.mu.Unlock()
	time.Sleep(300 * time.Millisecond)
	close(stop)
	<-done
	if code, _ := ch.terminate(); code != 0 {
		t.Errorf("SIGTERM: exit code %d, want 0", code)
	}
	l.checkNoFailures(t)
	if sentDuring == 0 {
		t.Errorf("no request was sent while the backup ran; the test did not back up under load")
	}
	if len(before.regs) == 0 || len(before.meetings) == 0 {
		t.Fatalf("before the backup the load had %d registrations and %d meetings acknowledged; want some of each", len(before.regs), len(before.meetings))
	}

	out, err = runExpo(t, "migrate", "--db", to)
	if err != nil || !strings.Contains(out, "schema version") {
		t.Fatalf("expo migrate --db backup: %v, printed %q", err, out)
	}
	fig := verifyStored(t, fx, to, before)
	// The live database has everything, too.
	live := verifyStored(t, fx, fx.DSN, l)
	t.Logf("FIGURES backup: taken in %s while %d requests were sent; %d registrations and %d meetings acknowledged before it began found exactly once in the copy; integrity_check ok; live database: %d registrations, %d meetings verified (%s)",
		took.Round(time.Millisecond), sentDuring, fig.Registrations, fig.Meetings, live.Registrations, live.Meetings, l.summary())
}
