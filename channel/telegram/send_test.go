package telegram_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/telegram/faketelegram"
)

var customer = &parley.Customer{ExternalID: anna}

// call is what one recorded request amounts to.
type call struct {
	Path   string
	Params map[string]any
}

// calls decodes the recorded JSON bodies (multipart ones by their params).
func calls(t *testing.T, s *faketelegram.Server) []call {
	t.Helper()
	var out []call
	for _, r := range s.Requests() {
		c := call{Path: r.Path, Params: map[string]any{}}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			if err := json.Unmarshal(r.Body, &c.Params); err != nil {
				t.Fatalf("%s: body %s: %v", r.Path, r.Body, err)
			}
		} else {
			for k, v := range r.Params {
				c.Params[k] = v
			}
		}
		out = append(out, c)
	}
	return out
}

// j decodes a JSON literal for comparisons.
func j(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

func TestSendShapes(t *testing.T) {
	p := "/bot" + botToken + "/"
	long := strings.Repeat("a", 4000) + " " + strings.Repeat("b", 200)
	tests := []struct {
		name string
		out  parley.Outgoing
		want []call
	}{
		{"text", parley.Outgoing{Reply: parley.Reply{Text: "Hi Anna"}}, []call{
			{p + "sendMessage", j(t, `{"chat_id":111222333,"text":"Hi Anna"}`)}}},
		{"long text split", parley.Outgoing{Reply: parley.Reply{Text: long}}, []call{
			{p + "sendMessage", map[string]any{"chat_id": 111222333.0, "text": strings.Repeat("a", 4000)}},
			{p + "sendMessage", map[string]any{"chat_id": 111222333.0, "text": strings.Repeat("b", 200)}}}},
		{"buttons", parley.Outgoing{Reply: parley.Reply{Text: "Rate us", Buttons: []parley.Button{
			{Type: parley.ButtonPostback, Title: "Good", Payload: "csat:5"},
			{Title: "Bad"},
			{Type: parley.ButtonURL, Title: "Open ticket", URL: "https://support.example.com/t/123"}}}}, []call{
			{p + "sendMessage", j(t, `{"chat_id":111222333,"text":"Rate us","reply_markup":{"inline_keyboard":[
				[{"text":"Good","callback_data":"csat:5"}],[{"text":"Bad","callback_data":"Bad"}],
				[{"text":"Open ticket","url":"https://support.example.com/t/123"}]]}}`)}}},
		{"quick replies", parley.Outgoing{Reply: parley.Reply{Text: "Choose a topic", QuickReplies: []parley.QuickReply{
			{Title: "Billing"}, {Title: "Delivery", Payload: "DELIVERY"}}}}, []call{
			{p + "sendMessage", j(t, `{"chat_id":111222333,"text":"Choose a topic","reply_markup":{"keyboard":[
				[{"text":"Billing"}],[{"text":"Delivery"}]],"one_time_keyboard":true,"resize_keyboard":true}}`)}}},
		{"buttons and quick replies without text", parley.Outgoing{Reply: parley.Reply{
			Buttons: []parley.Button{{Title: "Agent", Payload: "agent"}}, QuickReplies: []parley.QuickReply{{Title: "Later"}}}}, []call{
			{p + "sendMessage", j(t, `{"chat_id":111222333,"text":"Please choose:","reply_markup":{"inline_keyboard":[[{"text":"Agent","callback_data":"agent"}]]}}`)},
			{p + "sendMessage", j(t, `{"chat_id":111222333,"text":"Please choose:","reply_markup":{"keyboard":[[{"text":"Later"}]],"one_time_keyboard":true,"resize_keyboard":true}}`)}}},
		{"cards", parley.Outgoing{Reply: parley.Reply{Cards: []parley.Card{
			{Title: "Red shoes", Subtitle: "EUR 49", ImageURL: "https://cdn.example.com/red.jpg", Buttons: []parley.Button{{Title: "Buy", Payload: "buy:red"}}},
			{Title: "Blue shoes"}}}}, []call{
			{p + "sendPhoto", j(t, `{"chat_id":111222333,"photo":"https://cdn.example.com/red.jpg","caption":"Red shoes\nEUR 49",
				"reply_markup":{"inline_keyboard":[[{"text":"Buy","callback_data":"buy:red"}]]}}`)},
			{p + "sendMessage", j(t, `{"chat_id":111222333,"text":"Blue shoes"}`)}}},
		{"attachments by url", parley.Outgoing{Reply: parley.Reply{Text: "Your label", Attachments: []parley.ReplyAttachment{
			{Type: "image", URL: "https://cdn.example.com/label.png"}, {Type: "file", URL: "https://cdn.example.com/invoice.pdf"},
			{Type: "video", URL: "https://cdn.example.com/v.mp4"}, {Type: "audio", URL: "https://cdn.example.com/a.mp3"}}}}, []call{
			{p + "sendMessage", j(t, `{"chat_id":111222333,"text":"Your label"}`)},
			{p + "sendPhoto", j(t, `{"chat_id":111222333,"photo":"https://cdn.example.com/label.png"}`)},
			{p + "sendDocument", j(t, `{"chat_id":111222333,"document":"https://cdn.example.com/invoice.pdf"}`)},
			{p + "sendVideo", j(t, `{"chat_id":111222333,"video":"https://cdn.example.com/v.mp4"}`)},
			{p + "sendAudio", j(t, `{"chat_id":111222333,"audio":"https://cdn.example.com/a.mp3"}`)}}},
		{"upload", parley.Outgoing{Reply: parley.Reply{Attachments: []parley.ReplyAttachment{{Type: "file", FileID: "f1", Name: "report.pdf"}}},
			File: &parley.File{ID: "f1", Name: "report.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7")}}, []call{
			{p + "sendDocument", map[string]any{"chat_id": "111222333", "document": "upload:report.pdf"}}}},
		{"typing", parley.Outgoing{Action: parley.ActionTypingOn}, []call{
			{p + "sendChatAction", j(t, `{"chat_id":111222333,"action":"typing"}`)}}},
		{"mark seen is a no-op", parley.Outgoing{Action: parley.ActionMarkSeen}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, a := fake(t)
			res, err := c.Send(context.Background(), a, customer, &tt.out)
			if err != nil {
				t.Fatal(err)
			}
			if got := calls(t, s); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("calls:\n got %v\nwant %v", got, tt.want)
			}
			if tt.out.Action == "" && res.ExternalID != "111222333:1" { // chat id : first message id
				t.Fatalf("external id %q, want the first message's id", res.ExternalID)
			}
		})
	}
}

func TestSendUploadMultipart(t *testing.T) {
	s, c, a := fake(t)
	out := &parley.Outgoing{File: &parley.File{ID: "f1", Name: "photo.png", ContentType: "image/png", Data: []byte("\x89PNG")}}
	if _, err := c.Send(context.Background(), a, customer, out); err != nil {
		t.Fatal(err)
	}
	r := s.Requests()[0]
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data; boundary=") || r.APIMethod != "sendPhoto" ||
		r.Params["photo"] != "upload:photo.png" || !strings.Contains(string(r.Body), "\x89PNG") {
		t.Fatalf("upload request %s %q %v", r.APIMethod, r.Header.Get("Content-Type"), r.Params)
	}
}

// Buttons Telegram can't carry become numbered text the customer can answer.
func TestSendNumberedFallback(t *testing.T) {
	s, c, a := fake(t)
	out := &parley.Outgoing{Reply: parley.Reply{Text: "Pick one",
		Buttons: []parley.Button{
			{Title: "Standard delivery", Payload: strings.Repeat("x", 65)},
			{Type: parley.ButtonURL, Title: "Track", URL: "https://t.example.com/1"}},
		QuickReplies: []parley.QuickReply{{Title: "Billing"}}}}
	if _, err := c.Send(context.Background(), a, customer, out); err != nil {
		t.Fatal(err)
	}
	got := calls(t, s)
	want := []call{{"/bot" + botToken + "/sendMessage", map[string]any{"chat_id": 111222333.0,
		"text":         "Pick one\n\n1. Standard delivery\n2. Track: https://t.example.com/1",
		"reply_markup": j(t, `{"keyboard":[[{"text":"Billing"}]],"one_time_keyboard":true,"resize_keyboard":true}`)}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	// The customer answers with a number: only the numbered buttons count
	// (the quick reply is a keyboard key), and a link is no pick.
	numbered := c.NumberedChoices(a, out.Reply)
	for answer, payload := range map[string]string{"1": strings.Repeat("x", 65), "1.": strings.Repeat("x", 65), "2": "", "3": ""} {
		if got, _ := parley.PickChoice(numbered, answer); got.Payload != payload {
			t.Errorf("answer %q picks %q, want %q", answer, got.Payload, payload)
		}
	}
	if n := c.NumberedChoices(a, parley.Reply{Text: "Pick", Buttons: []parley.Button{{Title: "Yes"}}}); len(n) != 0 {
		t.Errorf("a reply shown as buttons has numbered choices %v", n)
	}
}

func TestAnswerCallbackAndSetWebhook(t *testing.T) {
	s, c, a := fake(t)
	if err := c.AnswerCallback(context.Background(), a, "4382bfdwdsb323b2d9"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetWebhook(context.Background(), a, "https://cc.example.com/webhooks/telegram/shop"); err != nil {
		t.Fatal(err)
	}
	p := "/bot" + botToken + "/"
	want := []call{
		{p + "answerCallbackQuery", j(t, `{"callback_query_id":"4382bfdwdsb323b2d9"}`)},
		{p + "setWebhook", j(t, `{"url":"https://cc.example.com/webhooks/telegram/shop","secret_token":"Zx8_kP3-random",
			"allowed_updates":["message","edited_message","callback_query","my_chat_member"]}`)},
	}
	if got := calls(t, s); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if h := s.Webhook(botToken); h.Secret != secret || h.URL == "" {
		t.Fatalf("webhook %+v", h)
	}
}

func TestSendRefusedLocally(t *testing.T) {
	s, c, a := fake(t)
	tests := []struct {
		name string
		to   *parley.Customer
		out  *parley.Outgoing
	}{
		{"empty reply", customer, &parley.Outgoing{}},
		{"bad chat id", &parley.Customer{ExternalID: "U123"}, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}}},
		{"attachment without url", customer, &parley.Outgoing{Reply: parley.Reply{Attachments: []parley.ReplyAttachment{{Type: "image"}}}}},
		{"unknown action", customer, &parley.Outgoing{Action: "wave"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Send(context.Background(), a, tt.to, tt.out)
			if se, ok := err.(*parley.SendError); !ok || se.Class != parley.SendPermanent {
				t.Fatalf("err = %#v, want permanent SendError", err)
			}
		})
	}
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("%d requests made", n)
	}
}
