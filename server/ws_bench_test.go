package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/internal/wsload"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/live/livetest"
	"github.com/guccho/guccho/server"
)

// The websocket figures: run with
//
//	go test -run '^$' -bench 'BenchmarkWS' -benchtime=1x ./server          (latency: drop -benchtime for more events)
//	GUCCHO_WS_IDLE=10000 go test -run '^$' -bench BenchmarkWSIdleMemory -benchtime=1x ./server
//
// Load clients run in the same process on the loopback interface and share
// its CPUs with the server, so the figures are conservative.

// wsBenchLog is the event log the websocket benchmarks drive. The in-memory
// log stands in here; a store can take its place (for the cross-instance
// figure, open returns a new store on one PostGIS database per server, each
// with its own NOTIFY listener).
type wsBenchLog struct {
	// open returns the log one server instance reads.
	open func(b *testing.B) guccho.EventStore
	// commit commits one small enterprise change (as one edit does) and
	// returns its event id.
	commit func(ctx context.Context) (int64, error)
}

func memBenchLog() wsBenchLog {
	m := livetest.NewLog()
	c := change(90.4, 23.8, "dairy")
	return wsBenchLog{
		open:   func(*testing.B) guccho.EventStore { return m },
		commit: func(context.Context) (int64, error) { return m.Change(c).ID, nil },
	}
}

// wsBenchServers starts n servers, each reading its own opening of log, and
// returns their /ws URLs.
func wsBenchServers(b *testing.B, log wsBenchLog, n int) ([]string, []*server.Server) {
	b.Helper()
	var urls []string
	var srvs []*server.Server
	for range n {
		srv := server.New(server.Config{Events: log.open(b)})
		ts := httptest.NewServer(srv)
		b.Cleanup(func() {
			srv.Close()
			ts.Close()
		})
		urls = append(urls, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws")
		srvs = append(srvs, srv)
	}
	return urls, srvs
}

var benchSubscribe = wsload.Subscribe{Topics: []string{live.TopicEnterprises}}

// BenchmarkWSLatency commits one event at a time and waits until every
// client has it. p50-µs and p99-µs are the latencies from the store's
// commit (the event's time) to arrival at a client, over all clients and
// events; ns/op is the time until the last client had an event. With two
// servers on one log, clients are split between them.
func BenchmarkWSLatency(b *testing.B) {
	for _, servers := range []int{1, 2} {
		for _, clients := range []int{1, 100, 1000} {
			b.Run(fmt.Sprintf("servers=%d/clients=%d", servers, clients), func(b *testing.B) {
				benchLatency(b, memBenchLog(), servers, clients)
			})
		}
	}
}

func benchLatency(b *testing.B, log wsBenchLog, servers, clients int) {
	urls, _ := wsBenchServers(b, log, servers)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rs, err := wsload.DialReaders(ctx, urls, clients, benchSubscribe)
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	wsload.Bench(ctx, b, rs, log.commit)
}

// BenchmarkWSIdleMemory opens idle subscribed connections (1,000, or
// GUCCHO_WS_IDLE) and reports what each costs: heap and goroutine stacks
// in use, memory obtained from the OS, and goroutines. The idle clients
// keep only a socket on their side, so nearly all of it is the server's.
// Each connection takes two file descriptors of this process (keep
// GUCCHO_WS_IDLE under half of ulimit -n), and all must open within the
// server's ping period and pong wait (40 s).
func BenchmarkWSIdleMemory(b *testing.B) {
	n := 1000
	if v := os.Getenv("GUCCHO_WS_IDLE"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("GUCCHO_WS_IDLE=%q: %v", v, err)
		}
	}
	urls, srvs := wsBenchServers(b, memBenchLog(), 1)
	hub := srvs[0].Hub()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for range b.N {
		idle, err := wsload.DialIdle(ctx, urls[0], 10, benchSubscribe) // warm up
		if err != nil {
			b.Fatal(err)
		}
		idle.Close()
		waitSubscribers(b, hub, 0)

		m0, g0 := memNow()
		idle, err = wsload.DialIdle(ctx, urls[0], n, benchSubscribe)
		if err != nil {
			b.Fatal(err)
		}
		waitSubscribers(b, hub, n)
		m1, g1 := memNow()
		idle.Close()
		waitSubscribers(b, hub, 0)

		per := func(a, b uint64) float64 { return (float64(b) - float64(a)) / float64(n) }
		b.ReportMetric(per(m0.HeapInuse, m1.HeapInuse), "heap-B/conn")
		b.ReportMetric(per(m0.StackInuse, m1.StackInuse), "stack-B/conn")
		b.ReportMetric(per(m0.Sys, m1.Sys), "sys-B/conn")
		b.ReportMetric(float64(g1-g0)/float64(n), "goroutines/conn")
	}
}

func memNow() (runtime.MemStats, int) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms, runtime.NumGoroutine()
}

func waitSubscribers(b *testing.B, hub *live.Hub, n int) {
	b.Helper()
	deadline := time.Now().Add(time.Minute)
	for hub.Stats().Subscribers != n {
		if time.Now().After(deadline) {
			b.Fatalf("got %d subscribers, want %d", hub.Stats().Subscribers, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkWSThroughput commits events at rising rates, one second each,
// to 100 reading clients, and reports the highest rate at which every
// client received every event without being dropped, and the rate at which
// one first was.
func BenchmarkWSThroughput(b *testing.B) {
	const clients = 100
	log := memBenchLog()
	urls, srvs := wsBenchServers(b, log, 1)
	hub := srvs[0].Hub()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rs, err := wsload.DialReaders(ctx, urls, clients, benchSubscribe)
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	for range b.N {
		sustained, dropped := 0, 0
		for _, rate := range []int{1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000} {
			last, err := commitAt(ctx, log, rate, time.Second)
			if err != nil {
				b.Fatal(err)
			}
			wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
			err = rs.WaitFor(wctx, last)
			wcancel()
			if err != nil || hub.Stats().Dropped > 0 || len(rs.Stopped()) > 0 {
				dropped = rate
				break
			}
			sustained = rate
		}
		rs.TakeLatencies()
		b.ReportMetric(float64(sustained), "events/s")
		b.ReportMetric(float64(sustained*clients), "msgs/s")
		b.ReportMetric(float64(dropped), "drop-events/s")
	}
}

// commitAt commits events at rate per second for d, catching up every
// millisecond, and returns the last event id.
func commitAt(ctx context.Context, log wsBenchLog, rate int, d time.Duration) (int64, error) {
	start := time.Now()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	var last int64
	total := int(float64(rate) * d.Seconds())
	for done := 0; done < total; {
		due := min(total, int(float64(rate)*time.Since(start).Seconds()))
		for ; done < due; done++ {
			id, err := log.commit(ctx)
			if err != nil {
				return 0, err
			}
			last = id
		}
		<-tick.C
	}
	return last, nil
}
