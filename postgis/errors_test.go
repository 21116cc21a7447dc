package postgis

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guccho/guccho"
	"github.com/guccho/guccho/internal/pgtest"
)

// raise makes the server fail with SQLSTATE code, for the conditions a test
// cannot easily bring about (a deadlock, too many connections).
func raise(code string) string {
	return fmt.Sprintf(`DO $$ BEGIN RAISE EXCEPTION 'provoked' USING ERRCODE = '%s'; END $$`, code)
}

// TestDBErrors provokes real errors of PostgreSQL and pgx and checks how
// dbErr classifies them: by type and SQLSTATE, with a message of ours and
// the server's error kept only as the cause.
func TestDBErrors(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `CREATE TABLE parent (id int PRIMARY KEY);
		CREATE TABLE t (id int PRIMARY KEY, code text UNIQUE, n int NOT NULL DEFAULT 1 CHECK (n > 0),
			parent int REFERENCES parent (id));
		INSERT INTO parent VALUES (1); INSERT INTO t (id, code) VALUES (1, 'a')`); err != nil {
		t.Fatal(err)
	}
	exec := func(q string) func(context.Context) error {
		return func(ctx context.Context) error { _, err := pool.Exec(ctx, q); return err }
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	closed, err := pgxpool.New(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	nobody := fmt.Sprintf("postgres://guccho@%s/guccho?connect_timeout=2", l.Addr())
	l.Close() // nothing listens there now

	tests := []struct {
		name string
		run  func(context.Context) error
		ctx  context.Context
		code string
	}{
		{"a query with a syntax error", exec(`SELEC 1`), ctx, guccho.EINTERNAL},
		{"a query naming a missing column", exec(`SELECT nope FROM t`), ctx, guccho.EINTERNAL},
		{"a repeated primary key", exec(`INSERT INTO t (id, code) VALUES (1, 'b')`), ctx, guccho.ECONFLICT},
		{"a repeated unique value", exec(`INSERT INTO t (id, code) VALUES (2, 'a')`), ctx, guccho.ECONFLICT},
		{"a CHECK constraint", exec(`INSERT INTO t (id, code, n) VALUES (3, 'c', -1)`), ctx, guccho.EINVALID},
		{"a NOT NULL constraint", exec(`INSERT INTO t (id, code, n) VALUES (4, 'd', NULL)`), ctx, guccho.EINVALID},
		{"a foreign key", exec(`INSERT INTO t (id, code, parent) VALUES (5, 'e', 99)`), ctx, guccho.EINVALID},
		{"a data exception (22P02)", exec(`SELECT 'seven'::int`), ctx, guccho.EINVALID},
		{"a data exception (22012)", exec(`SELECT 1 / 0`), ctx, guccho.EINVALID},
		{"statement_timeout (57014)", exec(`SET statement_timeout = 50; SELECT pg_sleep(1)`), ctx, guccho.EUNAVAILABLE},
		{"a serialization failure (40001)", exec(raise("40001")), ctx, guccho.EUNAVAILABLE},
		{"a deadlock (40P01)", exec(raise("40P01")), ctx, guccho.EUNAVAILABLE},
		{"a connection exception (08006)", exec(raise("08006")), ctx, guccho.EUNAVAILABLE},
		{"too many connections (53300)", exec(raise("53300")), ctx, guccho.EUNAVAILABLE},
		{"the server starting up (57P03)", exec(raise("57P03")), ctx, guccho.EUNAVAILABLE},
		{"a connection ended by the administrator (57P01)", func(ctx context.Context) error {
			conn, err := pool.Acquire(ctx)
			if err != nil {
				return err
			}
			defer conn.Release()
			if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, conn.Conn().PgConn().PID()); err != nil {
				return err
			}
			_, err = conn.Exec(ctx, `SELECT 1`)
			return err
		}, ctx, guccho.EUNAVAILABLE},
		{"a cancelled context", exec(`SELECT 1`), cancelled, guccho.EUNAVAILABLE},
		{"a deadline during a query", func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, err := pool.Exec(ctx, `SELECT pg_sleep(1)`)
			return err
		}, ctx, guccho.EUNAVAILABLE},
		{"a closed pool", func(ctx context.Context) error { _, err := closed.Exec(ctx, `SELECT 1`); return err }, ctx, guccho.EUNAVAILABLE},
		{"a server that does not answer", func(ctx context.Context) error {
			p, err := pgxpool.New(ctx, nobody)
			if err != nil {
				return err
			}
			defer p.Close()
			_, err = p.Exec(ctx, `SELECT 1`)
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
			err := dbErr(cause, "read things")
			if got := guccho.ErrorCode(err); got != tt.code {
				t.Errorf("code = %q, want %q (cause: %v)", got, tt.code, cause)
			}
			msg := guccho.ErrorMessage(err)
			driver := cause.Error()
			if pe := (*pgconn.PgError)(nil); errors.As(cause, &pe) {
				driver = pe.Message // the text without "ERROR:" and the SQLSTATE
			}
			if !strings.HasPrefix(msg, "read things: ") || strings.Contains(msg, driver) {
				t.Errorf("message %q: want ours, starting with what failed and without the server's %q", msg, cause)
			}
			if !errors.Is(err, cause) {
				t.Errorf("the cause %v is not kept for the log", cause)
			}
		})
	}

	t.Run("an error classified already", func(t *testing.T) {
		in := guccho.Errorf(guccho.ENOTFOUND, "no enterprise %q", "x")
		if got := dbErr(in, "read"); got != error(in) {
			t.Errorf("dbErr(%v) = %v, want it unchanged", in, got)
		}
		if dbErr(nil, "read") != nil {
			t.Error("dbErr(nil) is not nil")
		}
	})
}
