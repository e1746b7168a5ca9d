package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckpointsRunOffTheWriter: the writer never checkpoints by itself,
// and the background checkpointer copies committed pages into the database
// file shortly after the commits (with SQLite's default the 600 pages
// written here would wait in the WAL for the 1,000th).
func TestCheckpointsRunOffTheWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "expo.db")
	st, err := Open(ctx, path, Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	var auto int
	if err := st.w.WithContext(ctx).Raw("PRAGMA wal_autocheckpoint").Row().Scan(&auto); err != nil {
		t.Fatal(err)
	}
	if auto != 0 {
		t.Errorf("writer wal_autocheckpoint = %d, want 0 (checkpoints belong to the checkpointer)", auto)
	}

	// Let the checkpointer catch up with the migrations, then measure.
	time.Sleep(3 * checkpointEvery)
	before := fileSize(t, path)
	note := strings.Repeat("x", 3000) // about one page a row
	for range 600 {
		if err := st.BenchWrite(ctx, note); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for fileSize(t, path) < before+500*4096 {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d → %d bytes after 600 one-page commits: the checkpointer did not copy them", before, fileSize(t, path))
		}
		time.Sleep(checkpointEvery)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
