package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

type benchWriteRow struct {
	ID        int64
	Note      string
	CreatedAt time.Time
}

func (benchWriteRow) TableName() string { return "bench_writes" }

// BenchWrite inserts one row in its own write transaction through the
// writer pool: the load benchmark's measure of what the pool can commit per
// second (only the --bench-routes server calls it).
//
// It is a plain INSERT, not GORM's Create: on SQLite, Create's
// INSERT … RETURNING is reset after its one row instead of stepped to its
// end, and SQLite runs its WAL checkpoint hook only for a statement that
// ends, so a stream of them never checkpointed and left the WAL growing
// (700 MB in 5 s) and unchecked behind for the scenarios that followed.
func (s *Store) BenchWrite(ctx context.Context, note string) error {
	return dbErr(s.writeOne(ctx, func(db *gorm.DB) error {
		return db.Exec("INSERT INTO bench_writes (note, created_at) VALUES (?, ?)", note, s.now()).Error
	}), "bench write")
}

// BenchWrites counts the rows BenchWrite inserted.
func (s *Store) BenchWrites(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&benchWriteRow{}).Count(&n).Error
	return n, dbErr(err, "count bench writes")
}

// BenchFixtures is what the load benchmark needs to know of a demo expo to
// build realistic requests.
type BenchFixtures struct {
	Slugs     []string // approved exhibitors
	Halls     []string // hall codes with booths
	Days      []string // expo days, YYYY-MM-DD
	Forums    []BenchForum
	Attendees []BenchAttendee
	// Popular are the exhibitors with an account, most available first:
	// the meeting scenarios race for their slots.
	Popular []BenchExhibitor
}

// BenchForum is a published forum and its seats.
type BenchForum struct {
	ID                  int64
	Capacity, Confirmed int
}

// BenchAttendee is an attendee account.
type BenchAttendee struct {
	ID        int64
	Email     string
	Languages string
}

// BenchExhibitor is an exhibitor with an account, its free slots and its
// pending meetings.
type BenchExhibitor struct {
	ID        int64
	Slug      string
	UserID    int64
	Languages string
	Slots     []int64 `gorm:"-"`
	Pending   []int64 `gorm:"-"`
}

// LoadBenchFixtures reads the benchmark's fixtures: every approved
// exhibitor, hall, day and published forum, the first attendees (at most
// attendees of them) and up to popular exhibitors that have an account.
func (s *Store) LoadBenchFixtures(ctx context.Context, attendees, popular int) (BenchFixtures, error) {
	var f BenchFixtures
	db := s.r.WithContext(ctx)
	if err := db.Raw("SELECT slug FROM exhibitors WHERE state = 'approved' ORDER BY id").Scan(&f.Slugs).Error; err != nil {
		return f, dbErr(err, "bench slugs")
	}
	if err := db.Raw("SELECT DISTINCT h.code FROM halls h JOIN booths b ON b.hall_id = h.id ORDER BY h.code").Scan(&f.Halls).Error; err != nil {
		return f, dbErr(err, "bench halls")
	}
	if err := db.Raw("SELECT day FROM opening_hours ORDER BY day").Scan(&f.Days).Error; err != nil {
		return f, dbErr(err, "bench days")
	}
	if err := db.Raw("SELECT id, capacity, confirmed FROM forums WHERE published ORDER BY capacity, id").Scan(&f.Forums).Error; err != nil {
		return f, dbErr(err, "bench forums")
	}
	if err := db.Raw("SELECT id, email, languages FROM users WHERE role = 'attendee' ORDER BY id LIMIT ?", attendees).Scan(&f.Attendees).Error; err != nil {
		return f, dbErr(err, "bench attendees")
	}
	if err := db.Raw(`SELECT e.id, e.slug, MIN(u.id) AS user_id, e.languages FROM exhibitors e JOIN users u ON u.exhibitor_id = e.id
		WHERE e.state = 'approved' GROUP BY e.id, e.slug, e.languages ORDER BY e.id LIMIT ?`, popular).Scan(&f.Popular).Error; err != nil {
		return f, dbErr(err, "bench exhibitors")
	}
	for i := range f.Popular {
		p := &f.Popular[i]
		if err := db.Raw("SELECT slot_id FROM exhibitor_availability WHERE exhibitor_id = ? ORDER BY slot_id", p.ID).Scan(&p.Slots).Error; err != nil {
			return f, dbErr(err, "bench slots")
		}
		if err := db.Raw("SELECT id FROM meetings WHERE exhibitor_id = ? AND status = 'pending' ORDER BY id", p.ID).Scan(&p.Pending).Error; err != nil {
			return f, dbErr(err, "bench meetings")
		}
	}
	return f, nil
}
