package loadtest

import "github.com/parleycc/parley/channel/messenger/fakegraph"

// Fake is the fake Graph API behind the recorder, for tests that inject
// failures (FailEachMessage, SetRateLimitRegain) during a run.
func (g *Graph) Fake() *fakegraph.Server { return g.fake }
