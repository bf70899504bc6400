package conversation

import (
	"context"
	"sync"
	"time"
)

// userNameTTL bounds how stale an agent's name on a message may be after
// a rename on another node (a rename here is seen at once).
const userNameTTL = 2 * time.Second

// maxUserNames bounds the cache; past it, it starts over.
const maxUserNames = 10000

// userNames remembers users' display names: every agent's reply, and
// every status of it, names its agent, which was a read each time.
type userNames struct {
	mu sync.Mutex
	m  map[string]cachedName
}

type cachedName struct {
	name   string
	loaded time.Time
}

func (c *userNames) get(id string, now time.Time) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.m[id]
	if !ok || now.Sub(n.loaded) >= userNameTTL || now.Before(n.loaded) {
		return "", false
	}
	return n.name, true
}

func (c *userNames) put(id, name string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxUserNames {
		c.m = map[string]cachedName{}
	}
	c.m[id] = cachedName{name: name, loaded: now}
}

func (c *userNames) forget(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

// userName is the display name of the user with the id, "" if none.
func (s *Service) userName(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	now := time.Now()
	if name, ok := s.names.get(id, now); ok {
		return name
	}
	name, err := s.Store.UserDisplayName(ctx, id)
	if err != nil {
		return ""
	}
	s.names.put(id, name, now)
	return name
}
