package line_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
)

func FuzzDecodeLine(f *testing.F) {
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
	c := line.New(nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := c.Receive(context.Background(), signed(body, vectorSecret), []*parley.Account{account()})
		if err != nil {
			if code := parley.ErrorCode(err); code != parley.EINVALID {
				t.Fatalf("receive error code %s: %v", code, err)
			}
			return
		}
		for _, ev := range got.Events {
			if ev.DedupKey == "" || ev.Kind == "" {
				t.Fatalf("event without dedup key or kind: %+v", ev)
			}
			in, err := c.Decode(account(), ev)
			if err == nil && in.Kind == "" {
				t.Fatal("incoming without kind")
			}
		}
	})
}
