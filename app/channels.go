package app

import (
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/telegram"
	"github.com/parleycc/parley/channel/viber"
	"github.com/parleycc/parley/channel/vonage"
	"github.com/parleycc/parley/channel/webchat"
)

// Channels registers every messaging platform Parley speaks, by account
// type, plus any extra ones. Adding a channel is one line here and its
// package under channel/.
func Channels(hc *http.Client, extra ...parley.Channel) *parley.Channels {
	return parley.NewChannels(append([]parley.Channel{
		messenger.New(hc),
		telegram.New(hc),
		line.New(hc),
		viber.New(hc),
		vonage.New(hc),
		webchat.New(),
	}, extra...)...)
}
