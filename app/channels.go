package app

import (
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
)

// Channels registers every messaging platform Parley speaks, by account
// type. Adding a channel is one line here and its package under channel/.
func Channels(hc *http.Client) *parley.Channels {
	return parley.NewChannels(
		messenger.New(hc),
	)
}
