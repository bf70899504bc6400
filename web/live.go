package web

import (
	"sync"

	"github.com/parleycc/parley/web/feed"
)

// liveFeed is the server's fan-out of the event log to the open streams,
// started with the first stream.
type liveFeed struct {
	once sync.Once
	hub  *feed.Hub
}

// hub returns the server's feed hub.
func (s *Server) hub() *feed.Hub {
	s.live.once.Do(func() {
		s.live.hub = &feed.Hub{Events: s.Conversations, Bus: s.Bus, Logger: s.Logger}
	})
	return s.live.hub
}

// Close ends every open event stream at once and refuses new ones. Call
// it before http.Server.Shutdown, which otherwise waits for the streams
// until its deadline.
func (s *Server) Close() {
	s.hub().Close()
}
