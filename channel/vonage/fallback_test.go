package vonage_test

import (
	"reflect"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/vonage"
)

func TestFallback(t *testing.T) {
	tests := []struct {
		name  string
		reply parley.Reply
		want  string
	}{
		{"text only", parley.Reply{Text: "Hello"}, "Hello"},
		{"empty", parley.Reply{}, ""},
		{"quick replies", parley.Reply{Text: "Pick", QuickReplies: []parley.QuickReply{{Title: "Yes", Payload: "Y"}, {Title: "No"}}}, "Pick\n\n1. Yes\n2. No"},
		{"buttons first, then quick replies", parley.Reply{Text: "Menu",
			Buttons:      []parley.Button{{Type: parley.ButtonPostback, Title: "Agent", Payload: "AGENT"}, {Type: parley.ButtonURL, Title: "FAQ", URL: "https://x.example/faq"}},
			QuickReplies: []parley.QuickReply{{Title: "Later"}}},
			"Menu\n\n1. Agent\n2. FAQ https://x.example/faq\n3. Later"},
		{"cards without text", parley.Reply{Cards: []parley.Card{
			{Title: "Phone", Subtitle: "€99", Buttons: []parley.Button{{Title: "Buy", Payload: "BUY"}, {Title: "Specs", URL: "https://x.example/s"}}},
			{Title: "Case"}}},
			"1. Phone: Buy\n2. Phone: Specs https://x.example/s\n3. Case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vonage.Fallback(tt.reply); got != tt.want {
				t.Fatalf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestChoicesKeepPayloads(t *testing.T) {
	got := vonage.Choices(parley.Reply{
		Buttons:      []parley.Button{{Title: "Agent", Payload: "AGENT"}, {Title: "Site", URL: "https://x.example"}},
		QuickReplies: []parley.QuickReply{{Title: "Yes"}},
	})
	want := []vonage.Choice{{Title: "Agent", Payload: "AGENT"}, {Title: "Site", URL: "https://x.example"}, {Title: "Yes", Payload: "Yes"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	if s := vonage.NumberedList(nil); s != "" {
		t.Fatalf("empty list %q", s)
	}
}
