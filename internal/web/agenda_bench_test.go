//go:build unix

package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"syscall"
	"testing"
	"time"

	"expo/internal/store"
	"expo/internal/storetest"
)

// BenchmarkAgendaPage is one logged-in GET /my/agenda through the whole
// middleware chain (session, user, CSRF, render) on the expo-scale demo,
// served in process so the figure is the server's own cost per request:
//
//	go test -run '^$' -bench BenchmarkAgendaPage -benchmem ./internal/web/
//
// attendee2 has about 30 forum sessions (with overlaps) and a meeting, as
// the agendas the load benchmark (cmd/expobench) asks for.
func BenchmarkAgendaPage(b *testing.B) {
	st := storetest.Open(b, "sqlite")
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.LoadDemo(context.Background(), demoPassword, store.ExpoScale, loc); err != nil {
		b.Fatal(err)
	}
	// The read cache as `expo serve` has it by default.
	app := newApp(b, st, Config{Location: loc, ReadCacheTTL: 2 * time.Second})
	c := app.as(b, demoAttendee2)
	u, _ := url.Parse(app.ts.URL)
	cookies := c.http.Jar.Cookies(u)
	req := httptest.NewRequest(http.MethodGet, "/my/agenda", nil)
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	serve := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		app.srv.ServeHTTP(w, req.Clone(context.Background()))
		return w
	}
	if w := serve(); w.Code != http.StatusOK || w.Body.Len() < 10_000 {
		b.Fatalf("GET /my/agenda: status %d, %d bytes; want 200 and a full agenda", w.Code, w.Body.Len())
	}
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		serve()
	}
	// CPU time is steadier than wall time on a machine shared with other
	// work, and counts the garbage collector's background work too.
	b.ReportMetric(float64((processCPU()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
