package embedded

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/valuechain"
)

var _ valuechain.Store = (*Store)(nil)

const (
	chainColumns = `id, name, name_bn, sector, cluster, admin, synthetic`
	actorColumns = `id, name, name_bn, role, sector, enterprise_id, admin, location, lon, lat`
	linkColumns  = `id, from_actor, to_actor, flow, product, volume, unit, value, period`
)

func scanChain(row interface{ Scan(...any) error }) (valuechain.Chain, error) {
	var c valuechain.Chain
	err := row.Scan(&c.ID, &c.Name, &c.NameBN, &c.Sector, &c.Cluster, &c.Admin, &c.Synthetic)
	return c, err
}

// FindChains lists the chains f selects, by id, with their counts.
func (s *Store) FindChains(ctx context.Context, f valuechain.Filter) ([]valuechain.Summary, error) {
	q := `SELECT ` + chainColumns + `,
		(SELECT count(*) FROM valuechain_actors a WHERE a.chain_id = c.id),
		(SELECT count(*) FROM valuechain_links l WHERE l.chain_id = c.id)
		FROM valuechains c WHERE (? = '' OR sector = ?) AND (? = '' OR cluster = ?) AND (? = '' OR substr(admin, 1, length(?)) = ?)
		ORDER BY id`
	rows, err := s.db.QueryContext(ctx, q, f.Sector, f.Sector, f.Cluster, f.Cluster, f.Admin, f.Admin, f.Admin)
	if err != nil {
		return nil, sqlErr(err, "listing value chains")
	}
	defer rows.Close()
	out := []valuechain.Summary{}
	for rows.Next() {
		var sm valuechain.Summary
		c := &sm.Chain
		if err := rows.Scan(&c.ID, &c.Name, &c.NameBN, &c.Sector, &c.Cluster, &c.Admin, &c.Synthetic, &sm.Actors, &sm.Links); err != nil {
			return nil, sqlErr(err, "listing value chains")
		}
		out = append(out, sm)
	}
	return out, sqlErr(rows.Err(), "listing value chains")
}

// FindChainByID returns a chain with its actors and links.
func (s *Store) FindChainByID(ctx context.Context, id string) (*valuechain.Data, error) {
	var d *valuechain.Data
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = loadChain(ctx, tx, id)
		return err
	})
	return d, err
}

// readTx runs fn in a transaction that it rolls back: one consistent
// snapshot.
func (s *Store) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	s.writer.Lock() // BEGIN IMMEDIATE takes the write lock: wait in turn
	defer s.writer.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return sqlErr(err, "beginning a transaction")
	}
	defer tx.Rollback()
	return sqlErr(fn(tx), "reading value chain")
}

func loadChain(ctx context.Context, tx execer, id string) (*valuechain.Data, error) {
	c, err := scanChain(tx.QueryRowContext(ctx, `SELECT `+chainColumns+` FROM valuechains WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guccho.Errorf(guccho.ENOTFOUND, "no value chain %q", id)
	}
	if err != nil {
		return nil, sqlErr(err, "reading value chain %q", id)
	}
	d := &valuechain.Data{Chain: c, Actors: []valuechain.Actor{}, Links: []valuechain.Link{}}
	rows, err := tx.QueryContext(ctx, `SELECT `+actorColumns+` FROM valuechain_actors WHERE chain_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, sqlErr(err, "reading actors of %q", id)
	}
	for rows.Next() {
		var a valuechain.Actor
		var lon, lat sql.NullFloat64
		if err := rows.Scan(&a.ID, &a.Name, &a.NameBN, &a.Role, &a.Sector, &a.EnterpriseID, &a.Admin, &a.Location, &lon, &lat); err != nil {
			rows.Close()
			return nil, sqlErr(err, "reading actors of %q", id)
		}
		a.Lon, a.Lat = lon.Float64, lat.Float64
		d.Actors = append(d.Actors, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, sqlErr(err, "reading actors of %q", id)
	}
	rows, err = tx.QueryContext(ctx, `SELECT `+linkColumns+` FROM valuechain_links WHERE chain_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, sqlErr(err, "reading links of %q", id)
	}
	defer rows.Close()
	for rows.Next() {
		var l valuechain.Link
		if err := rows.Scan(&l.ID, &l.From, &l.To, &l.Flow, &l.Product, &l.Volume, &l.Unit, &l.Value, &l.Period); err != nil {
			return nil, sqlErr(err, "reading links of %q", id)
		}
		d.Links = append(d.Links, l)
	}
	return d, sqlErr(rows.Err(), "reading links of %q", id)
}

// chainTx runs fn in a write transaction, then marks chain c updated and
// records a value-chain event for it (c as fn leaves it).
func (s *Store) chainTx(ctx context.Context, action string, c *valuechain.Chain, fn func(*sql.Tx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if action != "deleted" {
			if _, err := tx.ExecContext(ctx, `UPDATE valuechains SET updated_at = ? WHERE id = ?`, time.Now().UTC().Format(timeFormat), c.ID); err != nil {
				return sqlErr(err, "touching value chain %q", c.ID)
			}
		}
		return appendEvent(ctx, tx, guccho.EventValuechainsChanged, valuechain.ChainChange{Action: action, Chain: c.ID, Sector: c.Sector})
	}, s.eventsWritten)
}

// editChain loads a chain in a write transaction, lets edit change it (the
// valuechain.Data methods validate the result), then write store it.
func (s *Store) editChain(ctx context.Context, id string, edit func(*valuechain.Data) error, write func(*sql.Tx) error) error {
	c := &valuechain.Chain{ID: id}
	return s.chainTx(ctx, "updated", c, func(tx *sql.Tx) error {
		d, err := loadChain(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := edit(d); err != nil {
			return err
		}
		*c = d.Chain
		return write(tx)
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
	return s.chainTx(ctx, "created", c, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM valuechains WHERE id = ?`, c.ID).Scan(&n); err != nil {
			return sqlErr(err, "checking value chain %q", c.ID)
		}
		if n > 0 {
			return guccho.Errorf(guccho.ECONFLICT, "value chain %q exists already", c.ID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO valuechains (`+chainColumns+`, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '')`, chainArgs(c)...)
		return sqlErr(err, "creating value chain %q", c.ID)
	})
}

// UpdateChain replaces a chain's scope; ENOTFOUND if absent.
func (s *Store) UpdateChain(ctx context.Context, c *valuechain.Chain) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.chainTx(ctx, "updated", c, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE valuechains SET name = ?, name_bn = ?, sector = ?, cluster = ?, admin = ?, synthetic = ? WHERE id = ?`,
			c.Name, c.NameBN, c.Sector, c.Cluster, c.Admin, c.Synthetic, c.ID)
		if err != nil {
			return sqlErr(err, "updating value chain %q", c.ID)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return guccho.Errorf(guccho.ENOTFOUND, "no value chain %q", c.ID)
		}
		return nil
	})
}

// DeleteChain removes a chain with its actors and links; ENOTFOUND if
// absent.
func (s *Store) DeleteChain(ctx context.Context, id string) error {
	c := &valuechain.Chain{ID: id}
	return s.chainTx(ctx, "deleted", c, func(tx *sql.Tx) error {
		old, err := scanChain(tx.QueryRowContext(ctx, `SELECT `+chainColumns+` FROM valuechains WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return guccho.Errorf(guccho.ENOTFOUND, "no value chain %q", id)
		}
		if err != nil {
			return sqlErr(err, "reading value chain %q", id)
		}
		c.Sector = old.Sector
		for _, q := range []string{`DELETE FROM valuechain_links WHERE chain_id = ?`, `DELETE FROM valuechain_actors WHERE chain_id = ?`, `DELETE FROM valuechains WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return sqlErr(err, "deleting value chain %q", id)
			}
		}
		return nil
	})
}

// ReplaceChain stores a chain whole, all or nothing.
func (s *Store) ReplaceChain(ctx context.Context, c *valuechain.Chain, actors []valuechain.Actor, links []valuechain.Link) error {
	d := valuechain.Data{Chain: *c, Actors: actors, Links: links}
	if err := d.Validate(); err != nil {
		return err
	}
	*c = d.Chain
	return s.chainTx(ctx, "replaced", c, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM valuechain_links WHERE chain_id = ?`, `DELETE FROM valuechain_actors WHERE chain_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, c.ID); err != nil {
				return sqlErr(err, "clearing value chain %q", c.ID)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO valuechains (`+chainColumns+`, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '')
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_bn = excluded.name_bn, sector = excluded.sector,
			cluster = excluded.cluster, admin = excluded.admin, synthetic = excluded.synthetic`, chainArgs(c)...); err != nil {
			return sqlErr(err, "storing value chain %q", c.ID)
		}
		st := newStmtTx(tx)
		defer st.close()
		for i := range actors {
			if err := insertActor(ctx, st, c.ID, &actors[i]); err != nil {
				return err
			}
		}
		for i := range links {
			if err := insertLink(ctx, st, c.ID, &links[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func place(a *valuechain.Actor) (lon, lat any) {
	if !a.Placed() {
		return nil, nil
	}
	return a.Lon, a.Lat
}

func insertActor(ctx context.Context, tx execer, chain string, a *valuechain.Actor) error {
	lon, lat := place(a)
	_, err := tx.ExecContext(ctx, `INSERT INTO valuechain_actors (chain_id, `+actorColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		chain, a.ID, a.Name, a.NameBN, string(a.Role), a.Sector, a.EnterpriseID, a.Admin, a.Location, lon, lat)
	return sqlErr(err, "storing actor %q", a.ID)
}

func insertLink(ctx context.Context, tx execer, chain string, l *valuechain.Link) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO valuechain_links (chain_id, `+linkColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		chain, l.ID, l.From, l.To, string(l.Flow), l.Product, l.Volume, l.Unit, l.Value, l.Period)
	return sqlErr(err, "storing link %q", l.ID)
}

// CreateActor adds an actor to a chain.
func (s *Store) CreateActor(ctx context.Context, chain string, a *valuechain.Actor) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { return d.AddActor(*a) },
		func(tx *sql.Tx) error { return insertActor(ctx, tx, chain, a) })
}

// UpdateActor replaces an actor (by id).
func (s *Store) UpdateActor(ctx context.Context, chain string, a *valuechain.Actor) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { return d.SetActor(*a) },
		func(tx *sql.Tx) error {
			lon, lat := place(a)
			_, err := tx.ExecContext(ctx, `UPDATE valuechain_actors SET name = ?, name_bn = ?, role = ?, sector = ?, enterprise_id = ?,
				admin = ?, location = ?, lon = ?, lat = ? WHERE chain_id = ? AND id = ?`,
				a.Name, a.NameBN, string(a.Role), a.Sector, a.EnterpriseID, a.Admin, a.Location, lon, lat, chain, a.ID)
			return sqlErr(err, "updating actor %q", a.ID)
		})
}

// DeleteActor removes an actor and its links.
func (s *Store) DeleteActor(ctx context.Context, chain, actor string) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { _, err := d.RemoveActor(actor); return err },
		func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `DELETE FROM valuechain_links WHERE chain_id = ? AND (from_actor = ? OR to_actor = ?)`, chain, actor, actor); err != nil {
				return sqlErr(err, "deleting links of actor %q", actor)
			}
			_, err := tx.ExecContext(ctx, `DELETE FROM valuechain_actors WHERE chain_id = ? AND id = ?`, chain, actor)
			return sqlErr(err, "deleting actor %q", actor)
		})
}

// CreateLink adds a link, setting its ID when blank.
func (s *Store) CreateLink(ctx context.Context, chain string, l *valuechain.Link) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { return d.AddLink(l) },
		func(tx *sql.Tx) error { return insertLink(ctx, tx, chain, l) })
}

// UpdateLink replaces a link (by ID).
func (s *Store) UpdateLink(ctx context.Context, chain string, l *valuechain.Link) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { return d.SetLink(*l) },
		func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE valuechain_links SET from_actor = ?, to_actor = ?, flow = ?, product = ?, volume = ?,
				unit = ?, value = ?, period = ? WHERE chain_id = ? AND id = ?`,
				l.From, l.To, string(l.Flow), l.Product, l.Volume, l.Unit, l.Value, l.Period, chain, l.ID)
			return sqlErr(err, "updating link %q", l.ID)
		})
}

// DeleteLink removes a link.
func (s *Store) DeleteLink(ctx context.Context, chain, link string) error {
	return s.editChain(ctx, chain, func(d *valuechain.Data) error { return d.RemoveLink(link) },
		func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM valuechain_links WHERE chain_id = ? AND id = ?`, chain, link)
			return sqlErr(err, "deleting link %q", link)
		})
}
