package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/guccho/guccho"
)

// sqlErr classifies an error of the database for callers, by its type and
// SQLite result code, never by its text: the result is a *guccho.Error whose
// message is what (format and args) followed by a phrase of ours, and whose
// cause is err, so the server logs the driver's words but never shows them.
// An error that is a *guccho.Error already is returned as it is; nil stays
// nil.
//
//   - EUNAVAILABLE: the database cannot serve now and a later try may work —
//     a cancelled or expired context, SQLITE_BUSY or SQLITE_LOCKED, a full
//     disk, an I/O error, a file that cannot be opened, is read-only, damaged
//     or not a database, an interrupted query, a closed database.
//   - ECONFLICT: a UNIQUE or PRIMARY KEY constraint (the record exists).
//   - EINVALID: any other constraint (CHECK, NOT NULL, FOREIGN KEY, …).
//   - EINTERNAL: everything else, such as SQLITE_ERROR from a query with a
//     mistake in it: a bug, not an outage.
func sqlErr(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var ge *guccho.Error
	if errors.As(err, &ge) {
		return err
	}
	code, phrase := classify(err)
	return guccho.WrapError(err, code, "%s: %s", fmt.Sprintf(format, args...), phrase)
}

// classify returns the error code and the message of ours for err.
func classify(err error) (code, phrase string) {
	var se *sqlite.Error
	switch {
	case errors.Is(err, context.Canceled):
		return guccho.EUNAVAILABLE, "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return guccho.EUNAVAILABLE, "the database took too long"
	case errors.Is(err, errDBClosed), errors.Is(err, sql.ErrConnDone):
		return guccho.EUNAVAILABLE, "the database is closed"
	case !errors.As(err, &se):
		return guccho.EINTERNAL, "unexpected database error"
	}
	// The primary result code is the low byte of an extended one.
	switch primary := se.Code() & 0xff; primary {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return guccho.EUNAVAILABLE, "the database is busy; try again"
	case sqlite3.SQLITE_FULL:
		return guccho.EUNAVAILABLE, "the disk holding the database is full"
	case sqlite3.SQLITE_IOERR:
		return guccho.EUNAVAILABLE, "the database file cannot be read or written"
	case sqlite3.SQLITE_CANTOPEN:
		return guccho.EUNAVAILABLE, "the database file cannot be opened"
	case sqlite3.SQLITE_READONLY:
		return guccho.EUNAVAILABLE, "the database file is read-only"
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return guccho.EUNAVAILABLE, "the database file is damaged or not a SQLite database"
	case sqlite3.SQLITE_INTERRUPT:
		return guccho.EUNAVAILABLE, "the query was interrupted"
	case sqlite3.SQLITE_CONSTRAINT:
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return guccho.ECONFLICT, "a record with the same key exists already"
		case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return guccho.EINVALID, "a required value is missing"
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return guccho.EINVALID, "it refers to a record that does not exist"
		}
		return guccho.EINVALID, "a value breaks a rule of the database"
	}
	return guccho.EINTERNAL, "unexpected database error"
}

// errDBClosed is database/sql's error for the use of a closed *sql.DB. The
// package does not export it, so it is taken from a DB closed at once, which
// lets classify recognise it by identity rather than by its text.
var errDBClosed = func() error {
	db := sql.OpenDB(noConnector{})
	db.Close()
	return db.PingContext(context.Background())
}()

// noConnector is a driver.Connector that is never asked to connect.
type noConnector struct{}

func (noConnector) Connect(context.Context) (driver.Conn, error) { return nil, driver.ErrBadConn }
func (noConnector) Driver() driver.Driver                        { return nil }
