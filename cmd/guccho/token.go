package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/guccho/guccho"
)

const tokenUsage = `Usage: guccho token create [--role editor|admin] [--name NAME] [--db PATH]

Creates an API token and prints its secret once; the store keeps only a hash.
Reading needs no token; importing and editing enterprises need an editor or
admin token, sent as "Authorization: Bearer <token>" (the web app has a
sign-in for it).

Flags:
`

func runToken(ctx context.Context, args []string, env Env) error {
	cfg, err := defaultConfig(env.Getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.dbFlag(fs)
	role := fs.String("role", guccho.RoleEditor, "editor or admin")
	name := fs.String("name", "", "who or what the token is for")
	fs.Usage = func() { fmt.Fprint(fs.Output(), tokenUsage); fs.PrintDefaults() }
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fs.Usage()
		return nil
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "create" {
		fs.Usage()
		return fmt.Errorf("%w: want: token create", errUsage)
	}
	s, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	secret, err := createToken(ctx, s, *role, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s\n", secret)
	fmt.Fprintf(env.Stderr, "created a %s token; it is shown only now, keep it safe\n", *role)
	return nil
}

// createToken stores a new token and returns its secret.
func createToken(ctx context.Context, s guccho.TokenStore, role, name string) (string, error) {
	t, secret, err := guccho.NewToken(role, name)
	if err != nil {
		return "", err
	}
	if err := s.CreateToken(ctx, t, guccho.HashSecret(secret)); err != nil {
		return "", err
	}
	return secret, nil
}

// ensureAdminToken creates an admin token when the store has none and
// prints it, so that the first user of a fresh server can write.
func ensureAdminToken(ctx context.Context, s guccho.TokenStore, w io.Writer) error {
	n, err := s.CountTokens(ctx)
	if err != nil || n > 0 {
		return err
	}
	secret, err := createToken(ctx, s, guccho.RoleAdmin, "first admin")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nNo API tokens existed, so one was created. It is shown only now:\n\n  admin token: %s\n\nSign in with it in the web app to import surveys; create more with 'guccho token create'.\n\n", secret)
	return nil
}
