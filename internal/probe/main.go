// Command probe repeats the attacks of the hardening review against a real
// `guccho serve` and fails if any of them succeeds, so that they stay fixed:
//
//	go run ./internal/probe --bin bin/guccho                # embedded store
//	go run ./internal/pgtest/withpg -- sh -c \
//	    'go run ./internal/probe --bin bin/guccho --db "$GUCCHO_PG_URL"'   # PostGIS
//
// It starts the binary on a free loopback port with a fresh store (a
// temporary SQLite file unless --db is given), reads the first admin token
// the server prints, runs each attack with a bounded number of requests and
// a deadline, stops the server and exits 1 if any attack got through. It
// talks to 127.0.0.1 only. `make probe` runs it on both stores.
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

func main() {
	bin := flag.String("bin", "bin/guccho", "the guccho binary to probe")
	db := flag.String("db", "", "the store (default: a fresh SQLite file in a temporary directory)")
	timeout := flag.Duration("timeout", 4*time.Minute, "give up after this long")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	failed, err := run(ctx, *bin, *db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(2)
	}
	if failed > 0 {
		fmt.Printf("probe: %d attack(s) succeeded\n", failed)
		os.Exit(1)
	}
	fmt.Println("probe: every attack was refused")
}

// server is a running guccho serve.
type server struct {
	base   string // http://127.0.0.1:port
	token  string // the first admin token
	pid    int
	client *http.Client
}

func run(ctx context.Context, bin, db string) (int, error) {
	dir, err := os.MkdirTemp("", "guccho-probe-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	store := "embedded"
	if db == "" {
		db = filepath.Join(dir, "probe.db")
	} else {
		store = "postgis"
	}
	bd := filepath.Join(dir, "boundaries")
	if err := writeBoundaries(bd); err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--boundaries", bd, "--tile-cache-mb", "16", "--log-level", "info")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir} // no demo
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()

	s := &server{pid: cmd.Process.Pid, client: &http.Client{Timeout: 60 * time.Second}}
	ready := make(chan error, 1)
	go func() {
		tokenRe := regexp.MustCompile(`admin token: (gct_\S+)`)
		urlRe := regexp.MustCompile(`msg=serving url=(http://\S+)`)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if m := tokenRe.FindStringSubmatch(line); m != nil {
				s.token = m[1]
			}
			if m := urlRe.FindStringSubmatch(line); m != nil && !sent {
				s.base = strings.Replace(m[1], "localhost", "127.0.0.1", 1)
				sent = true
				ready <- nil
			}
		}
		if !sent {
			ready <- errors.New("the server exited before serving")
		}
	}()
	select {
	case err := <-ready:
		if err != nil {
			return 0, err
		}
	case <-ctx.Done():
		return 0, errors.New("the server did not start in time")
	}
	if u, err := url.Parse(s.base); err != nil || !net.ParseIP(u.Hostname()).IsLoopback() {
		return 0, fmt.Errorf("refusing to probe %q: loopback only", s.base)
	}
	if s.token == "" {
		return 0, errors.New("the server printed no admin token (is the store fresh?)")
	}
	fmt.Printf("probe: %s store at %s\n", store, s.base)

	failed := 0
	for _, a := range attacks {
		start := time.Now()
		err := a.run(ctx, s)
		verdict := "refused"
		if err != nil {
			verdict = "SUCCEEDED: " + err.Error()
			failed++
		}
		fmt.Printf("  %-58s %-7s %s\n", a.name, time.Since(start).Round(time.Millisecond), verdict)
	}
	return failed, nil
}

// writeBoundaries writes a boundary set of one square per level around
// Dhaka (90–91°E, 23–24°N), enough to place enterprises.
func writeBoundaries(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	square := `{"type":"Polygon","coordinates":[[[90,23],[91,23],[91,24],[90,24],[90,23]]]}`
	levels := []struct{ file, pcode, parent string }{
		{"bd_adm1_divisions.geojson", "BD30", ""},
		{"bd_adm2_districts.geojson", "BD3026", "BD30"},
		{"bd_adm3_upazilas.geojson", "BD302602", "BD3026"},
		{"bd_adm4_unions.geojson", "BD30260201", "BD302602"},
	}
	for i, l := range levels {
		n := i + 1
		props := fmt.Sprintf(`"adm%d_pcode":%q,"adm%d_en":"Probe %d"`, n, l.pcode, n, n)
		if l.parent != "" {
			props += fmt.Sprintf(`,"adm%d_pcode":%q`, n-1, l.parent)
		}
		doc := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{` + props + `},"geometry":` + square + `}]}`
		if err := os.WriteFile(filepath.Join(dir, l.file), []byte(doc), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// attack is one finding of the review; run returns an error when the
// server let it through.
type attack struct {
	name string
	run  func(ctx context.Context, s *server) error
}

var attacks = []attack{ // the memory-measuring ones first, on a fresh server
	{"3 tile cache (16 MB) flooded with 192 KB sector filters", tileFilterFlood},
	{"1 XLSX whose shared string decompresses to 256 MB", xlsxBomb},
	{"2 bodies announced and never sent (50 sockets)", stalledBodies},
	{"4 exports with 70,000 repeated filter values", repeatedFilterExport},
	{"5 enterprise text beyond the limits", longText},
	{"6 bbox with NaN or Inf", nonFiniteBBox},
	{"7 ids no URL can name again", unusableIDs},
	{"8 token secrets and file names shown to anonymous callers", importLeaks},
	{"9 websocket close reason cut inside a character", closeReasonUTF8},
	{"9 lower-case Bearer, trailing JSON, gps of three numbers", smallerInput},
	{"9 security headers on the app and the API", securityHeaders},
	{"5-7,9 the same against centres, value chains and statistics", newerEndpoints},
}

// do sends a request and returns the status and body.
func (s *server) do(ctx context.Context, method, path, contentType string, body io.Reader, auth bool) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, body)
	if err != nil {
		return 0, nil, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	res, err := s.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	return res.StatusCode, res.Header, b, err
}

// rssMB returns the server's resident memory in MB (0 where /proc is not).
func (s *server) rssMB() int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return kb >> 10
		}
	}
	return 0
}

func (s *server) upload(ctx context.Context, filename string, content []byte) (int, []byte, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", filename)
	w.Write(content)
	mw.Close()
	status, _, body, err := s.do(ctx, "POST", "/api/imports", mw.FormDataContentType(), &buf, true)
	return status, body, err
}

func (s *server) createEnterprise(ctx context.Context, body string) (int, []byte, error) {
	status, _, b, err := s.do(ctx, "POST", "/api/enterprises", "application/json", strings.NewReader(body), true)
	return status, b, err
}

func xlsxBomb(ctx context.Context, s *server) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, _ := zw.Create(name)
		io.WriteString(w, body)
	}
	put("[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	put("xl/workbook.xml", `<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	put("xl/worksheets/sheet1.xml", `<worksheet><sheetData><row r="1"><c t="s"><v>0</v></c></row><row r="2"><c t="s"><v>0</v></c></row></sheetData></worksheet>`)
	w, _ := zw.Create("xl/sharedStrings.xml")
	io.WriteString(w, `<sst><si><t>`)
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for i := 0; i < 256; i++ {
		w.Write(chunk)
	}
	io.WriteString(w, `</t></si></sst>`)
	zw.Close()
	before := s.rssMB()
	status, body, err := s.upload(ctx, "bomb.xlsx", buf.Bytes())
	if err != nil {
		return err
	}
	grew := s.rssMB() - before
	if status != http.StatusBadRequest {
		return fmt.Errorf("a %d KB upload answered %d: %.200s", buf.Len()>>10, status, body)
	}
	if grew > 200 {
		return fmt.Errorf("refusing it grew the server by %d MB", grew)
	}
	return nil
}

func stalledBodies(ctx context.Context, s *server) error {
	const n = 50
	host := strings.TrimPrefix(s.base, "http://")
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", host)
		if err != nil {
			return err
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET /api/config HTTP/1.1\r\nHost: %s\r\nContent-Length: 200000\r\n\r\n", host)
	}
	deadline := time.Now().Add(45 * time.Second) // the server allows 30 s of silence
	open := 0
	for _, c := range conns {
		c.SetReadDeadline(deadline)
		if _, err := io.Copy(io.Discard, c); err != nil {
			open++
		}
	}
	if open > 0 {
		return fmt.Errorf("%d of %d connections were still open after 45 s", open, n)
	}
	return nil
}

// tileFilterFlood asks for 600 tiles, each with a 192 KB sector filter, of
// a server whose tile cache may hold 16 MB: if filters escape the cache's
// accounting, 115 MB of keys stay behind.
func tileFilterFlood(ctx context.Context, s *server) error {
	filter := strings.TrimSuffix(strings.Repeat("dairy,", 32000), ",")
	before := s.rssMB()
	for i := 0; i < 600; i++ {
		status, _, body, err := s.do(ctx, "GET", fmt.Sprintf("/tiles/enterprises/12/%d/%d.mvt?sector=%s", i, i, filter), "", nil, false)
		if err != nil {
			return err
		}
		if status != http.StatusOK && status != http.StatusNoContent {
			return fmt.Errorf("tile %d answered %d: %.200s", i, status, body)
		}
	}
	if grew := s.rssMB() - before; grew > 64 {
		return fmt.Errorf("600 tiles grew the server by %d MB (tile cache: 16 MB)", grew)
	}
	return nil
}

func repeatedFilterExport(ctx context.Context, s *server) error {
	if status, body, err := s.createEnterprise(ctx, `{"id":"probe-export","name":"Probe","sector":"dairy","gps":[90.4,23.8]}`); err != nil || status != http.StatusCreated {
		return fmt.Errorf("creating an enterprise: %d %.200s %v", status, body, err)
	}
	// The filter lists gps and none, none 70,000 times: more values than
	// SQLite binds in one query (32,766) or PostgreSQL (65,535).
	many := strings.TrimSuffix(strings.Repeat("none,", 70000), ",")
	status, _, body, err := s.do(ctx, "GET", "/api/enterprises?format=csv&method=gps,"+many, "", nil, false)
	if err != nil {
		return err
	}
	if status != http.StatusOK || !strings.Contains(string(body), "probe-export") {
		return fmt.Errorf("CSV answered %d without the enterprise: %.200s", status, body)
	}
	status, _, body, err = s.do(ctx, "GET", "/api/enterprises?format=geojson&method=gps,"+many, "", nil, false)
	if err != nil {
		return err
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
		Error    any               `json:"error"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &fc) != nil || fc.Error != nil || len(fc.Features) != 1 {
		return fmt.Errorf("GeoJSON answered %d: %.200s", status, body)
	}
	status, _, body, err = s.do(ctx, "GET", "/api/enterprises?method=gps,"+many, "", nil, false)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("JSON answered %d: %.200s", status, body)
	}
	return nil
}

func longText(ctx context.Context, s *server) error {
	bodies := map[string]string{
		"a 500 KB name": `{"name":"` + strings.Repeat("n", 500<<10) + `","sector":"dairy"}`,
		"an empty name": `{"name":"","sector":"dairy"}`,
		"a NUL byte":    `{"name":"a\u0000b","sector":"dairy"}`,
	}
	for what, b := range bodies {
		status, body, err := s.createEnterprise(ctx, b)
		if err != nil {
			return err
		}
		if status != http.StatusBadRequest {
			return fmt.Errorf("%s answered %d: %.200s", what, status, body)
		}
	}
	// A 5 MB name through a CSV import.
	csv := "id,name,sector\nprobe-long," + strings.Repeat("n", 5<<20) + ",dairy\n"
	status, body, err := s.upload(ctx, "long.csv", []byte(csv))
	if err != nil {
		return err
	}
	if status == http.StatusAccepted {
		var imp struct{ ID string }
		json.Unmarshal(body, &imp)
		for i := 0; i < 300; i++ {
			_, _, b, err := s.do(ctx, "GET", "/api/imports/"+imp.ID, "", nil, true)
			if err != nil {
				return err
			}
			if !strings.Contains(string(b), `"status":"running"`) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	} else if status != http.StatusBadRequest {
		return fmt.Errorf("a CSV with a 5 MB name answered %d: %.200s", status, body)
	}
	status, _, body, err = s.do(ctx, "GET", "/api/enterprises/probe-long", "", nil, false)
	if err != nil {
		return err
	}
	if status != http.StatusNotFound {
		return fmt.Errorf("the 5 MB name was stored (%d, %d bytes)", status, len(body))
	}
	return nil
}

func nonFiniteBBox(ctx context.Context, s *server) error {
	for _, bbox := range []string{"NaN,22,91,23", "90,22,Inf,23", "-Inf,-Inf,Inf,Inf"} {
		status, _, body, err := s.do(ctx, "GET", "/api/enterprises?bbox="+bbox, "", nil, false)
		if err != nil {
			return err
		}
		if status != http.StatusBadRequest {
			return fmt.Errorf("bbox=%s answered %d: %.200s", bbox, status, body)
		}
	}
	return nil
}

func unusableIDs(ctx context.Context, s *server) error {
	for _, id := range []string{"a/b", "stats", "../../x", "a?b", "%2e%2e"} {
		b, _ := json.Marshal(map[string]any{"id": id, "name": "Probe", "sector": "dairy"})
		status, body, err := s.createEnterprise(ctx, string(b))
		if err != nil {
			return err
		}
		if status != http.StatusBadRequest {
			return fmt.Errorf("the id %q answered %d: %.200s", id, status, body)
		}
	}
	return nil
}

func importLeaks(ctx context.Context, s *server) error {
	status, body, err := s.upload(ctx, "rahim-family-survey.csv", []byte("id,name,sector\nprobe-imp,Rahim,dairy\n"))
	if err != nil || status != http.StatusAccepted {
		return fmt.Errorf("the upload answered %d: %.200s %v", status, body, err)
	}
	time.Sleep(300 * time.Millisecond)
	secretStart := strings.TrimPrefix(s.token, "gct_")[:8]
	for _, auth := range []bool{false, true} {
		_, _, b, err := s.do(ctx, "GET", "/api/imports", "", nil, auth)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), secretStart) {
			return fmt.Errorf("GET /api/imports (signed in: %v) shows the start of the token's secret", auth)
		}
		if !auth && strings.Contains(string(b), "rahim-family") {
			return errors.New("anonymous GET /api/imports shows file names")
		}
	}
	return nil
}

func closeReasonUTF8(ctx context.Context, s *server) error {
	u := "ws" + strings.TrimPrefix(s.base, "http") + "/ws"
	c, _, err := websocket.DefaultDialer.DialContext(ctx, u, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	msg, _ := json.Marshal(map[string]any{"type": strings.Repeat("বাংলা", 20), "topics": []string{"enterprises"}})
	c.WriteMessage(websocket.TextMessage, msg)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, err = c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		return fmt.Errorf("want a close frame, got %v", err)
	}
	if !utf8.ValidString(ce.Text) {
		return fmt.Errorf("the close reason %q is not UTF-8", ce.Text)
	}
	return nil
}

func smallerInput(ctx context.Context, s *server) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/api/me", nil)
	req.Header.Set("Authorization", "bearer "+s.token)
	res, err := s.client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("a lower-case bearer scheme answered %d", res.StatusCode)
	}
	for what, b := range map[string]string{
		"trailing garbage":   `{"name":"Probe","sector":"dairy"} garbage`,
		"gps of three":       `{"name":"Probe","sector":"dairy","gps":[90,23,5]}`,
		"two JSON documents": `{"name":"Probe","sector":"dairy"}{}`,
	} {
		status, body, err := s.createEnterprise(ctx, b)
		if err != nil {
			return err
		}
		if status != http.StatusBadRequest {
			return fmt.Errorf("%s answered %d: %.200s", what, status, body)
		}
	}
	return nil
}

func securityHeaders(ctx context.Context, s *server) error {
	for _, path := range []string{"/", "/api/config", "/no/such/route"} {
		_, h, _, err := s.do(ctx, "GET", path, "", nil, false)
		if err != nil {
			return err
		}
		csp := h.Get("Content-Security-Policy")
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
			return fmt.Errorf("GET %s: nosniff %q, CSP %q", path, h.Get("X-Content-Type-Options"), csp)
		}
	}
	return nil
}

// newerEndpoints repeats findings 5, 6, 7 and 9 against the endpoints that
// came after the review: common service centres, value chains, clusters
// and statistics. Every request must be refused with 400.
func newerEndpoints(ctx context.Context, s *server) error {
	big := strings.Repeat("n", 500<<10)
	centre := func(fields string) string {
		return `{"name_en":"Probe centre","lon":90.5,"lat":23.5` + fields + `}`
	}
	posts := []struct{ what, path, body string }{
		{"a centre id with a slash", "/api/centres", centre(`,"id":"a/b"`)},
		{"the centre id import", "/api/centres", centre(`,"id":"import"`)},
		{"the centre id ..", "/api/centres", centre(`,"id":".."`)},
		{"a 500 KB centre name", "/api/centres", `{"name_en":"` + big + `","lon":90.5,"lat":23.5}`},
		{"a NUL in a centre name", "/api/centres", `{"name_en":"a\u0000b","lon":90.5,"lat":23.5}`},
		{"trailing JSON after a centre", "/api/centres", centre(``) + ` garbage`},
		{"the chain id ..", "/api/valuechains", `{"id":"..","name":"Probe","sector":"dairy"}`},
		{"trailing JSON after a chain", "/api/valuechains", `{"id":"probe-x","name":"Probe","sector":"dairy"}{}`},
	}
	status, _, body, err := s.do(ctx, "POST", "/api/valuechains", "application/json",
		strings.NewReader(`{"id":"probe-chain","name":"Probe","sector":"dairy"}`), true)
	if err != nil {
		return err
	}
	if status != http.StatusCreated {
		return fmt.Errorf("creating a chain to probe answered %d: %.200s", status, body)
	}
	actors := "/api/valuechains/probe-chain/actors"
	posts = append(posts,
		struct{ what, path, body string }{"an actor id with a slash", actors, `{"id":"a/b","role":"producer","name":"P"}`},
		struct{ what, path, body string }{"the actor id ..", actors, `{"id":"..","role":"producer","name":"P"}`},
		struct{ what, path, body string }{"a 500 KB actor name", actors, `{"id":"p1","role":"producer","name":"` + big + `"}`},
		struct{ what, path, body string }{"a NUL in an actor name", actors, `{"id":"p2","role":"producer","name":"a\u0000b"}`},
	)
	for _, p := range posts {
		status, _, body, err := s.do(ctx, "POST", p.path, "application/json", strings.NewReader(p.body), true)
		if err != nil {
			return err
		}
		if status != http.StatusBadRequest {
			return fmt.Errorf("%s answered %d: %.200s", p.what, status, body)
		}
	}
	for _, path := range []string{
		"/api/centres?bbox=NaN,22,91,23",
		"/api/clusters?radius_km=NaN",
		"/api/clusters?method=dbscan&eps_m=Inf",
		"/api/stats/lq?sector=dairy&min_count=NaN",
		"/api/stats/hotspots?sector=dairy&weights=distance&band_km=Inf",
		"/api/profile/BD3026?min_count=-Inf",
	} {
		status, _, body, err := s.do(ctx, "GET", path, "", nil, false)
		if err != nil {
			return err
		}
		if status != http.StatusBadRequest {
			return fmt.Errorf("%s answered %d: %.200s", path, status, body)
		}
	}
	return nil
}
