package parley

import (
	"context"
	"time"
)

// ScenarioStore keeps what the scenario engine needs beyond chats and
// published versions: schedules, timers and transcripts to replay.
type ScenarioStore interface {
	// UpsertSchedule creates or replaces the tenant's schedule s.Name.
	UpsertSchedule(ctx context.Context, s *Schedule) error
	// Schedule returns the tenant's schedule; ENOTFOUND if none.
	Schedule(ctx context.Context, tenantID, name string) (*Schedule, error)
	// Schedules lists the tenant's schedules by name.
	Schedules(ctx context.Context, tenantID string) ([]*Schedule, error)
	// DeleteSchedule removes the tenant's schedule; ENOTFOUND if none.
	// Entries and services naming it are open at all hours until given
	// another.
	DeleteSchedule(ctx context.Context, tenantID, name string) error
	// DueTimers returns up to limit ids of open chats whose scenario waits
	// with a timer due at or before now, earliest first, in all tenants.
	DueTimers(ctx context.Context, now time.Time, limit int) ([]string, error)
	// StalledScenarios returns up to limit ids of open chats whose
	// scenario stands between two steps and has not moved since before.
	StalledScenarios(ctx context.Context, before time.Time, limit int) ([]string, error)
	// DequeueChat returns a queued chat to the bot; ECONFLICT if it is not
	// queued any more (routing assigned it meanwhile). Its queue place is
	// forgotten.
	DequeueChat(ctx context.Context, chatID string, at time.Time) error
	// ScenarioVersions lists every version of the tenant's scenarios, by
	// name then version.
	ScenarioVersions(ctx context.Context, tenantID string) ([]*ScenarioVersion, error)
	// ScenarioChats returns up to limit of the newest chats of the tenant
	// that ran the named scenario, closed or not.
	ScenarioChats(ctx context.Context, tenantID, name string, limit int) ([]*Chat, error)
}
