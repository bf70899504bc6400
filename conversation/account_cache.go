package conversation

import (
	"context"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

// accountCacheTTL bounds how stale the webhook's view of the Facebook
// accounts may be. A delivery for a page or signature the cached view does
// not know re-reads the accounts at once, so a new account is never missed.
const accountCacheTTL = 2 * time.Second

// accountCache keeps the Facebook accounts for the webhook path, which
// would otherwise read them on every delivery.
type accountCache struct {
	mu       sync.Mutex
	accounts []*parley.Account
	loaded   time.Time
}

// get returns the accounts, re-reading them when fresh is set or the
// cached copy is older than the TTL.
func (c *accountCache) get(ctx context.Context, store parley.AccountStore, fresh bool) ([]*parley.Account, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh && c.accounts != nil && time.Since(c.loaded) < accountCacheTTL {
		return c.accounts, nil
	}
	as, err := store.AccountsByType(ctx, parley.ChannelFacebook)
	if err != nil {
		return nil, err
	}
	c.accounts, c.loaded = as, time.Now()
	return as, nil
}

// invalidate drops the cached copy (after an account changed here).
func (c *accountCache) invalidate() {
	c.mu.Lock()
	c.accounts = nil
	c.mu.Unlock()
}
