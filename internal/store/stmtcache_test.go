package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

// openStmtCacheTest opens a one-connection caching pool over a new SQLite
// file with a table t (id, v UNIQUE).
func openStmtCacheTest(t *testing.T) (*sql.DB, *sql.Conn) {
	t.Helper()
	db := openCachingSQLite("file:"+filepath.Join(t.TempDir(), "c.db")+"?_journal_mode=WAL&_txlock=immediate", nil)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)"); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return db, conn
}

// cachedCount is the number of statements the connection keeps.
func cachedCount(t *testing.T, conn *sql.Conn) int {
	t.Helper()
	n := -1
	if err := conn.Raw(func(dc any) error {
		n = len(dc.(*cachingConn).stmts)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStmtCache(t *testing.T) {
	ctx := context.Background()

	t.Run("a repeated statement is prepared once and answers every time", func(t *testing.T) {
		_, conn := openStmtCacheTest(t)
		for i := range 50 {
			if _, err := conn.ExecContext(ctx, "INSERT INTO t (v) VALUES (?)", fmt.Sprint("v", i)); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 50 {
			var v string
			if err := conn.QueryRowContext(ctx, "SELECT v FROM t WHERE id = ?", i+1).Scan(&v); err != nil || v != fmt.Sprint("v", i) {
				t.Fatalf("row %d: %q, %v", i+1, v, err)
			}
		}
		if n := cachedCount(t, conn); n != 2 {
			t.Errorf("cached %d statements, want 2", n)
		}
	})

	t.Run("the same query inside the loop over its own rows", func(t *testing.T) {
		_, conn := openStmtCacheTest(t)
		for _, v := range []string{"a", "b", "c"} {
			if _, err := conn.ExecContext(ctx, "INSERT INTO t (v) VALUES (?)", v); err != nil {
				t.Fatal(err)
			}
		}
		const q = "SELECT id, v FROM t WHERE id >= ? ORDER BY id"
		rows, err := conn.QueryContext(ctx, q, 1)
		if err != nil {
			t.Fatal(err)
		}
		var outer, inner []string
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				t.Fatal(err)
			}
			outer = append(outer, v)
			// The cached statement is busy with the outer rows: this must
			// run on a statement of its own, not reset the outer one.
			var first string
			if err := conn.QueryRowContext(ctx, q, id).Scan(new(int64), &first); err != nil {
				t.Fatal(err)
			}
			inner = append(inner, first)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(outer) != "[a b c]" || fmt.Sprint(inner) != "[a b c]" {
			t.Errorf("outer %v inner %v, want [a b c] twice", outer, inner)
		}
	})

	t.Run("several statements in one text all run and are not cached", func(t *testing.T) {
		_, conn := openStmtCacheTest(t)
		if _, err := conn.ExecContext(ctx, "INSERT INTO t (v) VALUES ('x'); INSERT INTO t (v) VALUES ('y');"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 2 {
			t.Fatalf("count %d, %v; want 2", n, err)
		}
		if n := cachedCount(t, conn); n != 0 {
			t.Errorf("cached %d statements, want 0", n)
		}
	})

	t.Run("a failed statement is dropped and runs again", func(t *testing.T) {
		_, conn := openStmtCacheTest(t)
		const ins = "INSERT INTO t (v) VALUES (?)"
		if _, err := conn.ExecContext(ctx, ins, "dup"); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, ins, "dup"); err == nil {
			t.Fatal("duplicate inserted")
		}
		if n := cachedCount(t, conn); n != 0 {
			t.Errorf("cached %d statements after the failure, want 0", n)
		}
		if _, err := conn.ExecContext(ctx, ins, "other"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("RETURNING through Exec and Query inside a transaction that commits", func(t *testing.T) {
		db, conn := openStmtCacheTest(t)
		conn.Close()
		for i := range 3 {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			var id int64
			if err := tx.QueryRowContext(ctx, "INSERT INTO t (v) VALUES (?) RETURNING id", fmt.Sprint("r", i)).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM t WHERE id = ? RETURNING v", id); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatalf("commit %d: %v", i, err)
			}
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 0 {
			t.Fatalf("count %d, %v; want 0", n, err)
		}
	})

	t.Run("the cache stays bounded", func(t *testing.T) {
		_, conn := openStmtCacheTest(t)
		for i := range stmtCacheSize + 40 {
			var x int
			if err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT %d + ?", i), 1).Scan(&x); err != nil || x != i+1 {
				t.Fatalf("query %d: %d, %v", i, x, err)
			}
		}
		if n := cachedCount(t, conn); n > stmtCacheSize {
			t.Errorf("cached %d statements, bound %d", n, stmtCacheSize)
		}
	})

	t.Run("placeholders the arguments do not fill are the driver's error", func(t *testing.T) {
		_, conn := openStmtCacheTest(t)
		if _, err := conn.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (?, ?)", 1); err == nil {
			t.Fatal("ran with a missing argument")
		}
		if n := cachedCount(t, conn); n != 0 {
			t.Errorf("cached %d statements, want 0", n)
		}
	})

	t.Run("a read stops at its next row once its context ends; an ended context starts nothing", func(t *testing.T) {
		_, conn := openStmtCacheTest(t)
		for i := range 3 {
			if _, err := conn.ExecContext(ctx, "INSERT INTO t (v) VALUES (?)", fmt.Sprint("v", i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := conn.Raw(func(dc any) error {
			c := dc.(*cachingConn)
			rctx, cancel := context.WithCancel(ctx)
			defer cancel()
			rows, err := c.QueryContext(rctx, "SELECT v FROM t WHERE id > ? ORDER BY id", []driver.NamedValue{{Ordinal: 1, Value: int64(0)}})
			if err != nil {
				return err
			}
			defer rows.Close()
			dest := make([]driver.Value, 1)
			if err := rows.Next(dest); err != nil {
				return fmt.Errorf("first row: %w", err)
			}
			cancel()
			if err := rows.Next(dest); !errors.Is(err, context.Canceled) {
				return fmt.Errorf("row after cancel: %v, want context.Canceled", err)
			}
			if _, err := c.ExecContext(rctx, "INSERT INTO t (v) VALUES (?)", []driver.NamedValue{{Ordinal: 1, Value: "late"}}); !errors.Is(err, context.Canceled) {
				return fmt.Errorf("exec with an ended context: %v, want context.Canceled", err)
			}
			if _, err := c.QueryContext(rctx, "SELECT v FROM t WHERE id = ?", []driver.NamedValue{{Ordinal: 1, Value: int64(1)}}); !errors.Is(err, context.Canceled) {
				return fmt.Errorf("query with an ended context: %v, want context.Canceled", err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM t WHERE v = ?", "late").Scan(&n); err != nil || n != 0 {
			t.Fatalf("the refused insert wrote %d rows (%v)", n, err)
		}
	})
}

// TestTableWatch checks that a watching connection reports a change to a
// watched table once the change's transaction has ended, and only then.
func TestTableWatch(t *testing.T) {
	ctx := context.Background()
	var reported int
	watch := &tableWatch{
		affects: func(op int, table string) bool { return table == "w" },
		changed: func() { reported++ },
	}
	db := openCachingSQLite("file:"+filepath.Join(t.TempDir(), "w.db")+"?_journal_mode=WAL&_txlock=immediate&_foreign_keys=on", watch)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		"CREATE TABLE w (id INTEGER PRIMARY KEY, v TEXT)",
		"CREATE TABLE other (id INTEGER PRIMARY KEY, v TEXT)",
		"CREATE TABLE child (id INTEGER PRIMARY KEY, w_id INTEGER REFERENCES w (id) ON DELETE CASCADE)",
		"CREATE TABLE parent (id INTEGER PRIMARY KEY)",
		"CREATE TABLE w2 (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE)",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(t *testing.T, want int) {
		t.Helper()
		if reported != want {
			t.Fatalf("reported %d times, want %d", reported, want)
		}
		reported = 0
	}

	t.Run("a statement on its own", func(t *testing.T) {
		if _, err := db.ExecContext(ctx, "INSERT INTO w (id, v) VALUES (?, ?)", 1, "a"); err != nil {
			t.Fatal(err)
		}
		expect(t, 1)
	})
	t.Run("unwatched tables and unchanged rows are not reported", func(t *testing.T) {
		if _, err := db.ExecContext(ctx, "INSERT INTO other (v) VALUES (?)", "x"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "UPDATE w SET v = ? WHERE id = ?", "b", 999); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := db.QueryRowContext(ctx, "SELECT v FROM w WHERE id = ?", 1).Scan(&v); err != nil {
			t.Fatal(err)
		}
		expect(t, 0)
	})
	t.Run("after the commit, once per transaction", func(t *testing.T) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if _, err := tx.ExecContext(ctx, "UPDATE w SET v = ? WHERE id = ?", fmt.Sprint("v", i), 1); err != nil {
				t.Fatal(err)
			}
		}
		expect(t, 0)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		expect(t, 1)
	})
	t.Run("after a rollback too", func(t *testing.T) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM w WHERE id = ?", 1); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		expect(t, 1)
	})
	t.Run("RETURNING, once its rows are closed", func(t *testing.T) {
		var id int64
		if err := db.QueryRowContext(ctx, "INSERT INTO w (v) VALUES (?) RETURNING id", "c").Scan(&id); err != nil {
			t.Fatal(err)
		}
		expect(t, 1)
	})
	t.Run("a foreign-key cascade", func(t *testing.T) {
		if _, err := db.ExecContext(ctx, "INSERT INTO parent (id) VALUES (?)", 7); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO w2 (parent_id) VALUES (?)", 7); err != nil {
			t.Fatal(err)
		}
		watch.affects = func(op int, table string) bool { return table == "w2" }
		defer func() { watch.affects = func(op int, table string) bool { return table == "w" } }()
		reported = 0
		if _, err := db.ExecContext(ctx, "DELETE FROM parent WHERE id = ?", 7); err != nil {
			t.Fatal(err)
		}
		expect(t, 1)
	})
}
