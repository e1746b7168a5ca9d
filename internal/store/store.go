// Package store keeps the expo's data in SQLite (the embedded default) or
// PostgreSQL through GORM. It owns the pools, the migrations and every query;
// rules that must hold under concurrency are enforced here by constraints and
// guarded statements inside one transaction.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

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
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	w, err := gorm.Open(d.writer(), cfg)
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
	s := &Store{w: w, r: w, dialect: d, BcryptCost: opts.BcryptCost, now: func() time.Time { return time.Now().UTC() }}
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
		r, err := gorm.Open(d.reader(), cfg)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("open %s read pool: %w", d.name, err)
		}
		rdb, _ := r.DB()
		rdb.SetMaxOpenConns(d.maxReaders)
		rdb.SetMaxIdleConns(d.maxReaders)
		s.r = r
	}
	return s, nil
}

// Dialect names the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Close closes both pools.
func (s *Store) Close() error {
	var errs []error
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
