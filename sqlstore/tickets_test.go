package sqlstore_test

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestTickets: case numbers per tenant (consecutive under concurrency),
// reads scoped to the tenant, optimistic updates with their history, the
// list's filters, consent on the customer and the link key.
func TestTickets(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		for _, id := range []string{"t1", "t2"} {
			must(t, s.EnsureTenant(ctx, &parley.Tenant{ID: id, Name: id}))
		}
		first := &parley.Ticket{TenantID: "t1", Subject: "Screen broken", Description: "Cracked", CustomerID: "c1",
			ChatID: "chat1", ServiceID: "svc1", Fields: map[string]string{"order": "A-1"}}
		must(t, s.CreateTicket(ctx, first, &parley.TicketEntry{Kind: parley.TicketEntryCreated}))
		if first.Number != 1 || first.Status != parley.TicketNew || first.Version != 1 || first.ID == "" {
			t.Fatalf("created %+v", first)
		}
		other := &parley.Ticket{TenantID: "t2", Subject: "Elsewhere"}
		must(t, s.CreateTicket(ctx, other, nil))
		if other.Number != 1 {
			t.Fatalf("t2's first case is #%d, want #1", other.Number)
		}
		_, err := s.Ticket(ctx, "t2", first.ID)
		wantCode(t, err, parley.ENOTFOUND)

		// Concurrent tickets take consecutive numbers, none twice.
		var wg sync.WaitGroup
		numbers := make([]int64, 8)
		for i := range numbers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk := &parley.Ticket{TenantID: "t1", Subject: fmt.Sprintf("case %d", i), ServiceID: "svc2"}
				if err := s.CreateTicket(ctx, tk, nil); err != nil {
					t.Error(err)
				}
				numbers[i] = tk.Number
			}()
		}
		wg.Wait()
		slices.Sort(numbers)
		if !slices.Equal(numbers, []int64{2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Fatalf("concurrent numbers %v", numbers)
		}

		got, err := s.Ticket(ctx, "t1", first.ID)
		must(t, err)
		if got.Fields["order"] != "A-1" || got.ChatID != "chat1" {
			t.Fatalf("read back %+v", got)
		}
		got.Status, got.AssigneeID = parley.TicketSolved, "agent1"
		must(t, s.UpdateTicket(ctx, got, &parley.TicketEntry{Kind: parley.TicketEntryStatus, AuthorID: "agent1", From: "new", To: "solved"}))
		if got.Version != 2 {
			t.Fatalf("version after update %d", got.Version)
		}
		stale := *first
		stale.Subject = "lost"
		wantCode(t, s.UpdateTicket(ctx, &stale), parley.ECONFLICT)
		must(t, s.AddTicketEntry(ctx, "t1", &parley.TicketEntry{TicketID: first.ID, Kind: parley.TicketEntryNote, Text: "called them"}))
		hist, err := s.TicketEntries(ctx, "t1", first.ID)
		must(t, err)
		var kinds []string
		for _, e := range hist {
			kinds = append(kinds, e.Kind)
		}
		if !slices.Equal(kinds, []string{"created", "status", "note"}) || hist[1].To != "solved" || hist[2].Text != "called them" {
			t.Fatalf("history %v %+v", kinds, hist)
		}
		if h, _ := s.TicketEntries(ctx, "t2", first.ID); len(h) != 0 {
			t.Fatalf("another tenant reads the history: %+v", h)
		}

		for _, tc := range []struct {
			name string
			f    parley.TicketFilter
			want int
		}{
			{"all", parley.TicketFilter{TenantID: "t1"}, 9},
			{"solved", parley.TicketFilter{TenantID: "t1", Statuses: []string{"solved"}}, 1},
			{"open ones", parley.TicketFilter{TenantID: "t1", Statuses: []string{"new", "open", "pending"}}, 8},
			{"assignee", parley.TicketFilter{TenantID: "t1", AssigneeID: "agent1"}, 1},
			{"chat", parley.TicketFilter{TenantID: "t1", ChatID: "chat1"}, 1},
			{"number", parley.TicketFilter{TenantID: "t1", Number: 5}, 1},
			{"scope svc1", parley.TicketFilter{TenantID: "t1", Services: []string{"svc1"}}, 1},
			{"scope none", parley.TicketFilter{TenantID: "t1", Services: []string{}}, 0},
			{"t2", parley.TicketFilter{TenantID: "t2"}, 1},
		} {
			list, total, err := s.Tickets(ctx, tc.f)
			must(t, err)
			if total != tc.want || len(list) != tc.want {
				t.Errorf("%s: %d tickets (total %d), want %d", tc.name, len(list), total, tc.want)
			}
		}
		page, total, err := s.Tickets(ctx, parley.TicketFilter{TenantID: "t1", Limit: 2, Offset: 1})
		must(t, err)
		if total != 9 || len(page) != 2 {
			t.Fatalf("page of 2: %d of %d", len(page), total)
		}

		cust, _, err := s.EnsureCustomer(ctx, &parley.Customer{TenantID: "t1", AccountID: "a1", ExternalID: "psid-1"})
		must(t, err)
		must(t, s.SetCustomerFollowUp(ctx, cust.ID, parley.FollowUpYes))
		if c, _ := s.Customer(ctx, cust.ID); c.FollowUp != parley.FollowUpYes {
			t.Fatalf("customer follow-up %q", c.FollowUp)
		}
		wantCode(t, s.SetCustomerFollowUp(ctx, "nobody", parley.FollowUpNo), parley.ENOTFOUND)

		k1, err := s.LinkKey(ctx, "t1")
		must(t, err)
		k2, _ := s.LinkKey(ctx, "t1")
		k3, _ := s.LinkKey(ctx, "t2")
		if len(k1) != 32 || !bytes.Equal(k1, k2) || bytes.Equal(k1, k3) {
			t.Fatalf("link keys: stable per tenant and different between them: %x %x %x", k1, k2, k3)
		}
	})
}
