package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/internal/storetest"
)

// forEachDSN runs fn once per available database with the address of a new,
// empty one, for tests that open the store themselves.
func forEachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, storetest.DSN(t, d)) })
	}
}

// openStore opens dsn with a cheap bcrypt cost, closed at cleanup.
func openStore(t *testing.T, dsn string, opts store.Options) *store.Store {
	t.Helper()
	opts.BcryptCost = bcrypt.MinCost
	st, err := store.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// rawDB is a plain connection to the store's database, for looking at and
// writing rows the way an older release of the application would have.
func rawDB(t *testing.T, dsn string) *gorm.DB {
	t.Helper()
	var dial gorm.Dialector
	if strings.HasPrefix(dsn, "postgres") {
		dial = postgres.Open(dsn)
	} else {
		dial = sqlite.Open("file:" + dsn + "?_busy_timeout=10000&_foreign_keys=on")
	}
	db, err := gorm.Open(dial, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("raw connection: %v", err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return db
}

func wantVersion(t *testing.T, st *store.Store, want int) {
	t.Helper()
	v, err := st.Version(context.Background())
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	if v != want {
		t.Fatalf("version %d, want %d", v, want)
	}
}

func TestLatestVersion(t *testing.T) {
	entries, err := os.ReadDir("../../db/migrations")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := store.LatestVersion(), len(entries); got != want || got < 3 {
		t.Fatalf("LatestVersion %d, want %d (the number of migration files)", got, want)
	}
}

func TestOpenMigrateTo(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		// One database taken up a version at a time, as successive releases would.
		for v := 1; v <= store.LatestVersion(); v++ {
			st := openStore(t, dsn, store.Options{MigrateTo: v})
			wantVersion(t, st, v)
			st.Close()
		}
		t.Run("beyond latest means latest", func(t *testing.T) {
			wantVersion(t, openStore(t, dsn, store.Options{MigrateTo: store.LatestVersion() + 5}), store.LatestVersion())
		})
		t.Run("fresh database at latest", func(t *testing.T) {
			wantVersion(t, openStore(t, storetest.DSN(t, dialectOf(dsn)), store.Options{}), store.LatestVersion())
		})
	})
}

func dialectOf(dsn string) string {
	if strings.HasPrefix(dsn, "postgres") {
		return "postgres"
	}
	return "sqlite"
}

// The rows below are read back with plain SQL before and after an upgrade.
type (
	exhibitorSnap struct {
		ID                             int64
		Slug, Name, NameLatin, Country string
		CreatedAt                      time.Time
	}
	userSnap struct {
		ID                                                               int64
		Email, Name, PasswordHash, Role, Organization, Country, JobTitle string
		Languages, Interests, Locale                                     string
		ExhibitorID                                                      *int64
		CreatedAt, UpdatedAt                                             time.Time
	}
	sessionSnap struct {
		Token  string
		Data   []byte
		Expiry int64
	}
	claimSnap struct {
		ID, UserID int64
	}
)

type snapshot struct {
	exhibitors []exhibitorSnap
	users      []userSnap
	sessions   []sessionSnap
	claims     []claimSnap
}

func takeSnapshot(t *testing.T, db *gorm.DB) snapshot {
	t.Helper()
	var s snapshot
	for _, q := range []struct {
		sql  string
		dest any
	}{
		{"SELECT id, slug, name, name_latin, country, created_at FROM exhibitors ORDER BY id", &s.exhibitors},
		{"SELECT id, email, name, password_hash, role, organization, country, job_title, languages, interests, locale, exhibitor_id, created_at, updated_at FROM users ORDER BY id", &s.users},
		{"SELECT token, data, expiry FROM sessions ORDER BY token", &s.sessions},
		{"SELECT id, user_id FROM setup_claim ORDER BY id", &s.claims},
	} {
		if err := db.Raw(q.sql).Scan(q.dest).Error; err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	return s
}

func (a snapshot) equal(b snapshot) bool {
	return slices.EqualFunc(a.exhibitors, b.exhibitors, func(x, y exhibitorSnap) bool {
		return x.ID == y.ID && x.Slug == y.Slug && x.Name == y.Name && x.NameLatin == y.NameLatin && x.Country == y.Country && x.CreatedAt.Equal(y.CreatedAt)
	}) && slices.EqualFunc(a.users, b.users, func(x, y userSnap) bool {
		sameExhibitor := (x.ExhibitorID == nil) == (y.ExhibitorID == nil) && (x.ExhibitorID == nil || *x.ExhibitorID == *y.ExhibitorID)
		return x.ID == y.ID && x.Email == y.Email && x.Name == y.Name && x.PasswordHash == y.PasswordHash && x.Role == y.Role &&
			x.Organization == y.Organization && x.Country == y.Country && x.JobTitle == y.JobTitle && x.Languages == y.Languages &&
			x.Interests == y.Interests && x.Locale == y.Locale && sameExhibitor && x.CreatedAt.Equal(y.CreatedAt) && x.UpdatedAt.Equal(y.UpdatedAt)
	}) && slices.EqualFunc(a.sessions, b.sessions, func(x, y sessionSnap) bool {
		return x.Token == y.Token && string(x.Data) == string(y.Data) && x.Expiry == y.Expiry
	}) && slices.Equal(a.claims, b.claims)
}

func TestUpgradeFromVersion1KeepsRows(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		const exhibitorPassword = "exhibitor password"

		// Version 1, as the first release left it: accounts, an exhibitor
		// company, the setup claim and a live session.
		old := openStore(t, dsn, store.Options{MigrateTo: 1})
		wantVersion(t, old, 1)
		attendee := signUp("anna@example.ru")
		attendee.Name = sqlFragment
		if _, err := old.CreateAttendee(ctx, attendee); err != nil {
			t.Fatalf("attendee at version 1: %v", err)
		}
		if err := old.Sessions().Commit("session-v1", []byte("logged in"), time.Now().Add(time.Hour)); err != nil {
			t.Fatalf("session at version 1: %v", err)
		}
		old.Close()

		db := rawDB(t, dsn)
		for _, table := range []string{"expos", "api_tokens"} {
			var n int64
			if err := db.Raw("SELECT COUNT(*) FROM " + table).Scan(&n).Error; err == nil {
				t.Fatalf("table %s exists at version 1", table)
			}
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(exhibitorPassword), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		created := time.Date(2025, 6, 1, 8, 30, 0, 0, time.UTC)
		// The first organizer and its setup claim, written as version 1 did
		// (today's CreateFirstOrganizer also writes the audit log, which
		// version 1 does not have).
		orgHash, err := bcrypt.GenerateFromPassword([]byte(organizer("").Password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(`INSERT INTO users (email, name, password_hash, role, languages, created_at, updated_at)
			VALUES ('ops@expo.example', 'Expo Organizer', ?, 'organizer', 'en', ?, ?)`, string(orgHash), created, created).Error; err != nil {
			t.Fatalf("insert organizer: %v", err)
		}
		if err := db.Exec(`INSERT INTO setup_claim (id, user_id, claimed_at)
			SELECT 1, id, ? FROM users WHERE email = 'ops@expo.example'`, created).Error; err != nil {
			t.Fatalf("insert setup claim: %v", err)
		}
		if err := db.Exec("INSERT INTO exhibitors (slug, name, name_latin, country, created_at) VALUES (?, ?, ?, ?, ?)",
			"hanbit-medical", "한빛메디칼", "Hanbit Medical", "KR", created).Error; err != nil {
			t.Fatalf("insert exhibitor: %v", err)
		}
		var exhibitorID int64
		if err := db.Raw("SELECT id FROM exhibitors WHERE slug = ?", "hanbit-medical").Scan(&exhibitorID).Error; err != nil || exhibitorID == 0 {
			t.Fatalf("exhibitor id %d: %v", exhibitorID, err)
		}
		if err := db.Exec(`INSERT INTO users (email, name, password_hash, role, organization, country, languages, exhibitor_id, created_at, updated_at)
			VALUES (?, ?, ?, 'exhibitor', ?, 'KR', 'ko,en', ?, ?, ?)`,
			"rep@hanbit.example", "박지민", string(hash), "Hanbit Medical", exhibitorID, created, created).Error; err != nil {
			t.Fatalf("insert exhibitor user: %v", err)
		}
		before := takeSnapshot(t, db)
		if len(before.users) != 3 || len(before.exhibitors) != 1 || len(before.sessions) != 1 || len(before.claims) != 1 {
			t.Fatalf("version 1 rows: %+v", before)
		}

		// The new release opens the same database and upgrades it.
		st := openStore(t, dsn, store.Options{})
		wantVersion(t, st, store.LatestVersion())

		t.Run("rows intact", func(t *testing.T) {
			if after := takeSnapshot(t, db); !before.equal(after) {
				t.Fatalf("rows changed by the upgrade:\nbefore %+v\nafter  %+v", before, after)
			}
		})

		t.Run("old accounts log in", func(t *testing.T) {
			logins := []struct{ email, password string }{
				{"ops@expo.example", "organizer-password"},
				{"anna@example.ru", testPassword},
				{"rep@hanbit.example", exhibitorPassword},
			}
			for _, l := range logins {
				u, err := st.Authenticate(ctx, l.email, l.password)
				if err != nil {
					t.Errorf("%s: %v", l.email, err)
				}
				if l.email == "rep@hanbit.example" && (u.ExhibitorID == nil || *u.ExhibitorID != exhibitorID) {
					t.Errorf("exhibitor link lost: %+v", u)
				}
			}
			u, err := st.UserByEmail(ctx, "anna@example.ru")
			if err != nil || u.Name != sqlFragment {
				t.Errorf("name %q, %v; want %q", u.Name, err, sqlFragment)
			}
		})

		t.Run("old session still valid", func(t *testing.T) {
			b, found, err := st.Sessions().Find("session-v1")
			if err != nil || !found || string(b) != "logged in" {
				t.Errorf("got %q, %v, %v", b, found, err)
			}
		})

		t.Run("setup stays done", func(t *testing.T) {
			if _, err := st.CreateFirstOrganizer(ctx, organizer("new@expo.example")); !errors.Is(err, expo.ErrSetupDone) {
				t.Errorf("got %v, want expo.ErrSetupDone", err)
			}
		})

		t.Run("new tables usable", func(t *testing.T) {
			u, err := st.UserByEmail(ctx, "anna@example.ru")
			if err != nil {
				t.Fatal(err)
			}
			secret, _, err := st.CreateToken(ctx, u.ID, "after upgrade")
			if err != nil {
				t.Fatalf("create token: %v", err)
			}
			if got, err := st.UserByToken(ctx, secret); err != nil || got.ID != u.ID {
				t.Errorf("user by token: %+v, %v", got, err)
			}
			if _, ok, err := st.Event(ctx, time.UTC); err != nil || ok {
				t.Errorf("event on an upgraded database: ok=%v err=%v, want none yet", ok, err)
			}
		})

		t.Run("migrate again is a no-op", func(t *testing.T) {
			snap := takeSnapshot(t, db)
			var applied []int
			if err := db.Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&applied).Error; err != nil {
				t.Fatal(err)
			}
			for _, target := range []int{0, 1, store.LatestVersion()} {
				if err := st.Migrate(ctx, target); err != nil {
					t.Fatalf("migrate to %d: %v", target, err)
				}
				wantVersion(t, st, store.LatestVersion())
			}
			again := openStore(t, dsn, store.Options{})
			wantVersion(t, again, store.LatestVersion())
			var reapplied []int
			if err := db.Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&reapplied).Error; err != nil {
				t.Fatal(err)
			}
			var want []int
			for v := 1; v <= store.LatestVersion(); v++ {
				want = append(want, v)
			}
			if !slices.Equal(applied, want) {
				t.Errorf("applied versions %v, want %v", applied, want)
			}
			if !slices.Equal(applied, reapplied) {
				t.Errorf("schema_migrations went from %v to %v", applied, reapplied)
			}
			if !snap.equal(takeSnapshot(t, db)) {
				t.Error("rows changed by a repeated migration")
			}
		})
	})
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, "sqlite")
	st := openStore(t, dsn, store.Options{})
	u := mustAttendee(t, st, "backup@example.cn")
	secret, _, err := st.CreateToken(ctx, u.ID, "backup")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Sessions().Commit("session-backup", []byte("kept"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backup.db")

	t.Run("copy has the rows", func(t *testing.T) {
		if err := st.Backup(ctx, path); err != nil {
			t.Fatalf("backup: %v", err)
		}
		copy := openStore(t, path, store.Options{})
		wantVersion(t, copy, store.LatestVersion())
		if err := copy.IntegrityCheck(ctx); err != nil {
			t.Errorf("integrity of the copy: %v", err)
		}
		if got, err := copy.Authenticate(ctx, "backup@example.cn", testPassword); err != nil || got.ID != u.ID {
			t.Errorf("account in copy: %+v, %v", got, err)
		}
		if got, err := copy.UserByToken(ctx, secret); err != nil || got.ID != u.ID {
			t.Errorf("token in copy: %+v, %v", got, err)
		}
		if b, found, err := copy.Sessions().Find("session-backup"); err != nil || !found || string(b) != "kept" {
			t.Errorf("session in copy: %q, %v, %v", b, found, err)
		}
	})

	t.Run("live database intact", func(t *testing.T) {
		if err := st.IntegrityCheck(ctx); err != nil {
			t.Fatalf("integrity: %v", err)
		}
	})

	t.Run("existing file refused", func(t *testing.T) {
		mustAttendee(t, st, "after-backup@example.cn")
		if err := st.Backup(ctx, path); err == nil {
			t.Fatal("backup over an existing file succeeded")
		}
		copy := openStore(t, path, store.Options{})
		if _, err := copy.UserByEmail(ctx, "after-backup@example.cn"); !errors.Is(err, expo.ErrNotFound) {
			t.Errorf("the existing backup was overwritten: %v", err)
		}
	})

	t.Run("missing directory refused", func(t *testing.T) {
		if err := st.Backup(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "b.db")); err == nil {
			t.Fatal("backup into a missing directory succeeded")
		}
	})

	t.Run("postgres refuses", func(t *testing.T) {
		if !slices.Contains(storetest.Dialects(), "postgres") {
			t.Skipf("%s is not set", storetest.EnvPostgres)
		}
		pg := storetest.Open(t, "postgres")
		if err := pg.Backup(ctx, filepath.Join(t.TempDir(), "pg.db")); err == nil {
			t.Fatal("online backup of PostgreSQL succeeded; it is meant for pg_dump")
		}
		if err := pg.IntegrityCheck(ctx); err != nil {
			t.Errorf("integrity check on PostgreSQL: %v", err)
		}
	})
}
