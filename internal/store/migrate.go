package store

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"expo/db"
)

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(db.Migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %q: name must start with a number", e.Name())
		}
		body, err := fs.ReadFile(db.Migrations, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return out, nil
}

// LatestVersion is the schema version this binary migrates to.
func LatestVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// Version reports the schema version of the database.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.w.WithContext(ctx).Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v).Error
	return v, err
}

// Migrate applies pending migrations up to target (0 means all), each in its
// own transaction, so a failed migration leaves the previous version intact.
func (s *Store) Migrate(ctx context.Context, target int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if target == 0 || target > len(ms) {
		target = len(ms)
	}
	db := s.w.WithContext(ctx)
	// Nothing pending: answer without a write transaction. On SQLite a busy
	// server holds the write lock almost all the time, and `expo backup` or
	// `expo migrate` next to it would starve waiting for it.
	var current int
	if err := db.Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current).Error; err == nil && current >= target {
		return nil
	}
	if err := db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at " + s.dialect.types.Replace("{{time}}") + " NOT NULL)").Error; err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range ms[:target] {
		err := db.Transaction(func(tx *gorm.DB) error {
			if s.dialect.lockMigrations != "" {
				if err := tx.Exec(s.dialect.lockMigrations).Error; err != nil {
					return err
				}
			}
			var applied int64
			if err := tx.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&applied).Error; err != nil {
				return err
			}
			if applied > 0 {
				return nil
			}
			for _, stmt := range splitStatements(s.dialect.types.Replace(m.sql)) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("%w\n%s", err, stmt)
				}
			}
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, s.now()).Error
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// splitStatements splits a migration on semicolons at line ends and drops
// comment-only lines. Migrations keep one statement per terminated block.
func splitStatements(sql string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}
