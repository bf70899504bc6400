package parley

import "time"

// ScenarioVersion is one published version of a scenario. Chats keep the
// version they started on, so editing a scenario never disturbs them.
type ScenarioVersion struct {
	TenantID   string
	Name       string
	Version    int    // 1, 2, …; assigned by the store
	Definition []byte // JSON of the scenario's blocks (see package scenario)
	CreatedAt  time.Time
}
