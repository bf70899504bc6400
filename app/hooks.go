package app

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/hooks"
)

// hooks returns the outgoing-webhook service this node runs. Its node name
// holds its leases; it is new for each start so that a restarted node
// waits for (or takes over) its old leases like any other node would.
func (a *App) hooks() *hooks.Service {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	h := hooks.New(a.Store, parley.SystemClock{}, a.cfg.Logger, fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b)))
	h.Tick, h.MaxBackoff = a.cfg.HookTick, a.cfg.HookMaxBackoff
	return h
}
