// Package static holds the built web app (TypeScript and MapLibre GL, built
// by Vite from this folder into dist/app) and embeds it in the binary.
//
// Build the app first (npm ci && npm run build); a binary built from a fresh
// clone without it still compiles, and App then reports that it is missing.
package static

import (
	"embed"
	"io/fs"
)

// dist holds dist/README.md, committed so the pattern always matches, and
// dist/app once the app is built.
//
//go:embed all:dist
var dist embed.FS

// App returns the built web app, rooted at its index.html, and whether the
// app was built into this binary (dist/app/index.html exists). When it was
// not, the file system is empty.
func App() (fs.FS, bool) {
	app, err := fs.Sub(dist, "dist/app")
	if err != nil {
		return nil, false // unreachable: fs.Sub fails only on an invalid path
	}
	_, err = fs.Stat(app, "index.html")
	return app, err == nil
}
