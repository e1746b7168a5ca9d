package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"expo/internal/expo"
)

// Benchmark mode (Config.BenchRoutes, `expo serve --bench-routes`) adds two
// routes with which the load benchmark (cmd/expobench) measures the limits
// of the machine in the same run as its scenarios: a fixed page of the
// requested size that reads nothing (what Echo and its middleware can serve),
// and a POST that commits one single-row insert through the writer pool
// (what the database can write). They are not in the route table: a normal
// server never has them, and the route-walking tests never see them.
const (
	benchPagePath   = "/bench/page"
	benchInsertPath = "/api/bench/insert"
	benchMaxBytes   = 1 << 20
)

// benchFiller is the fixed page's content: HTML-ish text, cut to size.
var benchFiller = bytes.Repeat([]byte("<li><a href=\"/exhibitors/x\">Exhibitor</a> <span>CN · New energy</span></li>\n"), benchMaxBytes/70+1)[:benchMaxBytes]

func (s *Server) addBenchRoutes() {
	s.echo.GET(benchPagePath, s.handleBenchPage)
	s.echo.POST(benchInsertPath, s.handleBenchInsert)
}

// handleBenchPage answers ?bytes=N (1 to 1 MiB, default 20 KB) bytes of
// HTML, through the same middleware as every page.
func (s *Server) handleBenchPage(c echo.Context) error {
	n := 20000
	if v := c.QueryParam("bytes"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > benchMaxBytes {
			return &expo.Error{Code: expo.CodeInvalid, Message: "error.paging_range"}
		}
	}
	return c.HTMLBlob(http.StatusOK, benchFiller[:n])
}

// handleBenchInsert commits one row through the writer pool.
func (s *Server) handleBenchInsert(c echo.Context) error {
	if err := s.store.BenchWrite(c.Request().Context(), "probe"); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
