package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"expo/internal/expo"

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

// BenchExhibitor is an exhibitor with an account, its free slots and the
// pending requests it can answer.
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
		// Requests only: the exhibitor answers those; an invitation waits
		// for the attendee.
		if err := db.Raw("SELECT id FROM meetings WHERE exhibitor_id = ? AND status = 'pending' AND initiator = 'attendee' ORDER BY id",
			p.ID).Scan(&p.Pending).Error; err != nil {
			return f, dbErr(err, "bench meetings")
		}
	}
	return f, nil
}

// BenchPending is a pending meeting request BenchPendingRequests created.
type BenchPending struct {
	ID, ExhibitorID, SlotID, AttendeeID int64
}

// BenchPendingSupply is what BenchPendingRequests created and what bounded
// it.
type BenchPendingSupply struct {
	// Requests are the created pending requests, the most likely to be
	// accepted first (slots with the most free tables, spread over the
	// exhibitors).
	Requests []BenchPending
	// Capacity is how many requests the data allowed before attendees were
	// chosen: the free places of the exhibitors that take requests (approved,
	// not auto-accepting) in the slots that have a free table and start in
	// more than an hour.
	Capacity int
	// FreeTables is the number of (table, slot) pairs still free in the
	// slots of the requests: at most that many can be accepted.
	FreeTables int
}

// benchMessage is the message of the benchmark's requests.
const benchMessage = "We would like to discuss a distribution agreement."

// BenchPendingRequests creates up to n pending meeting requests to the given
// exhibitors, in one transaction, as RequestMeeting would have created them
// one by one: attendee-initiated pending meetings with their deadline, the
// exhibitors' booked counters, the attendees' request quotas and the
// notifications of the exhibitors' representatives. It is the load
// benchmark's set-up (the requests its exhibitors answer), not a code path of
// the app.
//
// Each request can be accepted when it is created: the exhibitor is
// available in the slot (with a place left) and does not auto-accept, the
// slot starts in more than an hour and has a free table, the attendee has
// no other open meeting in the slot, has quota left (the supply fills at
// most half of an attendee's open-request quota, so attendees can still
// send requests of their own) and shares a language
// with the exhibitor (no interpreter needed), and the block's country
// restriction is met. Requests are spread round-robin over (exhibitor,
// slot) pairs, slots with the most free tables first, first up to about
// 1.5 times each slot's free tables (two answers in three accept), then up
// to the exhibitors' places. Attendees in skipAttendees get none, so the
// benchmark's own requesters keep their quota.
func (s *Store) BenchPendingRequests(ctx context.Context, exhibitors, skipAttendees []int64, n int) (BenchPendingSupply, error) {
	var out BenchPendingSupply
	if n <= 0 || len(exhibitors) == 0 {
		return out, nil
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		out = BenchPendingSupply{} // a group may run this twice (commitGroup)
		type exhibitor struct {
			ID            int64
			Country       string
			Languages     string
			MeetingTables int
			langs         []string
			reps          []int64
		}
		var exs []exhibitor
		if err := tx.Raw(`SELECT id, country, languages, meeting_tables FROM exhibitors
			WHERE id IN ? AND state = ? AND NOT auto_accept ORDER BY id`, exhibitors, string(expo.StateApproved)).Scan(&exs).Error; err != nil {
			return err
		}
		if len(exs) == 0 {
			return nil
		}
		byID := make(map[int64]*exhibitor, len(exs))
		ids := make([]int64, len(exs))
		for i := range exs {
			exs[i].langs = splitList(exs[i].Languages)
			byID[exs[i].ID] = &exs[i]
			ids[i] = exs[i].ID
		}
		var reps []struct{ ID, ExhibitorID int64 }
		if err := tx.Raw("SELECT id, exhibitor_id FROM users WHERE exhibitor_id IN ? ORDER BY id", ids).Scan(&reps).Error; err != nil {
			return err
		}
		for _, r := range reps {
			byID[r.ExhibitorID].reps = append(byID[r.ExhibitorID].reps, r.ID)
		}

		var tables int
		if err := tx.Raw("SELECT COUNT(*) FROM meeting_tables").Scan(&tables).Error; err != nil {
			return err
		}
		var taken []struct {
			SlotID int64
			N      int
		}
		if err := tx.Raw(`SELECT slot_id, COUNT(*) AS n FROM meetings WHERE table_id IS NOT NULL AND status IN ('pending', 'accepted')
			GROUP BY slot_id`).Scan(&taken).Error; err != nil {
			return err
		}
		freeTables := map[int64]int{}
		for _, t := range taken {
			freeTables[t.SlotID] = -t.N
		}

		type pair struct {
			ExhibitorID, SlotID int64
			Booked              int
			StartsAt            time.Time
			RestrictCountry     string
			free                int // places left
			added               int
		}
		var pairs []pair
		if err := tx.Raw(`SELECT a.exhibitor_id, a.slot_id, a.booked, s.starts_at, COALESCE(b.restrict_country, '') AS restrict_country
			FROM exhibitor_availability a JOIN slots s ON s.id = a.slot_id LEFT JOIN negotiation_blocks b ON b.id = s.block_id
			WHERE a.exhibitor_id IN ? ORDER BY a.slot_id, a.exhibitor_id`, ids).Scan(&pairs).Error; err != nil {
			return err
		}
		slotFree := map[int64]int{}
		kept := pairs[:0]
		for _, p := range pairs {
			f := tables + freeTables[p.SlotID]
			p.free = byID[p.ExhibitorID].MeetingTables - p.Booked
			if f <= 0 || p.free <= 0 || !p.StartsAt.After(now.Add(time.Hour)) {
				continue
			}
			slotFree[p.SlotID] = f
			out.Capacity += p.free
			kept = append(kept, p)
		}
		pairs = kept
		// Slots with the most free tables first, then by slot and exhibitor.
		slices.SortStableFunc(pairs, func(a, b pair) int { return slotFree[b.SlotID] - slotFree[a.SlotID] })

		var atts []struct {
			ID           int64
			Country      string
			Languages    string
			Name         string
			OpenRequests int
		}
		if err := tx.Raw(`SELECT u.id, u.country, u.languages, u.name, COALESCE(q.open_requests, 0) AS open_requests
			FROM users u LEFT JOIN matchmaking_quota q ON q.user_id = u.id
			WHERE u.role = ? AND u.exhibitor_id IS NULL ORDER BY u.id`, string(expo.RoleAttendee)).Scan(&atts).Error; err != nil {
			return err
		}
		skip := make(map[int64]bool, len(skipAttendees))
		for _, id := range skipAttendees {
			skip[id] = true
		}
		type attendee struct {
			id            int64
			country, name string
			langs         []string
			quota         int
		}
		// Half the quota at most: the attendees keep the other half for
		// the requests they send themselves.
		quotaCap := max(1, s.mm.OpenRequestLimit/2)
		pool := make([]attendee, 0, len(atts))
		for _, a := range atts {
			if !skip[a.ID] && a.OpenRequests < quotaCap {
				pool = append(pool, attendee{id: a.ID, country: a.Country, name: a.Name, langs: splitList(a.Languages), quota: a.OpenRequests})
			}
		}
		if len(pool) == 0 || len(pairs) == 0 {
			return nil
		}
		type busyKey struct{ attendee, slot int64 }
		busy := map[busyKey]bool{}
		rows, err := tx.Raw("SELECT attendee_id, slot_id FROM meetings WHERE status IN ('pending', 'accepted')").Rows()
		if err != nil {
			return err
		}
		for rows.Next() {
			var k busyKey
			if err := rows.Scan(&k.attendee, &k.slot); err != nil {
				rows.Close()
				return err
			}
			busy[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}

		// place finds an attendee for one more request of p, from a cursor
		// that goes round the pool so requests spread over the attendees.
		cursor := 0
		var meetings []meetingRow
		var attOf []*attendee
		var starts []time.Time
		place := func(p *pair) bool {
			e := byID[p.ExhibitorID]
			for range len(pool) {
				a := &pool[cursor]
				cursor = (cursor + 1) % len(pool)
				if a.quota >= quotaCap || busy[busyKey{a.id, p.SlotID}] ||
					(p.RestrictCountry != "" && p.RestrictCountry != a.country && p.RestrictCountry != e.Country) {
					continue
				}
				lang := sharedLanguage(a.langs, e.langs)
				if lang == "" {
					continue
				}
				exp := expo.RequestExpiry(now, p.StartsAt.UTC(), s.mm.RequestTTL).UTC()
				meetings = append(meetings, meetingRow{SlotID: p.SlotID, ExhibitorID: p.ExhibitorID, AttendeeID: a.id,
					Initiator: string(expo.SideAttendee), Status: string(expo.MeetingPending), Message: benchMessage, Language: lang,
					ExpiresAt: &exp, CreatedAt: now, UpdatedAt: now})
				attOf = append(attOf, a)
				starts = append(starts, p.StartsAt)
				a.quota++
				busy[busyKey{a.id, p.SlotID}] = true
				p.added++
				return true
			}
			return false
		}
		// Rounds over the pairs: first within about 1.5 times each slot's
		// free tables, then up to the exhibitors' places.
		perSlot := map[int64]int{}
		for phase := range 2 {
			for progress := true; progress && len(meetings) < n; {
				progress = false
				for i := range pairs {
					p := &pairs[i]
					if len(meetings) >= n {
						break
					}
					if p.added >= p.free || (phase == 0 && perSlot[p.SlotID] >= (3*slotFree[p.SlotID]+1)/2) {
						continue
					}
					if place(p) {
						perSlot[p.SlotID]++
						progress = true
					} else {
						p.free = p.added // no attendee fits: the pair is done
					}
				}
			}
		}
		if len(meetings) == 0 {
			return nil
		}
		for slot, k := range perSlot {
			out.FreeTables += min(k, slotFree[slot])
		}

		if err := tx.CreateInBatches(&meetings, 500).Error; err != nil {
			return err
		}
		for _, p := range pairs {
			if p.added == 0 {
				continue
			}
			if _, err := s.txExec(tx, "UPDATE exhibitor_availability SET booked = booked + ? WHERE exhibitor_id = ? AND slot_id = ?",
				p.added, p.ExhibitorID, p.SlotID); err != nil {
				return err
			}
		}
		quota := map[int64]int{}
		for _, a := range attOf {
			quota[a.id] = a.quota
		}
		qrows := make([][]any, 0, len(quota))
		for id, q := range quota {
			qrows = append(qrows, []any{id, q})
		}
		if err := s.benchInsert(tx, `INSERT INTO matchmaking_quota (user_id, open_requests) VALUES `, 2, qrows,
			` ON CONFLICT (user_id) DO UPDATE SET open_requests = excluded.open_requests`); err != nil {
			return err
		}
		var notes [][]any
		for i, m := range meetings {
			params, err := json.Marshal(map[string]any{"Name": attOf[i].name, "Time": s.clock(starts[i])})
			if err != nil {
				return err
			}
			for _, rep := range byID[m.ExhibitorID].reps {
				notes = append(notes, []any{rep, "meeting.notify.requested", string(params), "/my/meetings", s.now()})
			}
		}
		if err := s.benchInsert(tx, `INSERT INTO notifications (user_id, message, params, link, created_at) VALUES `, 5, notes, ""); err != nil {
			return err
		}
		out.Requests = make([]BenchPending, len(meetings))
		for i, m := range meetings {
			out.Requests[i] = BenchPending{ID: m.ID, ExhibitorID: m.ExhibitorID, SlotID: m.SlotID, AttendeeID: m.AttendeeID}
		}
		return nil
	})
	return out, dbErr(err, "bench pending requests")
}

// benchInsert inserts rows (of width values each) with multi-row INSERTs
// of at most 500 rows: head is the statement up to VALUES, tail what
// follows the values.
func (s *Store) benchInsert(tx *gorm.DB, head string, width int, rows [][]any, tail string) error {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	for len(rows) > 0 {
		batch := rows[:min(500, len(rows))]
		rows = rows[len(batch):]
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, width*len(batch))
		for i, r := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, r...)
		}
		b.WriteString(tail)
		if _, err := s.txExec(tx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// BenchTokens gives each user in userIDs one API token named name, in one
// transaction of multi-row INSERTs, and returns the secrets in the order of
// userIDs. The tokens are those CreateToken makes (same secret format,
// hash and prefix, last_used_at unset) without its audit entries: it is the
// load benchmark's set-up for thousands of attendees, not a code path of
// the app. Every user must exist (expo.ErrNotFound otherwise, and nothing
// is created).
func (s *Store) BenchTokens(ctx context.Context, userIDs []int64, name string) ([]string, error) {
	var v expo.Validator
	name = v.Line("name", name, false, expo.MaxTokenName)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if name == "" {
		name = "API token"
	}
	secrets := make([]string, len(userIDs))
	rows := make([][]any, len(userIDs))
	now := s.now()
	for i, id := range userIDs {
		secret, err := newTokenSecret()
		if err != nil {
			return nil, err
		}
		secrets[i] = secret
		rows[i] = []any{id, name, hashToken(secret), tokenShownPrefix(secret), now}
	}
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		// The owners exist: a token of a missing user would never
		// authenticate (and the foreign key may not be enforced).
		for batch := userIDs; len(batch) > 0; {
			ids := batch[:min(500, len(batch))]
			batch = batch[len(ids):]
			distinct := map[int64]bool{}
			for _, id := range ids {
				distinct[id] = true
			}
			var n int64
			if err := tx.Raw("SELECT COUNT(*) FROM users WHERE id IN ?", ids).Scan(&n).Error; err != nil {
				return err
			}
			if int(n) != len(distinct) {
				return expo.ErrNotFound
			}
		}
		return s.benchInsert(tx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES `, 5, rows, "")
	})
	if err != nil {
		return nil, dbErr(err, "bench tokens")
	}
	return secrets, nil
}
