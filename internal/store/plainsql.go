package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// Plain SQL for the hottest statements: every API call's token, the
// read-pool pre-checks of the racing writes, the statements inside the
// write transactions the load benchmark drives. GORM's Raw().Scan builds
// clauses, opens a session and scans by reflection; on a one-row indexed
// read that was more CPU than SQLite's own work (load benchmark profiles).
// These helpers hand the text straight to database/sql instead, under the
// same contexts as GORM's statements would run (statementCtx).
//
// Queries use ? placeholders on both databases; on PostgreSQL they are
// rewritten to $1, $2, … once per text (bind). Errors come back untranslated
// (isDuplicate recognises a unique violation of either driver), and
// sql.ErrNoRows is the caller's to map; dbErr does not know it.

// binds remembers the PostgreSQL form of each query text.
var binds sync.Map // string → string

// bind returns query with its ? placeholders numbered for PostgreSQL, and
// unchanged for SQLite. A ? inside a string literal is left alone.
func (s *Store) bind(query string) string {
	if s.dialect.name != "postgres" {
		return query
	}
	if q, ok := binds.Load(query); ok {
		return q.(string)
	}
	q := numberPlaceholders(query)
	binds.Store(query, q)
	return q
}

func numberPlaceholders(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 8)
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// readRow runs a query expected to return at most one row on the read pool.
func (s *Store) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.rdb.QueryRowContext(s.statementCtx(ctx), s.bind(query), args...)
}

// readRows runs a query on the read pool; the caller closes the rows.
func (s *Store) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.rdb.QueryContext(s.statementCtx(ctx), s.bind(query), args...)
}

// txRow runs a one-row query inside tx, a transaction of writeTx (or the
// connection of writeOne), on its connection and context.
func (s *Store) txRow(tx *gorm.DB, query string, args ...any) *sql.Row {
	return tx.Statement.ConnPool.QueryRowContext(tx.Statement.Context, s.bind(query), args...)
}

// txExec runs a statement inside tx and returns how many rows it changed.
func (s *Store) txExec(tx *gorm.DB, query string, args ...any) (int64, error) {
	res, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, s.bind(query), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
