package viber_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/viber"
)

func TestReceiveFixtures(t *testing.T) {
	tests := []struct {
		file, kind, dedup string
		events            int
	}{
		{"text", "message", "4912661846655238145", 1},
		{"picture", "message", "4912661846655238145", 1},
		{"video", "message", "4912661846655238145", 1},
		{"file", "message", "4912661846655238145", 1},
		{"location", "message", "4912661846655238145", 1},
		{"contact", "message", "4912661846655238145", 1},
		{"sticker", "message", "4912661846655238145", 1},
		{"url", "message", "4912661846655238145", 1},
		{"subscribed", "subscribed", "subscribed:4912661846655238146", 1},
		{"unsubscribed", "unsubscribed", "unsubscribed:4912661846655238147", 1},
		{"conversation_started", "conversation_started", "conversation_started:4912661846655238148", 1},
		{"delivered", "delivered", "delivered:5741311803571721087", 1},
		{"seen", "seen", "seen:5741311803571721087", 1},
		{"failed", "failed", "failed:5741311803571721087", 1},
		{"webhook", "", "", 0},
	}
	ch := viber.New(nil)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := fixture(t, tt.file)
			got, err := ch.Receive(context.Background(), signed(body, testToken), []*parley.Account{testAccount("")})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Events) != tt.events {
				t.Fatalf("events = %d, want %d", len(got.Events), tt.events)
			}
			if tt.events == 0 {
				return
			}
			ev := got.Events[0]
			if ev.Kind != tt.kind || ev.DedupKey != tt.dedup || ev.Channel != viber.Type ||
				ev.AccountID != "acc1" || ev.TenantID != "t1" || !bytes.Equal(ev.Payload, body) {
				t.Fatalf("event = %+v", ev)
			}
		})
	}
}

func TestReceiveNoTokenHashesEvent(t *testing.T) {
	body := fixture(t, "unknown_event")
	got, err := viber.New(nil).Receive(context.Background(), signed(body, testToken), []*parley.Account{testAccount("")})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := viber.New(nil).Receive(context.Background(), signed(body, testToken), []*parley.Account{testAccount("")})
	if k := got.Events[0].DedupKey; k == "" || k != again.Events[0].DedupKey {
		t.Fatalf("dedup key %q not stable", k)
	}
}

func TestReceiveMalformed(t *testing.T) {
	for _, body := range [][]byte{fixture(t, "malformed"), []byte(`{}`), []byte(`{"event":"message","message_token":1.5}`)} {
		_, err := viber.New(nil).Receive(context.Background(), signed(body, testToken), []*parley.Account{testAccount("")})
		if parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", body, err)
		}
	}
}

func TestReceiveWelcome(t *testing.T) {
	acct := testAccount("")
	body := fixture(t, "conversation_started")
	got, err := viber.New(nil).Receive(context.Background(), signed(body, testToken), []*parley.Account{acct})
	if err != nil || got.Response != nil {
		t.Fatalf("without welcome: response %s, err %v", got.Response, err)
	}
	acct.Settings[viber.SettingWelcomeMessage] = "Hi! Send us a message to start."
	got, err = viber.New(nil).Receive(context.Background(), signed(body, testToken), []*parley.Account{acct})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"sender":{"name":"Shop Support","avatar":"https://example.com/a.jpg"},"type":"text","text":"Hi! Send us a message to start."}`
	if string(got.Response) != want || got.ContentType != "application/json" {
		t.Fatalf("response = %s (%s)", got.Response, got.ContentType)
	}
	var m map[string]any
	if json.Unmarshal(got.Response, &m) != nil || m["receiver"] != nil {
		t.Fatal("welcome must not have a receiver")
	}
}
