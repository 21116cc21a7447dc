// Package loadgen is a small HTTP load generator for benchmarks: a few
// connections issue GETs for a fixed list of paths against a server on the
// loopback interface, and the run reports throughput, latency percentiles,
// bytes and status codes.
//
// Every request asks for gzip (Accept-Encoding: gzip) and its body is read
// to the end; the body is not decompressed, so Result.Bytes counts what
// crossed the wire. A run is always bounded both in requests and in time.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Limits on a run, whatever the Config asks for.
const (
	MaxDuration = 10 * time.Minute
	MaxRequests = 10_000_000
)

// Config describes a run. BaseURL and Paths are required.
type Config struct {
	// BaseURL is the scheme and host of the server, e.g.
	// "http://127.0.0.1:8080", optionally with a path prefix. Its host must
	// be "localhost" or a loopback IP address.
	BaseURL string
	// Paths are requested in order, round-robin: request i asks for
	// Paths[i % len(Paths)]. Each starts with "/" and is appended to BaseURL
	// (less any trailing slash) as it is, query included.
	Paths []string
	// Concurrency is the number of requests in flight, each worker on its
	// own keep-alive connection; default 1.
	Concurrency int
	// Requests stops the run after this many requests; default (0) one
	// pass over Paths. At most MaxRequests.
	Requests int
	// Duration stops the run when it has elapsed: no request starts later,
	// and those in flight finish. Default (0) and upper bound: MaxDuration.
	Duration time.Duration
	// Timeout bounds one request, body included; default 30s. A request
	// that times out counts in Result.Errors.
	Timeout time.Duration
}

// Result is the outcome of a run. Latency is measured from sending the
// request to reading the last byte of its body. Percentiles are by nearest
// rank over the requests that received a response (any status).
type Result struct {
	Requests int           // requests that received a response
	Errors   int           // requests that failed without a response (connection, timeout)
	Non2xx   int           // responses with a status outside 200–299
	Status   map[int]int   // responses by status code
	Bytes    int64         // body bytes received, as sent (compressed when the server gzipped)
	Elapsed  time.Duration // wall time of the run
	P50, P99 time.Duration // latency percentiles
	Max      time.Duration // slowest request
	FirstErr error         // the first request error, if any
}

// RPS returns the responses per second over the whole run.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// String returns a one-line summary.
func (r Result) String() string {
	return fmt.Sprintf("%d requests in %v (%.0f/s), p50 %v, p99 %v, max %v, %d bytes, %d non-2xx, %d errors",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.RPS(), r.P50, r.P99, r.Max, r.Bytes, r.Non2xx, r.Errors)
}

// Run performs the run that cfg describes and returns its result. It
// returns an error, before sending anything, when cfg is invalid or its
// host is not a loopback address. Failed requests do not stop the run: they
// are counted in Result.Errors. Cancelling ctx stops the run early, and the
// requests it cuts short count as errors.
func Run(ctx context.Context, cfg Config) (Result, error) {
	base, err := CheckBaseURL(cfg.BaseURL)
	if err != nil {
		return Result{}, err
	}
	if len(cfg.Paths) == 0 {
		return Result{}, errors.New("loadgen: no paths")
	}
	for _, p := range cfg.Paths {
		if !strings.HasPrefix(p, "/") {
			return Result{}, fmt.Errorf("loadgen: path %q does not start with /", p)
		}
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	if cfg.Requests <= 0 {
		cfg.Requests = len(cfg.Paths)
	}
	cfg.Requests = min(cfg.Requests, MaxRequests)
	if cfg.Duration <= 0 || cfg.Duration > MaxDuration {
		cfg.Duration = MaxDuration
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}

	tr := Transport(cfg.Concurrency)
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		Timeout:   cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect is a response like any other
		},
	}

	var next atomic.Int64
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	workers := make([]worker, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		w := &workers[i]
		w.status = map[int]int{}
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				n := int(next.Add(1) - 1)
				if n >= cfg.Requests {
					return
				}
				w.do(ctx, client, base+cfg.Paths[n%len(cfg.Paths)])
			}
		})
	}
	wg.Wait()

	res := Result{Status: map[int]int{}, Elapsed: time.Since(start)}
	var lat []time.Duration
	for _, w := range workers {
		lat = append(lat, w.latencies...)
		res.Errors += w.errors
		res.Bytes += w.bytes
		for code, n := range w.status {
			res.Status[code] += n
			if code < 200 || code > 299 {
				res.Non2xx += n
			}
		}
		if res.FirstErr == nil {
			res.FirstErr = w.firstErr
		}
	}
	res.Requests = len(lat)
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50, res.P99, res.Max = rank(lat, 0.50), rank(lat, 0.99), lat[len(lat)-1]
	}
	return res, nil
}

// worker holds one goroutine's tallies, merged when the run ends.
type worker struct {
	latencies []time.Duration
	status    map[int]int
	bytes     int64
	errors    int
	firstErr  error
}

func (w *worker) do(ctx context.Context, client *http.Client, u string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		w.fail(err)
		return
	}
	req.Header.Set("Accept-Encoding", "gzip")
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		w.fail(err)
		return
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		w.fail(fmt.Errorf("GET %s: reading body: %w", u, err))
		return
	}
	w.latencies = append(w.latencies, time.Since(t0))
	w.status[resp.StatusCode]++
	w.bytes += n
}

func (w *worker) fail(err error) {
	w.errors++
	if w.firstErr == nil {
		w.firstErr = err
	}
}

// rank returns the nearest-rank q-quantile of sorted, non-empty lat.
func rank(lat []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(lat)))) - 1
	return lat[max(0, min(i, len(lat)-1))]
}

// CheckBaseURL validates a base URL (http or https, host localhost or a
// loopback address, no query or fragment) and returns it without a
// trailing slash.
func CheckBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("loadgen: base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("loadgen: base URL %q: scheme must be http or https", raw)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); !(host == "localhost" || ip != nil && ip.IsLoopback()) {
		return "", fmt.Errorf("loadgen: base URL %q: host must be localhost or a loopback address", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("loadgen: base URL %q: no query or fragment allowed", raw)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// Transport returns the HTTP transport of a load run: no proxy (a run never
// leaves the machine through one), a short dial timeout, up to idle kept
// connections per host, and bodies kept as sent (runs ask for gzip
// themselves, to count the bytes that cross the wire).
func Transport(idle int) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: idle,
		DisableCompression:  true,
	}
}
