package line_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line/fakeline"
)

func fakelineProfile() fakeline.Profile {
	return fakeline.Profile{DisplayName: "LINE taro", PictureURL: "https://profile.line-scdn.net/abc"}
}

// The fake signs and delivers batches as LINE does; the channel accepts
// them, and a follow's reply token answers through the fake's reply API.
func TestFakeDeliverAndReply(t *testing.T) {
	s, c, a := fake(t)
	var got *parley.Received
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var err error
		got, err = c.Receive(r.Context(), &parley.WebhookRequest{Method: r.Method, Header: r.Header, Body: body}, []*parley.Account{a})
		if err != nil {
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	defer hook.Close()
	s.AllowHTTPWebhooks(true)
	if err := c.SetWebhook(context.Background(), a, hook.URL); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	status, err := s.Deliver(context.Background(), nil, token,
		s.FollowEvent(user, false, now), s.TextEvent(user, "hi", now), s.PostbackEvent(user, "csat=5", now),
		s.ImageEvent(user, "image/jpeg", []byte("jpeg"), now), s.UnfollowEvent(user, now))
	if err != nil || status != http.StatusOK || len(got.Events) != 5 {
		t.Fatalf("deliver: %d %v %+v", status, err, got)
	}
	kinds := []string{parley.InEntry, parley.InMessage, parley.InPostback, parley.InMessage, parley.InLeft}
	var follow *parley.Incoming
	for i, ev := range got.Events {
		in, err := c.Decode(a, ev)
		if err != nil || in.Kind != kinds[i] {
			t.Fatalf("event %d: %+v %v", i, in, err)
		}
		if i == 0 {
			follow = in
		}
		if i == 3 {
			if _, err := c.Download(context.Background(), a, &in.Attachments[0], 100); err != nil {
				t.Fatalf("download: %v", err)
			}
		}
	}
	if _, err := c.Reply(context.Background(), a, follow.ReplyToken, &parley.Outgoing{Reply: parley.Reply{Text: "Welcome!"}}); err != nil {
		t.Fatalf("reply with the follow's token: %v", err)
	}
	if status, _ := s.Deliver(context.Background(), nil, token); status != http.StatusOK || len(got.Events) != 0 {
		t.Fatalf("verification request: %d %+v", status, got)
	}
}
