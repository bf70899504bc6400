package line_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
)

// decodeFile receives a fixture and decodes its events.
func decodeFile(t *testing.T, name string) []*parley.Incoming {
	t.Helper()
	c := line.New(nil)
	got, err := c.Receive(context.Background(), signed(fixture(t, name), vectorSecret), []*parley.Account{account()})
	if err != nil {
		t.Fatal(err)
	}
	var out []*parley.Incoming
	for _, ev := range got.Events {
		in, err := c.Decode(account(), ev)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := c.Decode(account(), ev)
		if !reflect.DeepEqual(in, again) {
			t.Fatal("decode is not pure")
		}
		out = append(out, in)
	}
	return out
}

func TestDecode(t *testing.T) {
	ms := func(v int64) time.Time { return time.UnixMilli(v).UTC() }
	replyable := func(in *parley.Incoming, tok string) *parley.Incoming {
		in.ReplyToken, in.ReplyBefore = tok, in.At.Add(time.Minute)
		return in
	}
	tests := []struct {
		file string
		want []*parley.Incoming
	}{
		{"text.json", []*parley.Incoming{replyable(&parley.Incoming{Kind: parley.InMessage, CustomerID: user,
			MessageID: "468789577898262530", At: ms(1692251666727), Text: "Hello, my order is late"}, "38ef843bde154d9b91c21320ffd17a0f")}},
		{"redelivery.json", []*parley.Incoming{{Kind: parley.InMessage, CustomerID: user,
			MessageID: "468789577898262530", At: ms(1692251666727), Text: "Hello, my order is late"}}},
		{"image.json", []*parley.Incoming{replyable(&parley.Incoming{Kind: parley.InMessage, CustomerID: user,
			MessageID: "354718705033693859", At: ms(1692251666727),
			Attachments: []parley.InboundAttachment{{Type: "image", MediaID: "354718705033693859"}}}, "7840b71058e24a5d91f9b5726c7512c9")}},
		{"image_external.json", []*parley.Incoming{replyable(&parley.Incoming{Kind: parley.InMessage, CustomerID: user,
			MessageID: "354718705033693860", At: ms(1692251667727),
			Attachments: []parley.InboundAttachment{{Type: "image", URL: "https://cdn.example.com/a.jpg"}}}, "7840b71058e24a5d91f9b5726c7512d0")}},
		{"file.json", []*parley.Incoming{replyable(&parley.Incoming{Kind: parley.InMessage, CustomerID: user,
			MessageID: "325708", At: ms(1692251668727),
			Attachments: []parley.InboundAttachment{{Type: "file", Name: "invoice.pdf", MediaID: "325708"}}}, "7840b71058e24a5d91f9b5726c7512d1")}},
		{"location.json", []*parley.Incoming{replyable(&parley.Incoming{Kind: parley.InMessage, CustomerID: user,
			MessageID: "325709", At: ms(1692251669727),
			Location: &parley.InboundLocation{Lat: 35.67966, Long: 139.73669, Title: "my location"}}, "7840b71058e24a5d91f9b5726c7512d2")}},
		{"sticker.json", []*parley.Incoming{replyable(&parley.Incoming{Kind: parley.InMessage, CustomerID: user,
			MessageID: "325710", At: ms(1692251670727), Sticker: &parley.InboundSticker{ID: "446/1988"}}, "7840b71058e24a5d91f9b5726c7512d3")}},
		{"postback.json", []*parley.Incoming{replyable(&parley.Incoming{Kind: parley.InPostback, CustomerID: user,
			MessageID: "01H810YECXQQZ37VAXPF6H9E8A", At: ms(1513669370317), Payload: "action=csat&score=5"}, "b60d432864f44d079f6d8efe86cf404b")}},
		{"postback_datetime.json", []*parley.Incoming{replyable(&parley.Incoming{Kind: parley.InPostback, CustomerID: user,
			MessageID: "01H810YECXQQZ37VAXPF6H9E8B", At: ms(1513669371317), Payload: "action=visit", Text: "2026-07-01T10:00"}, "b60d432864f44d079f6d8efe86cf404c")}},
		{"follow.json", []*parley.Incoming{replyable(&parley.Incoming{Kind: parley.InEntry, CustomerID: user,
			MessageID: "01H810YECXQQZ37VAXPF6H9E9A", At: ms(1462629479859),
			Entry: &parley.InboundEntry{Kind: "follow", Text: "added the account as a friend"}}, "85cbe770fa8b4f45bbe077b1d4be4a36")}},
		{"follow_unblocked.json", []*parley.Incoming{replyable(&parley.Incoming{Kind: parley.InEntry, CustomerID: user,
			MessageID: "01H810YECXQQZ37VAXPF6H9E9B", At: ms(1462629489859),
			Entry: &parley.InboundEntry{Kind: "follow", Text: "unblocked the account"}}, "85cbe770fa8b4f45bbe077b1d4be4a37")}},
		{"unfollow.json", []*parley.Incoming{{Kind: parley.InLeft, CustomerID: user, MessageID: "01H810YECXQQZ37VAXPF6H9E9C", At: ms(1462629479960)}}},
		{"unsend.json", []*parley.Incoming{{Kind: parley.InIgnored, CustomerID: user, At: ms(1695696130019)}}},
		{"standby.json", []*parley.Incoming{{Kind: parley.InIgnored, CustomerID: user, At: ms(1692251666727)}}},
		{"group.json", []*parley.Incoming{{Kind: parley.InIgnored, CustomerID: user, At: ms(1692251666727)}}},
		{"unknown_type.json", []*parley.Incoming{{Kind: parley.InIgnored, CustomerID: user, At: ms(1462629479859)}}},
		{"batch.json", []*parley.Incoming{
			replyable(&parley.Incoming{Kind: parley.InMessage, CustomerID: user, MessageID: "468789577898262540", At: ms(1692251670000), Text: "first"}, "a1"),
			replyable(&parley.Incoming{Kind: parley.InMessage, CustomerID: "U91eeaf62d9a1b2c3d4e5f60718293a4b", MessageID: "468789577898262541",
				At: ms(1692251670100), Text: "from someone else"}, "a2"),
			{Kind: parley.InLeft, CustomerID: "U91eeaf62d9a1b2c3d4e5f60718293a4b", MessageID: "01H810YECXQQZ37VAXPF6H9F02", At: ms(1692251670200)}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := decodeFile(t, tt.file)
			if !reflect.DeepEqual(got, tt.want) {
				for i := range got {
					t.Logf("got[%d] = %+v", i, got[i])
				}
				for i := range tt.want {
					t.Logf("want[%d] = %+v", i, tt.want[i])
				}
				t.Fatal("mismatch")
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	_, err := line.New(nil).Decode(account(), &parley.InboundEvent{Payload: []byte(`{"type":`)})
	if parley.ErrorCode(err) != parley.EINVALID {
		t.Fatalf("err = %v", err)
	}
}
