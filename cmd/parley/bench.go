package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/parleycc/parley/loadtest"
)

const benchUsage = `Usage:
  parley bench config [flags] > bench.yaml   a parley.yaml for the bench tenant
  parley bench run [flags]                   put load on a running server and report

Load testing in three steps:

  parley bench config -agents 200 > bench.yaml
  parley serve -config bench.yaml -database bench.db
  parley bench run -url http://127.0.0.1:8080 -agents 200 -customers 1000 -rate 1000 -duration 30s

'bench run' plays the page's customers (signed webhooks), the agents (API
and event stream) and the Graph API the server sends through (a fake on
-graph-addr, where bench.yaml points the page). It reports throughput,
webhook → agent and reply → Send API latencies, and checks that every
message arrived exactly once; it exits with an error when not.
Use the same -agents (and -tenant, -password) for config and run.
`

func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, benchUsage)
		return usageError{errors.New("no bench command")}
	}
	switch args[0] {
	case "config":
		return benchConfig(args[1:], stdout, stderr)
	case "run":
		return benchRun(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, benchUsage)
		return nil
	}
	fmt.Fprint(stderr, benchUsage)
	return usageError{fmt.Errorf("unknown bench command %q", args[0])}
}

// tenantFlags are the settings config and run must agree on.
func tenantFlags(fs *flag.FlagSet) *loadtest.Tenant {
	t := loadtest.DefaultTenant()
	fs.IntVar(&t.Agents, "agents", t.Agents, "agents, "+t.AgentName(1)+" and on")
	fs.StringVar(&t.Tenant, "tenant", "", "tenant id (default: the server's default tenant)")
	fs.StringVar(&t.Password, "password", t.Password, "every agent's password")
	fs.IntVar(&t.Pages, "pages", 1, "Messenger pages the customers write to, spread evenly (the outbox sends at most 250 replies a second per page, as Messenger allows)")
	return &t
}

func benchConfig(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	t := tenantFlags(fs)
	fs.IntVar(&t.Capacity, "capacity", t.Capacity, "chats each agent takes at once (agents × capacity ≥ customers, or chats wait)")
	fs.StringVar(&t.GraphURL, "graph", t.GraphURL, "URL the server reaches 'bench run's fake Graph API at (its -graph-addr)")
	fs.BoolVar(&t.AutoAccept, "auto-accept", false, "routing assigns chats at once (default: agents accept offers over the API)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	b, err := t.Config()
	if err != nil {
		return err
	}
	_, err = stdout.Write(b)
	return err
}

func benchRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	t := tenantFlags(fs)
	o := loadtest.Options{}
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "the server under test")
	graphAddr := fs.String("graph-addr", "127.0.0.1:8091", "where the fake Graph API listens (bench.yaml's api_base_url)")
	fs.IntVar(&o.Customers, "customers", 100, "customers writing at once; each waits for an agent after its first message")
	fs.Float64Var(&o.Rate, "rate", 200, "messages per second, all customers together")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "how long customers write (0: until -messages)")
	fs.IntVar(&o.Messages, "messages", 0, "stop after this many messages (0: no limit)")
	fs.DurationVar(&o.Drain, "drain", 30*time.Second, "how long to wait for messages and replies in flight at the end")
	fs.IntVar(&o.PID, "pid", 0, "the server's process id: report its resident memory and its CPU per message (Linux)")
	fs.BoolVar(&o.SkipTranscripts, "skip-transcripts", false, "do not read the chats' messages back at the end")
	fs.BoolVar(&o.KeepChats, "keep-chats", false, "leave the run's chats open (default: the agents close them)")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	logLevel := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	log, err := logger(*logLevel, "text", stderr)
	if err != nil {
		return err
	}
	o.Tenant, o.Logger = *t, log
	g, err := loadtest.ListenGraph(*graphAddr, o.Tenant, log)
	if err != nil {
		return err
	}
	defer g.Close()
	o.Graph = g
	rep, err := loadtest.Run(ctx, o)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
	} else {
		rep.WriteText(stdout)
	}
	if !rep.Check.OK {
		return errors.New("the exactly-once check failed")
	}
	return nil
}
