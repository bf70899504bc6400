// Command parley runs the Parley contact center.
//
//	parley serve            run the server
//	parley demo             run with a seeded demo tenant and the Messenger simulator
//	parley migrate          apply database migrations and exit
//	parley config validate  check a configuration file
//	parley scenario test    run conversation scripts against a scenario
//	parley scenario replay  replay recorded chats against an edited scenario
//	parley secrets rotate   re-encrypt stored credentials with the current key
//	parley bench            load-test a running server (config, run)
//	parley version          print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var u usageError
		if !errors.As(err, &u) {
			fmt.Fprintln(os.Stderr, "parley:", err)
		}
		os.Exit(2)
	}
}

type usageError struct{ error }

const usage = `Usage: parley <command> [flags]

Commands:
  serve             run the server
  demo              run with a seeded demo tenant and the Messenger simulator
  migrate           apply database migrations and exit
  config validate   check a configuration file: parley config validate FILE
  scenario test     run conversation scripts: parley scenario test SCRIPT...
  scenario replay   replay recorded chats against an edited scenario
  secrets           keygen: a new key; rotate: re-encrypt credentials with the current key
  admin create      make an admin (and their tenant): parley admin create -tenant ID USERNAME
  bench             load testing: bench config > bench.yaml; bench run -url URL
  version           print the version

Run 'parley <command> -h' for a command's flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{errors.New("no command")}
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr, false)
	case "demo":
		return serve(ctx, args[1:], stdout, stderr, true)
	case "migrate":
		return migrate(ctx, args[1:], stderr)
	case "config":
		if len(args) < 3 || args[1] != "validate" {
			fmt.Fprint(stderr, "Usage: parley config validate FILE\n")
			return usageError{errors.New("bad usage")}
		}
		f, err := config.Load(args[2])
		if err != nil {
			return err
		}
		if err := f.CheckChannels(app.Channels(nil)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: OK\n", args[2])
		return nil
	case "scenario":
		return scenarioCmd(ctx, args[1:], stdout, stderr)
	case "secrets":
		return secretsCmd(ctx, args[1:], stdout, stderr)
	case "admin":
		return adminCmd(ctx, args[1:], stdout, stderr)
	case "bench":
		return benchCmd(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "parley", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Errorf("unknown command %q", args[0])}
}

// flags holds the server settings; each flag has a PARLEY_* environment
// equivalent, and a flag given on the command line wins.
type flags struct {
	addr, database, config, publicURL, logLevel, bus string
	allowBaseURL                                     string
	allowPrivateFetch                                bool
	secrets                                          *app.SecretKeys
	logFormat                                        string
}

func parseFlags(name string, args []string, stderr io.Writer, demo bool) (*flags, error) {
	f := &flags{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	defaultDB := app.DefaultDatabase
	if demo {
		defaultDB = "parley-data/demo.db"
	}
	fs.StringVar(&f.addr, "addr", env("PARLEY_ADDR", "127.0.0.1:8080"), "listen address (PARLEY_ADDR)")
	fs.StringVar(&f.database, "database", env("PARLEY_DATABASE", defaultDB), "SQLite file path or postgres:// URL (PARLEY_DATABASE)")
	fs.StringVar(&f.config, "config", env("PARLEY_CONFIG", ""), "parley.yaml to apply at start (PARLEY_CONFIG)")
	fs.StringVar(&f.publicURL, "public-url", env("PARLEY_PUBLIC_URL", ""), "URL browsers and platforms use to reach this server (PARLEY_PUBLIC_URL)")
	fs.StringVar(&f.bus, "bus", env("PARLEY_BUS", "inmem"), "event bus: inmem (one node) or a nats:// URL for several nodes (PARLEY_BUS)")
	fs.StringVar(&f.logLevel, "log-level", env("PARLEY_LOG_LEVEL", "info"), "debug, info, warn or error (PARLEY_LOG_LEVEL)")
	fs.StringVar(&f.logFormat, "log-format", env("PARLEY_LOG_FORMAT", "text"), "text or json (PARLEY_LOG_FORMAT)")
	f.secrets = secretKeys(fs)
	fs.BoolVar(&f.allowPrivateFetch, "allow-private-fetch", env("PARLEY_ALLOW_PRIVATE_FETCH", "") == "true",
		"let HTTP Request blocks and media copies reach loopback, private and link-local addresses (always on in the demo) (PARLEY_ALLOW_PRIVATE_FETCH=true)")
	fs.StringVar(&f.allowBaseURL, "allow-api-base-url", env("PARLEY_ALLOW_API_BASE_URL", ""),
		"Graph API base URLs admins may set in the UI: none, loopback or any (default: loopback for demo, else none) (PARLEY_ALLOW_API_BASE_URL)")
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return f, nil
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// logger writes records of level and above as text lines or, with format
// "json", one JSON object per line (for log collectors).
func logger(level, format string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format: %q is not text or json", format)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, demo bool) error {
	name := "serve"
	if demo {
		name = "demo"
	}
	f, err := parseFlags(name, args, stderr, demo)
	if err != nil {
		return err
	}
	log, err := logger(f.logLevel, f.logFormat, stderr)
	if err != nil {
		return err
	}
	parallel, err := envInt("PARLEY_INBOUND_PARALLEL")
	if err != nil {
		return err
	}
	a := app.New(app.Config{Addr: f.addr, Database: f.database, ConfigFile: f.config, PublicURL: f.publicURL, Demo: demo, Logger: log, Bus: f.bus,
		AllowAPIBaseURL: f.allowBaseURL, AllowPrivateFetch: f.allowPrivateFetch, Secrets: *f.secrets,
		MetricsToken: os.Getenv("PARLEY_METRICS_TOKEN"), InboundParallel: parallel})
	if err := a.Start(ctx); err != nil {
		return err
	}
	reloadOnHangup(ctx, a, log)
	if demo {
		printDemo(stdout, a.URL())
		printDemoConfig(stdout, a.ConfigFile(), a.URL())
	}
	select {
	case <-ctx.Done():
	case err = <-a.Err():
	}
	return errors.Join(err, a.Close())
}

// envInt reads a positive whole number from the environment; 0 when unset.
func envInt(name string) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a whole number of at least 1", name, v)
	}
	return n, nil
}

func printDemo(w io.Writer, url string) {
	fmt.Fprintf(w, `
Parley demo is running.

  Messenger simulator (play the customer):  %[1]s/simulator
  Agent Desktop:                            %[1]s/desktop
`, url)
	for _, l := range app.DemoLogins {
		fmt.Fprintf(w, "      %-10s login: %-6s  password: %s\n", l[2], l[0], l[1])
	}
	fmt.Fprint(w, "\nOpen both in two tabs, click Ready in the desktop and write from the simulator. Ctrl-C stops.\n\n")
}

func migrate(ctx context.Context, args []string, stderr io.Writer) error {
	f, err := parseFlags("migrate", args, stderr, false)
	if err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, f.database)
	if err != nil {
		return err
	}
	return st.Close()
}
