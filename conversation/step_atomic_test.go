package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/bus/inmem"
	"github.com/parleycc/parley/channel/channeltest"
	"github.com/parleycc/parley/scenario"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// crashingStore fails the first save of a chat's scenario position that
// leaves it waiting, as a process that dies between a step's effects and
// its saved position would: whatever the step stored before that save
// stays stored.
type crashingStore struct {
	parley.Store
	armed atomic.Bool
}

var errCrash = errors.New("injected crash before the position was saved")

func (c *crashingStore) crashes(p parley.ScenarioPosition) bool {
	return p.Waiting != "" && c.armed.CompareAndSwap(true, false)
}

func (c *crashingStore) SaveScenario(ctx context.Context, chatID string, p parley.ScenarioPosition) error {
	if c.crashes(p) {
		return errCrash
	}
	return c.Store.SaveScenario(ctx, chatID, p)
}

func (c *crashingStore) SaveStep(ctx context.Context, step *parley.ScenarioStep) error {
	if c.crashes(step.Position) {
		return errCrash
	}
	return c.Store.SaveStep(ctx, step)
}

// TestScenarioStepAtomic: a step's outgoing messages and the position it
// leaves the chat in are stored together. The process fails after the
// Ask block's prompt was queued and before its wait was saved; the chat
// is then resumed (as the stalled-scenario sweep does): the customer is
// asked once, never twice, and the chat waits for the answer with its
// timer.
func TestScenarioStepAtomic(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		clock := &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		st.SetClock(clock)
		cs := &crashingStore{Store: st}
		s := New(Config{Store: cs, Bus: inmem.New(), Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Channels: parley.NewChannels(channeltest.New())})

		must(t, st.EnsureTenant(ctx, &parley.Tenant{ID: parley.DefaultTenant}))
		acct := &parley.Account{TenantID: parley.DefaultTenant, Name: "page", Type: channeltest.Type, PageID: "p1",
			AccessToken: "t", AppSecret: "s", VerifyToken: "v", Active: true}
		must(t, st.UpsertAccount(ctx, acct))
		def, err := json.Marshal(scenario.Definition{Name: "flow", Blocks: []scenario.Spec{
			{ID: "hello", Type: "send_message", Params: map[string]any{"text": "Hi $(first_name)!"}},
			{ID: "email", Type: "ask", Params: map[string]any{"text": "Your email?", "var": "email", "validate": "email", "timeout": "1h"}},
			{ID: "thanks", Type: "send_message", Params: map[string]any{"text": "We will write to $(email)."}},
		}})
		must(t, err)
		must(t, st.PublishScenario(ctx, &parley.ScenarioVersion{TenantID: parley.DefaultTenant, Name: "flow", Definition: def}))
		must(t, st.UpsertEntry(ctx, &parley.ScenarioEntry{TenantID: parley.DefaultTenant, Name: "main", AccountID: acct.ID, ScenarioName: "flow"}))
		cust, _, err := st.EnsureCustomer(ctx, &parley.Customer{TenantID: parley.DefaultTenant, AccountID: acct.ID, ExternalID: "psid-1", FirstName: "Jane"})
		must(t, err)
		chat := &parley.Chat{TenantID: parley.DefaultTenant, AccountID: acct.ID, CustomerID: cust.ID}
		must(t, st.CreateChat(ctx, chat))

		cs.armed.Store(true)
		if err := s.startScenario(ctx, chat, acct, cust, nil); !errors.Is(err, errCrash) {
			t.Fatalf("start = %v, want the injected crash", err)
		}
		if got := botTexts(t, st, chat.ID); len(got) != 1 || got[0] != "Hi Jane!" {
			t.Fatalf("after the crash the outbox holds %q; want only the greeting, whose step committed", got)
		}

		// Any node's sweep resumes the chat between two steps.
		must(t, s.continueScenario(ctx, chat.ID))
		if got := botTexts(t, st, chat.ID); len(got) != 2 || got[1] != "Your email?" {
			t.Fatalf("after resuming the outbox holds %q; want the greeting and one prompt", got)
		}
		after, err := st.Chat(ctx, chat.ID)
		must(t, err)
		if after.Scenario.Block != "email" || after.Scenario.Waiting != scenario.SigInput || !after.Scenario.WakeAt.Equal(clock.Now().Add(time.Hour)) {
			t.Fatalf("position after resuming = %+v; want waiting for input on email until %v", after.Scenario, clock.Now().Add(time.Hour))
		}

		// The step's message was announced with it, to desktops and
		// integrators' webhooks alike.
		evs, err := st.EventsAfter(ctx, parley.DefaultTenant, 0, 100)
		must(t, err)
		announced := 0
		for _, e := range evs {
			if e.Type == parley.EventMessage && e.Hook == parley.HookMessageCreated && strings.Contains(string(e.Data), "Your email?") {
				announced++
			}
		}
		if announced != 1 {
			t.Fatalf("the prompt was announced %d times, want once", announced)
		}

		// The sweep finds nothing more to resume: a second pass asks nothing.
		must(t, s.continueScenario(ctx, chat.ID))
		if got := botTexts(t, st, chat.ID); len(got) != 2 {
			t.Fatalf("a second resume queued more: %q", got)
		}
	})
}

// botTexts lists the chat's outbound messages' texts (typing actions aside).
func botTexts(t *testing.T, st parley.Store, chatID string) []string {
	t.Helper()
	ms, err := st.Messages(context.Background(), chatID, 0)
	must(t, err)
	var out []string
	for _, m := range ms {
		if m.Direction == parley.Outbound && m.Kind != parley.KindAction {
			out = append(out, m.Text)
		}
	}
	return out
}
