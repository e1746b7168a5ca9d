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
// registrations: a token read cost 12 µs alone and 27 µs after a write;
// BenchmarkUserByToken). Only clients that come back within authCacheTTL
// gain: an integration calling the API, a visitor clicking through pages.
//
// Correctness: the writer connection watches its own changes (SQLite's
// update hook, stmtcache.go). Any change to a row of users (whatever the
// statement, cascades included) and any deleted token empties the cache
// when the transaction that made it ends, that is after its commit, before
// the write returns to its caller. An entry filled while such a write was
// running is never kept (entries carry the generation read before the
// fill). Tokens' other changes are only their last use, which the cache
// keeps itself. Every write of this server goes through that one
// connection; a change made by another process on the same file (a second
// server, an sqlite3 shell; the expo command's admin tasks only create
// users and tokens) shows after at most authCacheTTL.
//
// PostgreSQL has no cache (the store's field is nil): several app instances
// share one database there, and its reads do not pay SQLite's cost.
type authCache struct {
	gen    atomic.Uint64
	mu     sync.Mutex
	tokens map[string]authEntry[tokenOwner] // by token hash
	users  map[int64]authEntry[expo.User]
}

// authCacheTTL bounds how long a change made outside this server goes
// unseen; authCacheMax bounds each map (when full it starts over).
const (
	authCacheTTL = 30 * time.Second
	authCacheMax = 20000
)

// authEntry is a cached value with the generation read before its fill and
// the time of the fill.
type authEntry[V any] struct {
	gen uint64
	at  time.Time
	val V
}

// tokenOwner is what a token read finds.
type tokenOwner struct {
	user     expo.User
	tokenID  int64
	lastUsed *time.Time
}

func newAuthCache() *authCache {
	return &authCache{tokens: map[string]authEntry[tokenOwner]{}, users: map[int64]authEntry[expo.User]{}}
}

// A nil cache (PostgreSQL) holds nothing: lookups miss, fills are dropped.

// generation is read before a fill; a fill is kept only if no watched
// change ended since.
func (c *authCache) generation() uint64 {
	if c == nil {
		return 0
	}
	return c.gen.Load()
}

func (c *authCache) invalidate() { c.gen.Add(1) }

// lookup returns the entry under k if it is of the current generation and
// younger than authCacheTTL.
func lookup[K comparable, V any](c *authCache, m map[K]authEntry[V], k K, now time.Time) (V, bool) {
	var zero V
	g := c.gen.Load()
	c.mu.Lock()
	e, ok := m[k]
	c.mu.Unlock()
	if !ok || e.gen != g || now.Sub(e.at) >= authCacheTTL {
		return zero, false
	}
	return e.val, true
}

// fill keeps e under k unless a watched change ended since e.gen was read.
func fill[K comparable, V any](c *authCache, m map[K]authEntry[V], k K, e authEntry[V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != e.gen {
		return
	}
	if len(m) >= authCacheMax {
		clear(m)
	}
	m[k] = e
}

func (c *authCache) token(hash string, now time.Time) (tokenOwner, bool) {
	if c == nil {
		return tokenOwner{}, false
	}
	t, ok := lookup(c, c.tokens, hash, now)
	t.user = cloneUser(t.user)
	return t, ok
}

func (c *authCache) putToken(hash string, e authEntry[tokenOwner]) {
	if c == nil {
		return
	}
	e.val.user = cloneUser(e.val.user)
	fill(c, c.tokens, hash, e)
}

// touched records a token's last use in its entry, if it is still there.
func (c *authCache) touched(hash string, at time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.tokens[hash]; ok {
		e.val.lastUsed = &at
		c.tokens[hash] = e
	}
}

func (c *authCache) user(id int64, now time.Time) (expo.User, bool) {
	if c == nil {
		return expo.User{}, false
	}
	u, ok := lookup(c, c.users, id, now)
	return cloneUser(u), ok
}

func (c *authCache) putUser(e authEntry[expo.User]) {
	if c == nil {
		return
	}
	e.val = cloneUser(e.val)
	fill(c, c.users, e.val.ID, e)
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
