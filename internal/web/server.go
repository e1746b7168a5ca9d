// Package web serves the expo over HTTP with Echo: pages rendered by templ,
// the JSON API, feeds and static assets. Every route is listed in routes.go;
// errors are mapped to statuses in errors.go.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"expo/internal/expo"
	"expo/internal/store"
	"expo/web/i18n"
)

// Config is what the server needs to know about its deployment.
type Config struct {
	BaseURL  string
	Location *time.Location
	Logger   *slog.Logger
	// Limits are the rate limits; zero fields take the defaults.
	Limits Limits
	// TrustProxy takes the client address from X-Forwarded-For. Only set it
	// behind a reverse proxy that overwrites that header, or anyone can pick
	// the address the per-IP rate limits count.
	TrustProxy bool
	// ReadCacheTTL, when positive, keeps public directory, profile and
	// floor plan reads that long (readcache.go); `expo serve` sets it.
	ReadCacheTTL time.Duration
	// BenchRoutes adds the load benchmark's limit probes (bench.go); only
	// `expo serve --bench-routes` sets it.
	BenchRoutes bool
}

// Server holds the dependencies of the handlers.
type Server struct {
	store    *store.Store
	catalog  *i18n.Catalog
	log      *slog.Logger
	loc      *time.Location
	baseURL  string
	secure   bool
	sessions *scs.SessionManager
	limits   *limiters
	imports  *importRegistry
	previews schedulePreviews // auto-scheduler runs (scheduler.go)
	cache    *readCache       // nil unless Config.ReadCacheTTL (readcache.go)
	pages    *pageCache       // rendered shared pages; nil when cache is (pagecache.go)
	echo     *echo.Echo

	// directoryLoads shares loads of the directory index (directory.go).
	directoryLoads sharedLoad[*expo.DirectoryIndex]
}

// New builds the HTTP handler of the application.
func New(st *store.Store, cat *i18n.Catalog, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	secure := strings.HasPrefix(cfg.BaseURL, "https://")
	sm := scs.New()
	sm.Store = st.Sessions()
	sm.Codec = store.SessionCodec{}
	sm.Lifetime = 14 * 24 * time.Hour
	sm.IdleTimeout = 3 * 24 * time.Hour
	sm.Cookie.Name = "expo_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Persist = true
	s := &Server{
		store: st, catalog: cat, log: cfg.Logger, loc: cfg.Location,
		baseURL: strings.TrimSuffix(cfg.BaseURL, "/"), secure: secure, sessions: sm,
		limits: newLimiters(cfg.Limits.withDefaults()), imports: newImportRegistry(),
	}
	s.echo = s.newEcho()
	if s.cache = newReadCache(cfg.ReadCacheTTL); s.cache != nil {
		s.echo.Use(s.invalidateOnWrite)
	}
	s.pages = newPageCache(s.cache)
	if cfg.BenchRoutes {
		s.addBenchRoutes()
	}
	if cfg.TrustProxy {
		s.echo.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		s.echo.IPExtractor = echo.ExtractIPDirect()
	}
	return s
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Background runs the server's periodic jobs until ctx ends.
func (s *Server) Background(ctx context.Context) {
	go s.store.Sessions().CleanupLoop(ctx, 10*time.Minute, s.log)
	go s.limits.pruneLoop(ctx)
	go s.expireMeetingsLoop(ctx, time.Minute)
}
