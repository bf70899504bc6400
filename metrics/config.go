package metrics

import (
	"time"

	"github.com/parleycc/parley"
)

// Thresholds are the limits that decide into which counter a chat falls.
// They are applied when facts are aggregated: changing them later does not
// recount what is stored.
type Thresholds struct {
	// ServiceLevel is T: a chat answered within T (speed of answer <= T)
	// counts as answered in service level.
	ServiceLevel time.Duration
	// ShortAbandon is the dropout threshold: a chat that leaves the queue
	// after waiting less than it is short-abandoned, otherwise abandoned.
	ShortAbandon time.Duration
	// ChatTimeLimit is the longest expected handle time of one agent
	// segment; longer ones count as over the limit. 0: no limit.
	ChatTimeLimit time.Duration
}

// Config holds the tenant's thresholds, per service where they differ.
type Config struct {
	Default  Thresholds
	Services map[string]Thresholds // service id → its own thresholds
}

// DefaultConfig is 60 s service level, 10 s short abandon and a 30-minute
// chat-time limit.
func DefaultConfig() Config {
	return Config{Default: Thresholds{
		ServiceLevel:  60 * time.Second,
		ShortAbandon:  10 * time.Second,
		ChatTimeLimit: 30 * time.Minute,
	}}
}

// For returns the thresholds of a service.
func (c Config) For(serviceID string) Thresholds {
	if t, ok := c.Services[serviceID]; ok {
		return t
	}
	return c.Default
}

// ConfigFor is the configuration of a tenant's stored thresholds:
// parley.DefaultThresholds for the services not in ts.
func ConfigFor(ts map[string]parley.ServiceThresholds) Config {
	d := parley.DefaultThresholds("")
	cfg := Config{Default: Thresholds{ServiceLevel: d.ServiceLevel, ShortAbandon: d.Dropout, ChatTimeLimit: d.ChatTimeLimit},
		Services: make(map[string]Thresholds, len(ts))}
	for id, t := range ts {
		cfg.Services[id] = Thresholds{ServiceLevel: t.ServiceLevel, ShortAbandon: t.Dropout, ChatTimeLimit: t.ChatTimeLimit}
	}
	return cfg
}
