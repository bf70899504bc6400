package viber_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/viber"
)

func FuzzDecodeViber(f *testing.F) {
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
	ch := viber.New(nil)
	acct := testAccount("")
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := ch.Decode(acct, &parley.InboundEvent{Payload: body})
		if err == nil && in.Kind == "" {
			t.Fatal("decoded without a kind")
		}
		got, err := ch.Receive(t.Context(), signed(body, testToken), []*parley.Account{acct})
		if err == nil && len(got.Events) > 0 && got.Events[0].DedupKey == "" {
			t.Fatal("event without a dedup key")
		}
	})
}
