package web

// RouteInfo is one entry of the route table without its handler, for code
// outside this package (the browser accessibility audit walks it).
type RouteInfo struct {
	Method string
	Path   string
	Name   string
	Access Access
}

// RouteTable lists every route of the application, as Routes does, without
// needing a running server: the handlers are method values, so a zero
// Server is enough to read the table.
func RouteTable() []RouteInfo {
	routes := (&Server{}).Routes()
	out := make([]RouteInfo, len(routes))
	for i, r := range routes {
		out[i] = RouteInfo{Method: r.Method, Path: r.Path, Name: r.Name, Access: r.Access}
	}
	return out
}
