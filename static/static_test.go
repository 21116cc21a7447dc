package static

import (
	"io/fs"
	"strings"
	"testing"
)

func TestApp(t *testing.T) {
	app, ok := App()
	if !ok {
		t.Skip("web app not built (run npm run build in static/)")
	}
	index, err := fs.ReadFile(app, "index.html")
	if err != nil {
		t.Fatalf("reading index.html: %v", err)
	}
	if !strings.Contains(string(index), `src="/assets/`) {
		t.Errorf("index.html does not load its script from /assets/:\n%s", index)
	}
	assets, err := fs.ReadDir(app, "assets")
	if err != nil || len(assets) == 0 {
		t.Errorf("assets/ missing or empty: %v", err)
	}
}
