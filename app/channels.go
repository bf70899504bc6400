package app

import (
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/telegram"
)

// Channels registers every messaging platform Parley speaks, by account
// type, plus any extra ones. Adding a channel is one line here and its
// package under channel/.
func Channels(hc *http.Client, extra ...parley.Channel) *parley.Channels {
	return parley.NewChannels(append([]parley.Channel{
		messenger.New(hc),
		telegram.New(hc),
		line.New(hc),
	}, extra...)...)
}
