package vonage_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/vonage"
)

func FuzzDecodeVonage(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	ch := vonage.New(nil)
	acct := testAccount(f, "", vonage.RouteWhatsApp, "447700900001")
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := ch.Decode(acct, &parley.InboundEvent{Payload: body})
		if err == nil && in.Kind == "" {
			t.Fatal("decoded without a kind")
		}
		got, err := ch.Receive(t.Context(), signed(t, body, sigSecret), []*parley.Account{acct})
		if err == nil && got.Events[0].DedupKey == "" {
			t.Fatal("event without a dedup key")
		}
		_ = vonage.VerifyWebhook(string(body), body, sigSecret, acct.UpdatedAt)
	})
}
