package scalebench

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/geo"
	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// Places the benchmark asks about: Kishoreganj (the footwear cluster of
// Bhairab; in every demo survey), its division, Dhaka, and a box around
// central Dhaka.
const (
	benchDistrict = "BD3048"
	benchDivision = "BD30"
	benchUpazila  = "BD302602" // an upazila of Dhaka district
)

var dhakaBox = orb.Bound{Min: orb.Point{90.35, 23.70}, Max: orb.Point{90.45, 23.80}}

// scaleRows is N, from GUCCHO_SCALE_ROWS (default 20,000, so that make
// bench stays short); the baseline store holds N/10.
func scaleRows(b *testing.B) int {
	v := os.Getenv("GUCCHO_SCALE_ROWS")
	if v == "" {
		return 20_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1000 {
		b.Fatalf("GUCCHO_SCALE_ROWS=%q: want a whole number ≥ 1000", v)
	}
	return n
}

// scaleStores names the stores to measure, from GUCCHO_SCALE_STORES
// (default "embedded,postgis").
func scaleStores(b *testing.B) []string {
	v := cmp.Or(os.Getenv("GUCCHO_SCALE_STORES"), "embedded,postgis")
	out := strings.Split(v, ",")
	for _, s := range out {
		if s != "embedded" && s != "postgis" {
			b.Fatalf("GUCCHO_SCALE_STORES=%q: %q is not embedded or postgis", v, s)
		}
	}
	return out
}

// BenchmarkScale fills a store of each kind with N demo enterprises and a
// baseline store with N/10, through `guccho import enterprises`, serves
// each with `guccho serve` and reports every figure at both sizes and as
// their ratio (N store / baseline store): a ratio near 1 is work that does
// not grow with the country, near 10 work that grows with it. Run with
// -benchtime 1x; GUCCHO_SCALE_ROWS sets N.
func BenchmarkScale(b *testing.B) {
	n := scaleRows(b)
	bin := buildBinary(b)
	boundaries := bdtest.Dir(b)
	atlas := geo.NewAtlas(bdtest.Units(b))
	sectors, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		b.Fatal(err)
	}
	sizes := []int{n / 10, n}
	csvs := make([]string, len(sizes))
	for i, k := range sizes {
		csvs[i] = demoCSV(b, atlas, sectors, k)
	}
	for _, kind := range scaleStores(b) {
		b.Run(kind, func(b *testing.B) {
			for range b.N {
				var runs [2]*run
				for i, k := range sizes {
					db := filepath.Join(b.TempDir(), "guccho.db")
					if kind == "postgis" {
						db = pgtest.NewDatabase(b)
					}
					runs[i] = measure(b, bin, boundaries, db, csvs[i], k, atlas)
				}
				report(b, kind, runs[0], runs[1])
			}
		})
	}
}

// buildBinary builds cmd/guccho into a temporary directory.
func buildBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "guccho")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/guccho/guccho/cmd/guccho").CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// demoCSV writes the demo survey of n enterprises.
func demoCSV(b *testing.B, atlas *geo.Atlas, sectors *guccho.Sectors, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), fmt.Sprintf("demo-%d.csv", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := demo.New(atlas, sectors, demo.Options{N: n, Seed: 1}).WriteCSV(w); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// figure is one measured quantity.
type figure struct {
	name  string
	unit  string // "ms", "B", "MB", "rows/s", "s"
	value float64
}

// run is what one store of one size gave.
type run struct {
	rows    int
	figures []figure
}

func (r *run) add(name, unit string, v float64) {
	r.figures = append(r.figures, figure{name, unit, v})
}

// server is a `guccho serve` child process.
type server struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	log  string // its stderr
}

// serve starts `guccho serve` on a free loopback port and waits until
// /healthz answers; it returns how long that took.
func serve(b *testing.B, bin, boundaries, db string) (*server, time.Duration) {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	logPath := filepath.Join(b.TempDir(), "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		b.Fatal(err)
	}
	defer logFile.Close()
	start := time.Now()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--db", db, "--boundaries", boundaries)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &server{cmd: cmd, base: "http://" + addr, log: logPath}
	b.Cleanup(s.stop)
	for deadline := time.Now().Add(10 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, time.Since(start)
			}
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			s.stop()
			logText, _ := os.ReadFile(logPath)
			b.Fatalf("guccho serve did not answer /healthz: %v\n%s", err, logText)
		}
	}
}

// stop ends the server (its own process, by its id) and waits for it.
func (s *server) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// memory reads the server's peak and current resident memory in MB from
// /proc/PID/status (VmHWM, VmRSS).
func (s *server) memory(b *testing.B) (peak, now float64) {
	b.Helper()
	text, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		b.Fatalf("resident memory of the server: %v", err)
	}
	for _, line := range strings.Split(string(text), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmHWM:":
			peak = kb / 1024
		case "VmRSS:":
			now = kb / 1024
		}
	}
	return peak, now
}

// get fetches path and returns the time to the last byte and the body. A
// 503 (the server's request deadline passed: the request takes longer than
// --request-timeout at this size) is logged and returns the time it took;
// any other status but 200 and 204 fails the benchmark.
func (s *server) get(b *testing.B, path string) (time.Duration, []byte) {
	b.Helper()
	start := time.Now()
	resp, err := http.Get(s.base + path)
	if err != nil {
		b.Fatalf("GET %s: %v", path, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		b.Fatalf("GET %s: %v", path, err)
	}
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNoContent:
	case http.StatusServiceUnavailable:
		fmt.Printf("GET %s: %s after %v (counted as that time): %.200s\n", path, resp.Status, took.Round(time.Millisecond), body)
	default:
		b.Fatalf("GET %s: %s: %.300s", path, resp.Status, body)
	}
	return took, body
}

// stillComputing is what a 503 says when the answer is being loaded
// detached from the request (server: long loads outlive their request).
const stillComputing = "still being computed"

// getAnswered asks path until it is answered: a 503 saying the answer is
// still being computed is asked again every second, for at most
// answerWait; any other answer ends it. It returns the time from the first
// request to the last answer — what a user who keeps asking waits — and
// the last body.
func (s *server) getAnswered(b *testing.B, path string) (time.Duration, []byte) {
	b.Helper()
	start := time.Now()
	for {
		_, body := s.get(b, path)
		if !strings.Contains(string(body), stillComputing) || time.Since(start) > answerWait {
			return time.Since(start), body
		}
		time.Sleep(time.Second)
	}
}

// answerWait bounds how long getAnswered keeps asking.
const answerWait = 15 * time.Minute

// ms is a duration in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// percentile returns the p-th percentile (0–100, nearest rank) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(i, 0)]
}

// benchTiles returns the tiles at z holding the label points of every
// district, each once: the tiles a planner pans over at that zoom.
func benchTiles(atlas *geo.Atlas, z maptile.Zoom) []maptile.Tile {
	var out []maptile.Tile
	for _, d := range atlas.Level(geo.District) {
		t := maptile.At(d.Label, z)
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// measure imports csv (rows enterprises) into db and measures the
// requests of the benchmark against `guccho serve` over it.
func measure(b *testing.B, bin, boundaries, db, csv string, rows int, atlas *geo.Atlas) *run {
	b.Helper()
	r := &run{rows: rows}
	if out, err := exec.Command(bin, "import", "boundaries", boundaries, "--db", db).CombinedOutput(); err != nil {
		b.Fatalf("guccho import boundaries: %v\n%s", err, out)
	}
	start := time.Now()
	out, err := exec.Command(bin, "import", "enterprises", csv, "--db", db).CombinedOutput()
	if err != nil {
		b.Fatalf("guccho import enterprises: %v\n%s", err, out)
	}
	r.add("import", "rows/s", float64(rows)/time.Since(start).Seconds())
	var peak float64
	phase := func(fn func(s *server)) {
		s, took := serve(b, bin, boundaries, db)
		r.add("serve: start to /healthz", "ms", ms(took))
		fn(s)
		p, now := s.memory(b)
		peak = max(peak, p)
		r.add("server RSS after the phase", "MB", now)
		s.stop()
	}

	// Phase 1: tiles and the enterprise API on a fresh server.
	var sector string
	phase(func(s *server) {
		d, body := s.getAnswered(b, "/api/enterprises/stats")
		r.add("stats: whole country, cold (until answered)", "ms", ms(d))
		var st guccho.EnterpriseStats
		if err := json.Unmarshal(body, &st); err != nil {
			b.Fatalf("/api/enterprises/stats: %v", err)
		}
		for sec, k := range st.BySector {
			if sector == "" || k > st.BySector[sector] || k == st.BySector[sector] && sec < sector {
				sector = sec
			}
		}
		for z := maptile.Zoom(5); z <= 14; z++ {
			ts := benchTiles(atlas, z)
			var cold, cached []time.Duration
			largest := 0
			for _, t := range ts {
				d, body := s.get(b, fmt.Sprintf("/tiles/enterprises/%d/%d/%d.mvt", t.Z, t.X, t.Y))
				cold = append(cold, d)
				largest = max(largest, len(body))
			}
			for _, t := range ts {
				d, _ := s.get(b, fmt.Sprintf("/tiles/enterprises/%d/%d/%d.mvt", t.Z, t.X, t.Y))
				cached = append(cached, d)
			}
			r.add(fmt.Sprintf("tiles z%d cold p50 (%d tiles)", z, len(ts)), "ms", ms(percentile(cold, 50)))
			r.add(fmt.Sprintf("tiles z%d cold p99", z), "ms", ms(percentile(cold, 99)))
			r.add(fmt.Sprintf("tiles z%d cached p99", z), "ms", ms(percentile(cached, 99)))
			r.add(fmt.Sprintf("tiles z%d largest", z), "B", float64(largest))
		}
		bbox := fmt.Sprintf("%g,%g,%g,%g", dhakaBox.Min[0], dhakaBox.Min[1], dhakaBox.Max[0], dhakaBox.Max[1])
		for _, q := range []struct{ name, path string }{
			{"enterprises: first page", "/api/enterprises"},
			{"enterprises: sector", "/api/enterprises?sector=" + sector},
			{"enterprises: district", "/api/enterprises?admin=" + benchDistrict},
			{"enterprises: division", "/api/enterprises?admin=" + benchDivision},
			{"enterprises: sector + district", "/api/enterprises?sector=" + sector + "&admin=" + benchDistrict},
			{"enterprises: sector + upazila", "/api/enterprises?sector=" + sector + "&admin=" + benchUpazila},
			{"enterprises: bbox (central Dhaka)", "/api/enterprises?bbox=" + bbox},
			{"enterprises: method gps", "/api/enterprises?method=gps"},
			{"enterprises: deep page (after 90 %)", fmt.Sprintf("/api/enterprises?after=%d", rows*9/10)},
			{"enterprises: sector, deep page", fmt.Sprintf("/api/enterprises?sector=%s&after=%d", sector, rows*9/10)},
			{"stats: whole country, cached", "/api/enterprises/stats"},
		} {
			r.add(q.name, "ms", ms(median(b, s, q.path, 5)))
		}
		d, _ = s.get(b, "/api/enterprises/stats?admin="+benchDistrict)
		r.add("stats: district, cold", "ms", ms(d))
	})

	// Phase 2: profiles and statistics, each first asked of a fresh server
	// (cold: its aggregates computed), then again (cached).
	phase(func(s *server) {
		d, _ := s.get(b, "/api/profile/BD") // first: its national sums cold too
		r.add("profile: whole country, cold (national sums)", "ms", ms(d))
		d, _ = s.get(b, "/api/profile/"+benchDistrict)
		r.add("profile: district, cold", "ms", ms(d))
		r.add("profile: district, cached", "ms", ms(median(b, s, "/api/profile/"+benchDistrict, 3)))
		d, _ = s.getAnswered(b, "/api/profile/"+benchDivision)
		r.add("profile: division, cold (until answered)", "ms", ms(d))
		d, _ = s.get(b, "/api/stats/lq?level=district&sector="+sector)
		r.add("LQ of every district, cold", "ms", ms(d))
	})

	// Phase 3: point clusters (issue 8) on a fresh server.
	phase(func(s *server) {
		d, _ := s.getAnswered(b, "/api/clusters?method=smef&sector="+sector)
		r.add("clusters: SMEF rule, one sector, cold (until answered)", "ms", ms(d))
		r.add("clusters: SMEF rule, one sector, cached", "ms", ms(median(b, s, "/api/clusters?method=smef&sector="+sector, 3)))
		d, _ = s.get(b, "/api/clusters?method=dbscan&sector="+sector)
		r.add("clusters: DBSCAN, one sector (points cached)", "ms", ms(d))
		d, _ = s.get(b, "/api/clusters?method=smef")
		r.add("clusters: SMEF rule, every sector (points cached)", "ms", ms(d))
	})
	r.add("server peak RSS (VmHWM, highest of the phases)", "MB", peak)
	return r
}

// median asks path k times and returns the median time.
func median(b *testing.B, s *server, path string, k int) time.Duration {
	b.Helper()
	ds := make([]time.Duration, k)
	for i := range ds {
		ds[i], _ = s.get(b, path)
	}
	return percentile(ds, 50)
}

// report logs every figure of both runs and their ratio, and reports the
// headline figures as benchmark metrics.
func report(b *testing.B, kind string, base, full *run) {
	b.Helper()
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s store: %d enterprises against a baseline of %d (ratio = N store / baseline store)\n", kind, full.rows, base.rows)
	fmt.Fprintf(&sb, "%-52s %14s %14s %8s\n", "figure", fmt.Sprintf("N/10=%d", base.rows), fmt.Sprintf("N=%d", full.rows), "ratio")
	for i, f := range full.figures {
		bf := base.figures[i]
		ratio := math.NaN()
		if bf.value > 0 {
			ratio = f.value / bf.value
		}
		fmt.Fprintf(&sb, "%-52s %11.1f %-2s %11.1f %-2s %8.2f\n", f.name, bf.value, unitShort(f.unit), f.value, unitShort(f.unit), ratio)
		switch f.name {
		case "server peak RSS (VmHWM, highest of the phases)":
			b.ReportMetric(f.value, "peak-RSS-MB")
		case "profile: district, cold":
			b.ReportMetric(ratio, "district-profile-ratio")
		case "profile: whole country, cold (national sums)":
			b.ReportMetric(ratio, "country-profile-ratio")
		case "enterprises: sector, deep page":
			b.ReportMetric(ratio, "deep-page-ratio")
		}
	}
	// Printed whole: the testing package cuts long benchmark logs short.
	fmt.Print(sb.String())
}

func unitShort(u string) string {
	if u == "rows/s" {
		return "/s"
	}
	return u
}
