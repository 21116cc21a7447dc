package embedded

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guccho/guccho"
)

// TestSQLErrors provokes real errors of SQLite and database/sql and checks
// how sqlErr classifies them: by type and result code, with a message of
// ours and the driver's error kept only as the cause.
func TestSQLErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, filepath.Join(dir, "guccho.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE parent (id INTEGER PRIMARY KEY);
		CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT UNIQUE, n INTEGER NOT NULL DEFAULT 1 CHECK (n > 0),
			parent INTEGER REFERENCES parent (id));
		INSERT INTO parent VALUES (1); INSERT INTO t (id, code) VALUES (1, 'a')`); err != nil {
		t.Fatal(err)
	}
	exec := func(db *sql.DB, q string) func(context.Context) error {
		return func(ctx context.Context) error { _, err := db.ExecContext(ctx, q); return err }
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	expired, cancel2 := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel2()
	closed, err := Open(ctx, filepath.Join(dir, "closed.db"))
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	// A second handle on the same file that does not wait for locks.
	other, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "guccho.db")+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	notADB := filepath.Join(dir, "notes.db")
	os.WriteFile(notADB, []byte(strings.Repeat("these are my notes, not a database\n", 40)), 0o644)

	tests := []struct {
		name string
		run  func(context.Context) error
		ctx  context.Context
		code string
	}{
		{"a query with a syntax error", exec(s.db, `SELEC 1`), ctx, guccho.EINTERNAL},
		{"a query naming a missing column", exec(s.db, `SELECT nope FROM t`), ctx, guccho.EINTERNAL},
		{"a repeated primary key", exec(s.db, `INSERT INTO t (id, code) VALUES (1, 'b')`), ctx, guccho.ECONFLICT},
		{"a repeated unique value", exec(s.db, `INSERT INTO t (id, code) VALUES (2, 'a')`), ctx, guccho.ECONFLICT},
		{"a CHECK constraint", exec(s.db, `INSERT INTO t (id, code, n) VALUES (3, 'c', -1)`), ctx, guccho.EINVALID},
		{"a NOT NULL constraint", exec(s.db, `INSERT INTO t (id, code, n) VALUES (4, 'd', NULL)`), ctx, guccho.EINVALID},
		{"a foreign key", exec(s.db, `INSERT INTO t (id, code, parent) VALUES (5, 'e', 99)`), ctx, guccho.EINVALID},
		{"a cancelled context", exec(s.db, `SELECT 1`), cancelled, guccho.EUNAVAILABLE},
		{"an expired deadline", exec(s.db, `SELECT 1`), expired, guccho.EUNAVAILABLE},
		{"a closed database", exec(closed.db, `SELECT 1`), ctx, guccho.EUNAVAILABLE},
		{"a database locked by another writer", func(ctx context.Context) error {
			tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: holds the write lock
			if err != nil {
				return err
			}
			defer tx.Rollback()
			_, err = other.ExecContext(ctx, `INSERT INTO parent VALUES (2)`)
			return err
		}, ctx, guccho.EUNAVAILABLE},
		{"a file that is not a database", func(ctx context.Context) error {
			db, _ := sql.Open("sqlite", "file:"+notADB)
			defer db.Close()
			_, err := db.ExecContext(ctx, `SELECT * FROM sqlite_master`)
			return err
		}, ctx, guccho.EUNAVAILABLE},
		{"a folder that does not exist", func(ctx context.Context) error {
			db, _ := sql.Open("sqlite", "file:"+filepath.Join(dir, "missing", "guccho.db"))
			defer db.Close()
			_, err := db.ExecContext(ctx, `SELECT 1`)
			return err
		}, ctx, guccho.EUNAVAILABLE},
		{"an error that is not the database's", func(context.Context) error { return errors.New("boom") }, ctx, guccho.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cause := tt.run(tt.ctx)
			if cause == nil {
				t.Fatal("the statement succeeded; the test provokes nothing")
			}
			err := sqlErr(cause, "reading thing %d", 7)
			if got := guccho.ErrorCode(err); got != tt.code {
				t.Errorf("code = %q, want %q (cause: %v)", got, tt.code, cause)
			}
			msg := guccho.ErrorMessage(err)
			if !strings.HasPrefix(msg, "reading thing 7: ") || strings.Contains(msg, cause.Error()) {
				t.Errorf("message %q: want ours, starting with what failed and without the driver's %q", msg, cause)
			}
			if !errors.Is(err, cause) {
				t.Errorf("the cause %v is not kept for the log", cause)
			}
		})
	}

	t.Run("opening a file that is not a database", func(t *testing.T) {
		_, err := Open(ctx, notADB)
		if guccho.ErrorCode(err) != guccho.EUNAVAILABLE || !strings.Contains(guccho.ErrorMessage(err), notADB+": cannot create schema_migrations: the database file is damaged or not a SQLite database") {
			t.Errorf("Open(%s) = %v (%s), want EUNAVAILABLE naming the file and the problem", notADB, err, guccho.ErrorCode(err))
		}
	})
	t.Run("an error classified already", func(t *testing.T) {
		in := guccho.Errorf(guccho.ENOTFOUND, "no enterprise %q", "x")
		if got := sqlErr(in, "reading"); got != error(in) {
			t.Errorf("sqlErr(%v) = %v, want it unchanged", in, got)
		}
		if sqlErr(nil, "reading") != nil {
			t.Error("sqlErr(nil) is not nil")
		}
	})
}
