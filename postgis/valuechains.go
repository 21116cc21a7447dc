package postgis

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/valuechain"
)

var _ valuechain.Store = (*Store)(nil)

const (
	chainColumns = `id, name, name_bn, sector, cluster, admin, synthetic`
	actorColumns = `id, name, name_bn, role, sector, enterprise_id, admin, location`
	linkColumns  = `id, from_actor, to_actor, flow, product, volume, unit, value, period`
)

// FindChains lists the chains f selects, by id, with their counts.
func (s *Store) FindChains(ctx context.Context, f valuechain.Filter) ([]valuechain.Summary, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+chainColumns+`,
		(SELECT count(*) FROM guccho.valuechain_actors a WHERE a.chain_id = c.id),
		(SELECT count(*) FROM guccho.valuechain_links l WHERE l.chain_id = c.id)
		FROM guccho.valuechains c WHERE ($1 = '' OR sector = $1) AND ($2 = '' OR cluster = $2) AND ($3 = '' OR starts_with(admin, $3))
		ORDER BY id COLLATE "C"`, f.Sector, f.Cluster, f.Admin)
	if err != nil {
		return nil, dbErr(err, "list value chains")
	}
	defer rows.Close()
	out := []valuechain.Summary{}
	for rows.Next() {
		var sm valuechain.Summary
		c := &sm.Chain
		if err := rows.Scan(&c.ID, &c.Name, &c.NameBN, &c.Sector, &c.Cluster, &c.Admin, &c.Synthetic, &sm.Actors, &sm.Links); err != nil {
			return nil, dbErr(err, "list value chains")
		}
		out = append(out, sm)
	}
	return out, dbErr(rows.Err(), "list value chains")
}

// FindChainByID returns a chain with its actors and links, from one
// snapshot.
func (s *Store) FindChainByID(ctx context.Context, id string) (*valuechain.Data, error) {
	var d *valuechain.Data
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		d, err = loadChain(ctx, tx, id, false)
		return err
	})
	return d, dbErr(err, "read value chain")
}

// loadChain reads a chain whole; lock takes the chain's row lock, so that
// edits of one chain run one after the other and each validates what the
// last one left.
func loadChain(ctx context.Context, tx pgx.Tx, id string, lock bool) (*valuechain.Data, error) {
	q := `SELECT ` + chainColumns + ` FROM guccho.valuechains WHERE id = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	var c valuechain.Chain
	err := tx.QueryRow(ctx, q, id).Scan(&c.ID, &c.Name, &c.NameBN, &c.Sector, &c.Cluster, &c.Admin, &c.Synthetic)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no value chain %q", id)
	}
	if err != nil {
		return nil, dbErr(err, "read value chain")
	}
	d := &valuechain.Data{Chain: c, Actors: []valuechain.Actor{}, Links: []valuechain.Link{}}
	rows, err := tx.Query(ctx, `SELECT `+actorColumns+`, coalesce(ST_X(geom), 0), coalesce(ST_Y(geom), 0)
		FROM guccho.valuechain_actors WHERE chain_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, dbErr(err, "read actors")
	}
	for rows.Next() {
		var a valuechain.Actor
		if err := rows.Scan(&a.ID, &a.Name, &a.NameBN, &a.Role, &a.Sector, &a.EnterpriseID, &a.Admin, &a.Location, &a.Lon, &a.Lat); err != nil {
			rows.Close()
			return nil, dbErr(err, "read actors")
		}
		d.Actors = append(d.Actors, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbErr(err, "read actors")
	}
	rows, err = tx.Query(ctx, `SELECT `+linkColumns+` FROM guccho.valuechain_links WHERE chain_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, dbErr(err, "read links")
	}
	defer rows.Close()
	for rows.Next() {
		var l valuechain.Link
		if err := rows.Scan(&l.ID, &l.From, &l.To, &l.Flow, &l.Product, &l.Volume, &l.Unit, &l.Value, &l.Period); err != nil {
			return nil, dbErr(err, "read links")
		}
		d.Links = append(d.Links, l)
	}
	return d, dbErr(rows.Err(), "read links")
}

// chainTx runs fn in a transaction that also records a value-chain event
// for chain c (as fn leaves it).
func (s *Store) chainTx(ctx context.Context, action string, c *valuechain.Chain, fn func(pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return appendEvents(ctx, tx, guccho.EventValuechainsChanged, valuechain.ChainChange{Action: action, Chain: c.ID, Sector: c.Sector})
	})
	return dbErr(err, "write value chain")
}

// editChain loads and locks a chain, lets edit change it (the
// valuechain.Data methods validate the result), then write store it.
func (s *Store) editChain(ctx context.Context, id string, edit func(*valuechain.Data) error, write func(pgx.Tx) error) error {
	c := &valuechain.Chain{ID: id}
	return s.chainTx(ctx, "updated", c, func(tx pgx.Tx) error {
		d, err := loadChain(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := edit(d); err != nil {
			return err
		}
		*c = d.Chain
		if err := write(tx); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE guccho.valuechains SET updated_at = now() WHERE id = $1`, id)
		return dbErr(err, "touch value chain")
	})
}

func chainArgs(c *valuechain.Chain) []any {
	return []any{c.ID, c.Name, c.NameBN, c.Sector, c.Cluster, c.Admin, c.Synthetic}
}

// CreateChain stores a new, empty chain; ECONFLICT if its id exists.
func (s *Store) CreateChain(ctx context.Context, c *valuechain.Chain) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.chainTx(ctx, "created", c, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO guccho.valuechains (`+chainColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (id) DO NOTHING`, chainArgs(c)...)
		if err != nil {
			return dbErr(err, "create value chain")
		}
		if tag.RowsAffected() == 0 {
			return guccho.Errorf(guccho.ECONFLICT, "value chain %q exists already", c.ID)
		}
		return nil
	})
}

// UpdateChain replaces a chain's scope; ENOTFOUND if absent.
func (s *Store) UpdateChain(ctx context.Context, c *valuechain.Chain) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.chainTx(ctx, "updated", c, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE guccho.valuechains SET name = $2, name_bn = $3, sector = $4, cluster = $5, admin = $6,
			synthetic = $7, updated_at = now() WHERE id = $1`, chainArgs(c)...)
		if err != nil {
			return dbErr(err, "update value chain")
		}
		if tag.RowsAffected() == 0 {
			return guccho.Errorf(guccho.ENOTFOUND, "no value chain %q", c.ID)
		}
		return nil
	})
}

// DeleteChain removes a chain with its actors and links; ENOTFOUND if
// absent.
func (s *Store) DeleteChain(ctx context.Context, id string) error {
	c := &valuechain.Chain{ID: id}
	return s.chainTx(ctx, "deleted", c, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `DELETE FROM guccho.valuechains WHERE id = $1 RETURNING sector`, id).Scan(&c.Sector)
		if errors.Is(err, pgx.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no value chain %q", id)
		}
		return dbErr(err, "delete value chain")
	})
}

// ReplaceChain stores a chain whole, all or nothing, copying actors and
// links in. The upsert of the chain's row locks it against concurrent edits.
func (s *Store) ReplaceChain(ctx context.Context, c *valuechain.Chain, actors []valuechain.Actor, links []valuechain.Link) error {
	d := valuechain.Data{Chain: *c, Actors: actors, Links: links}
	if err := d.Validate(); err != nil {
		return err
	}
	*c = d.Chain
	return s.chainTx(ctx, "replaced", c, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO guccho.valuechains (`+chainColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_bn = excluded.name_bn, sector = excluded.sector,
			cluster = excluded.cluster, admin = excluded.admin, synthetic = excluded.synthetic, updated_at = now()`, chainArgs(c)...); err != nil {
			return dbErr(err, "store value chain")
		}
		for _, q := range []string{`DELETE FROM guccho.valuechain_links WHERE chain_id = $1`, `DELETE FROM guccho.valuechain_actors WHERE chain_id = $1`} {
			if _, err := tx.Exec(ctx, q, c.ID); err != nil {
				return dbErr(err, "clear value chain")
			}
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE stage_vc_actors (ord int, id text, name text, name_bn text, role text,
			sector text, enterprise_id text, admin text, location text, lon float8, lat float8) ON COMMIT DROP`); err != nil {
			return dbErr(err, "create the staging table")
		}
		arows := make([][]any, len(actors))
		for i, a := range actors {
			lon, lat := place(&a)
			arows[i] = []any{int32(i), a.ID, a.Name, a.NameBN, string(a.Role), a.Sector, a.EnterpriseID, a.Admin, a.Location, lon, lat}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_vc_actors"},
			[]string{"ord", "id", "name", "name_bn", "role", "sector", "enterprise_id", "admin", "location", "lon", "lat"}, pgx.CopyFromRows(arows)); err != nil {
			return dbErr(err, "copy actors")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO guccho.valuechain_actors (chain_id, `+actorColumns+`, geom)
			SELECT $1, id, name, name_bn, role, sector, enterprise_id, admin, location, `+actorPointSQL+` FROM stage_vc_actors ORDER BY ord`, c.ID); err != nil {
			return dbErr(err, "store actors")
		}
		lrows := make([][]any, len(links))
		for i, l := range links {
			lrows[i] = []any{c.ID, l.ID, l.From, l.To, string(l.Flow), l.Product, l.Volume, l.Unit, l.Value, l.Period}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"guccho", "valuechain_links"},
			[]string{"chain_id", "id", "from_actor", "to_actor", "flow", "product", "volume", "unit", "value", "period"}, pgx.CopyFromRows(lrows))
		return dbErr(err, "store links")
	})
}

// actorPointSQL makes an actor's geometry from columns lon and lat (NULL when
// not placed).
const actorPointSQL = `CASE WHEN lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END`

// place returns an actor's lon and lat, or nils when it is not placed.
func place(a *valuechain.Actor) (lon, lat any) {
	if !a.Placed() {
		return nil, nil
	}
	return a.Lon, a.Lat
}

// CreateActor adds an actor to a chain.
func (s *Store) CreateActor(ctx context.Context, chain string, a *valuechain.Actor) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { return d.AddActor(*a) }, func(tx pgx.Tx) error {
		lon, lat := place(a)
		_, err := tx.Exec(ctx, `INSERT INTO guccho.valuechain_actors (chain_id, `+actorColumns+`, geom)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, `+actorPointSQL+` FROM (SELECT $10::float8 AS lon, $11::float8 AS lat) p`,
			chain, a.ID, a.Name, a.NameBN, string(a.Role), a.Sector, a.EnterpriseID, a.Admin, a.Location, lon, lat)
		return dbErr(err, "store actor")
	})
}

// UpdateActor replaces an actor (by id).
func (s *Store) UpdateActor(ctx context.Context, chain string, a *valuechain.Actor) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { return d.SetActor(*a) }, func(tx pgx.Tx) error {
		lon, lat := place(a)
		_, err := tx.Exec(ctx, `UPDATE guccho.valuechain_actors SET name = $3, name_bn = $4, role = $5, sector = $6,
			enterprise_id = $7, admin = $8, location = $9,
			geom = (SELECT `+actorPointSQL+` FROM (SELECT $10::float8 AS lon, $11::float8 AS lat) p)
			WHERE chain_id = $1 AND id = $2`,
			chain, a.ID, a.Name, a.NameBN, string(a.Role), a.Sector, a.EnterpriseID, a.Admin, a.Location, lon, lat)
		return dbErr(err, "update actor")
	})
}

// DeleteActor removes an actor; its links go with it (ON DELETE CASCADE).
func (s *Store) DeleteActor(ctx context.Context, chain, actor string) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { _, err := d.RemoveActor(actor); return err }, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM guccho.valuechain_actors WHERE chain_id = $1 AND id = $2`, chain, actor)
		return dbErr(err, "delete actor")
	})
}

// CreateLink adds a link, setting its ID when blank.
func (s *Store) CreateLink(ctx context.Context, chain string, l *valuechain.Link) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { return d.AddLink(l) }, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO guccho.valuechain_links (chain_id, `+linkColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			chain, l.ID, l.From, l.To, string(l.Flow), l.Product, l.Volume, l.Unit, l.Value, l.Period)
		return dbErr(err, "store link")
	})
}

// UpdateLink replaces a link (by ID).
func (s *Store) UpdateLink(ctx context.Context, chain string, l *valuechain.Link) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { return d.SetLink(*l) }, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE guccho.valuechain_links SET from_actor = $3, to_actor = $4, flow = $5, product = $6,
			volume = $7, unit = $8, value = $9, period = $10 WHERE chain_id = $1 AND id = $2`,
			chain, l.ID, l.From, l.To, string(l.Flow), l.Product, l.Volume, l.Unit, l.Value, l.Period)
		return dbErr(err, "update link")
	})
}

// DeleteLink removes a link.
func (s *Store) DeleteLink(ctx context.Context, chain, link string) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { return d.RemoveLink(link) }, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM guccho.valuechain_links WHERE chain_id = $1 AND id = $2`, chain, link)
		return dbErr(err, "delete link")
	})
}
