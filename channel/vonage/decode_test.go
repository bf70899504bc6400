package vonage_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/vonage"
)

func TestDecodeFixtures(t *testing.T) {
	at := time.Date(2025, 1, 1, 14, 0, 0, 0, time.UTC)
	const viberUser, waUser = "447700900000", "447700900000"
	jane := &parley.Profile{FirstName: "Jane Smith"}
	msg := func(cust string, in parley.Incoming) *parley.Incoming {
		if in.Kind == "" {
			in.Kind = parley.InMessage
		}
		in.CustomerID, in.MessageID, in.At = cust, uuid, at
		return &in
	}
	receipt := &parley.InboundReceipt{MessageIDs: []string{uuid}}
	status := func(kind, text string) *parley.Incoming {
		return &parley.Incoming{Kind: kind, CustomerID: psid, MessageID: uuid, At: at, Text: text, Receipt: receipt}
	}
	tests := []struct {
		file string
		want *parley.Incoming
	}{
		{"messenger_text", msg(psid, parley.Incoming{Text: "My screen is broken"})},
		{"messenger_image", msg(psid, parley.Incoming{Attachments: []parley.InboundAttachment{{Type: "image", URL: "https://api.nexmo.com/v3/media/6f7a3c30-0b71-4e5b-9c3a-4c3b2f0f1b4e"}}})},
		{"messenger_location", msg(psid, parley.Incoming{Location: &parley.InboundLocation{Lat: 51.5074, Long: -0.1278}})},
		{"messenger_unsupported", msg(psid, parley.Incoming{Kind: parley.InIgnored})},
		{"viber_text", msg(viberUser, parley.Incoming{Text: "Hi, I need help"})},
		{"viber_image", msg(viberUser, parley.Incoming{Attachments: []parley.InboundAttachment{{Type: "image", URL: "https://api-eu.vonage.com/v3/media/1e3b0f5c-4f5d-4a3e-8b1a-2f9e8d7c6b5a"}}})},
		{"viber_file", msg(viberUser, parley.Incoming{Attachments: []parley.InboundAttachment{{Type: "file", URL: "https://api-eu.vonage.com/v3/media/2b", Name: "invoice.pdf"}}})},
		{"viber_location", msg(viberUser, parley.Incoming{Location: &parley.InboundLocation{Lat: 50.76891, Long: 6.11499}})},
		{"sms_text", msg("447700900000", parley.Incoming{Text: "STOP"})},
		{"whatsapp_text", msg(waUser, parley.Incoming{Text: "Hello", Profile: jane})},
		{"whatsapp_image", msg(waUser, parley.Incoming{Text: "the receipt", Profile: jane, Attachments: []parley.InboundAttachment{{Type: "image", URL: "https://api-eu.vonage.com/v3/media/3c"}}})},
		{"whatsapp_location", msg(waUser, parley.Incoming{Profile: jane, Location: &parley.InboundLocation{Lat: 51.5074, Long: -0.1278, Title: "Big Ben, Westminster, London"}})},
		{"whatsapp_video", msg(waUser, parley.Incoming{Attachments: []parley.InboundAttachment{{Type: "video", URL: "https://api-eu.vonage.com/v3/media/4d"}}})},
		{"whatsapp_audio", msg(waUser, parley.Incoming{Attachments: []parley.InboundAttachment{{Type: "audio", URL: "https://api-eu.vonage.com/v3/media/5e"}}})},
		{"whatsapp_reply", msg(waUser, parley.Incoming{Text: "Billing", Payload: "row1", QuickReply: true})},
		{"status_submitted", status(parley.InIgnored, "submitted")},
		{"status_delivered", status(parley.InDelivered, "")},
		{"status_read", status(parley.InRead, "")},
		{"status_rejected", status(parley.InIgnored, "rejected: Not part of the provider network: The recipient is not reachable on this channel: https://developer.vonage.com/api-errors/messages#1300")},
		{"status_undeliverable", status(parley.InIgnored, "undeliverable: Provider error: Vonage could not reach the provider: https://developer.vonage.com/api-errors/messages#1240")},
		{"legacy_v01", &parley.Incoming{Kind: parley.InIgnored, MessageID: uuid, At: time.Date(2020, 1, 1, 14, 0, 0, 0, time.UTC),
			Text: "legacy v0.1 webhook: set the application's Messages webhook version to v1"}},
		{"messenger_text_space_timestamp", &parley.Incoming{Kind: parley.InMessage, CustomerID: psid, MessageID: "aaaa",
			At: time.Date(2020, 1, 1, 14, 0, 0, 0, time.UTC), Text: "tutorial timestamp"}},
	}
	ch := vonage.New(nil)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ch.Decode(testAccount(t, "", vonage.RouteMessenger, pageID), &parley.InboundEvent{Payload: fixture(t, tt.file)})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if _, err := ch.Decode(nil, &parley.InboundEvent{Payload: fixture(t, "malformed")}); parley.ErrorCode(err) != parley.EINVALID {
		t.Fatalf("malformed: %v", err)
	}
}
