package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics/metricstest"
	"github.com/parleycc/parley/sqlstore"
)

// demoHistoryDays is how many days of report history the demo starts
// with, and demoChatsPerDay how busy they were.
const (
	demoHistoryDays = 14
	demoChatsPerDay = 120
)

// seedDemoHistory gives the demo tenant two weeks of generated chat facts
// (queue, offers, answers, replies, transfers, closes, dispositions,
// survey answers) before today (UTC), so the reports show figures at once
// and today's wallboard only live traffic. The history's chats exist as facts only (ids
// "demo-history-…"). It runs once: a tenant that has them is left alone.
func seedDemoHistory(ctx context.Context, st *sqlstore.Store, logger *slog.Logger, now time.Time) error {
	const tenant = parley.DefaultTenant
	if facts, err := st.ChatFacts(ctx, tenant, "demo-history-000000"); err != nil || len(facts) > 0 {
		return err
	}
	svcs, err := st.Services(ctx, tenant)
	if err != nil {
		return err
	}
	users, err := st.Users(ctx, tenant)
	if err != nil {
		return err
	}
	var svcIDs, agentIDs []string
	for _, s := range svcs {
		svcIDs = append(svcIDs, s.ID)
	}
	for _, u := range users {
		if u.Role == parley.RoleAgent {
			agentIDs = append(agentIDs, u.ID)
		}
	}
	if len(svcIDs) == 0 || len(agentIDs) == 0 {
		return nil
	}
	end := now.UTC().Truncate(24 * time.Hour) // today starts clean: the wallboard turns red only for live traffic
	start := end.Add(-demoHistoryDays * 24 * time.Hour)
	tr := metricstest.Traffic{TenantID: tenant, Start: start, Span: end.Sub(start), Chats: demoHistoryDays * demoChatsPerDay,
		Seed: 42, Prefix: "demo-history-", ServiceIDs: svcIDs, AgentIDs: agentIDs}
	facts := demoGrades(tr.Facts())
	kept := facts[:0]
	for _, f := range facts {
		if f.At.Before(now) {
			kept = append(kept, f)
		}
	}
	began := time.Now()
	if err := st.ImportFacts(ctx, kept); err != nil {
		return fmt.Errorf("demo history: %w", err)
	}
	logger.Info("demo report history seeded", slog.Int("facts", len(kept)), slog.Duration("took", time.Since(began)))
	return nil
}

// demoGrades adds a quality evaluation to every seventh chat an agent
// answered (a graded fact an hour after it closed, 55–100 %), so the
// quality report has figures too.
func demoGrades(facts []parley.Fact) []parley.Fact {
	agentOf := map[string]parley.Fact{}
	var order []string
	for _, f := range facts {
		switch f.Kind {
		case parley.FactAccepted:
			if _, ok := agentOf[f.ChatID]; !ok {
				order = append(order, f.ChatID)
			}
			agentOf[f.ChatID] = f
		case parley.FactClosed:
			if a, ok := agentOf[f.ChatID]; ok {
				a.At = f.At
				agentOf[f.ChatID] = a
			}
		}
	}
	for i, chat := range order {
		if i%7 != 0 {
			continue
		}
		a := agentOf[chat]
		facts = append(facts, parley.Fact{TenantID: a.TenantID, ChatID: chat, ServiceID: a.ServiceID, AgentID: a.AgentID,
			Kind: parley.FactGraded, At: a.At.Add(time.Hour), Score: 55 + (i*37)%46})
	}
	return facts
}
