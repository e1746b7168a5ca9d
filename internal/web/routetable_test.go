package web

import "testing"

// TestRouteTableMatchesRoutes: the handler-free table lists exactly the
// routes the server serves, in the same order.
func TestRouteTableMatchesRoutes(t *testing.T) {
	srv := (&Server{}).Routes()
	table := RouteTable()
	if len(table) != len(srv) {
		t.Fatalf("RouteTable has %d routes, Routes %d", len(table), len(srv))
	}
	for i, r := range srv {
		want := RouteInfo{Method: r.Method, Path: r.Path, Name: r.Name, Access: r.Access}
		if table[i] != want {
			t.Errorf("route %d: RouteTable %+v, Routes %+v", i, table[i], want)
		}
	}
}
