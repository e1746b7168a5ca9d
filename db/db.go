// Package db embeds the numbered SQL migrations and the demo data, so the
// binary carries everything it needs to create or upgrade a database.
package db

import "embed"

// Migrations holds migrations/NNNN_name.sql. Each is applied once, in order,
// in its own transaction. {{pk}}, {{time}} and {{bytes}} are replaced by the
// dialect's column types (see internal/store/dialect.go).
//
//go:embed migrations/*.sql
var Migrations embed.FS
