// Command withpg runs a command with a throwaway PostgreSQL + PostGIS
// database, for tests outside Go (the browser test on the PostGIS store):
//
//	go run ./internal/pgtest/withpg -- npm run e2e
//
// It starts a cluster with pgtest.Start (or uses GUCCHO_TEST_DATABASE_URL's
// server), creates a fresh database with the postgis extension, runs the
// command with GUCCHO_PG_URL set to that database's URL, and removes
// everything afterwards. Its exit status is the command's.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/jackc/pgx/v5"

	"github.com/guccho/guccho/internal/pgtest"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: withpg [--] command [args…]")
		os.Exit(2)
	}
	code, err := run(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "withpg:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func run(args []string) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	server := os.Getenv("GUCCHO_TEST_DATABASE_URL")
	if server == "" {
		c, err := pgtest.Start(ctx)
		if err != nil {
			return 1, fmt.Errorf("starting PostgreSQL: %w", err)
		}
		defer c.Stop()
		server = c.URL("postgres")
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "guccho_run_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return 1, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		return 1, err
	}
	defer conn.Exec(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	u, err := url.Parse(server)
	if err != nil {
		return 1, err
	}
	u.Path = "/" + name
	db, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return 1, err
	}
	_, err = db.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS postgis`)
	db.Close(ctx)
	if err != nil {
		return 1, fmt.Errorf("create extension postgis: %w", err)
	}

	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "GUCCHO_PG_URL="+u.String())
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}
