package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/guccho/guccho/embedded"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/server"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestABrokenQueryIsNotAnOutage: a query the database rejects as wrong (here
// a table gone from under the store) answers 500 internal, not 503
// unavailable; the client sees our message, the log the database's.
func TestABrokenQueryIsNotAnOutage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "guccho.db")
	s, err := embedded.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	ts := httptest.NewServer(server.New(server.Config{Geo: s, Tiles: s, Enterprises: s, DataVersion: s.DataVersion,
		Logger: slog.New(slog.NewTextHandler(&log, nil))}))
	t.Cleanup(ts.Close)

	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `DROP TABLE enterprises`); err != nil {
		t.Fatal(err)
	}

	r := get(t, ts.URL+"/api/enterprises/e1")
	wantError(t, r, 500, "internal", "reading enterprise")
	if strings.Contains(string(r.body), "no such table") {
		t.Errorf("the body %s shows the database's own message", r.body)
	}
	if !strings.Contains(log.String(), "no such table: enterprises") {
		t.Errorf("the log lacks the database's message:\n%s", log.String())
	}
}
