// Package loadtest is the load harness behind `parley bench`: it plays a
// Facebook page's customers (signed Messenger webhooks at a set rate), the
// Graph API the server sends through (a fake that records every send), and
// the agents (logged in over the real API, reading the live event stream,
// accepting offers and answering every message). It measures webhook →
// agent-browser and agent reply → Send API latencies and checks that every
// acknowledged message reached an agent, and every accepted reply the
// Graph API, exactly once.
//
// Every message carries a nonce, so the checker can follow it end to end:
// customer messages "bench <run>.<customer>.<n>", agent replies "re <nonce>".
package loadtest
