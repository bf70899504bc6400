package parley

// Service is a queue of chats that a group of agents serves (a campaign in
// some products).
type Service struct {
	ID               string
	TenantID         string
	Name             string // unique per tenant
	MaxChatsPerAgent int    // 0 means each agent's own capacity applies
	MaxQueueLength   int    // chats waiting at most; Find Agent leaves through queue_full beyond it; 0: no limit
}

// Validate reports the first invalid field.
func (s *Service) Validate() error {
	if s.Name == "" {
		return Errorf(EINVALID, "service name required")
	}
	if s.MaxQueueLength < 0 {
		return Errorf(EINVALID, "service %q: max_queue_length must not be negative", s.Name)
	}
	if s.MaxChatsPerAgent < 0 {
		return Errorf(EINVALID, "service %q: max_chats_per_agent must not be negative", s.Name)
	}
	return nil
}

// ScenarioEntry binds an integration account to the scenario that handles
// its new chats and to a default service.
type ScenarioEntry struct {
	ID           string
	TenantID     string
	Name         string
	AccountID    string
	ScenarioName string
	ServiceID    string
	ScheduleName string // hours of operation; empty: always open
}
