package conversation

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

// accountCacheTTL bounds how stale the webhook's view of the accounts may
// be. A delivery for an account or signature the cached view does not know
// re-reads the accounts at once, so a new account is never missed.
const accountCacheTTL = 2 * time.Second

// accountCache keeps each channel type's accounts for the webhook path,
// which would otherwise read them on every delivery.
type accountCache struct {
	mu     sync.Mutex
	byType map[string]cachedAccounts
}

type cachedAccounts struct {
	accounts []*parley.Account
	loaded   time.Time
}

// get returns the type's accounts, re-reading them when fresh is set or
// the cached copy is older than the TTL.
func (c *accountCache) get(ctx context.Context, store accountLister, typ string, fresh bool) ([]*parley.Account, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byType[typ]; ok && !fresh && time.Since(e.loaded) < accountCacheTTL {
		return e.accounts, nil
	}
	as, err := store.AccountsByType(ctx, typ)
	if err != nil {
		return nil, fmt.Errorf("read %s accounts: %w", typ, err)
	}
	if c.byType == nil {
		c.byType = map[string]cachedAccounts{}
	}
	c.byType[typ] = cachedAccounts{accounts: as, loaded: time.Now()}
	return as, nil
}

// invalidate drops the cached copies (after an account changed here).
func (c *accountCache) invalidate() {
	c.mu.Lock()
	c.byType = nil
	c.mu.Unlock()
}

// accountLister is what the cache reads.
type accountLister interface {
	AccountsByType(ctx context.Context, channelType string) ([]*parley.Account, error)
}
