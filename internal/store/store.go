// Package store keeps the expo's data in SQLite (the embedded default) or
// PostgreSQL through GORM. It owns the pools, the migrations and every query;
// rules that must hold under concurrency are enforced here by constraints and
// guarded statements inside one transaction.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"runtime/trace"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"expo/internal/expo"
)

// Store is the database. Writes go through w (a single connection on
// SQLite), reads through r.
type Store struct {
	w, r    *gorm.DB
	dialect dialect
	// BcryptCost is the cost of new password hashes; tests lower it.
	BcryptCost int
	now        func() time.Time
	// mm tunes matchmaking (meetings.go).
	mm MatchmakingOptions
	// rdb is the database/sql pool under r, for plainsql.go.
	rdb *sql.DB
	// auth caches who the requests are (authcache.go); nil on PostgreSQL.
	auth *authCache
	// group runs SQLite's write transactions in groups (groupcommit.go);
	// nil on PostgreSQL.
	group *groupCommitter
	// touches notes the last use of API tokens (tokentouch.go).
	touches *tokenTouches
}

// Options tune Open.
type Options struct {
	BcryptCost int
	Logger     *slog.Logger
	// MigrateTo stops migrations at this version (0 means the latest); tests
	// use it to build a database as an older release left it.
	MigrateTo int
	// Matchmaking tunes meeting requests (limits, expiry); zero values take
	// the defaults.
	Matchmaking MatchmakingOptions
}

// Open connects to dsn (a SQLite file path, or a postgres:// URL), applies
// pending migrations and returns the store.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	d := dialectFor(dsn)
	config := &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	// Neither pool uses GORM's prepared-statement cache. On the writer it
	// deadlocks: a statement first prepared outside a transaction waits for
	// a pool connection while the transactions holding every connection
	// wait for that same statement, and all writes stop for good
	// (go-gorm/gorm#7350, #7465; found by the load benchmark). SQLite's
	// connections cache their statements themselves (stmtcache.go), which
	// also serves the plain statements of plainsql.go; pgx caches
	// statements itself.
	var auth *authCache
	var watch *tableWatch
	if d.name == "sqlite" {
		auth = newAuthCache()
		watch = auth.watch()
	}
	w, err := gorm.Open(d.writer(watch), config)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d.name, err)
	}
	wdb, err := w.DB()
	if err != nil {
		return nil, err
	}
	wdb.SetMaxOpenConns(d.maxWriters)
	wdb.SetMaxIdleConns(d.maxWriters)
	wdb.SetConnMaxIdleTime(0)
	s := &Store{w: w, r: w, rdb: wdb, auth: auth, dialect: d, BcryptCost: opts.BcryptCost, now: func() time.Time { return time.Now().UTC() }}
	s.SetMatchmakingOptions(opts.Matchmaking)
	if s.BcryptCost == 0 {
		s.BcryptCost = expo.DefaultBcryptCost
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to %s database: %w", d.name, err)
	}
	if err := s.Migrate(ctx, opts.MigrateTo); err != nil {
		s.Close()
		return nil, err
	}
	if d.reader != nil {
		r, err := gorm.Open(d.reader(), config)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("open %s read pool: %w", d.name, err)
		}
		rdb, _ := r.DB()
		rdb.SetMaxOpenConns(d.maxReaders)
		rdb.SetMaxIdleConns(d.maxReaders)
		s.r, s.rdb = r, rdb
		s.startGroupCommit()
	}
	s.startTokenTouches()
	return s, nil
}

// writeTx runs fn in one write transaction on the writer pool. Waiting for
// the writer connection follows ctx, but on SQLite the statements of the
// transaction do not (statementCtx): a client that goes away mid-transaction
// no longer aborts it; the transaction commits or rolls back as if it had
// stayed. On SQLite the transactions waiting for the writer run as a group
// in one SQLite transaction (groupcommit.go); fn must not start another
// write itself (it never could: the single writer is busy with fn), and fn
// may run twice, the first run rolled back, so it must set what it returns
// afresh on each run and change nothing outside the transaction.
// After the writer is released the goroutine yields, so the request
// waiting for the writer next runs at once instead of after the rest of
// this request (the hand-over was a quarter of the writer's time).
//
// The "tx" region marks it in runtime traces (go tool trace; free when no
// trace is running).
func (s *Store) writeTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.group != nil {
		return s.writeGrouped(ctx, fn)
	}
	region := trace.StartRegion(ctx, "tx")
	err := s.w.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		return conn.WithContext(s.statementCtx(ctx)).Transaction(fn)
	})
	region.End()
	runtime.Gosched()
	return err
}

// statementCtx is the context for the statements of a write (writeTx,
// writeOne) and for the plain reads of plainsql.go. On SQLite it cannot be
// cancelled: the SQLite connections already keep cancellation from the
// driver (stmtcache.go), and without it database/sql also spares the
// goroutine that watches each query's and transaction's context, while
// these statements take well under a millisecond or wait at most for the
// busy timeout. On PostgreSQL it stays the request's, so a statement stuck
// on a lost network connection still ends with its request.
func (s *Store) statementCtx(ctx context.Context) context.Context {
	if s.dialect.name == "sqlite" {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// writeOne runs fn, one statement in its own (implicit) transaction, on the
// writer pool like writeTx: waiting for the writer follows ctx, the
// statement does not, and the writer's next user runs at once.
func (s *Store) writeOne(ctx context.Context, fn func(db *gorm.DB) error) error {
	region := trace.StartRegion(ctx, "tx")
	err := s.w.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		return fn(conn.WithContext(s.statementCtx(ctx)))
	})
	region.End()
	runtime.Gosched()
	return err
}

// Dialect names the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Close closes both pools.
func (s *Store) Close() error {
	errs := []error{s.stopTokenTouches()}
	s.stopGroupCommit()
	for _, db := range []*gorm.DB{s.w, s.r} {
		if sqlDB, err := db.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
		if s.r == s.w {
			break
		}
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error
}

// Backup writes a consistent online copy of the database to path.
func (s *Store) Backup(ctx context.Context, path string) error {
	if err := s.dialect.backup(ctx, s.w, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity_check (a no-op on PostgreSQL).
func (s *Store) IntegrityCheck(ctx context.Context) error {
	return s.dialect.integrityCheck(ctx, s.r)
}

// dbErr turns driver errors into the domain vocabulary where one fits.
func dbErr(err error, op string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return expo.ErrNotFound
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	if _, ok := expo.AsError(err); ok {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Unavailable reports whether err says the database could not be reached
// or is not taking work right now (connection refused or lost, the server
// shutting down or starting up, too many connections, SQLite still locked
// after the busy timeout), rather than that the request was wrong. The web
// layer answers 503 with Retry-After for it; the pools reconnect by
// themselves once the database is back.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	if errors.As(err, &netErr) || errors.As(err, &connectErr) || pgconn.Timeout(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && len(pgErr.Code) == 5 {
		switch pgErr.Code[:2] {
		case "08", "53", "57": // connection exception, insufficient resources, operator intervention
			return true
		}
	}
	var liteErr sqlite3.Error
	if errors.As(err, &liteErr) && (liteErr.Code == sqlite3.ErrBusy || liteErr.Code == sqlite3.ErrLocked) {
		return true
	}
	return false
}

// isDuplicate reports a unique-constraint violation. GORM translates errors
// only on some paths: a Raw(…).Scan whose driver fails at the query itself
// (pgx does, for INSERT … RETURNING) hands back the driver's error as is.
func isDuplicate(db *gorm.DB, err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	if t, ok := db.Dialector.(gorm.ErrorTranslator); ok {
		return errors.Is(t.Translate(err), gorm.ErrDuplicatedKey)
	}
	return false
}
