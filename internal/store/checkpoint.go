package store

import (
	"database/sql"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// SQLite's WAL checkpoints run off the writer.
//
// By default SQLite checkpoints on the connection that commits once the
// WAL passes 1,000 pages, so every few hundred write transactions one of
// them also copies the WAL into the database file and syncs both, while it
// holds the single writer and every other write waits. Under the load
// benchmark's racing writes that was several times a second. The writer
// therefore does not checkpoint (wal_autocheckpoint = 0); a connection of
// its own runs a PASSIVE checkpoint every checkpointEvery instead, which
// never blocks the writer or a reader, and the WAL is reused from its start
// once a checkpoint has caught up. Turning checkpoints off altogether was
// measured and is far worse: readers slow down as the WAL grows.
const checkpointEvery = 100 * time.Millisecond

type checkpointer struct {
	db    *sql.DB
	stop  chan struct{}
	done  chan struct{}
	close sync.Once
}

// startCheckpointer checkpoints the database of dsn until stopped.
func startCheckpointer(dsn string) *checkpointer {
	db := sql.OpenDB(cachingConnector{dsn: dsn, driver: &sqlite3.SQLiteDriver{}})
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// Busy answers (a checkpoint already running) and errors are
			// retried at the next tick; a failing checkpoint leaves the WAL
			// longer, never the data wrong.
			_, _ = c.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

// Close stops the checkpoints; the last connection to close checkpoints
// the rest (SQLite does that by itself).
func (c *checkpointer) Close() error {
	var err error
	c.close.Do(func() {
		close(c.stop)
		<-c.done
		err = c.db.Close()
	})
	return err
}
