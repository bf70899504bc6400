package app

import (
	"fmt"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/bus/inmem"
	"github.com/parleycc/parley/bus/natsbus"
)

// openBus opens the event bus Config.Bus names: empty or "inmem" for the
// in-process bus (one node), a nats:// URL for NATS (several nodes on one
// PostgreSQL). The returned function closes it.
func (a *App) openBus() (parley.Bus, func() error, error) {
	switch u := a.cfg.Bus; {
	case u == "" || u == "inmem":
		return inmem.New(), func() error { return nil }, nil
	case strings.HasPrefix(u, "nats://") || strings.HasPrefix(u, "tls://"):
		b, err := natsbus.Connect(u, a.cfg.Logger)
		if err != nil {
			return nil, nil, err
		}
		return b, b.Close, nil
	default:
		return nil, nil, fmt.Errorf("bus %q: use inmem or a nats:// URL", u)
	}
}
