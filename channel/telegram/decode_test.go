package telegram_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/telegram"
)

func TestDecode(t *testing.T) {
	sec := func(s int64) time.Time { return time.Unix(s, 0).UTC() }
	received := time.Date(2026, 6, 10, 6, 14, 0, 0, time.UTC)
	annaK := &parley.Profile{FirstName: "Anna", LastName: "Kowalska"}
	annaP := &parley.Profile{FirstName: "Anna"}
	msg := func(id string, at int64, p *parley.Profile) parley.Incoming {
		return parley.Incoming{Kind: parley.InMessage, CustomerID: anna, MessageID: anna + ":" + id, At: sec(at), Profile: p}
	}
	with := func(in parley.Incoming, f func(*parley.Incoming)) *parley.Incoming { f(&in); return &in }

	tests := []struct {
		file string
		want *parley.Incoming
	}{
		{"text.json", with(msg("42", 1718000000, annaK), func(in *parley.Incoming) { in.Text = "Hello, my order is late" })},
		{"photo.json", with(msg("43", 1718000010, annaP), func(in *parley.Incoming) {
			in.Text = "the damaged box"
			in.Attachments = []parley.InboundAttachment{{Type: "image", MediaID: "AgACAgIAAxkBAAIBlarge", ContentType: "image/jpeg"}}
		})},
		{"document.json", with(msg("47", 1718000040, annaP), func(in *parley.Incoming) {
			in.Attachments = []parley.InboundAttachment{{Type: "file", MediaID: "BQACAgIAAxkBAAIBdoc", Name: "invoice.pdf", ContentType: "application/pdf"}}
		})},
		{"voice.json", with(msg("48", 1718000045, annaP), func(in *parley.Incoming) {
			in.Attachments = []parley.InboundAttachment{{Type: "audio", MediaID: "AwACAgIAAxkBAAIBvoice", ContentType: "audio/ogg"}}
		})},
		{"location.json", with(msg("49", 1718000050, annaP), func(in *parley.Incoming) {
			in.Location = &parley.InboundLocation{Lat: 52.2297, Long: 21.0122}
		})},
		{"venue.json", with(msg("50", 1718000055, annaP), func(in *parley.Incoming) {
			in.Location = &parley.InboundLocation{Lat: 52.2297, Long: 21.0122, Title: "Palace of Culture, plac Defilad 1"}
		})},
		{"sticker.json", with(msg("51", 1718000060, annaP), func(in *parley.Incoming) {
			in.Sticker = &parley.InboundSticker{ID: "CAACAgIAAxkBAAIBsticker"}
			in.Text = "👍"
		})},
		{"contact.json", with(msg("52", 1718000065, annaP), func(in *parley.Incoming) {
			in.Text = "Contact: Anna Kowalska, +48600100200"
		})},
		{"edited.json", with(msg("42:edit:1718000090", 1718000000, annaP), func(in *parley.Incoming) {
			in.Text = "Hello, my order #4411 is late"
		})},
		{"start.json", with(msg("1", 1717999900, annaK), func(in *parley.Incoming) {
			in.Kind, in.Text = parley.InEntry, "/start"
			in.Entry = &parley.InboundEntry{Kind: "started", Text: "/start"}
		})},
		{"start_deeplink.json", with(msg("2", 1717999910, annaP), func(in *parley.Incoming) {
			in.Kind, in.Text = parley.InEntry, "/start case-8812"
			in.Entry = &parley.InboundEntry{Kind: "started", Ref: "case-8812", Text: "/start case-8812"}
		})},
		{"callback.json", &parley.Incoming{Kind: parley.InPostback, CustomerID: anna, MessageID: "4382bfdwdsb323b2d9",
			Payload: "csat:5", At: received, Profile: annaP}},
		{"blocked.json", &parley.Incoming{Kind: parley.InLeft, CustomerID: anna, At: sec(1718000100), Profile: annaP}},
		{"unblocked.json", &parley.Incoming{Kind: parley.InEntry, CustomerID: anna, At: sec(1718000200), Profile: annaP,
			Entry: &parley.InboundEntry{Kind: "follow", Text: "unblocked the bot"}}},
		{"group.json", &parley.Incoming{Kind: parley.InIgnored, At: sec(1718000070)}},
		{"reaction.json", &parley.Incoming{Kind: parley.InIgnored, At: received}},
	}
	c := telegram.New(nil)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev := &parley.InboundEvent{Channel: telegram.Type, Payload: fixture(t, tt.file), ReceivedAt: received}
			got, err := c.Decode(account(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
			again, _ := c.Decode(account(), ev)
			if !reflect.DeepEqual(got, again) {
				t.Fatal("decode is not pure")
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	_, err := telegram.New(nil).Decode(account(), &parley.InboundEvent{Payload: fixture(t, "malformed.json")})
	if parley.ErrorCode(err) != parley.EINVALID {
		t.Fatalf("err = %v, want invalid", err)
	}
}
