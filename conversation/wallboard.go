package conversation

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
)

// metricReader reads the report aggregates (sqlstore.Store implements
// it). The wallboard and the reports read the same rows through it.
type metricReader interface {
	MetricTotals(ctx context.Context, q metrics.Query) ([]metrics.Row, error)
	MetricIntervals(ctx context.Context, q metrics.Query, size metrics.Interval, loc *time.Location) ([]metrics.Row, error)
	FactCounts(ctx context.Context, tenantID, kind string, from, to time.Time) ([]parley.FactCount, error)
	ChatTimelines(ctx context.Context, tenantID string, from, to time.Time, serviceIDs []string, limit int) ([][]parley.Fact, error)
}

func (s *Service) metricReader() (metricReader, error) {
	r, ok := s.Store.(metricReader)
	if !ok {
		return nil, fmt.Errorf("reports: store %T cannot read metrics", s.Store)
	}
	return r, nil
}

// Wallboard is the live floor: per service its queue and today's
// figures, per agent their state and chats, coloured by the thresholds.
// Its figures are the reports' (metrics.ServiceFigures over the same
// aggregate rows), so the wallboard, the report and its CSV agree.
type Wallboard struct {
	Now      time.Time     `json:"now"`
	TimeZone string        `json:"time_zone"`
	Today    time.Time     `json:"today"`  // local midnight: "today" starts here
	Recent   time.Time     `json:"recent"` // start of "last 30 min": the previous quarter hour
	Services []WallService `json:"services"`
	Agents   []WallAgent   `json:"agents"`
}

// WallService is one service's card.
type WallService struct {
	ServiceID     string            `json:"service_id"`
	Name          string            `json:"name"`
	Waiting       int               `json:"waiting"` // queued, offered ones included
	OldestQueued  *time.Time        `json:"oldest_queued_at,omitempty"`
	LongestWait   int64             `json:"longest_wait_seconds"`
	Active        int               `json:"active"` // chats with an agent
	AgentsByState map[string]int    `json:"agents_by_state"`
	Today         map[string]string `json:"today"` // metrics.ServiceFigures by key
	SLRecent      string            `json:"service_level_30m"`
	Thresholds    ThresholdsView    `json:"thresholds"`
	Levels        map[string]string `json:"levels"` // figure → ok, warn, alert
	Alerts        []ThresholdAlert  `json:"-"`
}

// WallAgent is one agent's line.
type WallAgent struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	State          string     `json:"state"` // busy when Ready at capacity
	Reason         string     `json:"reason,omitempty"`
	StateSince     *time.Time `json:"state_since,omitempty"`
	Channels       []string   `json:"channels"` // account type of each active chat
	Active         int        `json:"active"`
	CompletedToday string     `json:"completed_today"` // handled (metrics.FigHandled)
	LastChange     *time.Time `json:"last_change,omitempty"`
	Services       []string   `json:"services,omitempty"`
}

// Wallboard builds the tenant's wallboard and raises the alerts of the
// levels that changed. It reads the open chats, users and services (as
// the supervisor view does) and the aggregate rows of today and of the
// last two quarter hours: never a count over chats or messages.
func (s *Service) Wallboard(ctx context.Context, tenant string) (*Wallboard, error) {
	w, err := s.wallboard(ctx, tenant)
	if err != nil {
		return nil, err
	}
	if err := s.raiseAlerts(ctx, tenant, w); err != nil {
		return nil, err
	}
	return w, nil
}

func (s *Service) wallboard(ctx context.Context, tenant string) (*Wallboard, error) {
	mr, err := s.metricReader()
	if err != nil {
		return nil, err
	}
	reader, ok := s.Store.(openChatReader)
	if !ok {
		return nil, fmt.Errorf("wallboard: store %T cannot read open chats", s.Store)
	}
	loc, err := s.ReportLocation(ctx, tenant)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	y, m, d := now.In(loc).Date()
	w := &Wallboard{Now: now, TimeZone: loc.String(), Today: time.Date(y, m, d, 0, 0, 0, 0, loc),
		Recent: metrics.BucketOf(now).Add(-metrics.Bucket)}
	ths, svcs, err := s.effectiveThresholds(ctx, tenant)
	if err != nil {
		return nil, err
	}
	users, ars, err := s.supervisorAgents(ctx, tenant)
	if err != nil {
		return nil, err
	}
	chats, err := reader.OpenChats(ctx, tenant, supervisorChats)
	if err != nil {
		return nil, err
	}
	end := now.Add(metrics.Bucket) // includes the current quarter hour
	today, err := mr.MetricTotals(ctx, metrics.Query{TenantID: tenant, From: w.Today, To: end})
	if err != nil {
		return nil, err
	}
	recent, err := mr.MetricTotals(ctx, metrics.Query{TenantID: tenant, From: w.Recent, To: end})
	if err != nil {
		return nil, err
	}
	agentsToday, err := mr.MetricTotals(ctx, metrics.Query{TenantID: tenant, From: w.Today, To: end, Agents: true})
	if err != nil {
		return nil, err
	}
	channels, err := s.accountTypes(ctx, tenant)
	if err != nil {
		return nil, err
	}
	byService := func(rows []metrics.Row) map[string]metrics.Counters {
		out := map[string]metrics.Counters{}
		for _, r := range metrics.ServiceReports(rows) {
			out[r.ServiceID] = r.Counters
		}
		return out
	}
	todayBy, recentBy := byService(today), byService(recent)
	agents := s.wallAgents(users, ars, chats, channels, agentsToday, now)
	for _, sv := range svcs {
		ws := WallService{ServiceID: sv.ID, Name: sv.Name, AgentsByState: map[string]int{},
			Today: metrics.Texts(metrics.ServiceFigures, todayBy[sv.ID]), SLRecent: metrics.FigServiceLevel.Text(recentBy[sv.ID])}
		ws.Thresholds = thresholdsView(ths[sv.ID])
		ws.Thresholds.Service, ws.Thresholds.MaxQueueLength = sv.Name, sv.MaxQueueLength
		for _, oc := range chats {
			c := oc.Chat
			if c.ServiceID != sv.ID {
				continue
			}
			switch c.State {
			case parley.ChatQueued:
				ws.Waiting++
				if ws.OldestQueued == nil || c.QueuedAt.Before(*ws.OldestQueued) {
					ws.OldestQueued = optTime(c.QueuedAt)
				}
			case parley.ChatAssigned:
				ws.Active++
			}
		}
		if ws.OldestQueued != nil {
			ws.LongestWait = int64(now.Sub(*ws.OldestQueued) / time.Second)
		}
		for _, a := range agents {
			if slices.Contains(a.Services, sv.ID) {
				ws.AgentsByState[a.State]++
			}
		}
		ws.Levels, ws.Alerts = levels(&ws, ths[sv.ID], sv.MaxQueueLength, todayBy[sv.ID], recentBy[sv.ID])
		w.Services = append(w.Services, ws)
	}
	w.Agents = agents
	return w, nil
}

// wallAgents builds the agents' lines: members of a service and agents.
func (s *Service) wallAgents(users []*parley.User, ars map[string]*parley.AgentRouting, chats []*parley.OpenChat,
	channels map[string]string, today []metrics.Row, now time.Time) []WallAgent {
	handled := map[string]metrics.Counters{}
	for _, r := range metrics.AgentReports(today) {
		handled[r.AgentID] = r.Counters
	}
	var out []WallAgent
	for _, u := range users {
		if u.Role != parley.RoleAgent && len(u.ServiceIDs) == 0 {
			continue
		}
		ar := ars[u.ID]
		if ar == nil {
			ar = &parley.AgentRouting{UserID: u.ID}
		}
		v := s.agentView(u, ar)
		state := v.State
		if state == parley.StateReady && v.Load+v.Offers >= v.Capacity && v.Capacity > 0 {
			state = parley.StateBusy
		}
		a := WallAgent{ID: u.ID, Name: u.DisplayName, State: state, Reason: ar.Reason, StateSince: optTime(u.StateSince),
			Channels: []string{}, CompletedToday: metrics.FigHandled.Text(handled[u.ID]), Services: u.ServiceIDs}
		last := u.StateSince
		for _, oc := range chats {
			c := oc.Chat
			if c.State != parley.ChatAssigned || (c.AgentID != u.ID && (oc.Routing == nil || !slices.Contains(oc.Routing.Participants, u.ID))) {
				continue
			}
			a.Active++
			a.Channels = append(a.Channels, channels[c.AccountID])
			if c.AssignedAt.After(last) {
				last = c.AssignedAt
			}
		}
		sort.Strings(a.Channels)
		a.LastChange = optTime(last)
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// accountTypes maps the tenant's accounts to their channel type.
func (s *Service) accountTypes(ctx context.Context, tenant string) (map[string]string, error) {
	accts, err := s.Store.Accounts(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(accts))
	for _, a := range accts {
		out[a.ID] = a.Type
	}
	return out, nil
}

// levels colours a service's figures: service level (today, last 30
// minutes) under its target is red, within 10 points above it amber;
// waiting chats at max_queue_length red, from 80 % of it amber; the
// longest wait past T (that chat can no longer be in service level)
// amber, past max_wait red.
func levels(ws *WallService, t parley.ServiceThresholds, maxQueue int, today, recent metrics.Counters) (map[string]string, []ThresholdAlert) {
	out := map[string]string{}
	var alerts []ThresholdAlert
	set := func(fig, level, value, threshold string) {
		out[fig] = level
		alerts = append(alerts, ThresholdAlert{ServiceID: ws.ServiceID, Service: ws.Name, Figure: fig, Level: level, Value: value, Threshold: threshold})
	}
	target := float64(t.ServiceLevelTarget)
	sl := func(fig string, c metrics.Counters) {
		level := LevelOK
		if pct, ok := c.ServiceLevel(); ok {
			switch {
			case pct < target:
				level = LevelAlert
			case pct < target+10 && target < 100:
				level = LevelWarn
			}
		}
		set(fig, level, metrics.FigServiceLevel.Text(c), strconv.Itoa(t.ServiceLevelTarget)+"%")
	}
	sl("service_level_today", today)
	sl("service_level_30m", recent)
	level := LevelOK
	if maxQueue > 0 {
		switch {
		case ws.Waiting >= maxQueue:
			level = LevelAlert
		case ws.Waiting*5 >= maxQueue*4:
			level = LevelWarn
		}
	}
	set("waiting", level, strconv.Itoa(ws.Waiting), strconv.Itoa(maxQueue))
	wait := time.Duration(ws.LongestWait) * time.Second
	level = LevelOK
	switch {
	case t.MaxWait > 0 && wait > t.MaxWait:
		level = LevelAlert
	case wait > t.ServiceLevel:
		level = LevelWarn
	}
	set("longest_wait", level, strconv.FormatInt(ws.LongestWait, 10)+"s", strconv.FormatInt(int64(t.MaxWait/time.Second), 10)+"s")
	return out, alerts
}
