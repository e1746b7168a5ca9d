package web

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"expo/web/i18n"
)

// The page cache keeps the rendered answers of the public pages that every
// anonymous visitor shares (home, directory, profiles, floor plan,
// programme, forum pages), so a crowd of visitors does not render the same
// page over and over: rendering the day's timetable was ≈ 78% of the CPU
// of the timetable benchmark (BENCHMARKS.md).
//
// What an anonymous page depends on, and so its key: the language (from the
// EN/中文 cookie or Accept-Language; users' own setting does not apply, as
// no user is logged in), the host and the full request URI (path and query),
// and the htmx headers wantsFragment reads (a fragment and the full page are
// different answers). Everything else in pages.Page is the same for every
// anonymous visitor but the anti-forgery token: entries are rendered with a
// per-process random sentinel in its place, whose occurrences are cut out
// when the entry is stored and replaced by the visitor's own token when it
// is served. The sentinel is made of letters only, like Echo's tokens, so no
// HTML, URL or JSON escaping can change it; and because it is random, no
// exhibitor can plant it in a description.
//
// It is never used for a logged-in visitor (navigation and content are
// personal), for a visitor with a pending flash message, or when the
// visitor's token holds characters that would need escaping (a forged
// cookie): those requests render as if there were no cache.
//
// Freshness is the read cache's (readcache.go): the same generation, bumped
// after every write request this instance serves, and the same lifetime
// for changes made through another instance. An entry rendered while a
// write ran is not kept. Concurrent misses of one key wait for the first
// rendering instead of rendering the page each.

// sharedPageRoutes names the routes (routes.go) the page cache wraps: GET
// pages that are public and show an anonymous visitor only what every
// anonymous visitor sees. TestSharedPageRoutes checks they exist and are
// public.
var sharedPageRoutes = []string{"home", "directory", "directory.profile", "floorplan", "floorplan.hall", "forums", "forums.view"}

const (
	// pageCacheMaxEntries and pageCacheMaxBytes bound the cache: directory
	// searches make keys unbounded. When full, expired entries go first;
	// if that frees too little, the cache starts over.
	pageCacheMaxEntries = 4096
	pageCacheMaxBytes   = 32 << 20
	// maxSharedToken is the longest token a shared page is served with.
	maxSharedToken = 128
)

// cacheSharedPages wraps the handlers of sharedPageRoutes with the page
// cache. The cache is looked up when a request arrives, so wrapping works
// on the zero Server that RouteTable uses, and with the cache off.
func (s *Server) cacheSharedPages(routes []Route) []Route {
	for i, r := range routes {
		if r.Method == http.MethodGet && slices.Contains(sharedPageRoutes, r.Name) {
			routes[i].handler = s.sharedPage(r.handler)
		}
	}
	return routes
}

type pageCache struct {
	rc       *readCache // generation and lifetime
	sentinel string
	maxItems int
	maxBytes int

	mu      sync.Mutex
	gen     uint64 // the generation of entries
	entries map[string]*pageEntry
	size    int // bytes held by entries
	fills   map[string]*pageFill
}

// pageEntry is one stored answer.
type pageEntry struct {
	at     time.Time
	status int
	header []headerOp // what the handler set, Set-Cookie never
	body   []byte     // the page with the sentinel cut out
	holes  []int      // ascending offsets in body where the visitor's token goes
	cost   int
}

// headerOp replays one header the handler set: add appends values the
// handler added to ones set before it (Vary), otherwise they replace.
type headerOp struct {
	key    string
	values []string
	add    bool
}

// pageFill is a rendering in progress that other requests for the same
// key wait for.
type pageFill struct {
	gen   uint64
	done  chan struct{}
	entry *pageEntry // set before done closes; nil if the answer was not stored
}

// newPageCache is the page cache over rc, or nil (off) when rc is.
func newPageCache(rc *readCache) *pageCache {
	if rc == nil {
		return nil
	}
	return &pageCache{rc: rc, sentinel: newSentinel(32), maxItems: pageCacheMaxEntries, maxBytes: pageCacheMaxBytes,
		entries: map[string]*pageEntry{}, fills: map[string]*pageFill{}}
}

// newSentinel is n random ASCII letters, the alphabet of Echo's CSRF tokens.
func newSentinel(n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		rand.Read(buf) // never fails (crypto/rand)
		for _, b := range buf {
			if int(b) < 4*len(letters) && len(out) < n { // 208 = 4·52: no bias
				out = append(out, letters[b%byte(len(letters))])
			}
		}
	}
	return string(out)
}

// shareableToken reports whether a token can be put into a stored page as
// it is: characters that no HTML, URL or JSON escaping changes. Echo makes
// letters, or "_echo_csrf_using_sec_fetch_site_" for browsers that send
// Sec-Fetch-Site; anything else came from a forged cookie.
func shareableToken(t string) bool {
	if t == "" || len(t) > maxSharedToken {
		return false
	}
	for i := 0; i < len(t); i++ {
		b := t[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

// pageKey is what a shared page's answer depends on besides the data.
func pageKey(c echo.Context) string {
	r := c.Request()
	var b strings.Builder
	b.WriteString(i18n.Lang(r.Context()))
	b.WriteByte(0)
	if h := r.Header; h.Get("HX-Request") == "true" {
		// The headers wantsFragment reads (render.go).
		b.WriteString(h.Get("HX-Boosted"))
		b.WriteByte(0)
		b.WriteString(h.Get("HX-Target"))
	}
	b.WriteByte(0)
	b.WriteString(r.Host)
	b.WriteByte(0)
	b.WriteString(r.URL.RequestURI())
	return b.String()
}

// sharedPage serves next's answer from the page cache when the visitor is
// one whose page is shared, and fills the cache otherwise.
func (s *Server) sharedPage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		pc := s.pages
		if pc == nil {
			return next(c)
		}
		r := c.Request()
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return next(c)
		}
		if _, ok := currentUser(c); ok {
			return next(c)
		}
		ctx := r.Context()
		if hasSession(ctx) && s.sessions.Exists(ctx, flashKey) {
			return next(c)
		}
		token := csrfToken(c)
		if !shareableToken(token) {
			return next(c)
		}
		key := pageKey(c)
		e, f, filler := pc.lookup(key)
		switch {
		case e != nil:
			return pc.serve(c, e, token)
		case f != nil && !filler:
			select {
			case <-f.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if f.entry != nil {
				return pc.serve(c, f.entry, token)
			}
			return next(c)
		case f == nil:
			// A rendering of an older generation is running: neither wait
			// for it nor start a second one.
			return next(c)
		}
		return s.fillPage(c, pc, key, f, token, next)
	}
}

// lookup finds a fresh entry, or the rendering in progress to wait for, or
// registers a new one (filler true) that the caller must finish.
func (pc *pageCache) lookup(key string) (e *pageEntry, f *pageFill, filler bool) {
	gen := pc.rc.gen.Load()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.gen != gen {
		// A write happened: nothing held is valid any more.
		clear(pc.entries)
		pc.size, pc.gen = 0, gen
	}
	if e := pc.entries[key]; e != nil {
		if time.Since(e.at) < pc.rc.ttl {
			return e, nil, false
		}
		pc.drop(key, e)
	}
	if f := pc.fills[key]; f != nil {
		if f.gen == gen {
			return nil, f, false
		}
		return nil, nil, false
	}
	f = &pageFill{gen: gen, done: make(chan struct{})}
	pc.fills[key] = f
	return nil, f, true
}

func (pc *pageCache) drop(key string, e *pageEntry) {
	delete(pc.entries, key)
	pc.size -= e.cost
}

// finish ends the rendering f: e (nil if the answer cannot be shared) is
// stored when no write ran meanwhile, and the waiting requests are woken.
func (pc *pageCache) finish(key string, f *pageFill, e *pageEntry) {
	pc.mu.Lock()
	if pc.fills[key] == f {
		delete(pc.fills, key)
	}
	if e != nil && pc.rc.gen.Load() == f.gen && pc.gen == f.gen {
		pc.store(key, e)
		f.entry = e
	}
	pc.mu.Unlock()
	close(f.done)
}

// store adds e within the bounds; pc.mu is held.
func (pc *pageCache) store(key string, e *pageEntry) {
	e.cost = len(e.body) + len(key) + 8*len(e.holes) + 256
	if e.cost > pc.maxBytes/16 {
		return // one page must not push out dozens
	}
	if old := pc.entries[key]; old != nil {
		pc.drop(key, old)
	}
	if len(pc.entries) >= pc.maxItems || pc.size+e.cost > pc.maxBytes {
		for k, old := range pc.entries {
			if time.Since(old.at) >= pc.rc.ttl {
				pc.drop(k, old)
			}
		}
		if len(pc.entries) > pc.maxItems*3/4 || pc.size+e.cost > pc.maxBytes*3/4 {
			clear(pc.entries)
			pc.size = 0
		}
	}
	pc.entries[key] = e
	pc.size += e.cost
}

// pageRecorder keeps what a handler writes; headers go to the real
// response's header map, so the middleware's hooks (session cookie) see
// them as usual.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *pageRecorder) Header() http.Header { return w.header }

func (w *pageRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *pageRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// fillPage renders the page with the sentinel as its token, offers the
// answer to the cache, and answers this request with its own token put in.
func (s *Server) fillPage(c echo.Context, pc *pageCache, key string, f *pageFill, token string, next echo.HandlerFunc) (err error) {
	res := c.Response()
	out := res.Writer
	before := res.Header().Clone()
	rec := &pageRecorder{header: out.Header()}
	finished := false
	finish := func(e *pageEntry) {
		res.Writer = out
		c.Set(csrfKey, token) // so an error page shows this visitor's token
		if !finished {
			finished = true
			pc.finish(key, f, e)
		}
	}
	defer finish(nil) // on a panic too: waiters must not wait forever
	res.Writer = rec
	c.Set(csrfKey, pc.sentinel)
	err = next(c)
	if rec.status == 0 {
		finish(nil)
		return err // nothing written: the error page is rendered outside
	}
	entry := pc.entryOf(rec, before)
	if err == nil && s.shareable(c, rec, before, entry, token) {
		finish(entry) // before answering, so the next request finds it
	} else {
		finish(nil)
	}
	if werr := writeEntry(res, out, entry, token); werr != nil && err == nil {
		err = werr
	}
	return err
}

// shareable decides whether the rendered answer may be served to other
// visitors.
func (s *Server) shareable(c echo.Context, rec *pageRecorder, before http.Header, e *pageEntry, token string) bool {
	if rec.status != http.StatusOK {
		return false
	}
	ct := rec.header.Get(echo.HeaderContentType)
	if !strings.HasPrefix(ct, "text/html") && !strings.HasPrefix(ct, "image/svg+xml") {
		return false
	}
	if len(rec.header.Values("Set-Cookie")) != len(before.Values("Set-Cookie")) {
		return false // the handler (or the session) set a cookie: personal
	}
	if ctx := c.Request().Context(); hasSession(ctx) && s.sessions.Status(ctx) != scs.Unmodified {
		return false
	}
	// The page must carry the token only where the sentinel was.
	if len(token) >= 16 && bytes.Contains(e.body, []byte(token)) {
		return false
	}
	return true
}

// entryOf turns a recorded answer into an entry: the headers the handler
// set, and the body with the sentinel's occurrences cut out.
func (pc *pageCache) entryOf(rec *pageRecorder, before http.Header) *pageEntry {
	e := &pageEntry{at: time.Now(), status: rec.status}
	for k, vs := range rec.header {
		if k == "Set-Cookie" || k == "Content-Length" {
			continue
		}
		old := before[k]
		switch {
		case slices.Equal(old, vs):
		case len(old) < len(vs) && slices.Equal(old, vs[:len(old)]):
			e.header = append(e.header, headerOp{key: k, values: slices.Clone(vs[len(old):]), add: true})
		default:
			e.header = append(e.header, headerOp{key: k, values: slices.Clone(vs)})
		}
	}
	b := rec.body.Bytes()
	sentinel := []byte(pc.sentinel)
	body := make([]byte, 0, len(b))
	for {
		i := bytes.Index(b, sentinel)
		if i < 0 {
			break
		}
		body = append(body, b[:i]...)
		e.holes = append(e.holes, len(body))
		b = b[i+len(sentinel):]
	}
	e.body = append(body, b...)
	return e
}

// serve answers from a stored entry with the visitor's token.
func (pc *pageCache) serve(c echo.Context, e *pageEntry, token string) error {
	h := c.Response().Header()
	for _, op := range e.header {
		if op.add {
			h[op.key] = append(h[op.key], op.values...)
		} else {
			h[op.key] = slices.Clone(op.values)
		}
	}
	res := c.Response()
	return writeEntry(res, nil, e, token)
}

// spliceBufs are the buffers pages are put together in: one write per
// answer is one system call, where a write per piece was one each.
var spliceBufs = sync.Pool{New: func() any { return new([]byte) }}

// writeEntry writes e's status and body with token in its holes: through
// res (running its hooks), or straight to w when the handler already
// committed res.
func writeEntry(res *echo.Response, w http.ResponseWriter, e *pageEntry, token string) error {
	n := len(e.body) + len(e.holes)*len(token)
	res.Header().Set(echo.HeaderContentLength, strconv.Itoa(n))
	bp := spliceBufs.Get().(*[]byte)
	defer spliceBufs.Put(bp)
	b := (*bp)[:0]
	prev := 0
	for _, at := range e.holes {
		b = append(b, e.body[prev:at]...)
		b = append(b, token...)
		prev = at
	}
	b = append(b, e.body[prev:]...)
	*bp = b
	if w == nil {
		res.WriteHeader(e.status)
		_, err := res.Write(b)
		return err
	}
	w.WriteHeader(e.status)
	m, err := w.Write(b)
	res.Size += int64(m)
	return err
}
