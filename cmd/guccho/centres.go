package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/demo"
	"github.com/guccho/guccho/survey"
)

// importCentres reads a centres file and stores it all or nothing: bad rows
// are listed on stderr and nothing is stored.
func importCentres(ctx context.Context, app *app, path string, opts survey.Options, env Env) error {
	cs, ok := app.store.(guccho.CentreStore)
	if !ok {
		return guccho.Errorf(guccho.EINVALID, "this store does not keep common service centres")
	}
	f, err := os.Open(path)
	if err != nil {
		return guccho.Errorf(guccho.EINVALID, "%s: %v", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	rd, err := survey.OpenWith(f, st.Size(), filepath.Base(path), opts)
	if err != nil {
		return guccho.Errorf(guccho.EINVALID, "%s: %s", path, guccho.ErrorMessage(err))
	}
	centres, rowErrs, err := survey.ReadCentres(rd, app.sectors)
	if err != nil {
		return guccho.Errorf(guccho.EINVALID, "%s: %s", path, guccho.ErrorMessage(err))
	}
	if len(rowErrs) > 0 {
		for _, e := range rowErrs {
			fmt.Fprintf(env.Stderr, "  row %d, column %s: %s\n", e.Row, e.Field, e.Reason)
		}
		return guccho.Errorf(guccho.EINVALID, "%s: %d bad rows; nothing was imported", path, len(rowErrs))
	}
	counts, err := cs.ImportCentres(ctx, centres)
	if err != nil {
		return guccho.WrapError(err, guccho.ErrorCode(err), "%s: %s; nothing was imported", path, guccho.ErrorMessage(err))
	}
	fmt.Fprintf(env.Stdout, "centres from %s: created %d, updated %d\n", filepath.Base(path), counts.Created, counts.Updated)
	return nil
}

// loadDemoCentres stores the synthetic centres of package demo that lie
// inside the stored boundaries (a store over other boundaries may hold
// none of them), upserting them by id.
func loadDemoCentres(ctx context.Context, app *app, env Env) error {
	cs, ok := app.store.(guccho.CentreStore)
	if !ok {
		return nil
	}
	var inside []*guccho.Centre
	for _, c := range demo.Centres() {
		_, err := app.store.Reverse(ctx, c.Point)
		switch {
		case err == nil:
			inside = append(inside, c)
		case guccho.ErrorCode(err) != guccho.ENOTFOUND:
			return err
		}
	}
	if len(inside) == 0 {
		return nil
	}
	if _, err := cs.ImportCentres(ctx, inside); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "demo: %d synthetic common service centres stored\n", len(inside))
	return nil
}
