package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
)

// TestServiceHours: an admin writes a schedule, gives it to a service
// with an after-hours message, and a new chat outside those hours gets
// that message and is closed without reaching an agent; a scenario that
// checks the hours itself answers instead; a switched-off service is
// closed at any hour; a schedule in use cannot be deleted; open again,
// the chat reaches the agent.
func TestServiceHours(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := &flowWorld{world: newWorldFrom(t, dsn(t), "testdata/hours.yaml", nil)}
			ada, alice := w.login("ada", "ada-pass"), w.login("alice", "alice-pass")
			alice.expect(http.StatusOK, "", http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil)
			const schedules = "/api/admin/schedules"
			everyDay := []parley.OpenSpan{{Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, From: "00:00", To: "24:00"}}
			// Closed today and tomorrow, whichever side of midnight the test runs.
			now := time.Now().UTC()
			closed := parley.Schedule{Name: "Stock-taking", Timezone: "UTC", Hours: everyDay,
				Holidays: []string{now.Format(time.DateOnly), now.Add(24 * time.Hour).Format(time.DateOnly)}}
			open := parley.Schedule{Name: "Always", Timezone: "UTC", Hours: everyDay}

			bad := []struct {
				name string
				in   parley.Schedule
				msg  string
			}{
				{"no name", parley.Schedule{Timezone: "UTC", Hours: everyDay}, "name"},
				{"unknown zone", parley.Schedule{Name: "X", Timezone: "Mars/Olympus", Hours: everyDay}, `unknown timezone "Mars/Olympus"`},
				{"backwards", parley.Schedule{Name: "X", Hours: []parley.OpenSpan{{Days: []time.Weekday{1}, From: "18:00", To: "09:00"}}}, "09:00 is not after 18:00"},
				{"no days", parley.Schedule{Name: "X", Hours: []parley.OpenSpan{{From: "09:00", To: "18:00"}}}, "days"},
				{"bad holiday", parley.Schedule{Name: "X", Hours: everyDay, Holidays: []string{"25/12/2026"}}, "holidays"},
			}
			for _, b := range bad {
				ada.expect(http.StatusBadRequest, b.msg, http.MethodPut, schedules, b.in, nil)
			}
			alice.expect(http.StatusForbidden, "", http.MethodPut, schedules, open, nil)
			var saved conversation.AdminScheduleView
			ada.expect(http.StatusOK, "", http.MethodPut, schedules, closed, &saved)
			if saved.OpenNow {
				t.Fatalf("a schedule closed today is open now: %+v", saved)
			}
			ada.expect(http.StatusOK, "", http.MethodPut, schedules, open, &saved)
			if !saved.OpenNow {
				t.Fatalf("an all-week schedule is closed now: %+v", saved)
			}

			support := serviceNamed(t, ada, "Support")
			if !support.Enabled || support.Schedule != "" {
				t.Fatalf("Support from the file: %+v", support)
			}
			edit := serviceEdit(support)
			edit.Schedule = "Nope"
			ada.expect(http.StatusBadRequest, `no schedule named "Nope"`, http.MethodPut, "/api/admin/services/"+support.ID, edit, nil)
			edit.Schedule, edit.AfterHoursMessage = "Stock-taking", "We are closed for stock-taking; back on Monday."
			ada.expect(http.StatusOK, "", http.MethodPut, "/api/admin/services/"+support.ID, edit, &support)
			ada.expect(http.StatusConflict, `in use by service "Support"`, http.MethodDelete, schedules+"/Stock-taking", nil, nil)

			// Outside the service's hours: its message, the chat closed, no agent.
			jane := w.customer("7100000000000001", "Jane")
			jane.says("Hello?")
			jane.hears("We are closed for stock-taking; back on Monday.")
			w.noOpenChat(jane)
			// Writing on, she is not told again within the hour; her lines are kept.
			jane.says("It is about my order")
			jane.says("Thanks anyway")
			w.waitProcessed()
			if lines, bot := w.linesOf(jane); lines != 3 || bot != 1 {
				t.Fatalf("Jane's chats hold %d lines of hers and %d answers, want 3 and one answer", lines, bot)
			}
			jane.hears("We are closed for stock-taking; back on Monday.")
			// The scenario that checks the hours answers instead.
			setEntryScenario(t, ada, "hours-aware")
			joe := w.customer("7100000000000002", "Joe")
			joe.says("Anyone there?")
			joe.hears("The scenario says: closed, back tomorrow.")
			w.noOpenChat(joe)
			setEntryScenario(t, ada, "chat")

			// Switched off: closed at any hour, with the default message when
			// the service has none.
			edit = serviceEdit(support)
			off := false
			edit.Enabled, edit.Schedule, edit.AfterHoursMessage = &off, "Always", ""
			ada.expect(http.StatusOK, "", http.MethodPut, "/api/admin/services/"+support.ID, edit, &support)
			if support.Enabled {
				t.Fatalf("switched off: %+v", support)
			}
			kim := w.customer("7100000000000003", "Kim")
			kim.says("Hi")
			kim.hears(parley.DefaultAfterHoursMessage)
			w.noOpenChat(kim)

			// Open again: the chat reaches alice.
			edit = serviceEdit(support)
			on := true
			edit.Enabled = &on
			ada.expect(http.StatusOK, "", http.MethodPut, "/api/admin/services/"+support.ID, edit, &support)
			lee := w.customer("7100000000000004", "Lee")
			lee.says("Hi again")
			lee.hears("Hello, an agent will be with you.")
			eventually(t, "Lee's chat with alice", func() bool {
				for _, c := range alice.chats() {
					if c.Customer.Name == "Lee Doe" {
						return true
					}
				}
				return false
			})

			var cat conversation.ScheduleCatalog
			ada.expect(http.StatusOK, "", http.MethodGet, schedules, nil, &cat)
			if len(cat.Schedules) != 2 || cat.Schedules[0].Name != "Always" || len(cat.Schedules[0].Services) != 1 || cat.Schedules[1].OpenNow {
				t.Errorf("schedules = %+v", cat.Schedules)
			}
			if len(cat.Default.Hours) != 1 || cat.Default.Hours[0].From != "09:00" || cat.Default.Hours[0].To != "18:00" || len(cat.Default.Hours[0].Days) != 5 {
				t.Errorf("a new schedule starts from %+v, want Mon–Fri 09:00–18:00", cat.Default)
			}
			ada.expect(http.StatusNoContent, "", http.MethodDelete, schedules+"/Stock-taking", nil, nil)
			ada.expect(http.StatusNotFound, "", http.MethodDelete, schedules+"/Stock-taking", nil, nil)
		})
	}
}

func serviceNamed(t *testing.T, a *agent, name string) conversation.AdminServiceView {
	t.Helper()
	var res struct {
		Services []conversation.AdminServiceView
	}
	a.expect(http.StatusOK, "", http.MethodGet, "/api/admin/services", nil, &res)
	for _, s := range res.Services {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no service %q in %+v", name, res.Services)
	return conversation.AdminServiceView{}
}

// serviceEdit is the form of v as Admin sends it back unchanged.
func serviceEdit(v conversation.AdminServiceView) conversation.ServiceInput {
	return conversation.ServiceInput{MaxChatsPerAgent: v.MaxChatsPerAgent, MaxQueueLength: v.MaxQueueLength, Routing: v.Routing,
		Desk: v.Desk, Schedule: v.Schedule, AfterHoursMessage: v.AfterHoursMessage, Version: v.Version}
}

func setEntryScenario(t *testing.T, admin *agent, scenario string) {
	t.Helper()
	var cat conversation.EntryCatalog
	admin.expect(http.StatusOK, "", http.MethodGet, "/api/admin/entries", nil, &cat)
	e := cat.Entries[0].EntryInput
	e.Scenario = scenario
	admin.expect(http.StatusOK, "", http.MethodPut, "/api/admin/entries", e, nil)
}

// noOpenChat waits until the customer has no chat that is not closed.
func (w *flowWorld) noOpenChat(c *customer) {
	w.t.Helper()
	ctx := context.Background()
	accts, err := w.app.Store.Accounts(ctx, parley.DefaultTenant)
	if err != nil || len(accts) == 0 {
		w.t.Fatalf("accounts: %v", err)
	}
	cust, _, err := w.app.Store.EnsureCustomer(ctx, &parley.Customer{TenantID: parley.DefaultTenant, AccountID: accts[0].ID, ExternalID: c.psid})
	if err != nil {
		w.t.Fatal(err)
	}
	eventually(w.t, c.psid+"'s chat closed", func() bool {
		_, err := w.app.Store.OpenChat(ctx, cust.ID)
		return parley.ErrorCode(err) == parley.ENOTFOUND
	})
}

// waitProcessed waits until every stored incoming event has been handled.
func (w *flowWorld) waitProcessed() {
	w.t.Helper()
	drained(w.t, w.app.Store)
}

// linesOf counts the customer's messages and the bot's answers over all
// their chats.
func (w *flowWorld) linesOf(c *customer) (theirs, bot int) {
	w.t.Helper()
	ctx := context.Background()
	accts, err := w.app.Store.Accounts(ctx, parley.DefaultTenant)
	if err != nil || len(accts) == 0 {
		w.t.Fatalf("accounts: %v", err)
	}
	cust, _, err := w.app.Store.EnsureCustomer(ctx, &parley.Customer{TenantID: parley.DefaultTenant, AccountID: accts[0].ID, ExternalID: c.psid})
	if err != nil {
		w.t.Fatal(err)
	}
	chats, err := w.app.Store.Chats(ctx, parley.ChatFilter{TenantID: parley.DefaultTenant, CustomerID: cust.ID})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, ch := range chats {
		ms, err := w.app.Store.Messages(ctx, ch.ID, 0)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, m := range ms {
			switch m.Sender {
			case parley.SenderCustomer:
				theirs++
			case parley.SenderBot:
				bot++
			}
		}
	}
	return theirs, bot
}
