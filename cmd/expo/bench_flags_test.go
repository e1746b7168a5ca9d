package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeBenchFlags: the load benchmark's probes exist only with
// --bench-routes, --bench-pprof takes only a loopback address, and a bad
// --read-cache is refused with a message naming the flag.
func TestServeBenchFlags(t *testing.T) {
	probe := func(t *testing.T, app *testApp) int {
		t.Helper()
		resp, err := http.Get(app.URL + "/bench/page?bytes=10")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("probes absent by default", func(t *testing.T) {
		if got := probe(t, startApp(t, "")); got != http.StatusNotFound {
			t.Errorf("GET /bench/page: status %d, want 404", got)
		}
	})
	t.Run("probes present with --bench-routes", func(t *testing.T) {
		if got := probe(t, startApp(t, "", "--bench-routes", "--read-cache", "0")); got != http.StatusOK {
			t.Errorf("GET /bench/page: status %d, want 200", got)
		}
	})
	bad := []struct{ name, flag, value, want string }{
		{"read cache not a duration", "--read-cache", "soon", "--read-cache"},
		{"read cache negative", "--read-cache", "-1s", "--read-cache"},
		{"pprof on a public address", "--bench-pprof", "0.0.0.0:6060", "loopback"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "expo.db")
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", db, b.flag, b.value}, noEnv, strings.NewReader(""), &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("run with %s %s: error %v, want one naming %q", b.flag, b.value, err, b.want)
			}
		})
	}
}
