package viber_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/viber"
)

func TestDecodeFixtures(t *testing.T) {
	at := time.UnixMilli(1457764197627).UTC()
	john := &parley.Profile{FirstName: "John McClane", PictureURL: "http://avatar.example.com"}
	const uid, tok = "01234567890A=", "4912661846655238145"
	msg := func(in parley.Incoming) *parley.Incoming {
		in.Kind, in.CustomerID, in.MessageID, in.At, in.Profile = cmpOr(in.Kind, parley.InMessage), uid, tok, at, john
		return &in
	}
	tests := []struct {
		file string
		want *parley.Incoming
	}{
		{"text", msg(parley.Incoming{Text: "a message to the service"})},
		{"picture", msg(parley.Incoming{Text: "look at this", Attachments: []parley.InboundAttachment{{Type: "image", URL: "https://dl-media.viber.com/1/share/2/long/bots/generic/pic.jpg", Name: "pic.jpg"}}})},
		{"video", msg(parley.Incoming{Attachments: []parley.InboundAttachment{{Type: "video", URL: "https://dl-media.viber.com/1/share/2/long/bots/generic/clip.mp4"}}})},
		{"file", msg(parley.Incoming{Attachments: []parley.InboundAttachment{{Type: "file", URL: "https://dl-media.viber.com/1/share/2/long/bots/generic/invoice.pdf", Name: "invoice.pdf"}}})},
		{"location", msg(parley.Incoming{Location: &parley.InboundLocation{Lat: 50.76891, Long: 6.11499}})},
		{"contact", msg(parley.Incoming{Text: "Itamar +972511123123"})},
		{"sticker", msg(parley.Incoming{Sticker: &parley.InboundSticker{ID: "46105"}, Attachments: []parley.InboundAttachment{{Type: "sticker", URL: "https://viber.com/stickers/46105.png"}}})},
		{"url", msg(parley.Incoming{Text: "http://www.website.com/go_here"})},
		{"postback", msg(parley.Incoming{Kind: parley.InPostback, Text: "TOPIC_BILLING", Payload: "TOPIC_BILLING"})},
		{"quick_reply", msg(parley.Incoming{Text: "YES", Payload: "YES", QuickReply: true})},
		{"unknown_type", msg(parley.Incoming{Kind: parley.InIgnored})},
		{"subscribed", &parley.Incoming{Kind: parley.InEntry, CustomerID: uid, MessageID: "4912661846655238146", At: at, Profile: john,
			Entry: &parley.InboundEntry{Kind: "follow", Text: "subscribed"}}},
		{"conversation_started", &parley.Incoming{Kind: parley.InEntry, CustomerID: uid, MessageID: "4912661846655238148", At: at, Profile: john,
			Entry: &parley.InboundEntry{Kind: "started", Ref: "campaign-42", Type: "open", Text: "conversation started"}}},
		{"unsubscribed", &parley.Incoming{Kind: parley.InLeft, CustomerID: uid, MessageID: "4912661846655238147", At: at}},
		{"delivered", &parley.Incoming{Kind: parley.InDelivered, CustomerID: uid, MessageID: "5741311803571721087", At: at,
			Receipt: &parley.InboundReceipt{MessageIDs: []string{"5741311803571721087"}}}},
		{"seen", &parley.Incoming{Kind: parley.InRead, CustomerID: uid, MessageID: "5741311803571721087", At: at,
			Receipt: &parley.InboundReceipt{MessageIDs: []string{"5741311803571721087"}}}},
		{"failed", &parley.Incoming{Kind: parley.InIgnored, CustomerID: uid, MessageID: "5741311803571721087", At: at, Text: "message validation failed"}},
		{"unknown_event", &parley.Incoming{Kind: parley.InIgnored, CustomerID: uid, At: at}},
	}
	ch := viber.New(nil)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev := &parley.InboundEvent{Channel: viber.Type, Payload: fixture(t, tt.file)}
			got, err := ch.Decode(testAccount(""), ev)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	_, err := viber.New(nil).Decode(testAccount(""), &parley.InboundEvent{Payload: fixture(t, "malformed")})
	if parley.ErrorCode(err) != parley.EINVALID {
		t.Fatalf("err = %v", err)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
