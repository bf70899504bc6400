package conversation

import (
	"context"
	"fmt"
	"slices"

	"github.com/parleycc/parley"
)

// TicketFieldValue is one of a ticket's form answers with the label the
// service gives it.
type TicketFieldValue struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// TicketFieldList is t's answers in the order its service declares the
// fields, then answers to fields no longer declared (by name, labelled
// with their name): a field removed later does not hide what was said.
func (s *Service) TicketFieldList(ctx context.Context, t *parley.Ticket) ([]TicketFieldValue, error) {
	out := []TicketFieldValue{}
	if len(t.Fields) == 0 {
		return out, nil
	}
	var declared []parley.TicketField
	if t.ServiceID != "" {
		svc, err := s.Store.Service(ctx, t.ServiceID)
		switch {
		case err == nil:
			declared = svc.TicketFields
		case parley.ErrorCode(err) != parley.ENOTFOUND:
			return nil, fmt.Errorf("ticket %s field list: %w", t.ID, err)
		}
	}
	listed := map[string]bool{}
	for _, f := range declared {
		if v, ok := t.Fields[f.Name]; ok {
			out = append(out, TicketFieldValue{Name: f.Name, Label: f.Label, Value: v})
			listed[f.Name] = true
		}
	}
	var rest []string
	for name := range t.Fields {
		if !listed[name] {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		out = append(out, TicketFieldValue{Name: name, Label: name, Value: t.Fields[name]})
	}
	return out, nil
}
