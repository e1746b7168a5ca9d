// Package storetest opens fresh databases for tests: a SQLite file in a
// temporary directory always, and a private schema of the PostgreSQL server
// named by EXPO_TEST_POSTGRES when that variable is set.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"expo/internal/store"
)

// EnvPostgres names the PostgreSQL URL tests also run against.
const EnvPostgres = "EXPO_TEST_POSTGRES"

// Dialects lists the databases available to this test run.
func Dialects() []string {
	if os.Getenv(EnvPostgres) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// ForEach runs fn as a subtest once per available database, each with a
// fresh, migrated store.
func ForEach(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh, migrated store of the dialect, closed at cleanup.
func Open(t testing.TB, dialect string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), DSN(t, dialect), store.Options{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Opener returns a function that opens a store on one new database of the
// dialect, again at each call, so a test can close a store and open the
// same database anew. Every store it opened is closed at cleanup (closing
// twice is harmless).
func Opener(t testing.TB, dialect string) func() *store.Store {
	t.Helper()
	dsn := DSN(t, dialect)
	return func() *store.Store {
		t.Helper()
		st, err := store.Open(context.Background(), dsn, store.Options{BcryptCost: bcrypt.MinCost})
		if err != nil {
			t.Fatalf("open %s store: %v", dialect, err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
}

// DSN returns the address of a new empty database of the dialect: a file in
// t.TempDir for SQLite, a new schema (dropped at cleanup) for PostgreSQL.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == "sqlite" {
		return filepath.Join(t.TempDir(), "expo.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("%s is not set", EnvPostgres)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvPostgres, err)
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if db, err := admin.DB(); err == nil {
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
