package store

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"

	"expo/internal/expo"
)

// authCache keeps, on SQLite, who each request is: the owner of each API
// token and each logged-in user, read once instead of on every request.
//
// Why: every write on SQLite makes each read connection drop its whole page
// cache when it next starts a read, so under a write load each token or
// user read fetched its pages from the operating system again. That was a
// quarter of the server's CPU on an API sign-up (load benchmark, forum
// registrations: a token read cost 27 µs after a write, 12 µs before one;
// BenchmarkUserByToken).
//
// Correctness: the writer connection watches its own changes (SQLite's
// update hook, stmtcache.go). Any change to a row of users (whatever the
// statement, cascades included) and any deleted token empties the cache
// when the transaction that made it ends, that is after its commit, before
// the write returns to its caller. An entry filled while such a write was
// running is never kept (entries carry the generation read before the
// fill). Tokens' other changes are only their last use, which the cache
// keeps itself. Every write of this server goes through that one
// connection; a change made by another process (the expo command on the
// same file, an sqlite3 shell) shows after at most authCacheTTL.
//
// PostgreSQL has no cache (the store's field is nil): several app instances
// share one database there, and its reads do not pay SQLite's cost.
type authCache struct {
	gen    atomic.Uint64
	mu     sync.Mutex
	tokens map[string]tokenEntry // by token hash
	users  map[int64]userEntry
}

// authCacheTTL bounds how long a change made outside this server goes
// unseen; authCacheMax bounds each map (when full it starts over).
const (
	authCacheTTL = 10 * time.Second
	authCacheMax = 20000
)

type tokenEntry struct {
	gen      uint64
	at       time.Time
	user     expo.User
	tokenID  int64
	lastUsed *time.Time
}

type userEntry struct {
	gen  uint64
	at   time.Time
	user expo.User
}

func newAuthCache() *authCache {
	return &authCache{tokens: map[string]tokenEntry{}, users: map[int64]userEntry{}}
}

// A nil cache (PostgreSQL) holds nothing: lookups miss, puts are dropped.

// generation is read before a fill; put keeps the entry only if no watched
// change ended since.
func (c *authCache) generation() uint64 {
	if c == nil {
		return 0
	}
	return c.gen.Load()
}

func (c *authCache) invalidate() { c.gen.Add(1) }

func (c *authCache) token(hash string, now time.Time) (tokenEntry, bool) {
	if c == nil {
		return tokenEntry{}, false
	}
	g := c.gen.Load()
	c.mu.Lock()
	e, ok := c.tokens[hash]
	c.mu.Unlock()
	if !ok || e.gen != g || now.Sub(e.at) >= authCacheTTL {
		return tokenEntry{}, false
	}
	e.user = cloneUser(e.user)
	return e, true
}

func (c *authCache) putToken(hash string, e tokenEntry) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != e.gen {
		return
	}
	if len(c.tokens) >= authCacheMax {
		clear(c.tokens)
	}
	c.tokens[hash] = e
}

// touched records a token's last use in its entry, if it is still there.
func (c *authCache) touched(hash string, at time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.tokens[hash]; ok {
		e.lastUsed = &at
		c.tokens[hash] = e
	}
}

func (c *authCache) user(id int64, now time.Time) (expo.User, bool) {
	if c == nil {
		return expo.User{}, false
	}
	g := c.gen.Load()
	c.mu.Lock()
	e, ok := c.users[id]
	c.mu.Unlock()
	if !ok || e.gen != g || now.Sub(e.at) >= authCacheTTL {
		return expo.User{}, false
	}
	return cloneUser(e.user), true
}

func (c *authCache) putUser(e userEntry) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != e.gen {
		return
	}
	if len(c.users) >= authCacheMax {
		clear(c.users)
	}
	c.users[e.user.ID] = e
}

// cloneUser copies what a caller could change in place, so that no request
// changes another's user.
func cloneUser(u expo.User) expo.User {
	u.Languages = slices.Clone(u.Languages)
	u.Interests = slices.Clone(u.Interests)
	if u.ExhibitorID != nil {
		id := *u.ExhibitorID
		u.ExhibitorID = &id
	}
	return u
}

// watch is what the writer connection reports to the cache: which of its
// row changes matter, and what to do once the transaction that made one
// ends.
func (c *authCache) watch() *tableWatch {
	return &tableWatch{
		affects: func(op int, table string) bool {
			return table == "users" || (table == "api_tokens" && op == sqlite3.SQLITE_DELETE)
		},
		changed: c.invalidate,
	}
}
