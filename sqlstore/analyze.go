package sqlstore

import "context"

// analyzed are the tables whose statistics Analyze refreshes: those the
// read paths (supervisor view, event log, routing) join.
var analyzed = []string{"chats", "messages", "customers", "services", "users", "user_services",
	"agent_routing", "agent_changes", "chat_routing", "chat_offers", "chat_participants", "chat_facts", "events"}

// Analyze refreshes the query planner's statistics of the tables the read
// paths use, in this store's schema only. PostgreSQL's autovacuum does it
// by itself after a while; benchmarks call it after seeding so that the
// plans fit the data.
func (s *Store) Analyze(ctx context.Context) error {
	for _, t := range analyzed {
		if _, err := s.db.ExecContext(ctx, "ANALYZE "+t); err != nil {
			return wrap("analyze "+t, err)
		}
	}
	return nil
}
