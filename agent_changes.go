package parley

// AgentChanges are the users whose routing rows (user, services, skills,
// state, presence, load, offers) changed after a mark: the routing leader
// re-reads only those.
type AgentChanges struct {
	// IDs are the users that changed; those missing from Users were
	// deleted.
	IDs      []string
	Users    []*User // ordered by username, with their services
	Routings map[string]*AgentRouting
}
