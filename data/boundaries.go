package data

import (
	"compress/gzip"
	"embed"
	"encoding/binary"
	"io"
	"io/fs"
	"strings"
)

// bd is the default boundary set, its licences and its provenance; see
// bd/README.md. scripts/bd-data.sh regenerates it.
//
//go:embed bd
var bd embed.FS

// BoundariesName names the set Boundaries returns, for logs and reports.
const BoundariesName = "default boundary set (COD-AB 2020, generalised), shipped with Guccho"

// BoundariesAttribution is the attribution the licences of the default
// boundary set ask for, in one line; bd/LICENSE.md has the whole text.
const BoundariesAttribution = "Administrative boundaries: BBS and OCHA ROAP, COD-AB bgd_adm_bbs_20201113, via HDX (CC BY 3.0 IGO), " +
	"generalised copy from the R package \"bangladesh\" 1.0.0 (MIT); Bangla names: nuhil/bangladesh-geocode (MIT)"

// Boundaries returns the default boundary set shipped in the binary: the
// generalised COD-AB 2020 boundaries of Bangladesh and their gazetteer, laid
// out as geo.ReadBoundaries reads them (boundaries/bd_adm{0..4}_*.geojson,
// gazetteer/*.csv), with README.md, LICENSE.md, PROVENANCE.md and the licence
// texts of the sources at the root.
//
// The data files are stored gzip-compressed as NAME.gz; the returned file
// system shows each as NAME and decompresses it as it is read (a corrupt file
// fails its read with an error). Stat and ReadDir report uncompressed sizes.
// Each call returns a view of the same embedded bytes; it is safe for
// concurrent use.
func Boundaries() fs.FS {
	sub, err := fs.Sub(bd, "bd")
	if err != nil {
		panic("data: " + err.Error()) // unreachable: "bd" is a valid path
	}
	return gzipFS{sub}
}

// gzipFS shows every NAME.gz file of fsys as NAME, decompressed.
type gzipFS struct{ fsys fs.FS }

func (g gzipFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) || strings.HasSuffix(name, ".gz") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if f, err := g.fsys.Open(name + ".gz"); err == nil {
		info, err := gzipInfo(f, name)
		if err != nil {
			f.Close()
			return nil, err
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &gzipFile{f: f, zr: zr, info: info}, nil
	}
	f, err := g.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if d, ok := f.(fs.ReadDirFile); ok {
		return &gzipDir{ReadDirFile: d, fsys: g.fsys, dir: name}, nil
	}
	return f, nil
}

// gzipInfo describes the compressed file f as the file name: its size is
// the uncompressed size from the gzip trailer (ISIZE, the size mod 2^32;
// every file here is far smaller).
func gzipInfo(f fs.File, name string) (fs.FileInfo, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	ra, ok := f.(io.ReaderAt)
	if !ok || st.Size() < 18 { // a gzip member has a 10-byte header and an 8-byte trailer
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	var isize [4]byte
	if _, err := ra.ReadAt(isize[:], st.Size()-4); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	base := name[strings.LastIndex(name, "/")+1:]
	return renamed{FileInfo: st, name: base, size: int64(binary.LittleEndian.Uint32(isize[:]))}, nil
}

// renamed is a FileInfo with another name and size.
type renamed struct {
	fs.FileInfo
	name string
	size int64
}

func (r renamed) Name() string { return r.name }
func (r renamed) Size() int64  { return r.size }

// gzipFile reads a compressed file decompressed.
type gzipFile struct {
	f    fs.File
	zr   *gzip.Reader
	info fs.FileInfo
}

func (g *gzipFile) Read(p []byte) (int, error) { return g.zr.Read(p) }
func (g *gzipFile) Stat() (fs.FileInfo, error) { return g.info, nil }
func (g *gzipFile) Close() error               { return g.f.Close() }

// gzipDir lists a directory with NAME.gz entries shown as NAME.
type gzipDir struct {
	fs.ReadDirFile
	fsys fs.FS
	dir  string
}

func (d *gzipDir) ReadDir(n int) ([]fs.DirEntry, error) {
	entries, err := d.ReadDirFile.ReadDir(n)
	for i, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".gz") {
			continue
		}
		name := strings.TrimSuffix(e.Name(), ".gz")
		p := name
		if d.dir != "." {
			p = d.dir + "/" + name
		}
		f, ferr := d.fsys.Open(p + ".gz")
		if ferr != nil {
			return entries[:i], ferr
		}
		info, ierr := gzipInfo(f, p)
		f.Close()
		if ierr != nil {
			return entries[:i], ierr
		}
		entries[i] = fs.FileInfoToDirEntry(info)
	}
	return entries, err
}
