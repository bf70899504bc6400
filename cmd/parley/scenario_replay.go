package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/scenario"
)

// replayCmd replays recorded chats of a scenario against the version in a
// configuration file and reports the differences.
func replayCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfgPath, name, dsn string
	var limit int
	err := scenarioFlags("scenario replay", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&cfgPath, "config", env("PARLEY_CONFIG", ""), "configuration file with the new scenario version (PARLEY_CONFIG)")
		fs.StringVar(&name, "scenario", "", "scenario to replay")
		fs.StringVar(&dsn, "database", env("PARLEY_DATABASE", app.DefaultDatabase), "database with the recorded chats (PARLEY_DATABASE)")
		fs.IntVar(&limit, "limit", 50, "newest chats to replay")
	})
	if err != nil {
		return err
	}
	if cfgPath == "" || name == "" {
		return usageError{fmt.Errorf("-config and -scenario are required")}
	}
	f, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	sc, err := loadScenario(cfgPath, name)
	if err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	chats, err := st.ScenarioChats(ctx, f.TenantID(), name, limit)
	if err != nil {
		return err
	}
	differ := 0
	for _, c := range chats {
		rec, err := recorded(ctx, st, c)
		if err != nil {
			return err
		}
		diffs, err := scenario.Replay(ctx, sc, rec)
		if err != nil {
			return fmt.Errorf("replay chat %s: %w", c.ID, err)
		}
		if len(diffs) == 0 {
			fmt.Fprintf(stdout, "same  chat %s (v%d)\n", c.ID, c.Scenario.Version)
			continue
		}
		differ++
		fmt.Fprintf(stdout, "DIFF  chat %s (v%d)\n", c.ID, c.Scenario.Version)
		for _, d := range diffs {
			fmt.Fprintf(stdout, "      bot message %d: was %q, now %q\n", d.Index+1, d.Was, d.Now)
		}
	}
	fmt.Fprintf(stdout, "%d chat(s) replayed, %d behave differently\n", len(chats), differ)
	if differ > 0 {
		return fmt.Errorf("%d of %d chats behave differently", differ, len(chats))
	}
	return nil
}

// recorded reads a chat's transcript in the form Replay takes.
func recorded(ctx context.Context, st parley.Store, c *parley.Chat) (scenario.Recorded, error) {
	msgs, err := st.Messages(ctx, c.ID, 0)
	if err != nil {
		return scenario.Recorded{}, err
	}
	rec := scenario.Recorded{ChatID: c.ID, Vars: c.Scenario.Vars, Assigned: !c.AssignedAt.IsZero() || c.AgentID != ""}
	for _, m := range msgs {
		switch {
		case m.Direction == parley.Inbound && m.Sender == parley.SenderCustomer:
			rm := scenario.RecordedMessage{FromCustomer: true, Text: m.Text}
			if m.Kind == parley.KindPostback || m.Kind == parley.KindQuickReply {
				rm.Payload = m.Payload
			}
			rec.Messages = append(rec.Messages, rm)
		case m.Direction == parley.Outbound && m.Sender == parley.SenderBot:
			rec.Messages = append(rec.Messages, scenario.RecordedMessage{Bot: true, Text: m.Text})
		}
	}
	return rec, nil
}
