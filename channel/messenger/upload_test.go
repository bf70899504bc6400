package messenger_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestSendShapesAgainstFake sends each outbound kind to the protocol-
// faithful fake and checks what it recorded: the exact wire shapes.
func TestSendShapesAgainstFake(t *testing.T) {
	g := fakegraph.New()
	g.AddPage("100", "Acme", "tok")
	srv := httptest.NewServer(g)
	defer srv.Close()
	c := messenger.Client{BaseURL: srv.URL}
	ctx := context.Background()
	cases := []struct {
		name  string
		req   messenger.SendRequest
		check func(t *testing.T, got fakegraph.SentCall)
	}{
		{"upload", messenger.SendRequest{PSID: "7", Message: &messenger.OutMessage{Attachment: &messenger.OutAttachment{
			Type: "file", Data: []byte("%PDF-1.4"), FileName: "invoice.pdf", ContentType: "application/pdf"}}},
			func(t *testing.T, got fakegraph.SentCall) {
				if got.File == nil || got.File.Name != "invoice.pdf" || string(got.File.Data) != "%PDF-1.4" || got.File.ContentType != "application/pdf" ||
					got.AttachmentType != "file" || got.MessagingType != "RESPONSE" {
					t.Fatalf("upload recorded as %+v (file %+v)", got, got.File)
				}
			}},
		{"image by url", messenger.SendRequest{PSID: "7", Message: &messenger.OutMessage{Attachment: &messenger.OutAttachment{Type: "image", URL: "https://cdn.example/a.png"}}},
			func(t *testing.T, got fakegraph.SentCall) {
				if got.AttachmentType != "image" || got.AttachmentURL != "https://cdn.example/a.png" || got.File != nil {
					t.Fatalf("image recorded as %+v", got)
				}
			}},
		{"button template", messenger.SendRequest{PSID: "7", Message: &messenger.OutMessage{Text: "Pick", Buttons: []messenger.Button{{Type: "postback", Title: "A", Payload: "A"}}}},
			func(t *testing.T, got fakegraph.SentCall) {
				if got.TemplateType != "button" {
					t.Fatalf("button template recorded as %+v", got)
				}
			}},
		{"generic template", messenger.SendRequest{PSID: "7", Message: &messenger.OutMessage{Elements: []messenger.Element{{Title: "Card", Buttons: []messenger.Button{{Type: "web_url", Title: "Open", URL: "https://example.com"}}}}}},
			func(t *testing.T, got fakegraph.SentCall) {
				if got.TemplateType != "generic" {
					t.Fatalf("generic template recorded as %+v", got)
				}
			}},
		{"human agent tag", messenger.SendRequest{PSID: "7", Tag: messenger.TagHumanAgent, Message: &messenger.OutMessage{Text: "Late answer"}},
			func(t *testing.T, got fakegraph.SentCall) {
				if got.MessagingType != "MESSAGE_TAG" || got.Tag != "HUMAN_AGENT" {
					t.Fatalf("tagged message recorded as %+v", got)
				}
			}},
		{"mark seen", messenger.SendRequest{PSID: "7", SenderAction: messenger.ActionMarkSeen},
			func(t *testing.T, got fakegraph.SentCall) {
				if got.SenderAction != "mark_seen" || got.MessageID != "" {
					t.Fatalf("sender action recorded as %+v", got)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(g.Sent())
			if _, err := c.Send(ctx, "tok", tc.req); err != nil {
				t.Fatal(err)
			}
			sent := g.Sent()
			if len(sent) != before+1 {
				t.Fatalf("%d calls recorded, want 1", len(sent)-before)
			}
			tc.check(t, sent[len(sent)-1])
		})
	}
	// A retired tag never leaves the client.
	if _, err := c.Send(ctx, "tok", messenger.SendRequest{PSID: "7", Tag: "POST_PURCHASE_UPDATE", Message: &messenger.OutMessage{Text: "x"}}); err == nil {
		t.Fatal("a retired tag was sent")
	}
}

// TestResubscribe: the platform dropped the app; Subscribe restores it.
func TestResubscribe(t *testing.T) {
	g := fakegraph.New()
	g.AddPage("100", "Acme", "tok")
	srv := httptest.NewServer(g)
	defer srv.Close()
	c := messenger.Client{BaseURL: srv.URL}
	ctx := context.Background()
	apps, err := c.SubscribedApps(ctx, "tok", "100")
	if err != nil || len(apps) != 0 {
		t.Fatalf("before: %v %v", apps, err)
	}
	if err := c.Subscribe(ctx, "tok", "100", []string{"messages", "message_reads"}); err != nil {
		t.Fatal(err)
	}
	g.Unsubscribe("100")
	if apps, _ = c.SubscribedApps(ctx, "tok", "100"); len(apps) != 0 {
		t.Fatalf("after the platform dropped it: %v", apps)
	}
	if err := c.Subscribe(ctx, "tok", "100", []string{"messages"}); err != nil {
		t.Fatal(err)
	}
	if f := g.SubscribedFields("100"); len(f) != 1 || f[0] != "messages" {
		t.Fatalf("fields = %v", f)
	}
}
