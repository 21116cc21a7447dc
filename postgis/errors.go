package postgis

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"github.com/guccho/guccho"
)

// dbErr classifies an error of the database for callers, by its type and
// SQLSTATE, never by its text: the result is a *guccho.Error whose message
// is what followed by a phrase of ours, and whose cause is err, so the
// server logs PostgreSQL's words but never shows them. An error that is a
// *guccho.Error already is returned as it is; nil stays nil.
//
//   - EUNAVAILABLE: the database cannot serve now and a later try may work —
//     SQLSTATE class 08 (connection exception) and 53 (insufficient
//     resources), 57P01–57P03 (shut down, crashed, starting), 57014 (the
//     statement_timeout or a cancel), 40001 and 40P01 (serialization failure,
//     deadlock); a cancelled or expired context; a connection that could not
//     be made or broke (pgconn.ConnectError, net errors, EOF, errors pgconn
//     deems safe to retry); a closed pool.
//   - ECONFLICT: 23505 unique violation and 23P01 exclusion violation.
//   - EINVALID: the rest of class 23 (integrity constraint) and class 22
//     (data exception: a value malformed or out of range).
//   - EINTERNAL: everything else, such as 42601 from a query with a syntax
//     error: a bug, not an outage.
func dbErr(err error, what string) error {
	if err == nil {
		return nil
	}
	var ge *guccho.Error
	if errors.As(err, &ge) {
		return err // classified already
	}
	code, phrase := classify(err)
	return guccho.WrapError(err, code, "%s: %s", what, phrase)
}

const (
	unavailable = "the database is unavailable"
	tooLong     = "the database took too long"
	busy        = "the database is busy with conflicting work; try again"
)

// classify returns the error code and the message of ours for err.
func classify(err error) (code, phrase string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch class := pe.Code[:min(2, len(pe.Code))]; {
		case pe.Code == "57014": // query_canceled: statement_timeout or a cancel request
			return guccho.EUNAVAILABLE, tooLong
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", class == "08", class == "53":
			return guccho.EUNAVAILABLE, unavailable
		case pe.Code == "40001", pe.Code == "40P01":
			return guccho.EUNAVAILABLE, busy
		case pe.Code == "23505", pe.Code == "23P01":
			return guccho.ECONFLICT, "a record with the same key exists already"
		case pe.Code == "23502":
			return guccho.EINVALID, "a required value is missing"
		case pe.Code == "23503":
			return guccho.EINVALID, "it refers to a record that does not exist"
		case class == "23":
			return guccho.EINVALID, "a value breaks a rule of the database"
		case class == "22":
			return guccho.EINVALID, "a value is malformed or out of range"
		}
		return guccho.EINTERNAL, "unexpected database error"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return guccho.EUNAVAILABLE, "cancelled"
	case errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err):
		return guccho.EUNAVAILABLE, tooLong
	case errors.Is(err, puddle.ErrClosedPool):
		return guccho.EUNAVAILABLE, "the database connection pool is closed"
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		pgconn.SafeToRetry(err):
		return guccho.EUNAVAILABLE, unavailable
	}
	return guccho.EINTERNAL, "unexpected database error"
}
