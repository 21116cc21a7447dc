// Package wsload is a load client for Guccho's websocket of events (GET
// /ws), for benchmarks on one machine. Readers are connections that read
// every message and record how long each event took to arrive; Idle
// connections subscribe and then hold still, to measure what an open map
// costs the server.
//
// Every function refuses a URL whose host is not localhost or a loopback
// address, opens at most MaxClients connections per call, and is bounded by
// its context.
package wsload

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// MaxClients bounds the connections one call opens.
const MaxClients = 20_000

// dialParallel bounds the connections being opened at once.
const dialParallel = 32

// Subscribe is the subscribe message each connection sends.
type Subscribe struct {
	Topics      []string  `json:"topics"`
	BBox        []float64 `json:"bbox,omitempty"`
	Sectors     []string  `json:"sectors,omitempty"`
	LastEventID int64     `json:"last_event_id,omitempty"`
}

func (s Subscribe) message() ([]byte, error) {
	return json.Marshal(struct {
		Type string `json:"type"`
		Subscribe
	}{"subscribe", s})
}

// CheckLoopback returns an error unless rawURL is a ws:// URL whose host is
// localhost or a loopback address.
func CheckLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("wsload: %w", err)
	}
	if u.Scheme != "ws" {
		return fmt.Errorf("wsload: URL %q: want ws://", rawURL)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); !(host == "localhost" || ip != nil && ip.IsLoopback()) {
		return fmt.Errorf("wsload: URL %q: host must be localhost or a loopback address", rawURL)
	}
	return nil
}

func checkCount(n int) error {
	if n < 1 || n > MaxClients {
		return fmt.Errorf("wsload: %d connections: want 1 to %d", n, MaxClients)
	}
	return nil
}

// dialAll runs dial(i) for i in [0, n) on a few goroutines and returns the
// first error.
func dialAll(ctx context.Context, n int, dial func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range min(n, dialParallel) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := dial(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// Readers are connections that read every message and record, for each
// event, its latency: the arrival time minus the event's Time (the time the
// store committed it, on this machine's clock).
type Readers struct {
	readers []*reader
	wg      sync.WaitGroup
}

type reader struct {
	conn *websocket.Conn
	last atomic.Int64 // the newest event id received
	done chan struct{}

	mu        sync.Mutex
	latencies []time.Duration
	err       error // why reading stopped
}

// DialReaders opens n connections, spread over urls in turn, subscribes
// each, waits for the server's "subscribed" answer and starts reading. ctx
// bounds the dialling; Close ends the readers.
func DialReaders(ctx context.Context, urls []string, n int, sub Subscribe) (*Readers, error) {
	if err := checkCount(n); err != nil {
		return nil, err
	}
	for _, u := range urls {
		if err := CheckLoopback(u); err != nil {
			return nil, err
		}
	}
	if len(urls) == 0 {
		return nil, errors.New("wsload: no URL")
	}
	msg, err := sub.message()
	if err != nil {
		return nil, err
	}
	rs := &Readers{readers: make([]*reader, n)}
	d := websocket.Dialer{ReadBufferSize: 4 << 10, WriteBufferSize: 1 << 10}
	err = dialAll(ctx, n, func(ctx context.Context, i int) error {
		c, res, err := d.DialContext(ctx, urls[i%len(urls)], nil)
		if res != nil && res.Body != nil {
			res.Body.Close()
		}
		if err != nil {
			return fmt.Errorf("wsload: dial: %w", err)
		}
		r := &reader{conn: c, done: make(chan struct{})}
		rs.readers[i] = r
		if dl, ok := ctx.Deadline(); ok {
			c.SetReadDeadline(dl)
		}
		if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
			return fmt.Errorf("wsload: subscribe: %w", err)
		}
		var m struct {
			Type        string `json:"type"`
			LastEventID int64  `json:"last_event_id"`
		}
		if err := c.ReadJSON(&m); err != nil || m.Type != "subscribed" {
			return fmt.Errorf("wsload: subscribe: got %q, %v; want a subscribed message", m.Type, err)
		}
		c.SetReadDeadline(time.Time{})
		r.last.Store(m.LastEventID)
		return nil
	})
	if err != nil {
		for _, r := range rs.readers {
			if r != nil {
				r.conn.Close()
			}
		}
		return nil, err
	}
	for _, r := range rs.readers {
		rs.wg.Go(r.read)
	}
	return rs, nil
}

func (r *reader) read() {
	defer close(r.done)
	for {
		_, b, err := r.conn.ReadMessage()
		now := time.Now()
		if err != nil {
			r.mu.Lock()
			r.err = err
			r.mu.Unlock()
			return
		}
		var m struct {
			Type  string `json:"type"`
			Event struct {
				ID   int64     `json:"id"`
				Time time.Time `json:"time"`
			} `json:"event"`
		}
		if json.Unmarshal(b, &m) != nil || m.Type != "event" {
			continue
		}
		r.mu.Lock()
		r.latencies = append(r.latencies, now.Sub(m.Event.Time))
		r.mu.Unlock()
		if m.Event.ID > 0 {
			r.last.Store(m.Event.ID)
		}
	}
}

// Len returns the number of connections.
func (rs *Readers) Len() int { return len(rs.readers) }

// WaitFor waits until every reader still reading has received event id or
// a newer one, polling every 100µs; it returns ctx's error if ctx ends
// first.
func (rs *Readers) WaitFor(ctx context.Context, id int64) error {
	for _, r := range rs.readers {
		for r.last.Load() < id && !r.stopped() {
			if err := ctx.Err(); err != nil {
				return err
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	return nil
}

func (r *reader) stopped() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// TakeLatencies returns the latencies recorded since the last call, of all
// readers together.
func (rs *Readers) TakeLatencies() []time.Duration {
	var all []time.Duration
	for _, r := range rs.readers {
		r.mu.Lock()
		all = append(all, r.latencies...)
		r.latencies = r.latencies[:0]
		r.mu.Unlock()
	}
	return all
}

// Stopped returns why each reader that stopped reading stopped, such as a
// *websocket.CloseError with code 1013 for a reader the server dropped as
// too slow.
func (rs *Readers) Stopped() []error {
	var errs []error
	for _, r := range rs.readers {
		if r.stopped() {
			r.mu.Lock()
			errs = append(errs, r.err)
			r.mu.Unlock()
		}
	}
	return errs
}

// Close closes every connection and waits for the readers to end.
func (rs *Readers) Close() {
	for _, r := range rs.readers {
		r.conn.Close()
	}
	rs.wg.Wait()
}

// Percentile returns the p-th percentile (0 ≤ p ≤ 100, nearest rank) of ds,
// 0 for none.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p/100*float64(len(s)) + 0.5)
	return s[min(max(i-1, 0), len(s)-1)]
}

// Idle is a set of connections that subscribed and then hold still: no
// goroutine and only a socket each on the client side, so what they cost in
// this process is nearly all the server's. They do not answer pings, so the
// server closes them after its ping period and pong wait (40 s); measure
// sooner.
type Idle struct {
	conns []net.Conn
}

// DialIdle opens n idle connections to rawURL, each subscribed with sub and
// answered with "subscribed".
func DialIdle(ctx context.Context, rawURL string, n int, sub Subscribe) (*Idle, error) {
	if err := checkCount(n); err != nil {
		return nil, err
	}
	if err := CheckLoopback(rawURL); err != nil {
		return nil, err
	}
	u, _ := url.Parse(rawURL)
	msg, err := sub.message()
	if err != nil {
		return nil, err
	}
	idle := &Idle{conns: make([]net.Conn, n)}
	err = dialAll(ctx, n, func(ctx context.Context, i int) error {
		c, err := handshake(ctx, u, msg)
		idle.conns[i] = c
		return err
	})
	if err != nil {
		idle.Close()
		return nil, err
	}
	return idle, nil
}

// Close closes the connections.
func (idle *Idle) Close() {
	for _, c := range idle.conns {
		if c != nil {
			c.Close()
		}
	}
}

// handshake opens a websocket by hand, sends msg as one masked text frame
// and reads the server's first message, so that nothing but the socket
// stays behind.
func handshake(ctx context.Context, u *url.URL, msg []byte) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, fmt.Errorf("wsload: dial: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	key := make([]byte, 16)
	rand.Read(key)
	path := u.RequestURI()
	req := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + base64.StdEncoding.EncodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		c.Close()
		return nil, fmt.Errorf("wsload: handshake: %w", err)
	}
	br := bufio.NewReaderSize(c, 1<<10)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("wsload: handshake: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSwitchingProtocols {
		c.Close()
		return nil, fmt.Errorf("wsload: handshake: status %s", res.Status)
	}
	if _, err := c.Write(maskedTextFrame(msg)); err != nil {
		c.Close()
		return nil, fmt.Errorf("wsload: subscribe: %w", err)
	}
	payload, err := readFrame(br)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("wsload: subscribe: %w", err)
	}
	var m struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(payload, &m); m.Type != "subscribed" {
		c.Close()
		return nil, fmt.Errorf("wsload: subscribe: got %s, want a subscribed message", payload)
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// maskedTextFrame is msg as one final text frame, masked as a client must.
func maskedTextFrame(msg []byte) []byte {
	f := []byte{0x81}
	switch n := len(msg); {
	case n < 126:
		f = append(f, 0x80|byte(n))
	case n <= 0xffff:
		f = append(f, 0x80|126)
		f = binary.BigEndian.AppendUint16(f, uint16(n))
	default:
		f = append(f, 0x80|127)
		f = binary.BigEndian.AppendUint64(f, uint64(n))
	}
	mask := make([]byte, 4)
	rand.Read(mask)
	f = append(f, mask...)
	for i, b := range msg {
		f = append(f, b^mask[i%4])
	}
	return f
}

// readFrame reads one unmasked, unfragmented server frame's payload.
func readFrame(br *bufio.Reader) ([]byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return nil, err
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if n > 1<<20 {
		return nil, fmt.Errorf("frame of %d bytes", n)
	}
	p := make([]byte, n)
	_, err := io.ReadFull(br, p)
	return p, err
}
