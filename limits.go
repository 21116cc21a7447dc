package guccho

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on the text of an enterprise. Every store refuses an enterprise
// beyond them (Enterprise.Validate), the API answers 400 and an import fails
// the row, each naming the field and the limit. They are set here only.
const (
	// MaxIDBytes is the longest enterprise id, in bytes.
	MaxIDBytes = 200
	// MaxNameBytes is the longest enterprise name, in bytes of UTF-8 (about
	// 330 Bangla or 1,000 Latin characters).
	MaxNameBytes = 1000
	// MaxTextBytes is the longest of any other text field: sub-sector,
	// stated admin names, owner gender, each RECP practice, barrier and
	// attribute name or value.
	MaxTextBytes = 4096
	// MaxListItems is the most RECP practices, barriers or attributes one
	// enterprise may have.
	MaxListItems = 500
)

// CheckText checks one text value of a record: valid UTF-8, no NUL or other
// control character but tab and line ends, at most max bytes. The EINVALID
// error names the field and the limit.
func CheckText(field, s string, max int) error {
	if len(s) > max {
		return Errorf(EINVALID, "field %q: %d bytes is longer than the limit of %d bytes", field, len(s), max)
	}
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "field %q: not UTF-8 text", field)
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return Errorf(EINVALID, "field %q: contains the control character %U", field, r)
		}
	}
	return nil
}

// CheckPathID checks an id that names a record in a URL path (an
// enterprise, a centre, a value-chain actor): not empty, at most MaxIDBytes,
// printable text without '/', '\\', '?', '#' or '%' (so that it fits one
// URL path segment as it is), not "." or "..", and none of reserved, the
// words that name routes beside the record's own (compared ignoring case).
// The EINVALID error names field and says why.
func CheckPathID(field, id string, reserved ...string) error {
	if strings.TrimSpace(id) == "" {
		return Errorf(EINVALID, "field %q: empty", field)
	}
	if err := CheckText(field, id, MaxIDBytes); err != nil {
		return err
	}
	if i := strings.IndexAny(id, "/\\?#%\t\r\n"); i >= 0 {
		return Errorf(EINVALID, "field %q: %q may not contain %q (ids must fit one URL path segment)", field, id, id[i:i+1])
	}
	if id == "." || id == ".." {
		return Errorf(EINVALID, "field %q: %q is not an id", field, id)
	}
	for _, w := range reserved {
		if strings.EqualFold(id, w) {
			return Errorf(EINVALID, "field %q: %q is reserved", field, id)
		}
	}
	return nil
}

// FieldReason returns the reason of an error from CheckText or
// CheckPathID without its leading `field "name": ` — for callers that
// report the field on its own (a row error's Field, a Problem's Field).
func FieldReason(err error) string {
	msg := ErrorMessage(err)
	if strings.HasPrefix(msg, "field \"") {
		if i := strings.Index(msg, "\": "); i >= 0 {
			return msg[i+3:]
		}
	}
	return msg
}

// CheckID checks an enterprise id (CheckPathID); "stats" names the route
// beside /api/enterprises/{id}.
func CheckID(id string) error { return CheckPathID("id", id, "stats") }

// ValidateText checks every text field of e but the id (see CheckID)
// against the limits above; the EINVALID error names the field. Validate
// includes both; importers and the API call them on their own, to fail one
// row rather than the import, or before placing an enterprise.
func (e *Enterprise) ValidateText() error {
	if err := CheckText("name", e.Name, MaxNameBytes); err != nil {
		return err
	}
	fields := []struct{ name, value string }{
		{"sub_sector", e.SubSector}, {"owner_gender", e.OwnerGender},
		{"stated.division", e.Stated.Division}, {"stated.district", e.Stated.District},
		{"stated.upazila", e.Stated.Upazila}, {"stated.union", e.Stated.Union},
	}
	for _, f := range fields {
		if err := CheckText(f.name, f.value, MaxTextBytes); err != nil {
			return err
		}
	}
	lists := []struct {
		name  string
		items []string
	}{{"recp.practices", e.RECP.Practices}, {"barriers", e.Barriers}}
	for _, l := range lists {
		if len(l.items) > MaxListItems {
			return Errorf(EINVALID, "field %q: %d items is more than the limit of %d", l.name, len(l.items), MaxListItems)
		}
		for i, s := range l.items {
			if err := CheckText(fmt.Sprintf("%s[%d]", l.name, i), s, MaxTextBytes); err != nil {
				return err
			}
		}
	}
	if len(e.Attributes) > MaxListItems {
		return Errorf(EINVALID, "field \"attributes\": %d attributes is more than the limit of %d", len(e.Attributes), MaxListItems)
	}
	for k, v := range e.Attributes {
		if err := CheckText("attributes", k, MaxTextBytes); err != nil {
			return err
		}
		if err := CheckText("attributes."+k, v, MaxTextBytes); err != nil {
			return err
		}
	}
	return nil
}

// MaxFilterValues is the most values one filter may list (sectors, geocode
// methods): a query with more is EINVALID, from the API and from every
// store, rather than a database error.
const MaxFilterValues = 100

// Validate checks a filter against MaxFilterValues; the EINVALID error
// names the filter.
func (f EnterpriseFilter) Validate() error {
	if len(f.Sectors) > MaxFilterValues {
		return Errorf(EINVALID, "filter sector: %d values is more than the limit of %d", len(f.Sectors), MaxFilterValues)
	}
	if len(f.Methods) > MaxFilterValues {
		return Errorf(EINVALID, "filter method: %d values is more than the limit of %d", len(f.Methods), MaxFilterValues)
	}
	return nil
}
