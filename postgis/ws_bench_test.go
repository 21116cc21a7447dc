package postgis_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/internal/wsload"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/server"
)

// BenchmarkWSLatencyPostGIS measures, on real PostGIS, the time from an edit
// committed through one instance to its event arriving at N websocket
// clients, connected to the same instance (instances=1) or split between it
// and a second instance on the same database (instances=2: half the clients
// hear of the edit through LISTEN/NOTIFY). p50/p99 are from the event's
// time (the database clock at the write) to arrival.
//
//	go test -run '^$' -bench WSLatencyPostGIS -benchtime 50x ./postgis
func BenchmarkWSLatencyPostGIS(b *testing.B) {
	for _, instances := range []int{1, 2} {
		for _, clients := range []int{1, 100, 1000} {
			b.Run(fmt.Sprintf("instances=%d/clients=%d", instances, clients), func(b *testing.B) {
				benchPostGISLatency(b, instances, clients)
			})
		}
	}
}

func benchPostGISLatency(b *testing.B, instances, clients int) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	url := pgtest.NewDatabase(b)
	var stores []*postgis.Store
	var urls []string
	for range instances {
		s, err := postgis.Open(ctx, url, postgis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		srv := server.New(server.Config{Geo: s, Tiles: s, Events: s})
		ts := httptest.NewServer(srv)
		b.Cleanup(func() { ts.Close(); srv.Close(); s.Close() })
		stores = append(stores, s)
		urls = append(urls, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws")
	}
	writer := stores[0]
	if err := writer.ReplaceBoundaries(ctx, bdtest.GridUnits(b)); err != nil {
		b.Fatal(err)
	}
	rs, err := wsload.DialReaders(ctx, urls, clients, wsload.Subscribe{Topics: []string{live.TopicEnterprises}})
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	n := 0
	wsload.Bench(ctx, b, rs, func(ctx context.Context) (int64, error) {
		n++
		pt := orb.Point{90.5, 22.5}
		e := &guccho.Enterprise{ID: "B" + strconv.Itoa(n), Sector: "dairy", Point: pt, GPS: &pt,
			Geocode: guccho.Geocode{Method: guccho.GeocodeGPS, Score: 1}}
		if err := writer.CreateEnterprise(ctx, e); err != nil {
			return 0, err
		}
		return writer.LatestEventID(ctx)
	})
}
