package conversation

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/parleycc/parley"
)

// The self-service tables (issue 14): how many chats the knowledge base
// answered without a person, and which articles help.

// A chat is deflected when it was offered articles and ended without an
// agent ever accepting it and without a ticket filed from it. An offer is
// useful when the customer opened the article or said it answered them,
// in a chat deflected that way.
func deflected(c *parley.SelfServiceChat) bool { return c.Closed && !c.Agent && c.Tickets == 0 }

func selfServiceTable(ctx context.Context, s *Service, tenant string, r ReportRequest, _ *time.Location) (*Table, error) {
	chats, err := s.Store.SelfServiceChats(ctx, tenant, r.From, r.To)
	if err != nil {
		return nil, err
	}
	names, svcs, err := s.serviceNames(ctx, tenant)
	if err != nil {
		return nil, err
	}
	type tally struct{ offered, ended, deflected, agent, tickets int }
	by := map[string]*tally{}
	all := &tally{}
	for _, c := range chats {
		if !wanted(r.ServiceIDs, c.ServiceID) {
			continue
		}
		if by[c.ServiceID] == nil {
			by[c.ServiceID] = &tally{}
		}
		for _, t := range []*tally{by[c.ServiceID], all} {
			t.offered++
			if c.Closed {
				t.ended++
			}
			if deflected(c) {
				t.deflected++
			}
			if c.Agent {
				t.agent++
			}
			t.tickets += c.Tickets
		}
	}
	t := &Table{Columns: []Column{{Key: "service", Title: "Service"}, {Key: "offered_chats", Title: "Chats offered articles"},
		{Key: "deflected", Title: "Answered by the knowledge base"}, {Key: "deflection_rate", Title: "Deflection", Unit: "%"},
		{Key: "to_agent", Title: "Went to an agent"}, {Key: "tickets", Title: "Tickets filed"}},
		Note: "Chats first offered articles in the range. Answered by the knowledge base: ended without an agent and without a ticket; deflection is that share of the chats that have ended."}
	row := func(name string, t *tally) []string {
		return []string{name, strconv.Itoa(t.offered), strconv.Itoa(t.deflected), percentOf(t.deflected, t.ended),
			strconv.Itoa(t.agent), strconv.Itoa(t.tickets)}
	}
	for _, sv := range svcs {
		if tl := by[sv.ID]; tl != nil {
			t.Rows = append(t.Rows, row(names[sv.ID], tl))
		}
	}
	if tl := by[""]; tl != nil {
		t.Rows = append(t.Rows, row("(no service)", tl))
	}
	t.Rows = append(t.Rows, row("All", all))
	return t, nil
}

// articleReader is the store's read of one article (its title).
type articleReader interface {
	Article(ctx context.Context, tenantID, id string) (*parley.Article, error)
}

func articleTable(ctx context.Context, s *Service, tenant string, r ReportRequest, _ *time.Location) (*Table, error) {
	chats, err := s.Store.SelfServiceChats(ctx, tenant, r.From, r.To)
	if err != nil {
		return nil, err
	}
	type tally struct{ offered, opened, helped, ticket, useful int }
	by := map[string]*tally{}
	for _, c := range chats {
		if !wanted(r.ServiceIDs, c.ServiceID) {
			continue
		}
		for _, o := range c.Offers {
			t := by[o.ArticleID]
			if t == nil {
				t = &tally{}
				by[o.ArticleID] = t
			}
			t.offered++
			if o.Opened {
				t.opened++
			}
			if o.Helped {
				t.helped++
			}
			if c.Tickets > 0 {
				t.ticket++
			}
			if (o.Opened || o.Helped) && deflected(c) {
				t.useful++
			}
		}
	}
	ids := make([]string, 0, len(by))
	for id := range by {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if by[ids[i]].offered != by[ids[j]].offered {
			return by[ids[i]].offered > by[ids[j]].offered
		}
		return ids[i] < ids[j]
	})
	ar, _ := s.Store.(articleReader)
	t := &Table{Columns: []Column{{Key: "article", Title: "Article"}, {Key: "offered", Title: "Offered"},
		{Key: "opened", Title: "Opened"}, {Key: "helped", Title: "Said it answered them"},
		{Key: "ticket_after", Title: "Ticket filed after"}, {Key: "usefulness", Title: "Useful", Unit: "%"}},
		Note: "Useful: offers the customer opened or said answered them, in chats that then ended without an agent or a ticket."}
	for _, id := range ids {
		title := id
		if ar != nil {
			if a, err := ar.Article(ctx, tenant, id); err == nil {
				title = a.Title
			} else if parley.ErrorCode(err) == parley.ENOTFOUND {
				title = "(deleted article)"
			} else {
				return nil, err
			}
		}
		tl := by[id]
		t.Rows = append(t.Rows, []string{title, strconv.Itoa(tl.offered), strconv.Itoa(tl.opened), strconv.Itoa(tl.helped),
			strconv.Itoa(tl.ticket), percentOf(tl.useful, tl.offered)})
	}
	return t, nil
}

// percentOf is n of total as a percentage with one decimal, "" when
// there is nothing to divide.
func percentOf(n, total int) string {
	if total == 0 {
		return ""
	}
	return strconv.FormatFloat(100*float64(n)/float64(total), 'f', 1, 64)
}
