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
// which would otherwise read them on every delivery, and accounts by id
// for the inbound worker and the outbox, which would read one for every
// event and every send.
type accountCache struct {
	mu     sync.Mutex
	byType map[string]cachedAccounts
	byID   map[string]cachedAccount
	gen    uint64        // bumped by invalidate: a read begun before is not kept
	ttl    time.Duration // of byID: accountCacheTTL unless a test holds it longer
}

type cachedAccount struct {
	account *parley.Account
	loaded  time.Time
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

// account returns the account with the id, read again when the cached
// copy is older than the TTL. Callers must not change it: it is shared.
func (c *accountCache) account(ctx context.Context, store partiesStore, id string) (*parley.Account, error) {
	c.mu.Lock()
	e, ok := c.byID[id]
	gen, ttl := c.gen, c.ttl
	c.mu.Unlock()
	if ttl == 0 {
		ttl = accountCacheTTL
	}
	if ok && time.Since(e.loaded) < ttl {
		return e.account, nil
	}
	a, err := store.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if c.byID == nil {
			c.byID = map[string]cachedAccount{}
		}
		c.byID[id] = cachedAccount{account: a, loaded: time.Now()}
	}
	c.mu.Unlock()
	return a, nil
}

// invalidate drops the cached copies (after an account changed here).
func (c *accountCache) invalidate() {
	c.mu.Lock()
	c.byType, c.byID = nil, nil
	c.gen++
	c.mu.Unlock()
}

// AccountsChanged drops the node's cached accounts: the accounts were
// changed outside the Service (the configuration file applied again), and
// the next event or send must not use the old page token.
func (s *Service) AccountsChanged() { s.parties.cache.invalidate() }

// cachedParties reads accounts through the cache and customers, whose
// last message time decides what may be sent, from the store.
type cachedParties struct {
	partiesStore
	cache *accountCache
}

func (p cachedParties) Account(ctx context.Context, id string) (*parley.Account, error) {
	return p.cache.account(ctx, p.partiesStore, id)
}

// accountLister is what the cache reads.
type accountLister interface {
	AccountsByType(ctx context.Context, channelType string) ([]*parley.Account, error)
}
