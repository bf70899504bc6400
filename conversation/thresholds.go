package conversation

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

// ThresholdsView is a service's thresholds as the API shows and takes
// them: durations in whole seconds.
type ThresholdsView struct {
	ServiceID          string `json:"service_id"`
	Service            string `json:"service,omitempty"`
	ServiceLevel       int64  `json:"service_level_seconds"`
	ServiceLevelTarget int    `json:"service_level_target"`
	Dropout            int64  `json:"dropout_seconds"`
	ChatTimeLimit      int64  `json:"chat_time_limit_seconds"`
	MaxWait            int64  `json:"max_wait_seconds"`
	MaxQueueLength     int    `json:"max_queue_length"`  // the service's; read-only here
	Default            bool   `json:"default,omitempty"` // never set: the defaults apply
}

func thresholdsView(t parley.ServiceThresholds) ThresholdsView {
	return ThresholdsView{ServiceID: t.ServiceID, ServiceLevel: int64(t.ServiceLevel / time.Second),
		ServiceLevelTarget: t.ServiceLevelTarget, Dropout: int64(t.Dropout / time.Second),
		ChatTimeLimit: int64(t.ChatTimeLimit / time.Second), MaxWait: int64(t.MaxWait / time.Second)}
}

// Domain converts the view.
func (v ThresholdsView) Domain() parley.ServiceThresholds {
	return parley.ServiceThresholds{ServiceID: v.ServiceID, ServiceLevel: time.Duration(v.ServiceLevel) * time.Second,
		ServiceLevelTarget: v.ServiceLevelTarget, Dropout: time.Duration(v.Dropout) * time.Second,
		ChatTimeLimit: time.Duration(v.ChatTimeLimit) * time.Second, MaxWait: time.Duration(v.MaxWait) * time.Second}
}

// effectiveThresholds returns every service's thresholds, the defaults
// for those never given any.
func (s *Service) effectiveThresholds(ctx context.Context, tenant string) (map[string]parley.ServiceThresholds, []*parley.Service, error) {
	svcs, err := s.Store.Services(ctx, tenant)
	if err != nil {
		return nil, nil, err
	}
	set, err := s.Store.ServiceThresholds(ctx, tenant)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]parley.ServiceThresholds{}
	for _, sv := range svcs {
		t, ok := set[sv.ID]
		if !ok {
			t = parley.DefaultThresholds(sv.ID)
		}
		out[sv.ID] = t
	}
	return out, svcs, nil
}

// Thresholds lists the tenant's services' thresholds.
func (s *Service) Thresholds(ctx context.Context, u *parley.User) ([]ThresholdsView, error) {
	set, err := s.Store.ServiceThresholds(ctx, u.TenantID)
	if err != nil {
		return nil, err
	}
	svcs, err := s.Store.Services(ctx, u.TenantID)
	if err != nil {
		return nil, err
	}
	out := make([]ThresholdsView, 0, len(svcs))
	for _, sv := range svcs {
		t, ok := set[sv.ID]
		if !ok {
			t = parley.DefaultThresholds(sv.ID)
		}
		v := thresholdsView(t)
		v.Service, v.MaxQueueLength, v.Default = sv.Name, sv.MaxQueueLength, !ok
		out = append(out, v)
	}
	return out, nil
}

// SetThresholds stores a service's thresholds (an admin's form); the
// service must be the user's tenant's. Chats counted from now on use
// them; stored figures are not recounted.
func (s *Service) SetThresholds(ctx context.Context, u *parley.User, v ThresholdsView) (ThresholdsView, error) {
	sv, err := s.Store.Service(ctx, v.ServiceID)
	if err != nil || sv.TenantID != u.TenantID {
		return v, parley.Errorf(parley.ENOTFOUND, "service %s not found", v.ServiceID)
	}
	t := v.Domain()
	if err := t.Validate(); err != nil {
		return v, err
	}
	if err := s.Store.SetServiceThresholds(ctx, t); err != nil {
		return v, err
	}
	out := thresholdsView(t)
	out.Service, out.MaxQueueLength = sv.Name, sv.MaxQueueLength
	s.Logger.Info("service thresholds changed", "service", sv.Name, "by", u.Username)
	return out, nil
}

// ReportLocation returns the tenant's report time zone (UTC if unset).
func (s *Service) ReportLocation(ctx context.Context, tenant string) (*time.Location, error) {
	zone, err := s.Store.TenantTimeZone(ctx, tenant)
	if err != nil || zone == "" {
		return time.UTC, err
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("tenant %s time zone: %w", tenant, err)
	}
	return loc, nil
}

// Levels of a wallboard figure against its threshold.
const (
	LevelOK    = "ok"
	LevelWarn  = "warn"
	LevelAlert = "alert"
)

// alertMemory remembers each figure's last level, so a change is sent
// once (EventThresholdCrossed) however often the wallboard is computed.
type alertMemory struct {
	mu   sync.Mutex
	last map[string]string // tenant/service/figure → level
}

// crossed records level for key and reports whether it changed; an
// unseen figure counts as ok before.
func (m *alertMemory) crossed(key, level string) (prev string, changed bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last == nil {
		m.last = map[string]string{}
	}
	prev, ok := m.last[key]
	if !ok {
		prev = LevelOK
	}
	m.last[key] = level
	return prev, prev != level
}

// ThresholdAlert is the data of an EventThresholdCrossed event.
type ThresholdAlert struct {
	ServiceID string    `json:"service_id"`
	Service   string    `json:"service"`
	Figure    string    `json:"figure"` // service_level_today, service_level_30m, waiting, longest_wait
	Level     string    `json:"level"`
	Previous  string    `json:"previous"`
	Value     string    `json:"value"`
	Threshold string    `json:"threshold"`
	At        time.Time `json:"at"`
}

// raiseAlerts appends an EventThresholdCrossed for every figure of the
// wallboard whose level changed since this node last computed it.
func (s *Service) raiseAlerts(ctx context.Context, tenant string, w *Wallboard) error {
	for _, sv := range w.Services {
		for _, a := range sv.Alerts {
			prev, changed := s.alerts.crossed(tenant+"/"+sv.ServiceID+"/"+a.Figure, a.Level)
			if !changed {
				continue
			}
			a.Previous, a.At = prev, w.Now
			if err := s.emit(ctx, &parley.Event{TenantID: tenant, Type: parley.EventThresholdCrossed, Hook: parley.HookThresholdCrossed, Data: mustJSON(a)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// metricRecounter recomputes a tenant's aggregates from its facts
// (sqlstore.Store implements it).
type metricRecounter interface {
	RecountMetrics(ctx context.Context, tenantID string) (int, error)
}

// RecountHistory recounts the tenant's report history with the services'
// current thresholds (admins): by default a chat counts with the
// thresholds in force when it happened. It returns how many chats it
// counted.
func (s *Service) RecountHistory(ctx context.Context, u *parley.User) (int, error) {
	if u.Role != parley.RoleAdmin {
		return 0, parley.Errorf(parley.EFORBIDDEN, "only admins recount the report history")
	}
	rc, ok := s.Store.(metricRecounter)
	if !ok {
		return 0, fmt.Errorf("recount: store %T cannot recount metrics", s.Store)
	}
	n, err := rc.RecountMetrics(ctx, u.TenantID)
	if err != nil {
		return 0, err
	}
	s.Logger.Info("report history recounted", slog.String("tenant", u.TenantID), slog.Int("chats", n))
	return n, nil
}
