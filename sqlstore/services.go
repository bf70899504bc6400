package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parleycc/parley"
)

const serviceCols = "id, tenant_id, name, max_chats_per_agent, max_queue_length, disabled, schedule_name, after_hours_message, ticket_fields"

func scanService(sc interface{ Scan(...any) error }) (*parley.Service, error) {
	var v parley.Service
	var disabled int
	var fields string
	if err := sc.Scan(&v.ID, &v.TenantID, &v.Name, &v.MaxChatsPerAgent, &v.MaxQueueLength, &disabled, &v.ScheduleName, &v.AfterHoursMessage, &fields); err != nil {
		return nil, err
	}
	v.Disabled = disabled != 0
	if err := json.Unmarshal([]byte(fields), &v.TicketFields); err != nil {
		return nil, fmt.Errorf("service %s ticket_fields: %w", v.ID, err)
	}
	if len(v.TicketFields) == 0 {
		v.TicketFields = nil // one value for "none", whether stored as [] or read back
	}
	return &v, nil
}

func ticketFieldsJSON(fs []parley.TicketField) (string, error) {
	if fs == nil {
		fs = []parley.TicketField{}
	}
	b, err := json.Marshal(fs)
	return string(b), err
}

// UpsertService creates or updates the service with s.TenantID and s.Name
// and sets sv.ID.
func (s *Store) UpsertService(ctx context.Context, sv *parley.Service) error {
	id, err := newID()
	if err != nil {
		return wrap("upsert service", err)
	}
	fields, err := ticketFieldsJSON(sv.TicketFields)
	if err != nil {
		return wrap("upsert service: ticket_fields", err)
	}
	err = s.r().queryRow(ctx, `INSERT INTO services (`+serviceCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, name) DO UPDATE SET max_chats_per_agent = excluded.max_chats_per_agent,
			max_queue_length = excluded.max_queue_length, disabled = excluded.disabled,
			schedule_name = excluded.schedule_name, after_hours_message = excluded.after_hours_message,
			ticket_fields = excluded.ticket_fields
		RETURNING id`, id, sv.TenantID, sv.Name, sv.MaxChatsPerAgent, sv.MaxQueueLength,
		boolInt(sv.Disabled), sv.ScheduleName, sv.AfterHoursMessage, fields).Scan(&sv.ID)
	return wrap("upsert service", err)
}

// Service returns the service with the id.
func (s *Store) Service(ctx context.Context, id string) (*parley.Service, error) {
	v, err := scanService(s.r().queryRow(ctx, "SELECT "+serviceCols+" FROM services WHERE id = ?", id))
	if err != nil {
		return nil, wrap("service", notFound(err, "service", id))
	}
	return v, nil
}

// ServiceByName returns the tenant's service with the name.
func (s *Store) ServiceByName(ctx context.Context, tenantID, name string) (*parley.Service, error) {
	v, err := scanService(s.r().queryRow(ctx, "SELECT "+serviceCols+" FROM services WHERE tenant_id = ? AND name = ?", tenantID, name))
	if err != nil {
		return nil, wrap("service by name", notFound(err, "service", name))
	}
	return v, nil
}

// Services lists the tenant's services ordered by name.
func (s *Store) Services(ctx context.Context, tenantID string) ([]*parley.Service, error) {
	rows, err := s.r().query(ctx, "SELECT "+serviceCols+" FROM services WHERE tenant_id = ? ORDER BY name", tenantID)
	if err != nil {
		return nil, wrap("services", err)
	}
	vs, err := collect(rows, scanService)
	return vs, wrap("services", err)
}

// DeleteService deletes the service and its memberships. Chats and entries
// that name it keep the id.
func (s *Store) DeleteService(ctx context.Context, id string) error {
	return wrap("delete service", s.deleteByID(ctx, "services", "service", id))
}
