package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/deck"
	"github.com/guccho/guccho/live"
	"github.com/guccho/guccho/tiles"
)

// Limits and timings of /ws connections.
const (
	wsReadLimit    = 4 << 10          // bytes of one client message
	wsHelloWait    = 10 * time.Second // for the first subscribe message
	wsPingEvery    = 25 * time.Second // idle connections are pinged this often…
	wsPongWait     = 15 * time.Second // …and closed when nothing (not even a pong) comes back within this much more
	wsWriteWait    = 10 * time.Second // for one message to leave
	wsCloseWait    = time.Second      // for a close frame to leave, and then for the client's answer
	wsSubscribeIO  = 10 * time.Second // for the store reads Subscribe makes
	wsCloseTimeout = 5 * time.Second  // Server.Close waits this long for connections to say goodbye
)

// wsUpgrader accepts websocket connections. Write buffers come from a pool
// and are held only while a message is written, so an idle connection keeps
// only its small read buffer.
var wsUpgrader = websocket.Upgrader{
	HandshakeTimeout: wsWriteWait,
	ReadBufferSize:   1 << 10,
	WriteBufferSize:  4 << 10,
	WriteBufferPool:  &sync.Pool{},
	CheckOrigin:      sameOrigin,
	Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
		code := guccho.EINVALID
		switch status {
		case http.StatusForbidden:
			code = guccho.EFORBIDDEN
		case http.StatusMethodNotAllowed:
			code = "method_not_allowed"
		case http.StatusInternalServerError:
			code = guccho.EINTERNAL
		}
		writeErrorCode(w, r, status, code, strings.TrimPrefix(reason.Error(), "websocket: "))
	},
}

// sameOrigin allows a request without an Origin header (non-browser
// clients; browsers always send one) and a request whose Origin's host is
// the host the client asked for (Host, or X-Forwarded-Host behind a reverse
// proxy, as baseURL reads it). Pages of other sites may not open /ws: the
// browser would hand them the user's connection.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	fh := r.Header.Get("X-Forwarded-Host")
	return fh != "" && strings.EqualFold(u.Host, fh)
}

// Hub returns the server's event hub, or nil when Config.Events is nil.
func (s *Server) Hub() *live.Hub { return s.hub }

// startHub starts the hub when the server has an event log.
func (s *Server) startHub() {
	if s.cfg.Events != nil {
		s.hub = live.NewHub(s.cfg.Events, live.Config{Logger: s.cfg.Logger})
		s.hub.OnEvent(s.dropChangedTiles)
	}
}

// dropChangedTiles removes from the tile cache exactly the enterprise tiles
// a change touched (every zoom, every filter): the tiles holding its old and
// new points, or meeting its bounding box when it changed too many to list.
func (s *Server) dropChangedTiles(ev guccho.Event) {
	if ev.Type != guccho.EventEnterprisesChanged {
		return
	}
	var c guccho.EnterpriseChange
	if err := json.Unmarshal(ev.Payload, &c); err != nil {
		s.cache.Invalidate(tiles.EnterpriseLayer.Name)
		return
	}
	if len(c.Points) == 0 && c.Bound == ([4]float64{}) {
		return // nothing placed changed
	}
	s.cache.InvalidateTiles(tiles.EnterpriseLayer.Name, tiles.TilesTouching(c.Points, c.Bound, tiles.PointBuffer))
}

// closeHub ends every /ws connection (they are told the server is going
// away) and waits a little for them to finish.
func (s *Server) closeHub() {
	if s.hub == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), wsCloseTimeout)
	defer cancel()
	if err := s.hub.Close(ctx); err != nil {
		s.cfg.Logger.Warn("websocket connections did not close in time", slog.Any("err", err))
	}
}

// wsSubscribe is the message a client sends, first to subscribe and later
// to change its filter.
type wsSubscribe struct {
	Type        string    `json:"type"` // "subscribe"
	Topics      []string  `json:"topics"`
	BBox        []float64 `json:"bbox"` // [west, south, east, north], or absent
	Sectors     []string  `json:"sectors"`
	LastEventID int64     `json:"last_event_id"` // read from the first message only
	Deck        string    `json:"deck"`          // the presentations topic's deck, or absent for all
	Follow      bool      `json:"follow"`        // count this connection as a follower of deck
}

// handleWS answers GET /ws: a websocket of events (404 when the server has
// no event log).
//
// Clients authenticate like HTTP clients (Authorization: Bearer), or with
// ?token= since browsers cannot set headers on websockets; a wrong token
// answers 401 before the upgrade. The role is fixed for the connection's
// life. Then the client sends
//
//	{"type":"subscribe","topics":["enterprises","imports"],"bbox":[w,s,e,n],"sectors":["dairy"],"last_event_id":123}
//
// within wsHelloWait, and may send more subscribe messages later to change
// topics, bbox and sectors without reconnecting (their last_event_id is
// ignored). The "imports" topic names files, so it is granted to editors
// and admins only; the server's "subscribed" message lists the topics
// granted. Server messages are described at live.MessageEvent,
// live.MessageReset and live.MessageSubscribed.
//
// Live presentations (docs/presenting.md): a follower subscribes with
// {"type":"subscribe","topics":["presentations"],"deck":"d1","follow":true}
// and is counted as one until it leaves or subscribes otherwise; it first
// gets the presenter's latest position. A presenter (an editor or admin
// token) subscribes to its deck without follow, receiving the follower
// total, and after that sends its positions as
// {"type":"present","deck":"d1","slide":2,"state":{"v":1,"view":…,"params":{…}}}
// (see wsPresent; a present message from anyone else closes with 1008).
//
// The server closes the connection with a reason: 1009 for a message over
// wsReadLimit bytes, 1003 for a binary message, 1008 for a malformed or
// invalid one, 1013 when the client read too slowly (it may reconnect with
// its last event id), 1001 when the server shuts down, 1011 on an internal
// error. Idle connections are pinged every wsPingEvery.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	if s.hub == nil {
		s.writeError(w, r, guccho.Errorf(guccho.ENOTFOUND, "live updates are not enabled on this server"))
		return
	}
	tok, err := s.wsToken(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	conn, err := wsUpgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	// Serving from a goroutine of its own lets this handler return, so the
	// HTTP connection's buffers and the request are freed: an open map then
	// costs only the websocket's state.
	ws := &wsConn{c: conn, log: s.cfg.Logger}
	go ws.serve(s, seesImportDetails(tok))
}

// serve runs a connection: it reads the subscribe message, subscribes,
// starts the writer and reads later subscribe (and presenters' present)
// messages until the connection ends.
func (ws *wsConn) serve(s *Server, editor bool) {
	hub := s.hub
	conn := ws.c
	defer conn.Close()
	defer ws.recoverPanic()
	conn.SetCloseHandler(func(code int, text string) error {
		ws.closeWith(websocket.CloseNormalClosure, "")
		return nil
	})

	conn.SetReadDeadline(time.Now().Add(wsHelloWait))
	first, ok := ws.readMessage(editor)
	if !ok {
		return
	}
	if first.present != nil {
		ws.closeWith(websocket.ClosePolicyViolation, "send a subscribe message first")
		ws.drain()
		return
	}
	lastEventID := first.lastEventID
	if s.presentations != nil && onlyPresentations(first.filter) {
		// A follower starts from the presenter's latest position.
		lastEventID = max(lastEventID, s.presentations.LatestMove(first.filter.Deck)-1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wsSubscribeIO)
	sub, err := hub.Subscribe(ctx, first.filter, lastEventID)
	cancel()
	if err != nil {
		ws.closeFor(err)
		ws.drain()
		return
	}
	defer sub.Close()
	follows := &follower{pres: s.presentations}
	defer follows.set("")
	ws.subscribed(s, follows, first)

	conn.SetPongHandler(func(string) error {
		ws.stayOpen()
		return nil
	})
	ws.stayOpen()
	stopPings := ws.keepAlive(wsPingEvery)
	defer stopPings()

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	written := make(chan struct{})
	go func() {
		defer close(written)
		defer ws.recoverPanic()
		ws.writeLoop(ctx, sub)
	}()
	presented := ""
	for {
		m, ok := ws.readMessage(editor)
		if !ok {
			break
		}
		if m.present != nil {
			if err := ws.present(s, *m.present, &presented); err != nil {
				ws.closeFor(err)
				break
			}
			ws.stayOpen()
			continue
		}
		if err := sub.SetFilter(m.filter); err != nil {
			break // the subscription ended; the writer says why
		}
		ws.subscribed(s, follows, m)
		ws.stayOpen()
	}
	cancel()
	<-written
}

// recoverPanic logs a panic of a connection's goroutine and drops the
// connection, as net/http does for handlers.
func (ws *wsConn) recoverPanic() {
	if v := recover(); v != nil {
		ws.log.Error("websocket: panic", slog.Any("value", v), slog.String("stack", string(debug.Stack())))
		ws.c.NetConn().Close()
	}
}

// wsToken returns the request's token: the one the Authorization header
// carried (verified by authenticate), else the one in ?token=, else nil.
func (s *Server) wsToken(r *http.Request) (*guccho.Token, error) {
	if t := tokenFrom(r.Context()); t != nil {
		return t, nil
	}
	secret := strings.TrimSpace(r.URL.Query().Get("token"))
	if secret == "" || s.cfg.Tokens == nil {
		return nil, nil
	}
	t, err := s.cfg.Tokens.FindTokenByHash(r.Context(), guccho.HashSecret(secret))
	if guccho.ErrorCode(err) == guccho.ENOTFOUND {
		return nil, guccho.Errorf(guccho.EUNAUTHORIZED, "unknown or revoked token")
	}
	return t, err
}

// wsConn is one websocket connection's state. The handler's goroutine reads
// and one goroutine writes; pings and close frames may be sent from any
// (gorilla allows WriteControl concurrently with the writer).
type wsConn struct {
	c         *websocket.Conn
	log       *slog.Logger
	closeOnce sync.Once
	closing   atomic.Bool // a close frame was sent
}

// stayOpen gives the client another ping period and pong wait to show it
// is there, unless the connection is closing.
func (ws *wsConn) stayOpen() {
	if !ws.closing.Load() {
		ws.c.SetReadDeadline(time.Now().Add(wsPingEvery + wsPongWait))
	}
}

// subscription is a parsed client message: a subscribe message, or a
// presenter's position when present is set.
type subscription struct {
	filter      live.Filter
	lastEventID int64
	follow      bool // count the connection as a follower of filter.Deck
	present     *deck.Position
}

// readMessage reads the next client message and parses it. On any failure
// it closes the connection with a code and reason (unless the connection
// was already gone) and returns false.
func (ws *wsConn) readMessage(editor bool) (subscription, bool) {
	typ, rd, err := ws.c.NextReader()
	if err != nil {
		return subscription{}, false // closed by the client, timed out, or closing
	}
	if typ != websocket.TextMessage {
		ws.closeWith(websocket.CloseUnsupportedData, "binary messages are not understood: send JSON text")
		ws.drain()
		return subscription{}, false
	}
	b, err := io.ReadAll(io.LimitReader(rd, wsReadLimit+1))
	if err != nil {
		return subscription{}, false
	}
	if len(b) > wsReadLimit {
		ws.closeWith(websocket.CloseMessageTooBig, "message larger than 4096 bytes")
		ws.drain()
		return subscription{}, false
	}
	m, err := parseMessage(b, editor)
	if err != nil {
		ws.closeWith(websocket.ClosePolicyViolation, guccho.ErrorMessage(err))
		ws.drain()
		return subscription{}, false
	}
	return m, true
}

// parseMessage parses a subscribe or present message. Without editor
// rights the imports topic is left out (live.Filter.Granted), and a present
// message is refused.
func parseMessage(b []byte, editor bool) (subscription, error) {
	var m wsSubscribe
	if err := json.Unmarshal(b, &m); err != nil {
		return subscription{}, guccho.Errorf(guccho.EINVALID, "malformed JSON message")
	}
	switch m.Type {
	case "subscribe":
	case "present":
		return parsePresent(b, editor)
	default:
		return subscription{}, guccho.Errorf(guccho.EINVALID, "unknown message type %q: send \"subscribe\" or \"present\"", m.Type)
	}
	if m.LastEventID < 0 {
		return subscription{}, guccho.Errorf(guccho.EINVALID, "last_event_id must not be negative")
	}
	f, err := live.Filter{Topics: m.Topics, Sectors: m.Sectors, Deck: m.Deck}.Granted(editor)
	if err != nil {
		return subscription{}, err
	}
	switch len(m.BBox) {
	case 0:
	case 4:
		f.Bound = (*[4]float64)(m.BBox)
	default:
		return subscription{}, guccho.Errorf(guccho.EINVALID, "bbox: want [west, south, east, north]")
	}
	if err := f.Validate(); err != nil {
		return subscription{}, err
	}
	if m.Follow && !onlyPresentations(f) {
		return subscription{}, guccho.Errorf(guccho.EINVALID, "follow: subscribe to the presentations topic alone, with a deck")
	}
	return subscription{filter: f, lastEventID: m.LastEventID, follow: m.Follow}, nil
}

// writeLoop sends the subscription's messages until it ends, the reader
// stops (ctx), or a write fails.
func (ws *wsConn) writeLoop(ctx context.Context, sub *live.Subscription) {
	for {
		m, err := sub.Next(ctx)
		if err != nil {
			if ctx.Err() == nil {
				ws.closeFor(err)
			}
			return
		}
		ws.c.SetWriteDeadline(time.Now().Add(wsWriteWait))
		if err := ws.c.WriteMessage(websocket.TextMessage, m.Data); err != nil {
			ws.c.NetConn().Close() // the client is gone or stuck: end the reader too
			return
		}
	}
}

// closeFor closes the connection with the code and reason that err calls
// for.
func (ws *wsConn) closeFor(err error) {
	switch {
	case errors.Is(err, live.ErrTooSlow):
		ws.closeWith(websocket.CloseTryAgainLater, "too slow: reconnect with last_event_id")
	case errors.Is(err, live.ErrHubClosed):
		ws.closeWith(websocket.CloseGoingAway, "server shutting down")
	case errors.Is(err, live.ErrUnsubscribed):
		ws.closeWith(websocket.CloseNormalClosure, "")
	case guccho.ErrorCode(err) == guccho.EINVALID:
		ws.closeWith(websocket.ClosePolicyViolation, guccho.ErrorMessage(err))
	default:
		ws.log.Error("websocket: reading events", slog.Any("err", err))
		ws.closeWith(websocket.CloseInternalServerErr, "internal error: reconnect later")
	}
}

// closeWith sends a close frame, once per connection, and gives the client
// wsCloseWait to answer before the reader gives up. (Closing the socket at
// once could discard the frame: unread client data makes the kernel reset
// the connection.)
func (ws *wsConn) closeWith(code int, reason string) {
	ws.closeOnce.Do(func() {
		ws.closing.Store(true)
		reason = truncateUTF8(reason, 123) // a control frame carries at most 125 bytes
		ws.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(wsCloseWait))
		ws.c.NetConn().SetReadDeadline(time.Now().Add(wsCloseWait))
	})
}

// drain reads and discards client messages until the client answers the
// close frame, leaves, or the close deadline passes.
func (ws *wsConn) drain() {
	for {
		_, rd, err := ws.c.NextReader()
		if err != nil {
			return
		}
		io.Copy(io.Discard, rd)
	}
}

// keepAlive pings the client every d from a timer, so an idle connection
// costs no goroutine for it; the pong handler extends the read deadline.
// The returned func stops the pings.
func (ws *wsConn) keepAlive(d time.Duration) (stop func()) {
	var mu sync.Mutex
	stopped := false
	var t *time.Timer
	mu.Lock()
	defer mu.Unlock()
	t = time.AfterFunc(d, func() {
		if ws.c.WriteControl(websocket.PingMessage, nil, time.Now().Add(wsWriteWait)) != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			t.Reset(d)
		}
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}
