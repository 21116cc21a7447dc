package server

import "github.com/guccho/guccho"

// seesImportDetails decides, for every route, what a caller may see of
// imports: callers whose token may write (editors, admins) see everything;
// anyone else sees counts and status but not the file's name, the token
// that started it or the column mapping (file and column names can name
// people), nor the imports topic of /ws, whose progress events name files.
func seesImportDetails(t *guccho.Token) bool { return t.CanWrite() }

// importFor is an import as the holder of t (nil: anonymous) may see it.
func importFor(t *guccho.Token, imp guccho.Import) importView {
	if !seesImportDetails(t) {
		imp.Filename, imp.CreatedBy, imp.Mapping = "", "", nil
	}
	return viewImport(imp)
}
