package conversation

import (
	"slices"

	"github.com/parleycc/parley"
)

// What a supervisor who belongs to services sees of the tenant-wide
// read models (SupervisorScope): their services, and the agents of those.

// ForScope is the board as a supervisor of scope sees it: the cards of
// those services and the agents who belong to one of them. A nil scope
// (admins, supervisors of every service) sees it whole.
func (w *Wallboard) ForScope(scope []string) *Wallboard {
	if scope == nil {
		return w
	}
	out := *w
	out.Services, out.Agents = []WallService{}, []WallAgent{}
	for _, s := range w.Services {
		if slices.Contains(scope, s.ServiceID) {
			out.Services = append(out.Services, s)
		}
	}
	for _, a := range w.Agents {
		if slices.ContainsFunc(a.Services, func(id string) bool { return slices.Contains(scope, id) }) {
			out.Agents = append(out.Agents, a)
		}
	}
	return &out
}

// scopeReport narrows a report to the supervisor's services: all of them
// when she asked for none; a service outside them is refused.
func scopeReport(u *parley.User, r *ReportRequest) error {
	scope := SupervisorScope(u)
	if scope == nil {
		return nil
	}
	if len(r.ServiceIDs) == 0 {
		r.ServiceIDs = scope
		return nil
	}
	for _, id := range r.ServiceIDs {
		if !slices.Contains(scope, id) {
			return parley.Errorf(parley.EFORBIDDEN, "you may report on the services you supervise only")
		}
	}
	return nil
}
