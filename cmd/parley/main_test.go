package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
)

// clearEnv keeps the developer's PARLEY_* settings out of the flag defaults.
func clearEnv(t *testing.T) {
	for _, k := range []string{"PARLEY_ADDR", "PARLEY_DATABASE", "PARLEY_CONFIG", "PARLEY_PUBLIC_URL", "PARLEY_LOG_LEVEL"} {
		t.Setenv(k, "")
	}
}

func TestRun(t *testing.T) {
	clearEnv(t)
	tests := []struct {
		name       string
		args       []string
		usage      bool   // the error is a usageError
		err        string // exact error; "" for success
		stdout     string // exact stdout
		stderrHas  string // substring of stderr
		stdoutHas  string // substring of stdout, when stdout is not exact
		stderrNone bool   // stderr must be empty
	}{
		{name: "version", args: []string{"version"}, stdout: "parley dev\n", stderrNone: true},
		{name: "help", args: []string{"help"}, stdout: usage, stderrNone: true},
		{name: "-h", args: []string{"-h"}, stdout: usage, stderrNone: true},
		{name: "no args", args: nil, usage: true, err: "no command", stderrHas: "Usage: parley <command> [flags]"},
		{name: "unknown command", args: []string{"frobnicate"}, usage: true, err: `unknown command "frobnicate"`, stderrHas: "Usage: parley <command> [flags]"},
		{name: "config valid", args: []string{"config", "validate", "testdata/valid.yaml"}, stdout: "testdata/valid.yaml: OK\n", stderrNone: true},
		{name: "config invalid", args: []string{"config", "validate", "testdata/invalid.yaml"},
			err: `testdata/invalid.yaml:6: users[0].role: must be agent, supervisor or admin, not "boss"`, stderrNone: true},
		{name: "config bad yaml", args: []string{"config", "validate", "testdata/syntax.yaml"},
			err: `testdata/syntax.yaml:2: found unexpected end of stream`, stderrNone: true},
		{name: "config missing file", args: []string{"config", "validate", "testdata/nope.yaml"},
			err: "config: open testdata/nope.yaml: no such file or directory", stderrNone: true},
		{name: "config without file", args: []string{"config", "validate"}, usage: true, err: "bad usage", stderrHas: "Usage: parley config validate FILE"},
		{name: "config other subcommand", args: []string{"config", "apply", "testdata/valid.yaml"}, usage: true, err: "bad usage", stderrHas: "Usage: parley config validate FILE"},
		{name: "serve bad flag", args: []string{"serve", "--bogus"}, usage: true, err: "flag provided but not defined: -bogus", stderrHas: "-database string"},
		{name: "serve extra argument", args: []string{"serve", "extra"}, usage: true, err: `unexpected argument "extra"`},
		{name: "serve bad log level", args: []string{"serve", "--log-level", "loud", "--database", "unused.db"}, err: `log level: slog: level string "loud": unknown name`},
		{name: "demo bad flag", args: []string{"demo", "-x"}, usage: true, err: "flag provided but not defined: -x"},
		{name: "migrate bad flag", args: []string{"migrate", "--nope"}, usage: true, err: "flag provided but not defined: -nope"},
		{name: "serve -h", args: []string{"serve", "-h"}, usage: true, err: "flag: help requested", stderrHas: "PARLEY_DATABASE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("run(%q) = %v, want success", tt.args, err)
			case tt.err != "" && (err == nil || err.Error() != tt.err):
				t.Fatalf("run(%q) = %v, want %q", tt.args, err, tt.err)
			}
			var u usageError
			if got := errors.As(err, &u); got != tt.usage {
				t.Errorf("usage error = %v, want %v (err %v)", got, tt.usage, err)
			}
			if tt.stdout != "" || tt.stdoutHas == "" {
				if got := stdout.String(); got != tt.stdout {
					t.Errorf("stdout = %q, want %q", got, tt.stdout)
				}
			}
			if !strings.Contains(stdout.String(), tt.stdoutHas) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tt.stdoutHas)
			}
			if !strings.Contains(stderr.String(), tt.stderrHas) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.stderrHas)
			}
			if tt.stderrNone && stderr.Len() > 0 {
				t.Errorf("stderr = %q, want nothing", stderr.String())
			}
		})
	}
	// The bad log level was refused before anything was opened.
	if _, err := os.Stat("unused.db"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("serve with a bad log level created its database: %v", err)
	}
}

func TestMigrate(t *testing.T) {
	clearEnv(t)
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "sub", "dir", "parley.db")

	// The directory does not exist yet; migrating twice is fine.
	for i := range 2 {
		var stdout, stderr bytes.Buffer
		if err := run(ctx, []string{"migrate", "--database", db}, &stdout, &stderr); err != nil {
			t.Fatalf("migrate #%d: %v (stderr %q)", i+1, err, stderr.String())
		}
		if stdout.Len() > 0 {
			t.Errorf("migrate printed %q", stdout.String())
		}
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("migrate did not create the database: %v", err)
	}
	st, err := sqlstore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Ping(ctx); err != nil {
		t.Errorf("Ping on the migrated database: %v", err)
	}
}

// PARLEY_DATABASE stands in for --database.
func TestMigrateFromEnv(t *testing.T) {
	clearEnv(t)
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("PARLEY_DATABASE", db)
	if err := run(ctx, []string{"migrate"}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	st, err := sqlstore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// An unmigrated database fails Ping, so TestMigrate's Ping proves migrate ran.
func TestPingNeedsMigration(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "raw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Ping(ctx); err == nil {
		t.Fatal("Ping on an unmigrated database succeeded")
	}
}

// serve starts, applies --config and stops cleanly when its context ends.
func TestServeStops(t *testing.T) {
	clearEnv(t)
	db := filepath.Join(t.TempDir(), "serve.db")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var stdout, stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--database", db, "--config", "testdata/valid.yaml", "--log-level", "error"}, &stdout, &stderr)
	}()
	// Wait for the config to be applied, then stop.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if ok := userApplied(t, db); ok {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v (stderr %q)", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("config not applied within 20s (stderr %q)", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve = %v, want nil after cancel", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after its context was cancelled")
	}
}

func userApplied(t *testing.T, db string) bool {
	if _, err := os.Stat(db); err != nil {
		return false
	}
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, db)
	if err != nil {
		return false
	}
	defer st.Close()
	_, err = st.UserByUsername(ctx, parley.DefaultTenant, "alice")
	return err == nil
}
