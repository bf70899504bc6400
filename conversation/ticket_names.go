package conversation

import (
	"context"

	"github.com/parleycc/parley"
)

// TicketNames are the names the Tickets page shows beside the ids a
// ticket and its history carry: customers, services and users (assignees,
// authors), by id. An id of another tenant, or one gone, has no name.
type TicketNames struct {
	Customers, Services, Users map[string]string
}

// TicketNames reads the names of the customers, services and users that
// tickets and entries refer to, each once.
func (s *Service) TicketNames(ctx context.Context, tenantID string, tickets []*parley.Ticket, entries []*parley.TicketEntry) TicketNames {
	n := TicketNames{Customers: map[string]string{}, Services: map[string]string{}, Users: map[string]string{}}
	user := func(id string) {
		if _, ok := n.Users[id]; ok || id == "" {
			return
		}
		n.Users[id] = ""
		if u, err := s.Store.User(ctx, id); err == nil && u.TenantID == tenantID {
			n.Users[id] = u.DisplayName
		}
	}
	for _, t := range tickets {
		if _, ok := n.Customers[t.CustomerID]; !ok && t.CustomerID != "" {
			n.Customers[t.CustomerID] = ""
			if c, err := s.Store.Customer(ctx, t.CustomerID); err == nil && c.TenantID == tenantID {
				n.Customers[t.CustomerID] = c.DisplayName()
			}
		}
		if _, ok := n.Services[t.ServiceID]; !ok && t.ServiceID != "" {
			n.Services[t.ServiceID] = s.ServiceName(ctx, tenantID, t.ServiceID)
		}
		user(t.AssigneeID)
	}
	for _, e := range entries {
		user(e.AuthorID)
		if e.Kind == parley.TicketEntryAssignee {
			user(e.From)
			user(e.To)
		}
	}
	return n
}
