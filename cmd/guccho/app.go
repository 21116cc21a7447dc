package main

import (
	"flag"
	"os"
	"sort"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/data"
	"github.com/guccho/guccho/importer"
	"github.com/guccho/guccho/store"
	"github.com/guccho/guccho/survey"
)

// app holds what commands that touch enterprises share.
type app struct {
	store     store.Store
	sectors   *guccho.Sectors
	geocoders *importer.Geocoders
	importer  *importer.Importer
}

// newApp wires the sector catalogue (built in, extended by cfg.Sectors),
// the geocoders and the importer around a store.
func newApp(cfg Config, s store.Store) (*app, error) {
	sectors, err := guccho.ParseSectors(data.SectorsJSON)
	if err != nil {
		return nil, err
	}
	if cfg.Sectors != "" {
		b, err := os.ReadFile(cfg.Sectors)
		if err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "--sectors: %v", err)
		}
		if err := sectors.Extend(b); err != nil {
			return nil, guccho.Errorf(guccho.EINVALID, "--sectors %s: %s", cfg.Sectors, guccho.ErrorMessage(err))
		}
	}
	g := &importer.Geocoders{Store: s, Version: func() string { return s.DataVersion("districts") }, Aliases: s}
	return &app{store: s, sectors: sectors, geocoders: g,
		importer: &importer.Importer{Store: s, Sectors: sectors, Geocoders: g}}, nil
}

// sectorsFlag registers --sectors on fs.
func (c *Config) sectorsFlag(fs *flag.FlagSet) {
	fs.StringVar(&c.Sectors, "sectors", c.Sectors, "JSON file of extra sectors, added to the built-in catalogue (env GUCCHO_SECTORS)")
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// readMappingFile reads a JSON column mapping (survey.ReadMapping).
func readMappingFile(path string) (survey.Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return survey.Mapping{}, guccho.Errorf(guccho.EINVALID, "--mapping: %v", err)
	}
	defer f.Close()
	m, err := survey.ReadMapping(f)
	if err != nil {
		return survey.Mapping{}, guccho.Errorf(guccho.EINVALID, "--mapping %s: %s", path, guccho.ErrorMessage(err))
	}
	return m, nil
}
