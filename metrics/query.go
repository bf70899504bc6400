package metrics

import "time"

// Query selects aggregate rows: the tenant's figures of the intervals
// that start in [From, To), both rounded down to quarter hours. Agents
// false reads the services' total rows, true the agents' rows.
// ServiceIDs and AgentID, when set, narrow the selection.
type Query struct {
	TenantID   string
	From, To   time.Time
	Agents     bool
	ServiceIDs []string
	AgentID    string
}
