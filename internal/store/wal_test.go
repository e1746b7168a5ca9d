package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"
)

// TestWALStaysBounded: a steady stream of writes, through a write
// transaction or a single statement, keeps SQLite's WAL near the 1,000
// pages after which the writer checkpoints and starts it over. It grew
// without end twice: with GORM's INSERT … RETURNING outside a transaction
// (reset before its end, so SQLite never ran its checkpoint hook) and with
// checkpoints moved to a connection of their own (a checkpoint that runs
// beside the writer never catches up, and only one taken between the
// writer's transactions lets the WAL start over).
func TestWALStaysBounded(t *testing.T) {
	ctx := context.Background()
	note := strings.Repeat("x", 3000) // about one page a row
	for _, tc := range []struct {
		name  string
		write func(st *Store) error
	}{
		{"single-statement writes (the benchmark's limit)", func(st *Store) error { return st.BenchWrite(ctx, note) }},
		{"write transactions", func(st *Store) error {
			return st.writeTx(ctx, func(tx *gorm.DB) error {
				_, err := st.txExec(tx, "INSERT INTO bench_writes (note, created_at) VALUES (?, ?)", note, st.now())
				return err
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "expo.db")
			st, err := Open(ctx, path, Options{BcryptCost: 4})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for range 4000 {
				if err := tc.write(st); err != nil {
					t.Fatal(err)
				}
			}
			fi, err := os.Stat(path + "-wal")
			if err != nil {
				t.Fatal(err)
			}
			const limit = 2000 * 4096
			if fi.Size() > limit {
				t.Errorf("WAL is %d bytes after 4,000 one-page writes, want ≤ %d: it is not being checkpointed and started over", fi.Size(), limit)
			}
		})
	}
}

// TestWriterTempStoreInMemory: the writer's statement journal (the group
// commit's savepoints) stays in memory instead of moving to a file on disk
// past 64 KB, which made some load-benchmark runs a fifth slower.
func TestWriterTempStoreInMemory(t *testing.T) {
	ctx := context.Background()
	st := openTempStore(t)
	err := st.writeTx(ctx, func(tx *gorm.DB) error {
		var mode int
		if err := st.txRow(tx, "PRAGMA temp_store").Scan(&mode); err != nil {
			return err
		}
		if mode != 2 {
			t.Errorf("the writer's temp_store is %d, want 2 (MEMORY)", mode)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSQLiteMemstatusOff: SQLite's global allocation counting is off in the
// store's connections (it put every allocation of every connection behind
// one mutex). Its count of memory in use then stays 0.
func TestSQLiteMemstatusOff(t *testing.T) {
	ctx := context.Background()
	st := openTempStore(t)
	if err := st.BenchWrite(ctx, "probe"); err != nil {
		t.Fatal(err)
	}
	if used := sqliteMemoryUsed(); used != 0 {
		t.Errorf("SQLite counts %d bytes in use: its allocation counting (SQLITE_CONFIG_MEMSTATUS) is on", used)
	}
}

// TestSQLitePlanStable: every SQLite connection has the query-planner
// stability guarantee, so a cached join on a parameter is not prepared
// again each time the driver clears and binds its parameters (it was, on
// every run, with SQLite 3.54 and driver v1.14.53).
func TestSQLitePlanStable(t *testing.T) {
	qpsg, reprepares := sqliteProbe()
	if reprepares < 0 {
		t.Fatal("the SQLite probe failed")
	}
	if !qpsg {
		t.Error("a new SQLite connection lacks SQLITE_DBCONFIG_ENABLE_QPSG")
	}
	if reprepares != 0 {
		t.Errorf("a join on a parameter was prepared again %d times in 4 runs, want 0", reprepares)
	}
}

// openTempStore opens a store on a new SQLite file of the test's own,
// closed when the test ends.
func openTempStore(t *testing.T) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "expo.db"), Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
