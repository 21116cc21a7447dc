package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho/internal/bdtest"
	"github.com/guccho/guccho/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// killStore is a store the kill test can copy, run the binary against and
// digest.
type killStore interface {
	// copy makes a new store holding what src holds and returns its --db.
	copy(t *testing.T, src string) string
	// digest describes what a user can see of the store: enterprises,
	// count pyramid, enterprises and jobs per unit, event log; and the
	// indexes of enterprises, which a bulk import drops and builds again.
	digest(t *testing.T, db string) digest
}

// digest is a store's state, each part as a count and a SHA-256.
type digest struct{ enterprises, pyramid, units, events, indexes string }

// importIDs are normalised in digests: two runs of one import get two ids.
var importIDs = regexp.MustCompile(`imp-[0-9a-f]{12}`)

// hashRows hashes the text of every row a query returns, import ids
// normalised, and counts them: "count:sha256-prefix".
func hashRows(t *testing.T, next func() bool, scan func(...any) error, cols int, err func() error) string {
	t.Helper()
	h := sha256.New()
	n := 0
	vals := make([]sql.NullString, cols)
	ptrs := make([]any, cols)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for next() {
		if e := scan(ptrs...); e != nil {
			t.Fatal(e)
		}
		for _, v := range vals {
			io.WriteString(h, importIDs.ReplaceAllString(v.String, "imp")+"\x1f")
		}
		io.WriteString(h, "\n")
		n++
	}
	if e := err(); e != nil {
		t.Fatal(e)
	}
	return fmt.Sprintf("%d:%s", n, hex.EncodeToString(h.Sum(nil))[:16])
}

// The queries of a digest; every column is read as text.
const (
	digestEnterprises = `SELECT id, content_hash, CAST(import_id AS text), CAST(import_row AS text) FROM %senterprises ORDER BY id`
	digestPyramid     = `SELECT CAST(z AS text), CAST(x AS text), CAST(y AS text), sector, CAST(n AS text) FROM %senterprise_cells ORDER BY z, x, y, sector`
	digestUnits       = `SELECT CAST(level AS text), unit, sector, method, CAST(synthetic AS text), CAST(enterprises AS text), CAST(self AS text), CAST(wage AS text) FROM %sunit_counts ORDER BY level, unit, sector, method, synthetic`
	digestEvents      = `SELECT type, CAST(payload AS text) FROM %sevents ORDER BY id`
	// The indexes of enterprises: by name and definition, or by name and
	// whether each is valid (an interrupted CREATE INDEX CONCURRENTLY
	// leaves an invalid one).
	digestEmbeddedIndexes = `SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'index' AND tbl_name = '%senterprises' ORDER BY name`
	digestPostGISIndexes  = `SELECT c.relname, CAST(i.indisvalid AS text) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = '%senterprises'::regclass ORDER BY c.relname`
)

type embeddedKill struct{}

func (embeddedKill) copy(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "guccho.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(src + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+suffix, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func (embeddedKill) digest(t *testing.T, path string) digest {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	part := func(q string, cols int) string {
		rows, err := db.Query(fmt.Sprintf(q, ""))
		if err != nil {
			t.Fatalf("digest of %s: %v\n%s", path, err, q)
		}
		defer rows.Close()
		return hashRows(t, rows.Next, rows.Scan, cols, rows.Err)
	}
	return digest{part(digestEnterprises, 4), part(digestPyramid, 5), part(digestUnits, 8), part(digestEvents, 2), part(digestEmbeddedIndexes, 2)}
}

type postgisKill struct{ server string }

func (k postgisKill) copy(t *testing.T, src string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, k.server)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("kill_%d_%d", time.Now().UnixNano(), rand.IntN(1000))
	srcName := src[strings.LastIndex(src, "/")+1:]
	if i := strings.Index(srcName, "?"); i >= 0 {
		srcName = srcName[:i]
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+pgx.Identifier{srcName}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), k.server)
		if err == nil {
			c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	})
	return strings.Replace(src, "/"+srcName, "/"+name, 1)
}

func (postgisKill) digest(t *testing.T, url string) digest {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	part := func(q string, cols int) string {
		rows, err := conn.Query(ctx, fmt.Sprintf(q, "guccho."))
		if err != nil {
			t.Fatalf("digest of %s: %v\n%s", url, err, q)
		}
		defer rows.Close()
		return hashRows(t, rows.Next, rows.Scan, cols, rows.Err)
	}
	return digest{part(digestEnterprises, 4), part(digestPyramid, 5), part(digestUnits, 8), part(digestEvents, 2), part(digestPostGISIndexes, 2)}
}

// envInt reads a positive whole number from the environment, or def.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a whole number of at least 1", name, v)
	}
	return n
}

// TestImportSurvivesKill kills a real `guccho import enterprises` process
// (SIGKILL) at random moments of an import and checks that the store, once
// a command has opened it again (start-up recovery), is exactly as before
// the import or exactly as after a clean run of it: enterprises, count
// pyramid, enterprises and jobs per unit, and event log. With the file at hand recovery resumes the import;
// every second kill moves the file away first, so recovery rolls it back
// (enterprises, pyramid and unit sums as before; the event log also holds the
// import's and the roll-back's events, which live maps were sent). The
// kills alternate, two by two, between two stores before the import: one
// holding an earlier survey, and one holding only the boundaries, where the
// import is a bulk import on a store that has one (docs/import.md#bulk-loads);
// the digests include the indexes of enterprises, which must all be there
// after recovery. GUCCHO_KILL_ROWS (default 100,000) and
// GUCCHO_KILL_TIMES (default 5) size it; make bench runs 1,000,000 × 20.
func TestImportSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports many rows")
	}
	rows, kills := envInt(t, "GUCCHO_KILL_ROWS", 100_000), envInt(t, "GUCCHO_KILL_TIMES", 5)
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("GUCCHO_KILL_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("%d rows, %d kills, GUCCHO_KILL_SEED=%d", rows, kills, seed)
	dir := t.TempDir()
	bin := filepath.Join(dir, "guccho")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	csv := filepath.Join(dir, "survey.csv")
	guccho := func(db string, args ...string) *exec.Cmd {
		cmd := exec.Command(bin, append(args, "--db", db)...)
		cmd.Env = append(os.Environ(), "GUCCHO_LOG_LEVEL=warn")
		return cmd
	}
	mustRun := func(cmd *exec.Cmd) string {
		t.Helper()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
		}
		return string(out)
	}
	mustRun(guccho(filepath.Join(dir, "scratch.db"), "demo", "--n", strconv.Itoa(rows), "--csv", csv))

	stores := map[string]func(t *testing.T) (killStore, string){
		"embedded": func(t *testing.T) (killStore, string) { return embeddedKill{}, filepath.Join(t.TempDir(), "before.db") },
		"postgis": func(t *testing.T) (killStore, string) {
			return postgisKill{server: pgtest.ServerURL(t)}, pgtest.NewDatabase(t)
		},
	}
	boundaries := bdtest.Dir(t)
	// start is one store before the import, with the digests before and
	// after a clean run of it and how long that took.
	type start struct {
		name        string
		db          string
		want, after digest
		took        time.Duration
	}
	for _, name := range []string{"embedded", "postgis"} {
		t.Run(name, func(t *testing.T) {
			ks, survey := stores[name](t)
			rng := rand.New(rand.NewPCG(seed, uint64(len(name))))
			// Before: boundaries and an earlier survey whose ids overlap
			// the first fifth of the file with other contents, so the
			// import both creates and updates; or the boundaries alone,
			// so the import begins on an empty store.
			mustRun(guccho(survey, "demo", "--n", strconv.Itoa(max(rows/5, 1)), "--seed", "2"))
			_, empty := stores[name](t)
			mustRun(guccho(empty, "import", "boundaries", boundaries))
			starts := []*start{{name: "survey", db: survey}, {name: "empty", db: empty}}
			for _, st := range starts {
				st.want = ks.digest(t, st.db)
				clean := ks.copy(t, st.db)
				t0 := time.Now()
				mustRun(guccho(clean, "import", "enterprises", csv))
				st.took = time.Since(t0)
				st.after = ks.digest(t, clean)
				t.Logf("clean import on the %s store: %v; before %+v; after %+v", st.name, st.took.Round(time.Millisecond), st.want, st.after)
				if st.after == st.want {
					t.Fatalf("the import on the %s store changed nothing", st.name)
				}
			}

			seen := map[string]int{}
			for i := range kills {
				// survey, survey, empty, empty, survey, …: each store
				// with its file at hand and moved away.
				st := starts[i/2%2]
				want, after := st.want, st.after
				db := ks.copy(t, st.db)
				cmd := guccho(db, "import", "enterprises", csv)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				at := time.Duration(rng.Int64N(int64(st.took)))
				time.Sleep(at)
				cmd.Process.Kill() // SIGKILL
				cmd.Wait()
				rollBack := i%2 == 1
				if rollBack {
					if err := os.Rename(csv, csv+".away"); err != nil {
						t.Fatal(err)
					}
				}
				out := mustRun(guccho(db, "import", "list")) // opening the store recovers
				if rollBack {
					if err := os.Rename(csv+".away", csv); err != nil {
						t.Fatal(err)
					}
				}
				got := ks.digest(t, db)
				switch {
				case got == want:
					seen[st.name+": before"]++
				case got == after:
					seen[st.name+": after"]++
				case rollBack && got.enterprises == want.enterprises && got.pyramid == want.pyramid && got.units == want.units &&
					got.indexes == want.indexes:
					seen[st.name+": rolled back"]++
				default:
					t.Errorf("kill %d at %v of the import on the %s store (file at hand %v): the store is neither as before nor as after the import\n got %+v\nbefore %+v\n after %+v\n%s",
						i+1, at.Round(time.Millisecond), st.name, !rollBack, got, want, after, out)
				}
			}
			t.Logf("%d kills: %v", kills, seen)
		})
	}
}
