package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/trace"
	"sync"
	"sync/atomic"

	"gorm.io/gorm"
)

// Group commit of SQLite's write transactions.
//
// SQLite has one writer, so write transactions queue for it, and each paid
// BEGIN, COMMIT (the WAL frames of every page it changed) and the hand-over
// of the writer to the next request's goroutine. The load benchmark's
// meeting answers spent more than half of their writer time on that
// (BENCHMARKS.md, fourth pass). Here the transactions waiting for the
// writer when it comes free run together in one SQLite transaction, one
// after the other, each in a savepoint of its own: a transaction whose
// function fails is rolled back to its savepoint and changes nothing, the
// others go on, and all of them are answered only after the COMMIT, so no
// caller sees its write succeed before it is durable. They run in the order
// they queued, each seeing the ones before, exactly as if they had run one
// by one. If the COMMIT fails (or SQLite abandons the whole transaction,
// on a full disk say), every transaction of the group gets that error.
//
// A group is what is waiting, at most maxGroup: under no load a write runs
// alone, as before. Only writeTx is grouped; writeOne (a single statement
// in its own transaction) and the benchmark's limit insert are not.
// PostgreSQL has many writers and no group (its transactions run as
// before).

// maxGroup bounds the transactions of one group.
const maxGroup = 64

// The savepoint of each transaction of a group: one name does, since each
// is released before the next is taken.
const (
	savepointSQL        = "SAVEPOINT group_write"
	rollbackToSQL       = "ROLLBACK TO SAVEPOINT group_write"
	releaseSavepointSQL = "RELEASE SAVEPOINT group_write"
)

type groupWrite struct {
	ctx context.Context
	fn  func(tx *gorm.DB) error
	// state: 0 waiting, 1 taken by the writer, 2 given up by its caller
	// (its context ended while it waited), so it never runs.
	state atomic.Int32
	done  chan error
}

type groupCommitter struct {
	mu      sync.RWMutex // closed and sends on writes
	closed  bool
	writes  chan *groupWrite
	stopped chan struct{}
	// guarded counts down the groups that still take savepoints from
	// the start after a failure (commitGroup); only the writer's goroutine
	// uses it.
	guarded int
}

// startGroupCommit starts the goroutine that owns the writer's groups.
func (s *Store) startGroupCommit() {
	g := &groupCommitter{writes: make(chan *groupWrite, 4*maxGroup), stopped: make(chan struct{})}
	s.group = g
	go func() {
		defer close(g.stopped)
		// The writer keeps an OS thread of its own: the load benchmark's
		// answers went from 7,300–7,700 to 8,000–8,700 a second with it
		// (BENCHMARKS.md, sixth pass). Likely why: its thread sleeps
		// whenever the queue is empty, and the kernel gives a thread that
		// sleeps often the CPU sooner when it wakes than the request
		// handlers' threads, which run without pause; on those the writer
		// waited its turn with the handlers.
		runtime.LockOSThread()
		for first := range g.writes {
			group := []*groupWrite{first}
		more:
			for len(group) < maxGroup {
				select {
				case w, ok := <-g.writes:
					if !ok {
						break more
					}
					group = append(group, w)
				default:
					break more
				}
			}
			s.commitGroup(group)
		}
	}()
}

// stopGroupCommit lets the queued writes run, then stops; writes after it
// fail with errStoreClosed.
func (s *Store) stopGroupCommit() {
	g := s.group
	if g == nil {
		return
	}
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.writes)
	}
	g.mu.Unlock()
	<-g.stopped
}

var errStoreClosed = errors.New("the store is closed")

// writeGrouped queues fn for the writer's next group and waits for its
// answer. Waiting follows ctx, as waiting for the writer did; once the
// writer has taken it, it runs to its end.
func (s *Store) writeGrouped(ctx context.Context, fn func(tx *gorm.DB) error) error {
	w := &groupWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	g := s.group
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return errStoreClosed
	}
	g.writes <- w
	g.mu.RUnlock()
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		if w.state.CompareAndSwap(0, 2) {
			return ctx.Err()
		}
		return <-w.done
	}
}

// commitGroup runs the group's writes in one transaction and answers them.
//
// A group first runs without savepoints: they were an eighth of the
// writer's time in the load benchmark's answers (a statement each to take
// and to release, and SQLite copying every page a write changes into the
// savepoint's journal), and writes rarely fail once their pre-checks have
// passed. If one does fail, nothing of that attempt is kept: the whole
// transaction is rolled back and the group runs again, each write in its
// savepoint as before, so the writes before the failed one run twice and
// their functions must allow that (every writeTx function sets its results
// afresh; none adds to what is outside it). After a failure the next
// guardedGroups groups take savepoints from the start, so that writes
// that keep failing (seats or slots running out under a rush) do not make
// every group run twice.
func (s *Store) commitGroup(group []*groupWrite) {
	live := group[:0]
	for _, w := range group {
		if w.state.CompareAndSwap(0, 1) {
			live = append(live, w)
		}
	}
	if len(live) == 0 {
		return
	}
	region := trace.StartRegion(context.Background(), "tx")
	errs := make([]error, len(live))
	var err error
	g := s.group
	if len(live) > 1 && g.guarded == 0 {
		err = s.runGroup(live, errs, false)
		if errors.Is(err, errGroupFailed) {
			g.guarded = guardedGroups
			clear(errs)
			err = s.runGroup(live, errs, true)
		}
	} else {
		if g.guarded > 0 {
			g.guarded--
		}
		err = s.runGroup(live, errs, true)
	}
	region.End()
	for i, w := range live {
		if err != nil && errs[i] == nil {
			errs[i] = err // nothing of the group was committed
		}
		w.done <- errs[i]
	}
}

// guardedGroups is how many groups run with savepoints after a group
// without them had a write fail.
const guardedGroups = 16

// errGroupFailed ends a group's attempt without savepoints when one of its
// writes failed; the group is rolled back and runs again with them.
var errGroupFailed = errors.New("a write of the group failed")

// runGroup runs the writes in one transaction, setting errs[i] to the
// error of live[i]. With savepoints each write runs in its own and a
// failed one is rolled back to it; without, the first failure rolls back
// the whole transaction and runGroup returns errGroupFailed (errs then
// mean nothing). A single write needs none: its failure rolls back the
// transaction, which is its own.
func (s *Store) runGroup(live []*groupWrite, errs []error, savepoints bool) error {
	return s.w.Connection(func(conn *gorm.DB) error {
		return conn.Transaction(func(tx *gorm.DB) error {
			if len(live) == 1 {
				errs[0] = runWrite(live[0], tx.WithContext(s.statementCtx(live[0].ctx)))
				return errs[0]
			}
			if !savepoints {
				for i, w := range live {
					if errs[i] = runWrite(w, tx.WithContext(s.statementCtx(w.ctx))); errs[i] != nil {
						return errGroupFailed
					}
				}
				return nil
			}
			// Savepoints as plain statements (plainsql.go): through GORM
			// they cost more Go than SQLite.
			for i, w := range live {
				if _, err := s.txExec(tx, savepointSQL); err != nil {
					return err
				}
				if errs[i] = runWrite(w, tx.WithContext(s.statementCtx(w.ctx))); errs[i] != nil {
					if _, err := s.txExec(tx, rollbackToSQL); err != nil {
						return err
					}
				}
				if _, err := s.txExec(tx, releaseSavepointSQL); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// runWrite runs one write's function; a panic fails that write only.
func runWrite(w *groupWrite, tx *gorm.DB) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write transaction panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return w.fn(tx)
}
