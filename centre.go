package guccho

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"
)

// Centre is a common service centre: a place where enterprises of a sector
// (or of every sector) share machines, testing, training or other services,
// such as the footwear centre of Bhairab.
type Centre struct {
	// ID is stable: given by the source, or derived by CentreID from the
	// English name and the point.
	ID     string `json:"id"`
	NameEN string `json:"name_en"`
	NameBN string `json:"name_bn,omitempty"`
	// Sector is a code of the sector catalogue, or "" for a centre that
	// serves every sector.
	Sector   string   `json:"sector,omitempty"`
	Services []string `json:"services"`
	Operator string   `json:"operator,omitempty"`
	// Point is where the centre is: longitude, latitude (EPSG:4326). It
	// must lie inside an admin unit of the store's boundary set.
	Point orb.Point `json:"point"`
	// Admin are the P-codes of the units holding Point, resolved by the
	// store (with its reverse geocoding) on every write; what a caller
	// sets is ignored.
	Admin      AdminCodes        `json:"admin"`
	Attributes map[string]string `json:"attributes,omitempty"` // every other column of the source
	Synthetic  bool              `json:"synthetic"`            // made up for the demo, not a real record
	// Row is the source row the centre was read from (1 = first data row),
	// 0 when it was not read from a file. Stores name it in errors; it is
	// not stored.
	Row       int       `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CentreFilter selects centres. Zero fields do not filter.
type CentreFilter struct {
	// Sector keeps the centres of this sector code and those serving every
	// sector (Sector "").
	Sector string
	Admin  string     // inside this unit (a P-code of any level)
	Bound  *orb.Bound // Point inside this box, edges included (EPSG:4326)
}

// CentreImportCounts are what ImportCentres did.
type CentreImportCounts struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// CentreStore persists common service centres. Every write appends one
// EventCentresChanged event to the store's event log in its own
// transaction. Methods return *Error values: ENOTFOUND, ECONFLICT (a create
// whose id exists), EINVALID (a centre that fails Validate, or whose point
// lies in no admin unit of the store).
type CentreStore interface {
	FindCentreByID(ctx context.Context, id string) (*Centre, error)
	// FindCentres returns the matching centres ordered by id.
	FindCentres(ctx context.Context, f CentreFilter) ([]*Centre, error)
	CreateCentre(ctx context.Context, c *Centre) error
	UpdateCentre(ctx context.Context, c *Centre) error
	DeleteCentre(ctx context.Context, id string) error
	// ImportCentres upserts the centres by id, all or nothing: if any is
	// invalid, outside the boundaries or repeats an id of the batch,
	// nothing is stored and the error names its row (or id).
	ImportCentres(ctx context.Context, cs []*Centre) (CentreImportCounts, error)
}

// EventCentresChanged is the event type of every write to centres; its
// payload is a CentreChange.
const EventCentresChanged = "centres.changed"

// CentreChange is the payload of EventCentresChanged.
type CentreChange struct {
	Action string   `json:"action"` // "created", "updated", "deleted" or "imported"
	Count  int      `json:"count"`  // centres touched
	IDs    []string `json:"ids,omitempty"`
}

// NewCentreChange describes a write that touched the centres with the
// given ids, listing at most MaxChangeIDs of them.
func NewCentreChange(action string, ids ...string) CentreChange {
	c := CentreChange{Action: action, Count: len(ids)}
	if len(ids) <= MaxChangeIDs {
		c.IDs = ids
	}
	return c
}

// CentreID derives a stable id for a centre that has none: "c-" and 16 hex
// digits of a hash of its English name (case, spacing and Unicode form
// folded) and its point rounded to 1e-6 degrees (about 0.1 m).
func CentreID(nameEN string, pt orb.Point) string {
	name := strings.Join(strings.Fields(norm.NFC.String(strings.ToLower(nameEN))), " ")
	h := sha256.New()
	h.Write([]byte(name))
	for _, v := range pt {
		h.Write([]byte{0x1f})
		h.Write([]byte(strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', 6, 64)))
	}
	return "c-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// Validate checks what every store requires of a centre: an id that fits
// one URL path segment (CheckPathID; "import" is reserved), an English name,
// text within the limits of limits.go (CheckText), non-empty services and a
// lon/lat point.
// Errors are EINVALID and name the centre (and its row, when read from a
// file) and the field.
func (c *Centre) Validate() error {
	// "import" names the route beside /api/centres/{id}.
	if err := CheckPathID("id", c.ID, "import"); err != nil {
		return Errorf(EINVALID, "%s: %v", c.who(), err)
	}
	if strings.TrimSpace(c.NameEN) == "" {
		return c.errorf("name_en", "empty")
	}
	for _, f := range []struct{ name, value string }{{"name_en", c.NameEN}, {"name_bn", c.NameBN}} {
		if err := CheckText(f.name, f.value, MaxNameBytes); err != nil {
			return Errorf(EINVALID, "%s: %v", c.who(), err)
		}
	}
	if err := CheckText("operator", c.Operator, MaxTextBytes); err != nil {
		return Errorf(EINVALID, "%s: %v", c.who(), err)
	}
	if len(c.Services) > MaxListItems {
		return c.errorf("services", "%d items is more than the limit of %d", len(c.Services), MaxListItems)
	}
	for i, s := range c.Services {
		if strings.TrimSpace(s) == "" {
			return c.errorf("services", "an empty service in %q", c.Services)
		}
		if err := CheckText(fmt.Sprintf("services[%d]", i), s, MaxTextBytes); err != nil {
			return Errorf(EINVALID, "%s: %v", c.who(), err)
		}
	}
	if len(c.Attributes) > MaxListItems {
		return c.errorf("attributes", "%d attributes is more than the limit of %d", len(c.Attributes), MaxListItems)
	}
	for k, v := range c.Attributes {
		if err := CheckText("attributes", k, MaxTextBytes); err != nil {
			return Errorf(EINVALID, "%s: %v", c.who(), err)
		}
		if err := CheckText("attributes."+k, v, MaxTextBytes); err != nil {
			return Errorf(EINVALID, "%s: %v", c.who(), err)
		}
	}
	if !(c.Point[0] >= -180 && c.Point[0] <= 180) {
		return c.errorf("lon", "%g is not a longitude (-180 to 180)", c.Point[0])
	}
	if !(c.Point[1] >= -90 && c.Point[1] <= 90) {
		return c.errorf("lat", "%g is not a latitude (-90 to 90)", c.Point[1])
	}
	return nil
}

// OutsideError is the EINVALID error a store returns for a centre whose
// point lies in no admin unit.
func (c *Centre) OutsideError() error {
	return c.errorf("lon/lat", "lon %g, lat %g lies in no admin unit: the point is outside Bangladesh (are lon and lat swapped?)", c.Point[0], c.Point[1])
}

// errorf returns an EINVALID error about one field of the centre.
func (c *Centre) errorf(field, format string, args ...any) error {
	return Errorf(EINVALID, "%s: field %q: %s", c.who(), field, fmt.Sprintf(format, args...))
}

// who names the centre in errors: by its row when it came from a file.
func (c *Centre) who() string {
	who := "centre " + strconv.Quote(c.ID)
	if c.Row > 0 {
		who = "row " + strconv.Itoa(c.Row) + " (" + who + ")"
	}
	return who
}

// ValidateCentres validates every centre of an import batch (see Validate)
// and refuses an id that an earlier centre of the batch has. The first
// problem is returned.
func ValidateCentres(cs []*Centre) error {
	seen := make(map[string]*Centre, len(cs))
	for _, c := range cs {
		if err := c.Validate(); err != nil {
			return err
		}
		if first, ok := seen[c.ID]; ok {
			where := "an earlier centre"
			if first.Row > 0 {
				where = "row " + strconv.Itoa(first.Row)
			}
			return c.errorf("id", "%q repeats the id of %s", c.ID, where)
		}
		seen[c.ID] = c
	}
	return nil
}
