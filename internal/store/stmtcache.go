package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// A prepared-statement cache for SQLite's connections (the writer and the
// readers).
//
// Every write transaction runs on SQLite's single writer connection, and
// without a cache the driver prepares each statement again (parsing and
// planning it in C) and finalizes it after one use, all while the writer is
// held. GORM's own cache cannot be used there: it prepares on the pool, not
// on the transaction's connection, and deadlocks a pool whose one connection
// is inside a transaction (go-gorm/gorm#7350). This cache lives inside the
// driver connection instead: a statement is prepared on the very connection
// that runs it, kept per connection, and finalized when the connection
// closes. database/sql never uses a driver connection from two goroutines at
// once, so the cache needs no lock. The readers keep their statements the
// same way (GORM's cache is off on both pools).
//
// Only single statements with arguments are cached: SQLite's driver runs a
// string of several statements one by one, and texts without arguments are
// migrations, pragmas and transaction control, run once or cheap to parse. A cached statement is reused only when it
// is idle: while rows of it are open (a query run inside the loop over
// another query's rows, say), the same text is prepared afresh as before.

// stmtCacheSize bounds the statements kept per connection; statements with
// a variable number of placeholders (IN lists, batch inserts) have many
// texts, so the cache must not grow with them.
const stmtCacheSize = 128

// stmtCacheMaxLen keeps long texts (batch inserts of the demo generator)
// out of the cache.
const stmtCacheMaxLen = 2048

// openCachingSQLite opens a database/sql pool over SQLite whose connections
// cache their prepared statements.
// With a watch, each connection reports its changes to it (the writer's,
// for authCache).
func openCachingSQLite(dsn string, watch *tableWatch, init ...string) *sql.DB {
	return sql.OpenDB(cachingConnector{dsn: dsn, driver: &sqlite3.SQLiteDriver{}, init: init, watch: watch})
}

type cachingConnector struct {
	dsn    string
	driver *sqlite3.SQLiteDriver
	// init runs on every new connection (pragmas the DSN cannot set).
	init  []string
	watch *tableWatch
}

// tableWatch is told when a transaction that changed certain rows has
// ended: SQLite's update hook marks the connection when a row change
// affects the watch, and once the connection is out of its transaction
// (after COMMIT or ROLLBACK, or after a statement run on its own), changed
// runs, before the statement or commit returns to its caller. A rolled-back
// change is reported too, which costs the watcher only a cache refill. The
// update hook sees changes made by triggers and foreign-key actions; it
// does not see a DELETE without WHERE on a table that nothing references
// and that has no triggers (SQLite then truncates the table).
type tableWatch struct {
	affects func(op int, table string) bool
	changed func()
}

func (c cachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.driver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	sc := conn.(*sqlite3.SQLiteConn)
	for _, q := range c.init {
		if _, err := sc.Exec(q, nil); err != nil {
			sc.Close()
			return nil, err
		}
	}
	cc := &cachingConn{SQLiteConn: sc, stmts: map[string]*cachedStmt{}, watch: c.watch}
	if c.watch != nil {
		// The hook runs inside the statement, on the goroutine that runs
		// it; database/sql gives a connection to one goroutine at a time.
		sc.RegisterUpdateHook(func(op int, _, table string, _ int64) {
			if !cc.dirty && c.watch.affects(op, table) {
				cc.dirty = true
			}
		})
	}
	return cc, nil
}

func (c cachingConnector) Driver() driver.Driver { return c.driver }

type cachedStmt struct {
	*sqlite3.SQLiteStmt
	busy bool // rows of it are open
	// rows: the statement returns rows (a query, RETURNING) or controls
	// transactions; Exec leaves those to the driver, which finalizes them
	// at once instead of leaving them mid-run after their first step.
	rows bool
}

// cachingConn is a SQLite connection whose ExecContext and QueryContext run
// cached statements; everything else is the driver's own.
type cachingConn struct {
	*sqlite3.SQLiteConn
	stmts map[string]*cachedStmt
	watch *tableWatch
	dirty bool // a change that affects watch, not yet reported
}

// settle reports the watched changes once the connection is out of its
// transaction.
func (c *cachingConn) settle() {
	if c.dirty && c.AutoCommit() {
		c.dirty = false
		c.watch.changed()
	}
}

// BeginTx wraps the driver's transaction so that its end settles the watch.
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.SQLiteConn.BeginTx(ctx, opts)
	if err != nil || c.watch == nil {
		return tx, err
	}
	return watchedTx{Tx: tx, c: c}, nil
}

type watchedTx struct {
	driver.Tx
	c *cachingConn
}

func (t watchedTx) Commit() error {
	defer t.c.settle()
	return t.Tx.Commit()
}

func (t watchedTx) Rollback() error {
	defer t.c.settle()
	return t.Tx.Rollback()
}

// cacheable says whether query may be cached at all: not too long, and one
// statement (no semicolon but trailing ones; a semicolon inside a string
// literal keeps a statement out of the cache too, which costs nothing but
// the cache).
func cacheable(query string) bool {
	return len(query) <= stmtCacheMaxLen && !strings.Contains(strings.TrimRight(query, " \t\r\n;"), ";")
}

// stmt returns the idle cached statement for query, preparing and caching
// it on first use; nil (and no error) when query is not for the cache: too
// long, several statements, placeholders that args do not fill one to one,
// or its cached statement is busy.
func (c *cachingConn) stmt(ctx context.Context, query string, args []driver.NamedValue) (*cachedStmt, error) {
	if len(args) == 0 {
		return nil, nil
	}
	for _, a := range args {
		if a.Name != "" {
			return nil, nil
		}
	}
	if st, ok := c.stmts[query]; ok {
		if st.busy {
			return nil, nil
		}
		return st, nil
	}
	if !cacheable(query) {
		return nil, nil
	}
	ds, err := c.SQLiteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st := &cachedStmt{SQLiteStmt: ds.(*sqlite3.SQLiteStmt)}
	if st.NumInput() != len(args) {
		st.Close()
		return nil, nil
	}
	st.rows = st.Readonly() || strings.Contains(strings.ToLower(query), "returning")
	if len(c.stmts) >= stmtCacheSize {
		c.evictOne()
	}
	c.stmts[query] = st
	return st, nil
}

// evictOne finalizes one idle cached statement to make room.
func (c *cachingConn) evictOne() {
	for q, st := range c.stmts {
		if !st.busy {
			st.Close()
			delete(c.stmts, q)
			return
		}
	}
}

// drop finalizes and forgets a cached statement whose run failed, so a
// statement in an unknown state is never reused.
func (c *cachingConn) drop(query string, st *cachedStmt) {
	if c.stmts[query] == st {
		delete(c.stmts, query)
	}
	st.Close()
}

// The driver runs every statement and every row of a cancellable context
// on a goroutine of its own and waits for it, so that it can interrupt
// SQLite when the context ends: a goroutine and a channel per row, which
// was a tenth of the server's CPU in the load benchmark. These connections
// hand the driver a context that cannot be cancelled instead, and honour
// the caller's own between rows: a statement runs once started (as a write
// transaction's do anyway, statementCtx), a cancelled read stops at its next
// row. SQLite's statements here take milliseconds at most.
func uncancellable(ctx context.Context) context.Context {
	if ctx.Done() == nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	run := uncancellable(ctx)
	st, err := c.stmt(run, query, args)
	if err != nil {
		return nil, err
	}
	if c.watch != nil {
		defer c.settle()
	}
	if st == nil || st.rows {
		return c.SQLiteConn.ExecContext(run, query, args)
	}
	res, err := st.ExecContext(run, args)
	if err != nil {
		c.drop(query, st)
		return nil, err
	}
	return res, nil
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	run := uncancellable(ctx)
	st, err := c.stmt(run, query, args)
	if err != nil {
		return nil, err
	}
	if st == nil {
		rows, err := c.SQLiteConn.QueryContext(run, query, args)
		if err != nil {
			return nil, err
		}
		return &cachedRows{SQLiteRows: rows.(*sqlite3.SQLiteRows), conn: c, ctx: ctx}, nil
	}
	rows, err := st.QueryContext(run, args)
	if err != nil {
		c.drop(query, st)
		return nil, err
	}
	st.busy = true
	return &cachedRows{SQLiteRows: rows.(*sqlite3.SQLiteRows), st: st, conn: c, ctx: ctx}, nil
}

// Close finalizes the cached statements, then closes the connection.
func (c *cachingConn) Close() error {
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
	return c.SQLiteConn.Close()
}

// cachedRows frees its statement for reuse when closed (closing resets it),
// and stops at the next row once the caller's context ends.
type cachedRows struct {
	*sqlite3.SQLiteRows
	st   *cachedStmt // nil for a statement outside the cache
	conn *cachingConn
	ctx  context.Context
}

func (r *cachedRows) Next(dest []driver.Value) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	return r.SQLiteRows.Next(dest)
}

func (r *cachedRows) Close() error {
	err := r.SQLiteRows.Close()
	if r.st != nil {
		r.st.busy = false
		r.st = nil
	}
	if r.conn.watch != nil {
		// A statement with RETURNING ends when its rows are closed.
		r.conn.settle()
	}
	return err
}
