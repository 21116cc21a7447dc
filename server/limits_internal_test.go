package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestStalledBodiesLoseTheirConnection(t *testing.T) {
	ts := httptest.NewServer(limitBodyIdle(200 * time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})))
	defer ts.Close()
	tests := []struct{ name, request string }{
		{"a GET announcing a body it never sends", "GET /api/config HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n"},
		{"a chunked POST that stops", "POST /api/imports HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, tt.request)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			start := time.Now()
			_, err = io.Copy(io.Discard, bufio.NewReader(c))
			if err != nil {
				t.Fatalf("the connection was still open after %v: %v", time.Since(start).Round(time.Millisecond), err)
			}
		})
	}
}

func TestBodiesThatKeepArrivingAreNotCut(t *testing.T) {
	ts := httptest.NewServer(limitBodyIdle(300 * time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		io.WriteString(w, strings.Repeat("x", int(n)))
	})))
	defer ts.Close()
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < 8; i++ { // 8 × 100 ms: longer than the idle limit in all
			pw.Write([]byte("abcd"))
			time.Sleep(100 * time.Millisecond)
		}
		pw.Close()
	}()
	res, err := http.Post(ts.URL, "text/plain", pr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || len(b) != 32 {
		t.Errorf("a slow but steady body: %d, %d bytes back; want 200 and 32", res.StatusCode, len(b))
	}
}

func TestTruncateUTF8(t *testing.T) {
	reason := strings.Repeat("বাংলা ", 30) // 3-byte characters
	for n := 0; n <= 130; n++ {
		got := truncateUTF8(reason, n)
		if len(got) > n || !utf8.ValidString(got) || !strings.HasPrefix(reason, got) || len(got) < n-3 {
			t.Fatalf("truncateUTF8(…, %d) = %q (%d bytes)", n, got, len(got))
		}
	}
	if got := truncateUTF8("short", 123); got != "short" {
		t.Errorf("truncateUTF8(short) = %q", got)
	}
}

func TestAReadBodyDoesNotCancelASlowHandler(t *testing.T) {
	ts := httptest.NewServer(limitBodyIdle(100 * time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(300 * time.Millisecond) // geocoding, a slow store
		if err := r.Context().Err(); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		io.WriteString(w, "ok")
	})))
	defer ts.Close()
	res, err := http.Post(ts.URL, "application/json", strings.NewReader(`{"name":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Errorf("a handler that works after reading the whole body: %d %s", res.StatusCode, b)
	}
}
