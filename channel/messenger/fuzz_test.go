package messenger_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parleycc/parley/channel/messenger"
)

func FuzzParseWebhook(f *testing.F) {
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
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := messenger.ParseWebhook(body)
		if err != nil {
			return
		}
		for _, e := range b.Entries {
			for i, ev := range e.Events {
				if i > 0 && ev.Timestamp.Before(e.Events[i-1].Timestamp) {
					t.Fatalf("entry %s: events not sorted at %d", e.PageID, i)
				}
				_ = ev.DedupKey()
				if ev.Kind == "" {
					t.Fatalf("event without kind")
				}
			}
		}
	})
}
