package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// loadGen is the load generator: conns goroutines, each a closed loop of
// one request at a time over a kept-alive connection. It is kept cheap
// because it shares the machine's cores with the server: no cookie jar, no
// redirects followed, bodies discarded into a reused buffer unless a
// scenario needs them, latencies appended to per-worker slices and sorted
// once at the end.
type loadGen struct {
	base   string
	conns  int
	client *http.Client
}

func newLoadGen(base string, conns int) *loadGen {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &loadGen{base: base, conns: conns, client: &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// size is the length of the body of a GET.
func (lg *loadGen) size(ctx context.Context, path string) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, lg.base+path, nil)
	resp, err := lg.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
	}
	return len(b), err
}

// worker is one connection's loop state, handed to a scenario's request
// builder.
type worker struct {
	id  int
	rng *rand.Rand
	lg  *loadGen
}

// result is one scenario's measurements.
type result struct {
	Name      string  `json:"name"`
	Kind      string  `json:"kind"`
	Requests  int     `json:"requests"`
	RPS       float64 `json:"rps"`
	P50ms     float64 `json:"p50_ms"`
	P95ms     float64 `json:"p95_ms"`
	P99ms     float64 `json:"p99_ms"`
	MaxMs     float64 `json:"max_ms"`
	OK        int     `json:"ok"`       // 2xx
	Rejected  int     `json:"rejected"` // 3xx and 4xx: expected answers to racing writes (seat taken, already booked)
	Status5xx int     `json:"status_5xx"`
	// Errors are 5xx answers and failed requests (connection errors,
	// timeouts); a scenario's own check failing counts too.
	Errors      int     `json:"errors"`
	Limit       string  `json:"limit,omitempty"`
	Ratio       float64 `json:"ratio_to_limit,omitempty"`
	TargetRatio float64 `json:"target_ratio,omitempty"`
	TargetP99ms float64 `json:"target_p99_ms,omitempty"`
	Met         bool    `json:"target_met"`
	FirstError  string  `json:"first_error,omitempty"`
	// Answers are the counts of a scenario answering pending meetings.
	Answers *answers `json:"answers,omitempty"`
	// Statuses counts the answers by HTTP status ("201": n, "409": n, …).
	Statuses map[string]int `json:"statuses,omitempty"`
}

type workerStats struct {
	lat                          []time.Duration
	ok, rejected, s5xx, failures int
	firstErr                     string
	statuses                     map[int]int
}

// run drives one scenario for d with lg.conns connections.
func (lg *loadGen) run(ctx context.Context, sc scenario, d time.Duration) result {
	// New requests start until d has passed; those in flight then run to
	// their end (or the client's timeout) and count, so a slow tail is
	// measured rather than cut off.
	stats := make([]workerStats, lg.conns)
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for i := range lg.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{id: i, rng: rand.New(rand.NewPCG(uint64(i), uint64(start.UnixNano()))), lg: lg}
			st := &stats[i]
			st.lat = make([]time.Duration, 0, 4096)
			st.statuses = map[int]int{}
			buf := make([]byte, 32*1024)
			for ctx.Err() == nil && time.Now().Before(end) {
				req, check := sc.next(w)
				if req == nil {
					break // nothing left to send on this connection
				}
				req = req.WithContext(ctx)
				t0 := time.Now()
				resp, err := lg.client.Do(req)
				var body []byte
				if err == nil {
					if check != nil {
						body, err = io.ReadAll(resp.Body)
					} else {
						_, err = io.CopyBuffer(io.Discard, resp.Body, buf)
					}
					resp.Body.Close()
				}
				lat := time.Since(t0)
				if ctx.Err() != nil {
					break // the benchmark was interrupted
				}
				st.lat = append(st.lat, lat)
				if err != nil {
					st.failures++
					if st.firstErr == "" {
						st.firstErr = err.Error()
					}
					continue
				}
				st.statuses[resp.StatusCode]++
				switch {
				case resp.StatusCode >= 500:
					st.s5xx++
					if st.firstErr == "" {
						st.firstErr = fmt.Sprintf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
					}
				case resp.StatusCode >= 300:
					st.rejected++
				default:
					st.ok++
				}
				if check != nil {
					if err := check(resp.StatusCode, body); err != nil {
						st.failures++
						if st.firstErr == "" {
							st.firstErr = err.Error()
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := result{Name: sc.name, Kind: string(sc.kind), Statuses: map[string]int{}}
	var all []time.Duration
	for _, st := range stats {
		for code, n := range st.statuses {
			r.Statuses[strconv.Itoa(code)] += n
		}
		all = append(all, st.lat...)
		r.OK += st.ok
		r.Rejected += st.rejected
		r.Status5xx += st.s5xx
		r.Errors += st.s5xx + st.failures
		if r.FirstError == "" {
			r.FirstError = st.firstErr
		}
	}
	slices.Sort(all)
	r.Requests = len(all)
	r.RPS = float64(len(all)) / elapsed.Seconds()
	r.P50ms, r.P95ms, r.P99ms = ms(quantile(all, 0.50)), ms(quantile(all, 0.95)), ms(quantile(all, 0.99))
	if len(all) > 0 {
		r.MaxMs = ms(all[len(all)-1])
	}
	return r
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
