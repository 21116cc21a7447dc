package guccho

import (
	"context"
	"slices"
	"time"
)

// FlagNameAlias is set on a record one of whose names matched a learnt
// alias (Alias): a fix an editor made in an earlier import's review.
const FlagNameAlias = "name_alias"

// FlagReviewed is set on an enterprise an editor placed in an import's
// review queue (ReviewItem): its Admin is the editor's choice.
const FlagReviewed = "reviewed"

// ReviewScoreBelow is the geocode score under which a placed row goes to
// its import's review queue even when it reached an upazila.
const ReviewScoreBelow = 0.8

// Reasons a row is in an import's review queue (ReviewItem.Reasons).
const (
	ReviewNotUpazila    = "not_upazila"   // placed at district, division or not at all
	ReviewLowScore      = "low_score"     // score below ReviewScoreBelow
	ReviewContradiction = "contradiction" // flagged gps_name_disagree or name_parent_mismatch
)

// States of a ReviewItem.
const (
	ReviewOpen    = "open"    // waiting for an editor
	ReviewDecided = "decided" // an editor decided
)

// Actions of a ReviewDecision.
const (
	ReviewAccept      = "accept"      // a suggestion was accepted
	ReviewPick        = "pick"        // a unit was picked on the map or from search
	ReviewUnplaceable = "unplaceable" // the row cannot be placed; the enterprise stays as it is
)

// ReviewReasons returns why a placement needs an editor's eye, in the
// order of the Review… reasons, or nil when it does not: it did not reach
// an upazila (methods district, division, none), it scored below
// ReviewScoreBelow, or it carries a contradiction flag (FlagGPSDisagrees,
// FlagParentMismatch).
func ReviewReasons(g Geocode) []string {
	var out []string
	switch g.Method {
	case GeocodeGPS, GeocodeUnion, GeocodeUpazila:
	default:
		out = append(out, ReviewNotUpazila)
	}
	if g.Method != GeocodeNone && g.Score < ReviewScoreBelow {
		out = append(out, ReviewLowScore)
	}
	if slices.Contains(g.Flags, FlagGPSDisagrees) || slices.Contains(g.Flags, FlagParentMismatch) {
		out = append(out, ReviewContradiction)
	}
	return out
}

// Suggestion is a unit a row's names might mean, for an editor to accept.
type Suggestion struct {
	PCode  string  `json:"pcode"`
	Level  string  `json:"level"` // division, district, upazila or union
	Name   string  `json:"name"`  // current English name
	NameBN string  `json:"name_bn,omitempty"`
	Parent string  `json:"parent,omitempty"` // the English name of the district (or division) holding it
	Score  float64 `json:"score"`            // 0–1, as geocode scores
}

// ReviewDecision is what an editor decided about a row in review.
type ReviewDecision struct {
	Action string    `json:"action"`          // ReviewAccept, ReviewPick or ReviewUnplaceable
	PCode  string    `json:"pcode,omitempty"` // the unit chosen (accept, pick)
	By     string    `json:"by"`              // the deciding token's id
	At     time.Time `json:"at"`
	// AliasID is the alias learnt from the decision; 0 when none was.
	AliasID int64 `json:"alias_id,omitempty"`
}

// ReviewItem is one row of an import that needs an editor: where it was
// placed, why it needs review, what it might mean and, once decided, the
// decision.
type ReviewItem struct {
	ImportID     string          `json:"import_id"`
	Row          int             `json:"row"` // 1 = first data row
	EnterpriseID string          `json:"enterprise_id"`
	Name         string          `json:"name"`   // the enterprise's name
	Stated       AdminNames      `json:"stated"` // the place fields as written
	Admin        AdminCodes      `json:"admin"`  // where the import placed it
	Geocode      Geocode         `json:"geocode"`
	Reasons      []string        `json:"reasons"` // Review… reasons
	Suggestions  []Suggestion    `json:"suggestions"`
	Status       string          `json:"status"` // ReviewOpen or ReviewDecided
	Decision     *ReviewDecision `json:"decision,omitempty"`
}

// ReviewFilter pages through an import's review queue in row order.
type ReviewFilter struct {
	Status string // ReviewOpen, ReviewDecided, or "" for both
	After  int    // rows after this one
	Limit  int    // 0 = no limit
}

// ReviewPage is one page of an import's review queue and the counts of the
// whole queue.
type ReviewPage struct {
	Items   []*ReviewItem `json:"items"`
	Open    int           `json:"open"`
	Decided int           `json:"decided"`
}

// Alias is a name learnt from an editor's fix: the normalised name
// (geo.AliasName) of a place field at Level, stated inside the unit Within
// (a P-code; "" for nationwide), means the unit PCode (at Level, inside
// Within). The geocoder uses it only for exactly that name inside exactly
// that parent.
type Alias struct {
	ID        int64     `json:"id"`
	Level     string    `json:"level"` // division, district, upazila or union
	Within    string    `json:"within"`
	Name      string    `json:"name"`
	PCode     string    `json:"pcode"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ReviewStore keeps imports' review queues and the learnt aliases.
// Stores write a queue inside its import's transaction
// (ImportWriter.Review).
type ReviewStore interface {
	// FindReviewItems returns a page of an import's queue; ENOTFOUND when
	// the import does not exist.
	FindReviewItems(ctx context.Context, importID string, f ReviewFilter) (ReviewPage, error)
	// FindReviewItem returns one row's item, or ENOTFOUND.
	FindReviewItem(ctx context.Context, importID string, row int) (*ReviewItem, error)
	// DecideReview keeps the decision on an open item and, with alias set,
	// stores the alias, both in one transaction. It sets d.AliasID and
	// returns the decided item. ENOTFOUND for no such item, ECONFLICT when
	// it is decided already or another alias has the same level, parent and
	// name but another unit; an alias equal to a stored one is reused.
	DecideReview(ctx context.Context, importID string, row int, d ReviewDecision, alias *Alias) (*ReviewItem, error)
	// FindAliases lists every alias by level, parent and name.
	FindAliases(ctx context.Context) ([]*Alias, error)
	// ImportAliases stores aliases (names already normalised): all or
	// none. An alias equal to a stored one is skipped; one whose level,
	// parent and name a stored (or earlier) alias has with another unit is
	// an ECONFLICT naming its row (1 = the first). It returns how many were
	// new.
	ImportAliases(ctx context.Context, aliases []Alias) (int, error)
	// DeleteAlias removes an alias, or answers ENOTFOUND.
	DeleteAlias(ctx context.Context, id int64) error
	// AliasesVersion changes whenever aliases are added or removed.
	AliasesVersion(ctx context.Context) (string, error)
}
