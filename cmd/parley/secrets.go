package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/secrets"
)

// secretKeys reads the key settings every command shares. The key itself
// is only ever read from the environment or a file, never a flag (a
// command line is visible to every user of the machine).
func secretKeys(fs *flag.FlagSet) *app.SecretKeys {
	k := &app.SecretKeys{Key: os.Getenv("PARLEY_SECRET_KEY"), Old: os.Getenv("PARLEY_SECRET_KEY_OLD")}
	fs.StringVar(&k.KeyFile, "secret-key-file", env("PARLEY_SECRET_KEY_FILE", ""),
		"file with the key that encrypts credentials at rest (PARLEY_SECRET_KEY_FILE; PARLEY_SECRET_KEY holds the key itself; default for SQLite: secret.key beside the database)")
	return k
}

const secretsUsage = `Usage:
  parley secrets keygen            print a new random key
  parley secrets rotate [flags]    re-encrypt every credential with the current key

Rotation: give every node the new key as PARLEY_SECRET_KEY (or its file) and
the previous one as PARLEY_SECRET_KEY_OLD, restart them, run
'parley secrets rotate' once, then drop PARLEY_SECRET_KEY_OLD.
`

func secretsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, secretsUsage)
		return usageError{errors.New("no secrets command")}
	}
	switch args[0] {
	case "keygen":
		fmt.Fprintln(stdout, secrets.EncodeKey(secrets.NewKey()))
		return nil
	case "rotate":
		fs := flag.NewFlagSet("secrets rotate", flag.ContinueOnError)
		fs.SetOutput(stderr)
		dsn := fs.String("database", env("PARLEY_DATABASE", app.DefaultDatabase), "SQLite file path or postgres:// URL (PARLEY_DATABASE)")
		keys := secretKeys(fs)
		if err := fs.Parse(args[1:]); err != nil {
			return usageError{err}
		}
		id, n, err := app.RotateSecrets(ctx, *dsn, *keys)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "re-encrypted the credentials of %d accounts and webhooks with key %s\n", n, id)
		return nil
	}
	fmt.Fprint(stderr, secretsUsage)
	return usageError{fmt.Errorf("unknown secrets command %q", args[0])}
}
