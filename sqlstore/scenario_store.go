package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleycc/parley"
)

// UpsertSchedule creates or replaces the tenant's schedule s.Name.
func (s *Store) UpsertSchedule(ctx context.Context, sch *parley.Schedule) error {
	if err := sch.Validate(); err != nil {
		return err
	}
	def, err := json.Marshal(sch)
	if err != nil {
		return wrap("upsert schedule", err)
	}
	_, err = s.r().exec(ctx, `INSERT INTO schedules (tenant_id, name, definition) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id, name) DO UPDATE SET definition = excluded.definition`, sch.TenantID, sch.Name, string(def))
	return wrap("upsert schedule", err)
}

// Schedule returns the tenant's schedule.
func (s *Store) Schedule(ctx context.Context, tenantID, name string) (*parley.Schedule, error) {
	var def string
	err := s.r().queryRow(ctx, "SELECT definition FROM schedules WHERE tenant_id = ? AND name = ?", tenantID, name).Scan(&def)
	if err != nil {
		return nil, wrap("schedule", notFound(err, "schedule", name))
	}
	var sch parley.Schedule
	if err := json.Unmarshal([]byte(def), &sch); err != nil {
		return nil, fmt.Errorf("schedule %s: %w", name, err)
	}
	sch.TenantID = tenantID
	return &sch, nil
}

// Schedules lists the tenant's schedules by name.
func (s *Store) Schedules(ctx context.Context, tenantID string) ([]*parley.Schedule, error) {
	rows, err := s.r().query(ctx, "SELECT name, definition FROM schedules WHERE tenant_id = ? ORDER BY name", tenantID)
	if err != nil {
		return nil, wrap("schedules", err)
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.Schedule, error) {
		var name, def string
		if err := sc.Scan(&name, &def); err != nil {
			return nil, err
		}
		var sch parley.Schedule
		if err := json.Unmarshal([]byte(def), &sch); err != nil {
			return nil, fmt.Errorf("schedule %s: %w", name, err)
		}
		sch.TenantID, sch.Name = tenantID, name
		return &sch, nil
	})
	return out, wrap("schedules", err)
}

// DeleteSchedule removes the tenant's schedule.
func (s *Store) DeleteSchedule(ctx context.Context, tenantID, name string) error {
	res, err := s.r().exec(ctx, "DELETE FROM schedules WHERE tenant_id = ? AND name = ?", tenantID, name)
	if err != nil {
		return wrap("delete schedule", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return parley.Errorf(parley.ENOTFOUND, "schedule %q not found", name)
	}
	return nil
}

// DueTimers returns ids of open chats whose scenario timer is due.
func (s *Store) DueTimers(ctx context.Context, now time.Time, limit int) ([]string, error) {
	rows, err := s.r().query(ctx, `SELECT id FROM chats
		WHERE scenario_waiting <> '' AND scenario_wake_at IS NOT NULL AND state <> 'closed' AND scenario_wake_at <= ?
		ORDER BY scenario_wake_at LIMIT ?`, dbTime(normTime(now)), limit)
	if err != nil {
		return nil, wrap("due timers", err)
	}
	ids, err := collect(rows, scanOne[string])
	return ids, wrap("due timers", err)
}

// DequeueChat returns a queued chat to the bot state.
func (s *Store) DequeueChat(ctx context.Context, chatID string, at time.Time) error {
	at = normTime(at)
	ok, err := s.r().execOne(ctx, `UPDATE chats SET state = ?, queued_at = NULL, updated_at = ? WHERE id = ? AND state = `+queuedSQL,
		parley.ChatBot, dbTime(at), chatID)
	if err == nil && !ok {
		err = parley.Errorf(parley.ECONFLICT, "chat %s is not queued", chatID)
	}
	return wrap("dequeue chat", err)
}

// ScenarioVersions lists every version of the tenant's scenarios.
func (s *Store) ScenarioVersions(ctx context.Context, tenantID string) ([]*parley.ScenarioVersion, error) {
	rows, err := s.r().query(ctx, `SELECT tenant_id, name, version, definition, created_at
		FROM scenario_versions WHERE tenant_id = ? ORDER BY name, version`, tenantID)
	if err != nil {
		return nil, wrap("scenario versions", err)
	}
	vs, err := collect(rows, scanScenario)
	return vs, wrap("scenario versions", err)
}

// ScenarioChats returns the newest chats that ran the named scenario.
func (s *Store) ScenarioChats(ctx context.Context, tenantID, name string, limit int) ([]*parley.Chat, error) {
	rows, err := s.r().query(ctx, "SELECT "+chatCols+` FROM chats WHERE tenant_id = ? AND scenario_name = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, tenantID, name, limit)
	if err != nil {
		return nil, wrap("scenario chats", err)
	}
	cs, err := collect(rows, scanChat)
	return cs, wrap("scenario chats", err)
}
