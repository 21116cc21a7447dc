package server

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/guccho/guccho"
)

// statusOf maps every guccho error code to one HTTP status. This is the only
// place where that mapping lives.
var statusOf = map[string]int{
	guccho.ECONFLICT:     http.StatusConflict,
	guccho.EINTERNAL:     http.StatusInternalServerError,
	guccho.EINVALID:      http.StatusBadRequest,
	guccho.ENOTFOUND:     http.StatusNotFound,
	guccho.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	guccho.EUNAVAILABLE:  http.StatusServiceUnavailable,
	guccho.EUNAUTHORIZED: http.StatusUnauthorized,
	guccho.EFORBIDDEN:    http.StatusForbidden,
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError answers with err's code, status and message. Internal errors are
// logged with their cause and shown to the client only as "internal error".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := guccho.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status == http.StatusServiceUnavailable {
		s.cfg.Logger.Warn("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	} else if status >= 500 {
		s.cfg.Logger.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("code", code), slog.Any("err", err))
	}
	writeErrorCode(w, r, status, code, guccho.ErrorMessage(err))
}

func writeErrorCode(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	var body errorBody
	body.Error.Code, body.Error.Message = code, message
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, body)
}

// writeJSON writes v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
