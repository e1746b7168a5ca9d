package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type sessionRow struct {
	Token  string `gorm:"primaryKey"`
	Data   []byte
	Expiry int64
}

func (sessionRow) TableName() string { return "sessions" }

// Sessions is a session store for alexedwards/scs on the store's pools:
// lookups use the read pool, changes the writer, so every app instance on
// the same database shares the sessions. (scs's gormstore reads and writes
// through one pool and creates its table itself; ours comes from a migration.)
type Sessions struct{ s *Store }

// Sessions returns the scs store backed by this database.
func (s *Store) Sessions() Sessions { return Sessions{s} }

// Find returns the session data for token, if it exists and is not expired.
func (ss Sessions) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// FindCtx is Find; when ctx carries a SessionSeen (WithSessionSeen), it
// remembers the row for CommitCtx. Like Find it reads without ctx's
// cancellation, as before.
func (ss Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var (
		data   []byte
		expiry int64
	)
	// Plain SQL (plainsql.go): every page view of a logged-in user reads
	// its session.
	err := ss.s.readRow(context.Background(), "SELECT data, expiry FROM sessions WHERE token = ? AND expiry > ?", token, ss.s.now().Unix()).Scan(&data, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if seen, ok := ctx.Value(sessionSeenKey{}).(*SessionSeen); ok {
		*seen = SessionSeen{token: token, data: data, expiry: expiry, found: true}
	}
	return data, true, nil
}

// SessionSeen carries the session row that FindCtx read to CommitCtx in
// the same request, so that a request which changed nothing neither reads
// its session again nor writes it. The session middleware puts one in the
// request's context (WithSessionSeen) before loading the session.
type SessionSeen struct {
	token  string
	data   []byte
	expiry int64
	found  bool
}

type sessionSeenKey struct{}

// WithSessionSeen returns ctx carrying a new SessionSeen for FindCtx and
// CommitCtx.
func WithSessionSeen(ctx context.Context) context.Context {
	return context.WithValue(ctx, sessionSeenKey{}, &SessionSeen{})
}

// sessionRefresh is how far behind its idle deadline a session's stored
// expiry may fall before a request writes it again.
const sessionRefresh = time.Hour

// Commit stores or replaces the session. scs commits every request of a
// logged-in user just to push the idle deadline on; when the data are
// unchanged and the stored expiry is less than sessionRefresh behind the new
// one, Commit writes nothing. Otherwise every page view of a logged-in user
// was a write transaction queued for SQLite's single writer, which made
// logged-in pages 5× slower under load (BENCHMARKS.md). A session therefore
// idles out up to sessionRefresh early.
func (ss Sessions) Commit(token string, b []byte, expiry time.Time) error {
	var row sessionRow
	err := ss.s.r.Where("token = ?", token).Take(&row).Error
	if err == nil && bytes.Equal(row.Data, b) && ss.current(row.Expiry, expiry) {
		return nil
	}
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	return ss.write(token, b, expiry)
}

// CommitCtx is Commit; when ctx carries the SessionSeen of this session's
// FindCtx, it decides against that row instead of reading it again.
func (ss Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	seen, ok := ctx.Value(sessionSeenKey{}).(*SessionSeen)
	if !ok || !seen.found || seen.token != token {
		return ss.Commit(token, b, expiry)
	}
	if bytes.Equal(seen.data, b) && ss.current(seen.expiry, expiry) {
		return nil
	}
	return ss.write(token, b, expiry)
}

// current reports whether a stored expiry still stands in for the new one:
// not passed, and less than sessionRefresh behind it.
func (ss Sessions) current(stored int64, expiry time.Time) bool {
	return stored > ss.s.now().Unix() && stored >= expiry.Add(-sessionRefresh).Unix() && stored <= expiry.Unix()
}

func (ss Sessions) write(token string, b []byte, expiry time.Time) error {
	return ss.s.w.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expiry"}),
	}).Create(&sessionRow{Token: token, Data: b, Expiry: expiry.Unix()}).Error
}

// Delete removes the session.
func (ss Sessions) Delete(token string) error {
	return ss.s.w.Where("token = ?", token).Delete(&sessionRow{}).Error
}

// DeleteExpired removes expired sessions; Serve runs it periodically.
func (ss Sessions) DeleteExpired(ctx context.Context) error {
	return ss.s.w.WithContext(ctx).Where("expiry <= ?", ss.s.now().Unix()).Delete(&sessionRow{}).Error
}

// CleanupLoop deletes expired sessions every interval until ctx ends.
func (ss Sessions) CleanupLoop(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := ss.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				log.Warn("delete expired sessions", "err", err)
			}
		}
	}
}

// SessionCodec encodes scs session data for this store: deterministically
// (keys in order, so unchanged data encode to the same bytes and Commit
// can skip the write) and without gob's per-call type machinery, which
// cost a logged-in page view about 25 µs and 200 allocations to decode.
// It stores strings, integers, booleans, floats, byte slices and times;
// data holding any other type is gob-encoded as scs.GobCodec does, and
// Decode reads both, so sessions written before it keep working.
type SessionCodec struct{}

// sessionMagic starts SessionCodec data. A gob stream never starts with a
// zero byte (it starts with a message length).
const sessionMagic = "\x00s1"

// Encode encodes the deadline and values.
func (SessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	d, err := deadline.MarshalBinary()
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, 64)
	b = append(b, sessionMagic...)
	b = appendSessionBytes(b, d)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendSessionBytes(b, []byte(k))
		switch v := values[k].(type) {
		case string:
			b = appendSessionBytes(append(b, 's'), []byte(v))
		case int64:
			b = binary.AppendVarint(append(b, 'i'), v)
		case int:
			b = binary.AppendVarint(append(b, 'n'), int64(v))
		case bool:
			t := byte('f')
			if v {
				t = 't'
			}
			b = append(b, 'b', t)
		case float64:
			b = binary.BigEndian.AppendUint64(append(b, 'd'), math.Float64bits(v))
		case []byte:
			b = appendSessionBytes(append(b, 'y'), v)
		case time.Time:
			tb, err := v.MarshalBinary()
			if err != nil {
				return nil, err
			}
			b = appendSessionBytes(append(b, 'T'), tb)
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
	}
	return b, nil
}

// Decode decodes data from Encode, or from scs.GobCodec.
func (SessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if !bytes.HasPrefix(b, []byte(sessionMagic)) {
		return scs.GobCodec{}.Decode(b)
	}
	r := sessionReader{b: b[len(sessionMagic):]}
	var deadline time.Time
	if err := deadline.UnmarshalBinary(r.bytes()); err != nil || r.err != nil {
		return time.Time{}, nil, errors.Join(errBadSession, r.err, err)
	}
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		return time.Time{}, nil, errBadSession
	}
	values := make(map[string]any, n)
	for range n {
		k := string(r.bytes())
		switch r.byte() {
		case 's':
			values[k] = string(r.bytes())
		case 'i':
			values[k] = r.varint()
		case 'n':
			values[k] = int(r.varint())
		case 'b':
			values[k] = r.byte() == 't'
		case 'd':
			values[k] = math.Float64frombits(binary.BigEndian.Uint64(r.next(8)))
		case 'y':
			values[k] = bytes.Clone(r.bytes())
		case 'T':
			var t time.Time
			if err := t.UnmarshalBinary(r.bytes()); err != nil {
				return time.Time{}, nil, errors.Join(errBadSession, err)
			}
			values[k] = t
		default:
			r.err = errBadSession
		}
		if r.err != nil {
			return time.Time{}, nil, errBadSession
		}
	}
	if len(r.b) != 0 {
		return time.Time{}, nil, errBadSession
	}
	return deadline, values, nil
}

var errBadSession = errors.New("malformed session data")

func appendSessionBytes(b, v []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(v))), v...)
}

// sessionReader reads SessionCodec data; after the first error every
// read returns zero values and err stays set.
type sessionReader struct {
	b   []byte
	err error
}

func (r *sessionReader) next(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		r.err = errBadSession
		return make([]byte, max(n, 0))
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) byte() byte { return r.next(1)[0] }

func (r *sessionReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errBadSession
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errBadSession
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.err = errBadSession
		return nil
	}
	return r.next(int(n))
}
