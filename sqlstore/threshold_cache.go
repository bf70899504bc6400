package sqlstore

import (
	"context"
	"sync"
	"time"

	"github.com/parleycc/parley/metrics"
)

// thresholdTTL bounds how long a threshold change made on another node
// goes unseen by this one's fact recording; one made through this Store
// is seen at once.
const thresholdTTL = 2 * time.Second

// thresholdCache keeps each tenant's metric configuration (its services'
// thresholds): recording facts would otherwise read it for every customer
// message and every reply.
type thresholdCache struct {
	mu  sync.Mutex
	m   map[string]cachedConfig
	gen uint64        // bumped by drop: a read begun before is not kept
	ttl time.Duration // thresholdTTL unless a test holds them longer
}

type cachedConfig struct {
	cfg    metrics.Config
	loaded time.Time
}

// config returns the tenant's configuration, read with r when the cached
// one is missing or older than the TTL.
func (c *thresholdCache) config(ctx context.Context, r runner, tenantID string) (metrics.Config, error) {
	c.mu.Lock()
	e, ok := c.m[tenantID]
	gen, ttl := c.gen, c.ttl
	c.mu.Unlock()
	if ttl == 0 {
		ttl = thresholdTTL
	}
	if ok && time.Since(e.loaded) < ttl {
		return e.cfg, nil
	}
	cfg, err := metricConfig(ctx, r, tenantID)
	if err != nil {
		return cfg, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if c.m == nil {
			c.m = map[string]cachedConfig{}
		}
		c.m[tenantID] = cachedConfig{cfg: cfg, loaded: time.Now()}
	}
	c.mu.Unlock()
	return cfg, nil
}

// drop forgets every tenant's configuration.
func (c *thresholdCache) drop() {
	c.mu.Lock()
	c.m = nil
	c.gen++
	c.mu.Unlock()
}
