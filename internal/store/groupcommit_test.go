package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

// TestGroupCommit holds the writer with one transaction while others queue,
// so that they run as one group, and checks each keeps its own outcome.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "group.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	insert := func(tx *gorm.DB, note string) error {
		_, err := st.txExec(tx, "INSERT INTO bench_writes (note, created_at) VALUES (?, ?)", note, time.Now())
		return err
	}
	notes := func(t *testing.T) map[string]bool {
		t.Helper()
		var got []string
		if err := st.r.Raw("SELECT note FROM bench_writes").Scan(&got).Error; err != nil {
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
	hold := func(t *testing.T, note string) (release func(), done <-chan error) {
		t.Helper()
		started, releaseCh, doneCh := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			doneCh <- st.writeTx(ctx, func(tx *gorm.DB) error {
				close(started)
				<-releaseCh
				return insert(tx, note)
			})
		}()
		<-started
		return func() { close(releaseCh) }, doneCh
	}

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
