package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

// groupFixture is a store whose writer groups the tests queue.
type groupFixture struct {
	st *Store
}

func newGroupFixture(t *testing.T) groupFixture {
	t.Helper()
	return groupFixture{st: openTempStore(t)}
}

func (f groupFixture) insert(tx *gorm.DB, note string) error {
	_, err := f.st.txExec(tx, "INSERT INTO bench_writes (note, created_at) VALUES (?, ?)", note, time.Now())
	return err
}

// notes are the notes of the committed rows.
func (f groupFixture) notes(t *testing.T) map[string]bool {
	t.Helper()
	var got []string
	if err := f.st.r.Raw("SELECT note FROM bench_writes").Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, n := range got {
		m[n] = true
	}
	return m
}

// hold queues writes behind a write that waits for release, and returns
// when the writer is busy with it.
func (f groupFixture) hold(t *testing.T, note string) (release func(), done <-chan error) {
	t.Helper()
	started, releaseCh, doneCh := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		doneCh <- f.st.writeTx(context.Background(), func(tx *gorm.DB) error {
			close(started)
			<-releaseCh
			return f.insert(tx, note)
		})
	}()
	<-started
	return func() { close(releaseCh) }, doneCh
}

// TestGroupCommit holds the writer with one transaction while others queue,
// so that they run as one group, and checks each keeps its own outcome.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	f := newGroupFixture(t)
	st, insert, notes, hold := f.st, f.insert, f.notes, f.hold
	t.Run("each write of a group keeps its own outcome", func(t *testing.T) {
		release, first := hold(t, "first")
		const n = 48
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = st.writeTx(ctx, func(tx *gorm.DB) error {
					switch i % 4 {
					case 1: // writes, then refuses: nothing of it stays
						if err := insert(tx, fmt.Sprint("refused-", i)); err != nil {
							return err
						}
						return fmt.Errorf("refusal %d", i)
					case 2: // fails on the unique id of a row written before it in the group
						if err := insert(tx, fmt.Sprint("ok-", i)); err != nil {
							return err
						}
						_, err := st.txExec(tx, "INSERT INTO bench_writes (id, note, created_at) VALUES ((SELECT MAX(id) FROM bench_writes), 'dup', ?)", time.Now())
						return err
					case 3:
						if i == 3 {
							panic("boom")
						}
					}
					return insert(tx, fmt.Sprint("ok-", i))
				})
			}()
		}
		time.Sleep(50 * time.Millisecond) // let them queue behind the held write
		release()
		wg.Wait()
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		got := notes(t)
		for i := range n {
			switch {
			case i%4 == 1:
				if errs[i] == nil || !strings.Contains(errs[i].Error(), fmt.Sprint("refusal ", i)) || got[fmt.Sprint("refused-", i)] {
					t.Errorf("write %d: %v, row kept %v; want its refusal and no row", i, errs[i], got[fmt.Sprint("refused-", i)])
				}
			case i%4 == 2:
				if errs[i] == nil || got[fmt.Sprint("ok-", i)] {
					t.Errorf("write %d: %v, row kept %v; want the unique violation and none of its rows", i, errs[i], got[fmt.Sprint("ok-", i)])
				}
			case i == 3:
				if errs[i] == nil || !strings.Contains(errs[i].Error(), "panicked: boom") || got["ok-3"] {
					t.Errorf("write 3: %v; want its panic as an error and no row", errs[i])
				}
			default:
				if errs[i] != nil || !got[fmt.Sprint("ok-", i)] {
					t.Errorf("write %d: %v, row kept %v; want it committed", i, errs[i], got[fmt.Sprint("ok-", i)])
				}
			}
		}
		if !got["first"] || got["dup"] {
			t.Errorf("rows %v", got)
		}
	})

	t.Run("a write whose caller gave up while it waited never runs", func(t *testing.T) {
		release, first := hold(t, "held")
		cctx, cancel := context.WithCancel(ctx)
		errc := make(chan error, 1)
		go func() {
			errc <- st.writeTx(cctx, func(tx *gorm.DB) error { return insert(tx, "abandoned") })
		}()
		time.Sleep(20 * time.Millisecond)
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		release()
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if notes(t)["abandoned"] {
			t.Fatal("the abandoned write ran")
		}
	})

	t.Run("closing runs what is queued, then refuses", func(t *testing.T) {
		release, first := hold(t, "before-close")
		errc := make(chan error, 1)
		go func() { errc <- st.writeTx(ctx, func(tx *gorm.DB) error { return insert(tx, "queued") }) }()
		time.Sleep(20 * time.Millisecond)
		closed := make(chan struct{})
		go func() { st.stopGroupCommit(); close(closed) }()
		time.Sleep(20 * time.Millisecond)
		release()
		<-closed
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := <-errc; err != nil {
			t.Fatalf("queued write: %v", err)
		}
		if err := st.writeTx(ctx, func(tx *gorm.DB) error { return insert(tx, "late") }); !errors.Is(err, errStoreClosed) {
			t.Fatalf("write after close: %v, want errStoreClosed", err)
		}
		if got := notes(t); !got["queued"] || got["late"] {
			t.Fatalf("rows %v", got)
		}
	})
}

// TestGroupWithoutSavepoints: a group runs first without savepoints; when
// a write fails, the group is rolled back and runs again with them (the
// writes before the failed one run twice), and the groups after that take
// savepoints from the start (every write runs once) until guardedGroups
// have gone by.
func TestGroupWithoutSavepoints(t *testing.T) {
	f := newGroupFixture(t)
	// group queues n writes behind a held one, the one at fail refusing
	// (none if fail < 0), and returns how often each ran and its error.
	group := func(t *testing.T, name string, n, fail int) ([]int, []error) {
		t.Helper()
		release, first := f.hold(t, name+"-first")
		runs, errs := make([]int, n), make([]error, n)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f.st.writeTx(context.Background(), func(tx *gorm.DB) error {
					mu.Lock()
					runs[i]++
					mu.Unlock()
					if err := f.insert(tx, fmt.Sprint(name, "-", i)); err != nil {
						return err
					}
					if i == fail {
						return fmt.Errorf("refusal %d", i)
					}
					return nil
				})
			}()
			time.Sleep(2 * time.Millisecond) // queue in order
		}
		time.Sleep(30 * time.Millisecond)
		release()
		wg.Wait()
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		got := f.notes(t)
		for i := range n {
			if (errs[i] == nil) != (i != fail) || got[fmt.Sprint(name, "-", i)] != (i != fail) {
				t.Errorf("%s write %d: %v, row kept %v", name, i, errs[i], got[fmt.Sprint(name, "-", i)])
			}
		}
		return runs, errs
	}

	runs, _ := group(t, "clean", 8, -1)
	if fmt.Sprint(runs) != "[1 1 1 1 1 1 1 1]" {
		t.Errorf("a group without failures: runs %v, want each write once", runs)
	}
	if f.st.group.guarded != 0 {
		t.Errorf("guarded %d after a clean group, want 0", f.st.group.guarded)
	}
	runs, _ = group(t, "failed", 8, 5)
	if fmt.Sprint(runs) != "[2 2 2 2 2 2 1 1]" {
		t.Errorf("a group whose write 5 failed: runs %v, want the writes up to it twice, the rest once", runs)
	}
	if f.st.group.guarded != guardedGroups {
		t.Errorf("guarded %d after a failure, want %d", f.st.group.guarded, guardedGroups)
	}
	runs, _ = group(t, "guarded", 8, 2)
	if fmt.Sprint(runs) != "[1 1 1 1 1 1 1 1]" {
		t.Errorf("a group after a failure: runs %v, want each write once (savepoints from the start)", runs)
	}
}
