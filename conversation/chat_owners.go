package conversation

import (
	"context"
	"sync"
)

// chatOwnersMax bounds the chat owners a node remembers; past it the
// memory starts over (the next reads refill it).
const chatOwnersMax = 1 << 16

// chatOwners remembers each chat's customer, which never changes, for the
// web chat visitors' streams of this node. Each stream filters the
// tenant's message events by chat: reading the chat once per stream cost
// every new chat one read per visitor online.
type chatOwners struct {
	mu sync.Mutex
	m  map[string]string // chat id → customer id
}

func (c *chatOwners) get(chatID string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	customer, ok := c.m[chatID]
	return customer, ok
}

func (c *chatOwners) put(chatID, customerID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= chatOwnersMax {
		c.m = map[string]string{}
	}
	c.m[chatID] = customerID
}

// chatCustomer returns the id of the chat's customer, read once per node;
// false when the chat cannot be read.
func (s *Service) chatCustomer(ctx context.Context, chatID string) (string, bool) {
	if customer, ok := s.owners.get(chatID); ok {
		return customer, true
	}
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil {
		return "", false
	}
	s.owners.put(chatID, chat.CustomerID)
	return chat.CustomerID, true
}
