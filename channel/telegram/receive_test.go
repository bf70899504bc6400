package telegram_test

import (
	"context"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/telegram"
)

func TestReceiveSecret(t *testing.T) {
	body := fixture(t, "text.json")
	other := account()
	other.ID, other.VerifyToken = "acc-2", "other_secret"
	tests := []struct {
		name     string
		sig      string
		accounts []*parley.Account
		wantAcc  string
		wantCode string
	}{
		{"good", secret, []*parley.Account{account()}, "acc-1", ""},
		{"good among several", secret, []*parley.Account{other, account()}, "acc-1", ""},
		{"bad", "Zx8_kP3-randoM", []*parley.Account{account()}, "", parley.EFORBIDDEN},
		{"prefix only", "Zx8_kP3", []*parley.Account{account()}, "", parley.EFORBIDDEN},
		{"missing", "", []*parley.Account{account()}, "", parley.EFORBIDDEN},
		{"no candidates", secret, nil, "", parley.EFORBIDDEN},
		{"account without secret", "x", []*parley.Account{{ID: "acc-3", Name: "x"}}, "", parley.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := telegram.New(nil).Receive(context.Background(), webhook(body, tt.sig), tt.accounts)
			if tt.wantCode != "" {
				if parley.ErrorCode(err) != tt.wantCode {
					t.Fatalf("err = %v, want %s", err, tt.wantCode)
				}
				for _, a := range tt.accounts {
					if a.VerifyToken != "" && strings.Contains(err.Error(), a.VerifyToken) {
						t.Fatalf("error reveals the secret: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Events) != 1 || got.Events[0].AccountID != tt.wantAcc {
				t.Fatalf("events %+v, want one for %s", got.Events, tt.wantAcc)
			}
		})
	}
}

func TestReceiveEvents(t *testing.T) {
	tests := []struct {
		file, dedup, kind, code string
	}{
		{"text.json", "881234567", "message", ""},
		{"photo.json", "881234568", "message", ""},
		{"callback.json", "881234570", "callback_query", ""},
		{"blocked.json", "881234580", "my_chat_member", ""},
		{"edited.json", "881234577", "edited_message", ""},
		{"reaction.json", "881234579", "message_reaction", ""},
		{"malformed.json", "", "", parley.EINVALID},
		{"no_update_id.json", "", "", parley.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := fixture(t, tt.file)
			got, err := telegram.New(nil).Receive(context.Background(), webhook(body, secret), []*parley.Account{account()})
			if tt.code != "" {
				if parley.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ev := got.Events[0]
			if ev.DedupKey != tt.dedup || ev.Kind != tt.kind || ev.Channel != telegram.Type ||
				ev.TenantID != "t-1" || ev.AccountID != "acc-1" || string(ev.Payload) != string(body) {
				t.Fatalf("event %+v", ev)
			}
			if got.Response != nil {
				t.Fatalf("response body %q, want none", got.Response)
			}
		})
	}
}

// A redelivered update, even re-encoded, keeps its dedup key.
func TestReceiveRedeliveryDedupKey(t *testing.T) {
	c, accts := telegram.New(nil), []*parley.Account{account()}
	first, err := c.Receive(context.Background(), webhook(fixture(t, "text.json"), secret), accts)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Receive(context.Background(), webhook(fixture(t, "text_redelivered.json"), secret), accts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Events[0].DedupKey != again.Events[0].DedupKey {
		t.Fatalf("dedup keys differ: %q vs %q", first.Events[0].DedupKey, again.Events[0].DedupKey)
	}
}
