package line_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
)

func TestSignVector(t *testing.T) {
	body := fixture(t, "verify.json")
	if got := line.Sign(body, vectorSecret); got != vectorSig {
		t.Fatalf("Sign = %s, want %s", got, vectorSig)
	}
	if !line.VerifySignature(body, vectorSig, vectorSecret) {
		t.Fatal("vector does not verify")
	}
}

func TestReceiveSignature(t *testing.T) {
	body := fixture(t, "verify.json")
	other := account()
	other.ID, other.AppSecret, other.PageID = "acc-2", "another-secret", "Uother"
	tests := []struct {
		name     string
		sig      string
		accounts []*parley.Account
		wantAcc  string
		wantCode string
	}{
		{"vector", vectorSig, []*parley.Account{account()}, "acc-1", ""},
		{"shared url picks the verifying account", vectorSig, []*parley.Account{other, account()}, "acc-1", ""},
		{"bad", "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLM=", []*parley.Account{account()}, "", parley.EFORBIDDEN},
		{"hex instead of base64", "1a144a9af987cace0f8bc0f1905e3e11ac9a1f43aab49b5a6718130fd7cc0cbb", []*parley.Account{account()}, "", parley.EFORBIDDEN},
		{"not base64", "%%%", []*parley.Account{account()}, "", parley.EFORBIDDEN},
		{"missing", "", []*parley.Account{account()}, "", parley.EFORBIDDEN},
		{"wrong secret", vectorSig, []*parley.Account{other}, "", parley.EFORBIDDEN},
		{"no candidates", vectorSig, nil, "", parley.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.sig != "" {
				h.Set("X-Line-Signature", tt.sig)
			}
			got, err := line.New(nil).Receive(context.Background(), &parley.WebhookRequest{Header: h, Body: body}, tt.accounts)
			if tt.wantCode != "" {
				if parley.ErrorCode(err) != tt.wantCode {
					t.Fatalf("err = %v, want %s", err, tt.wantCode)
				}
				for _, secret := range []string{vectorSig, vectorSecret, "another-secret"} {
					if strings.Contains(err.Error(), secret) {
						t.Fatalf("error reveals %q: %v", secret, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Events) != 0 || got.Response != nil {
				t.Fatalf("verification request: %+v", got)
			}
		})
	}
}

func TestReceiveBatches(t *testing.T) {
	tests := []struct {
		file  string
		keys  []string
		kinds []string
		code  string
	}{
		{"verify.json", nil, nil, ""},
		{"text.json", []string{"01H810YECXQQZ37VAXPF6H9E6T"}, []string{"message"}, ""},
		{"follow.json", []string{"01H810YECXQQZ37VAXPF6H9E9A"}, []string{"follow"}, ""},
		{"unknown_type.json", []string{"01H810YECXQQZ37VAXPF6H9EDA"}, []string{"beacon"}, ""},
		{"batch.json", []string{"01H810YECXQQZ37VAXPF6H9F00", "01H810YECXQQZ37VAXPF6H9F01", "01H810YECXQQZ37VAXPF6H9F02"},
			[]string{"message", "message", "unfollow"}, ""},
		{"malformed.json", nil, nil, parley.EINVALID},
		{"no_events.json", nil, nil, parley.EINVALID},
		{"bad_event.json", nil, nil, parley.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := line.New(nil).Receive(context.Background(), signed(fixture(t, tt.file), vectorSecret), []*parley.Account{account()})
			if tt.code != "" {
				if parley.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Events) != len(tt.keys) {
				t.Fatalf("%d events, want %d", len(got.Events), len(tt.keys))
			}
			for i, ev := range got.Events {
				if ev.DedupKey != tt.keys[i] || ev.Kind != tt.kinds[i] || ev.Channel != line.Type ||
					ev.AccountID != "acc-1" || ev.TenantID != "t-1" || !strings.HasPrefix(string(ev.Payload), "{") {
					t.Fatalf("event %d: %+v", i, ev)
				}
			}
		})
	}
}

// A redelivered event has the webhookEventId of the first delivery.
func TestReceiveRedeliveryDedupKey(t *testing.T) {
	c, accts := line.New(nil), []*parley.Account{account()}
	first, err := c.Receive(context.Background(), signed(fixture(t, "text.json"), vectorSecret), accts)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Receive(context.Background(), signed(fixture(t, "redelivery.json"), vectorSecret), accts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Events[0].DedupKey != again.Events[0].DedupKey {
		t.Fatalf("dedup keys differ: %q vs %q", first.Events[0].DedupKey, again.Events[0].DedupKey)
	}
}

// Without webhookEventId the key is a stable hash of the event.
func TestReceiveDedupKeyFallback(t *testing.T) {
	body := []byte(`{"destination":"U1","events":[{"type":"message","timestamp":1,"source":{"type":"user","userId":"U2"},"message":{"type":"text","id":"1","text":"x"}}]}`)
	c := line.New(nil)
	a, _ := c.Receive(context.Background(), signed(body, vectorSecret), []*parley.Account{account()})
	b, _ := c.Receive(context.Background(), signed(body, vectorSecret), []*parley.Account{account()})
	if a == nil || b == nil || !strings.HasPrefix(a.Events[0].DedupKey, "sha256:") || a.Events[0].DedupKey != b.Events[0].DedupKey {
		t.Fatalf("fallback keys %+v %+v", a, b)
	}
}
