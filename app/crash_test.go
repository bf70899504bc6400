package app_test

import (
	"context"
	"testing"

	"github.com/parleycc/parley"
)

// TestWorkLeftByADeadNode: a node can die in the middle of a customer's
// chat; whatever it left half done is picked up by the nodes that remain,
// without a restart.
func TestWorkLeftByADeadNode(t *testing.T) {
	cases := []struct {
		name string
		// leave puts the chat of the customer (psid) where a dead node left it.
		leave func(t *testing.T, w *flowWorld, c *customer)
		// then is what the customer does next and hears afterwards.
		then func(c *customer)
	}{
		{
			"between two scenario steps",
			func(t *testing.T, w *flowWorld, c *customer) {
				c.says("Hello?")
				c.hears("Hi Jane!", "We are closed. Your email?")
				// The node had moved the chat onto the Ask block and died
				// before running it; a minute and more has passed.
				ch := c.chat()
				ch.Scenario.Waiting, ch.Scenario.WakeAt = "", ch.Scenario.WakeAt.AddDate(-1, 0, 0)
				if err := w.app.Store.SaveScenario(context.Background(), ch.ID, ch.Scenario); err != nil {
					t.Fatal(err)
				}
				if _, err := w.app.Store.DB().ExecContext(context.Background(),
					"UPDATE chats SET updated_at = updated_at - 120000000 WHERE id = '"+ch.ID+"'"); err != nil {
					t.Fatal(err)
				}
			},
			func(c *customer) {
				// The Ask block runs again: the question is asked once more.
				c.hears("Hi Jane!", "We are closed. Your email?", "We are closed. Your email?")
				c.says("jane@example.com")
				c.hears("Hi Jane!", "We are closed. Your email?", "We are closed. Your email?", "We will write to jane@example.com.")
			},
		},
		{
			"after the first message, before the scenario",
			func(t *testing.T, w *flowWorld, c *customer) {
				ctx := context.Background()
				accts, err := w.app.Store.Accounts(ctx, parley.DefaultTenant)
				if err != nil || len(accts) == 0 {
					t.Fatalf("accounts: %v %v", accts, err)
				}
				cust, _, err := w.app.Store.EnsureCustomer(ctx, &parley.Customer{TenantID: parley.DefaultTenant, AccountID: accts[0].ID,
					ExternalID: c.psid, FirstName: "Jane", LastName: "Doe"})
				if err != nil {
					t.Fatal(err)
				}
				ch := &parley.Chat{TenantID: parley.DefaultTenant, AccountID: accts[0].ID, CustomerID: cust.ID}
				if err := w.app.Store.CreateChat(ctx, ch); err != nil {
					t.Fatal(err)
				}
				if err := w.app.Store.AddMessage(ctx, &parley.Message{TenantID: parley.DefaultTenant, ChatID: ch.ID, Direction: parley.Inbound,
					Sender: parley.SenderCustomer, Kind: parley.KindText, Text: "Hello?", Status: parley.MsgReceived, ExternalID: "m_lost"}); err != nil {
					t.Fatal(err)
				}
			},
			func(c *customer) {
				// The customer writes again: the scenario starts now.
				c.says("Anyone?")
				c.hears("Hi Jane!", "We are closed. Your email?")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for name, dsn := range databases(t) {
				t.Run(name, func(t *testing.T) {
					w := newFlowWorld(t, dsn(t), flowConfig{Open: false, AskTimeout: "1h"})
					jane := w.customer("7000000000000001", "Jane")
					tc.leave(t, w, jane)
					tc.then(jane)
				})
			}
		})
	}
}
