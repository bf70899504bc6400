package conversation

import (
	"context"
	"time"
)

// QueueStatus is the state of a service's queue as a chat waiting in it
// sees it.
type QueueStatus struct {
	Length, Position            int
	AgentsLoggedIn, AgentsReady int
	EstimatedWait               time.Duration
	MaxLength                   int // 0: unlimited
}

// queuePresenceGrace is how recent an agent's sign of life must be to count as
// ready in queue figures.
const queuePresenceGrace = 2 * time.Minute

// QueueStatus reports the queue of serviceID: its length, chatID's place
// in it, the service's agents and the estimated wait.
//
// This is the scenario engine's minimal version; the routing engine
// provides the full one (and then this file goes).
func (s *Service) QueueStatus(ctx context.Context, tenant, serviceID, chatID string) (QueueStatus, error) {
	now := s.Clock.Now()
	st, err := s.Store.QueueStats(ctx, tenant, serviceID, chatID, queuePresenceGrace, now)
	if err != nil {
		return QueueStatus{}, err
	}
	svc, err := s.Store.Service(ctx, serviceID)
	if err != nil {
		return QueueStatus{}, err
	}
	q := QueueStatus{Length: st.Length, Position: st.Position, AgentsLoggedIn: st.AgentsLoggedIn, AgentsReady: st.AgentsReady, MaxLength: svc.MaxQueueLength}
	ahead := st.Position
	if ahead == 0 {
		ahead = st.Length + 1
	}
	per := st.AvgWait
	if per <= 0 {
		per = time.Minute
	}
	q.EstimatedWait = per * time.Duration(ahead) / time.Duration(max(1, st.AgentsReady))
	return q, nil
}
