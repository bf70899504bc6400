package vonage_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/vonage"
)

const uuid = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"

func TestReceiveFixtures(t *testing.T) {
	tests := []struct{ file, kind, dedup string }{
		{"messenger_text", "message", uuid},
		{"messenger_image", "message", uuid},
		{"messenger_location", "message", uuid},
		{"viber_text", "message", uuid},
		{"viber_image", "message", uuid},
		{"viber_location", "message", uuid},
		{"sms_text", "message", uuid},
		{"whatsapp_text", "message", uuid},
		{"whatsapp_image", "message", uuid},
		{"whatsapp_location", "message", uuid},
		{"legacy_v01", "message", uuid},
		{"status_submitted", "submitted", uuid + ":submitted"},
		{"status_delivered", "delivered", uuid + ":delivered"},
		{"status_read", "read", uuid + ":read"},
		{"status_rejected", "rejected", uuid + ":rejected"},
		{"status_undeliverable", "undeliverable", uuid + ":undeliverable"},
	}
	ch := vonage.New(nil)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := fixture(t, tt.file)
			got, err := ch.Receive(context.Background(), signed(t, body, sigSecret), []*parley.Account{testAccount(t, "", vonage.RouteMessenger, pageID)})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Events) != 1 || got.Response != nil {
				t.Fatalf("received %+v", got)
			}
			ev := got.Events[0]
			if ev.Kind != tt.kind || ev.DedupKey != tt.dedup || ev.Channel != vonage.Type || ev.AccountID != "acc1" ||
				ev.TenantID != "t1" || !bytes.Equal(ev.Payload, body) {
				t.Fatalf("event %+v", ev)
			}
		})
	}
}

func TestReceiveRejects(t *testing.T) {
	body := fixture(t, "messenger_text")
	acct := testAccount(t, "", vonage.RouteMessenger, pageID)
	good := signed(t, body, sigSecret)
	tampered := signed(t, body, sigSecret)
	tampered.Body = bytes.Replace(body, []byte("broken"), []byte("fixed!"), 1)
	tests := []struct {
		name string
		req  *parley.WebhookRequest
		code string
	}{
		{"missing", &parley.WebhookRequest{Header: http.Header{}, Body: body}, parley.EFORBIDDEN},
		{"basic", &parley.WebhookRequest{Header: http.Header{"Authorization": {"Basic YWJjOmRlZg=="}}, Body: body}, parley.EFORBIDDEN},
		{"wrong secret", signed(t, body, "another-secret"), parley.EFORBIDDEN},
		{"tampered", tampered, parley.EFORBIDDEN},
		{"malformed body", signed(t, fixture(t, "malformed"), sigSecret), parley.EINVALID},
		{"no uuid", signed(t, []byte(`{"channel":"sms","text":"x"}`), sigSecret), parley.EINVALID},
		{"good", good, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := vonage.New(nil).Receive(context.Background(), tt.req, []*parley.Account{acct})
			if parley.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
			if err != nil && (strings.Contains(err.Error(), vonage.PayloadHash(body)) || strings.Contains(err.Error(), sigSecret)) {
				t.Fatalf("error reveals an expected value: %v", err)
			}
		})
	}
}

func TestReceivePicksSigningAccount(t *testing.T) {
	body := fixture(t, "viber_text")
	a, b := testAccount(t, "", vonage.RouteViber, "16273"), testAccount(t, "", vonage.RouteViber, "16273")
	a.ID, a.VerifyToken = "a", "secret-a"
	b.ID, b.VerifyToken = "b", "secret-b"
	got, err := vonage.New(nil).Receive(context.Background(), signed(t, body, "secret-b"), []*parley.Account{a, b})
	if err != nil || got.Events[0].AccountID != "b" {
		t.Fatalf("got %+v, %v", got, err)
	}
}
