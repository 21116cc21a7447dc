package guccho

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Geocode methods: how an enterprise was placed, best first.
const (
	GeocodeGPS      = "gps"      // its own GPS point, inside Bangladesh and not contradicted
	GeocodeUnion    = "union"    // the stated union name (display point inside the union)
	GeocodeUpazila  = "upazila"  // the stated upazila name
	GeocodeDistrict = "district" // the stated district name
	GeocodeDivision = "division" // the stated division name
	GeocodeNone     = "none"     // not placed
)

// GeocodeMethods lists the methods from best to worst.
var GeocodeMethods = []string{GeocodeGPS, GeocodeUnion, GeocodeUpazila, GeocodeDistrict, GeocodeDivision, GeocodeNone}

// Geocode flags: what the geocoder noticed about a record. A flagged record
// is still placed (or marked none); flags say how much to trust it.
const (
	FlagGPSDisagrees   = "gps_name_disagree"    // the GPS point lies in another unit than the stated names
	FlagSwappedLatLon  = "swapped_lat_lon"      // latitude and longitude were swapped in the source; fixed
	FlagZeroGPS        = "zero_gps"             // GPS given as 0,0 (ignored)
	FlagGPSOutside     = "gps_outside"          // GPS outside Bangladesh (ignored)
	FlagGPSInvalid     = "gps_invalid"          // GPS not numbers or out of range (ignored)
	FlagNameFuzzy      = "name_fuzzy"           // a stated name matched only approximately
	FlagNameAmbiguous  = "name_ambiguous"       // a stated name fits several units and no parent decided
	FlagNameUnknown    = "name_unknown"         // a stated name matched no unit
	FlagParentMismatch = "name_parent_mismatch" // a stated name exists, but not inside the stated parent
)

// AdminNames are the names of admin units as a source states them.
type AdminNames struct {
	Division string `json:"division,omitempty"`
	District string `json:"district,omitempty"`
	Upazila  string `json:"upazila,omitempty"`
	Union    string `json:"union,omitempty"`
}

// AdminCodes are resolved P-codes at each level ("" where unknown).
type AdminCodes struct {
	Division string `json:"division,omitempty"`
	District string `json:"district,omitempty"`
	Upazila  string `json:"upazila,omitempty"`
	Union    string `json:"union,omitempty"`
}

// Finest returns the most detailed code that is set, or "".
func (c AdminCodes) Finest() string {
	for _, s := range []string{c.Union, c.Upazila, c.District, c.Division} {
		if s != "" {
			return s
		}
	}
	return ""
}

// Geocode is how an enterprise was placed.
type Geocode struct {
	Method string   `json:"method"`          // one of GeocodeMethods
	Score  float64  `json:"score"`           // 0–1: 1 for an exact name or an uncontradicted GPS point
	Flags  []string `json:"flags,omitempty"` // Flag… constants
}

// Employment counts the people an enterprise employs.
type Employment struct {
	Self   int  `json:"self"`             // owners and unpaid family workers
	Wage   int  `json:"wage"`             // paid workers
	Female *int `json:"female,omitempty"` // all workers by gender, where the source gives it
	Male   *int `json:"male,omitempty"`
}

// Total is self plus wage employment.
func (e Employment) Total() int { return e.Self + e.Wage }

// RECP records Resource-Efficient and Cleaner Production. Nil fields are
// unknown (the source did not ask).
type RECP struct {
	Aware     *bool    `json:"aware,omitempty"`
	Adopted   *bool    `json:"adopted,omitempty"`
	Practices []string `json:"practices,omitempty"`
}

// Keys of Enterprise.Attributes that surveys fill from recognised columns
// (survey.Field… of the same names): where the enterprise buys its main
// input and who buys most of what it makes, each by type ("leather trader",
// "paikar", "exporter", any language) and place (free text, "Savar").
// Value chains are derived from them (valuechain.Derive).
const (
	AttrInputSourceType  = "input_source_type"
	AttrInputSourcePlace = "input_source_place"
	AttrBuyerType        = "buyer_type"
	AttrBuyerPlace       = "buyer_place"
)

// Enterprise is one microenterprise as surveyed and placed on the map.
type Enterprise struct {
	ID        string `json:"id"`         // stable: from the source's id column or derived from key columns
	FeatureID int64  `json:"feature_id"` // numeric id in vector tiles, assigned by the store, stable across updates
	Name      string `json:"name"`
	Sector    string `json:"sector"`     // a code of the sector catalogue, e.g. "footwear_leather"
	SubSector string `json:"sub_sector"` // free text or a catalogue sub-sector

	// GPS is the point as surveyed (after fixing swapped coordinates); nil
	// when the record has none or it was rejected.
	GPS *orb.Point `json:"gps,omitempty"`
	// Point is where the map shows the enterprise: GPS when the method is
	// gps, otherwise a display point inside the finest resolved unit
	// (DisplayPoint true), never to be read as a surveyed location.
	Point        orb.Point `json:"point"`
	DisplayPoint bool      `json:"display_point"`

	Stated  AdminNames `json:"stated"` // admin names as written in the source
	Admin   AdminCodes `json:"admin"`  // resolved P-codes
	Geocode Geocode    `json:"geocode"`

	Employment  Employment        `json:"employment"`
	OwnerGender string            `json:"owner_gender,omitempty"` // "female", "male", "other" or ""
	RECP        RECP              `json:"recp"`
	Barriers    []string          `json:"barriers,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty"` // every other column of the source
	Synthetic   bool              `json:"synthetic"`            // generated demo data, not a survey

	ImportID  string    `json:"import_id,omitempty"`
	ImportRow int       `json:"import_row,omitempty"` // the source row it came from (1 = first data row)
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EnterpriseFilter selects enterprises. Zero fields do not filter.
type EnterpriseFilter struct {
	Sectors  []string   // any of these sector codes
	Admin    string     // inside this unit (a P-code of any level)
	Bound    *orb.Bound // Point inside this box (EPSG:4326)
	Methods  []string   // any of these geocode methods
	ImportID string     // from this import
	// After and Limit page through results in FeatureID order: results have
	// FeatureID > After; Limit 0 means no limit.
	After int64
	Limit int
}

// EnterpriseStats counts enterprises.
type EnterpriseStats struct {
	Total     int            `json:"total"`
	BySector  map[string]int `json:"by_sector"`
	ByMethod  map[string]int `json:"by_method"`
	Synthetic int            `json:"synthetic"` // how many are generated demo data
}

// Add counts n enterprises of one sector, method and synthetic flag.
func (st *EnterpriseStats) Add(sector, method string, synthetic bool, n int) {
	if st.BySector == nil {
		st.BySector, st.ByMethod = map[string]int{}, map[string]int{}
	}
	st.Total += n
	st.BySector[sector] += n
	st.ByMethod[method] += n
	if synthetic {
		st.Synthetic += n
	}
}

// ImportStatus values.
const (
	ImportRunning   = "running"
	ImportSucceeded = "succeeded"
	ImportFailed    = "failed" // nothing was stored; Error says why
	// ImportUndoing: an undo (or a roll-back) is under way, chunk by chunk;
	// an interrupted one goes on at the next start.
	ImportUndoing = "undoing"
	ImportUndone  = "undone" // undone as a whole (UndoImport)
	// ImportRolledBack: an interrupted import rolled back at start; nothing
	// of it is stored.
	ImportRolledBack = "rolled_back"
)

// Phases of a running import (Import.Phase).
const (
	// ImportLoading: the import reads its source and writes its rows, chunk
	// by chunk.
	ImportLoading = "loading"
	// ImportIndexing: every row is stored and the import writes the map's
	// indexes of its rows (the count pyramid; the embedded store's spatial
	// index) in chunks, in key order. An import interrupted here no longer
	// needs its source: recovery finishes it, never rolls it back.
	ImportIndexing = "indexing"
)

// ImportSource is what resuming an interrupted import needs: where its file
// is and how it was read. The API does not show it.
type ImportSource struct {
	Path    string          `json:"path"`              // absolute path of the survey file
	Name    string          `json:"name,omitempty"`    // the file's name as the user gave it, when Path's differs
	Spooled bool            `json:"spooled,omitempty"` // Path is a server's spooled upload, removed once recovered
	Size    int64           `json:"size"`              // its size when the import began
	Sheet   string          `json:"sheet,omitempty"`   // XLSX worksheet
	Mapping json.RawMessage `json:"mapping,omitempty"` // the survey.Mapping used, as JSON
}

// RowError is one row that could not be imported.
type RowError struct {
	Row    int               `json:"row"`    // 1 = first data row
	Field  string            `json:"field"`  // the source column (or "" for the whole row)
	Reason string            `json:"reason"` // for the person who fixes the file
	Values map[string]string `json:"-"`      // the row's cells, for the failed-rows CSV
}

// Import is one import of a survey file and its report.
type Import struct {
	ID        string            `json:"id"`
	Filename  string            `json:"filename"`
	Format    string            `json:"format"` // csv, xlsx, geojson
	Status    string            `json:"status"`
	Error     string            `json:"error,omitempty"` // why a failed import failed
	Read      int               `json:"rows_read"`
	Created   int               `json:"created"`
	Updated   int               `json:"updated"`
	Unchanged int               `json:"unchanged"`
	Failed    int               `json:"failed"`
	Warnings  int               `json:"warnings"` // rows imported with a value ignored (listed with the failed rows)
	Review    int               `json:"review"`   // rows kept for an editor's review (ReviewItem)
	Methods   map[string]int    `json:"methods"`  // geocode method → count
	Flags     map[string]int    `json:"flags"`    // geocode flag → count
	Mapping   map[string]string `json:"mapping"`  // field → source column used
	CreatedBy string            `json:"created_by,omitempty"`
	StartedAt time.Time         `json:"started_at"`
	EndedAt   *time.Time        `json:"ended_at,omitempty"`
	// SourceRow is the last source row whose outcome is stored: a running
	// import commits in chunks, and a resume reads on after this row.
	SourceRow int `json:"source_row,omitempty"`
	// Source, when set, lets an interrupted import be resumed.
	Source *ImportSource `json:"source,omitempty"`
	// UndoneAt is when an undo (or a roll-back at start) finished.
	UndoneAt *time.Time `json:"undone_at,omitempty"`
	// Phase is the running import's phase (ImportLoading, ImportIndexing);
	// "" once it has ended.
	Phase string `json:"phase,omitempty"`
	// ResumedAfter lists, for each resume of the import after an
	// interruption, the source row it read on after.
	ResumedAfter []int `json:"resumed_after,omitempty"`
}

// ImportCounts are what writing one batch did.
type ImportCounts struct {
	Created, Updated, Unchanged int
	// Duplicates are rows not written: whose id an earlier row of the same
	// import had, or whose stored row another import that is still running
	// wrote (the reason names it).
	Duplicates []RowError
}

// ImportWriter writes one import's rows in chunks: what Put, Fail and Review
// write since the last Checkpoint is one transaction, committed by
// Checkpoint (or Commit), so a long import holds the store's writer only a
// chunk at a time. Rows are visible to readers from their chunk's commit.
// Every row a chunk updates is saved first, so the import can be undone as
// a whole (EnterpriseStore.UndoImport). Rollback undoes every committed
// chunk and leaves the store as it was before the import began; after a
// crash the import stays "running" until RecoverImport resumes or rolls it
// back. A writer opened on a running import that already committed chunks
// (a resume) goes on from them.
type ImportWriter interface {
	// Put upserts a batch by id. A row whose id an earlier row of this import
	// already wrote is not written and comes back in Duplicates.
	Put(ctx context.Context, batch []*Enterprise) (ImportCounts, error)
	// Fail records rows that could not be imported.
	Fail(ctx context.Context, rows []RowError) error
	// Review keeps rows for an editor's review (the import's review queue),
	// as open items.
	Review(ctx context.Context, items []*ReviewItem) error
	// Checkpoint stores the report (its counts and SourceRow: how far the
	// source was read) and commits the chunk written since the last one.
	Checkpoint(ctx context.Context, report *Import) error
	// Commit stores the final report and commits the last chunk.
	Commit(ctx context.Context, report *Import) error
	// Rollback abandons the open chunk and undoes the committed ones; the
	// store is as before the import. Safe (and a no-op) after Commit, also
	// after a Commit that failed in the indexing phase: that import stays
	// running in phase ImportIndexing, and recovery finishes it.
	Rollback() error
}

// EnterprisePointReader is what a store may offer beside EnterpriseStore
// for the largest read the server makes, the points clusters are found
// among (every enterprise with a surveyed GPS point, read once after a
// start): only the fields those points need, taken out of each stored
// record without decoding the rest of it (names, stated places,
// attributes).
type EnterprisePointReader interface {
	// FindEnterprisePoints calls fn, in FeatureID order, with
	// EnterprisePoint(e) of each enterprise e that has a GPS point; it
	// reads as FindEnterprises does (one moment's enterprises, streaming,
	// no timeout of the store's own; fn's error or ctx's end stops it).
	FindEnterprisePoints(ctx context.Context, fn func(*Enterprise) error) error
}

// EnterprisePoint returns what FindEnterprisePoints reads of e: its
// FeatureID, ID, Sector, GPS, Employment, OwnerGender, RECP and Barriers
// (what profile.CountsOf counts), every other field zero.
func EnterprisePoint(e *Enterprise) *Enterprise {
	return &Enterprise{FeatureID: e.FeatureID, ID: e.ID, Sector: e.Sector, GPS: e.GPS, Employment: e.Employment,
		OwnerGender: e.OwnerGender, RECP: e.RECP, Barriers: e.Barriers}
}

// EnterpriseStore persists enterprises and their imports. Methods return
// *Error values: ENOTFOUND, ECONFLICT (a create whose id exists), EINVALID.
type EnterpriseStore interface {
	FindEnterpriseByID(ctx context.Context, id string) (*Enterprise, error)
	// FindEnterprises calls fn for each matching enterprise in FeatureID
	// order, streaming: memory does not grow with the result. The read sees
	// the enterprises as of one moment, however long fn takes, and no
	// timeout of the store's own cuts a long read short; fn's error, or
	// ctx's end, stops it.
	FindEnterprises(ctx context.Context, f EnterpriseFilter, fn func(*Enterprise) error) error
	CountEnterprises(ctx context.Context, f EnterpriseFilter) (int, error)
	// EnterpriseStats counts enterprises per sector and method, inside the
	// admin unit given ("" for all).
	EnterpriseStats(ctx context.Context, admin string) (EnterpriseStats, error)
	CreateEnterprise(ctx context.Context, e *Enterprise) error
	UpdateEnterprise(ctx context.Context, e *Enterprise) error
	DeleteEnterprise(ctx context.Context, id string) error

	// CreateImport records a running import (committed at once, so a failed
	// import leaves a trace) and BeginImport opens its writer.
	CreateImport(ctx context.Context, imp *Import) error
	BeginImport(ctx context.Context, imp *Import) (ImportWriter, error)
	// FinishImport records the outcome of an import that did not commit.
	FinishImport(ctx context.Context, imp *Import) error
	FindImportByID(ctx context.Context, id string) (*Import, error)
	FindImports(ctx context.Context) ([]*Import, error)
	// FindImportFailures calls fn for each failed row of an import, in row order.
	FindImportFailures(ctx context.Context, importID string, fn func(RowError) error) error
	// UndoImport undoes a succeeded import as a whole, in chunks of short
	// transactions: the rows it created go, the rows it updated (or found
	// unchanged) get back their previous version, the count pyramid follows
	// and each chunk appends its enterprises.changed event; its review items
	// go. An interrupted undo leaves the import "undoing" and a second call
	// (or RecoverImport) finishes it. ENOTFOUND for an unknown id;
	// ECONFLICT, naming them, when rows it wrote were since edited or
	// deleted, or written by a later import that is not undone; EINVALID
	// when the import is not succeeded (or undoing).
	UndoImport(ctx context.Context, id string) (*Import, error)
	// RollbackImport undoes what an interrupted ("running") import committed
	// and marks it rolled_back with the reason; an "undoing" one is undone
	// to the end. Edits made since are overwritten: this is recovery.
	RollbackImport(ctx context.Context, id, reason string) (*Import, error)
}

// ContentHash returns a digest of everything the source and the geocoder
// said about the enterprise — not its store bookkeeping (feature id, import,
// times). Stores compare it to tell an unchanged re-imported row from an
// updated one.
func (e *Enterprise) ContentHash() string {
	_, hash := e.Content()
	return hash
}

// Content returns the enterprise as JSON without its store bookkeeping
// (feature id, import and times are zero or left out) and ContentHash, the
// digest of that JSON, from one encoding. A store may keep the JSON as the
// record and set the bookkeeping from columns of its own when it reads it.
func (e *Enterprise) Content() (doc []byte, hash string) {
	c := *e
	c.FeatureID, c.ImportID, c.ImportRow = 0, "", 0
	c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
	b, _ := json.Marshal(&c) // map keys are sorted by encoding/json
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:16])
}

// Validate checks what every store requires of an enterprise: an id
// (CheckID) and text within the limits (ValidateText), a sector, a known
// geocode method, a map point inside the world when placed.
// Errors are EINVALID and name the field.
func (e *Enterprise) Validate() error {
	if err := CheckID(e.ID); err != nil {
		return err
	}
	if err := e.ValidateText(); err != nil {
		return err
	}
	if e.Sector == "" {
		return Errorf(EINVALID, "enterprise %s: field \"sector\": empty", e.ID)
	}
	if !slices.Contains(GeocodeMethods, e.Geocode.Method) {
		return Errorf(EINVALID, "enterprise %s: field \"geocode.method\": %q is not one of %s", e.ID, e.Geocode.Method, strings.Join(GeocodeMethods, ", "))
	}
	if e.Geocode.Method != GeocodeNone {
		if !(e.Point[0] >= -180 && e.Point[0] <= 180 && e.Point[1] >= -90 && e.Point[1] <= 90) {
			return Errorf(EINVALID, "enterprise %s: field \"point\": %v is not a lon/lat point", e.ID, e.Point)
		}
	}
	if e.Employment.Self < 0 || e.Employment.Wage < 0 {
		return Errorf(EINVALID, "enterprise %s: field \"employment\": negative counts", e.ID)
	}
	return nil
}

// Placed reports whether the enterprise has a map point.
func (e *Enterprise) Placed() bool { return e.Geocode.Method != GeocodeNone && e.Geocode.Method != "" }
