package server

import (
	"bufio"
	"net/http"
)

// exportBuffer is how much of a streamed answer is held back before its
// first byte is sent: a failure within it still gets an error status.
const exportBuffer = 32 << 10

// export is the body of a streamed answer (CSV, GeoJSON). It holds the
// first exportBuffer bytes back, so that a failure before they are sent is
// answered with the error's status and message; a failure after that
// aborts the response (see Server.endExport), so that a client cannot take
// a truncated export for a complete one.
type export struct {
	w     http.ResponseWriter
	buf   *bufio.Writer
	wrote bool // bytes have reached w
}

func newExport(w http.ResponseWriter) *export {
	e := &export{w: w}
	e.buf = bufio.NewWriterSize(passWriter{e}, exportBuffer)
	return e
}

// Write implements io.Writer.
func (e *export) Write(p []byte) (int, error) { return e.buf.Write(p) }

// WriteString implements io.StringWriter.
func (e *export) WriteString(s string) (int, error) { return e.buf.WriteString(s) }

type passWriter struct{ e *export }

func (p passWriter) Write(b []byte) (int, error) {
	p.e.wrote = true
	return p.e.w.Write(b)
}

// endExport ends a streamed answer. With err nil it sends what is held
// back. A failure before the first byte was sent becomes an error response
// (the export's own headers removed); a failure after it is logged and
// aborts the response: net/http closes the connection without ending the
// chunked body, which every HTTP client reports as an error.
func (s *Server) endExport(e *export, r *http.Request, what string, err error) {
	if err == nil {
		if err = e.buf.Flush(); err == nil {
			return
		}
	}
	if !e.wrote {
		e.w.Header().Del("Content-Disposition")
		s.writeError(e.w, r, err)
		return
	}
	s.cfg.Logger.Warn(what+" stopped after its first byte; aborting the response", "err", err)
	panic(http.ErrAbortHandler)
}
