package postgis_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
	"github.com/guccho/guccho/postgis"
	"github.com/guccho/guccho/server"
)

func TestOpenAnUnreachableDatabase(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	url := fmt.Sprintf("postgres://guccho:secret@127.0.0.1:%d/guccho?connect_timeout=2", port)
	_, err := postgis.Open(context.Background(), url, postgis.Options{})
	if guccho.ErrorCode(err) != guccho.EUNAVAILABLE {
		t.Fatalf("Open = %v, want EUNAVAILABLE", err)
	}
	if want := fmt.Sprintf("cannot reach PostgreSQL at 127.0.0.1:%d/guccho", port); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q shows the password", err)
	}
}

func status(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServesThroughADatabaseRestart stops the database under a running
// server: requests get 503 with a message and /healthz says so; when the
// database returns, service resumes with no restart of Guccho.
func TestServesThroughADatabaseRestart(t *testing.T) {
	c := pgtest.NewCluster(t)
	ctx := context.Background()
	s, err := postgis.Open(ctx, c.URL("postgres"), postgis.Options{StatementTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.ReplaceBoundaries(ctx, bdtest.GridUnits(t)); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Config{Geo: s, Tiles: s, DataVersion: s.DataVersion, StoreName: "postgis", Ping: s.Ping}))
	defer ts.Close()

	if code, body := status(t, ts.URL+"/api/admin/BD1006"); code != 200 {
		t.Fatalf("before the restart: %d %s", code, body)
	}
	err = c.Restart(func() {
		if code, body := status(t, ts.URL+"/api/admin/BD1006"); code != 503 || !strings.Contains(body, "unavailable") {
			t.Errorf("with the database down: GET /api/admin = %d %s, want 503 naming the problem", code, body)
		}
		if code, body := status(t, ts.URL+"/api/reverse?lon=91.5&lat=23.5"); code != 503 {
			t.Errorf("with the database down: GET /api/reverse = %d %s, want 503", code, body)
		}
		if code, body := status(t, ts.URL+"/healthz"); code != 503 || !strings.Contains(body, `"status":"unavailable"`) {
			t.Errorf("with the database down: GET /healthz = %d %s, want 503", code, body)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := status(t, ts.URL+"/api/admin/BD1006")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the database returned: %d %s", code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code, _ := status(t, ts.URL+"/healthz"); code != 200 {
		t.Errorf("after the restart: /healthz = %d", code)
	}
}
