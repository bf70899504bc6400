package line_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
	"github.com/parleycc/parley/channel/line/fakeline"
)

var customer = &parley.Customer{ExternalID: user}

// body decodes a recorded request body.
func body(t *testing.T, r fakeline.Request) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("%s: %s: %v", r.Path, r.Body, err)
	}
	return v
}

func push(t *testing.T, msgs string) any {
	return j(t, `{"to":"`+user+`","messages":`+msgs+`}`)
}

func TestSendShapes(t *testing.T) {
	long := strings.Repeat("a", 4990) + " " + strings.Repeat("b", 20)
	tests := []struct {
		name string
		out  parley.Outgoing
		want []any // push bodies, in order
	}{
		{"text", parley.Outgoing{Reply: parley.Reply{Text: "Hi! An agent will answer shortly."}},
			[]any{push(t, `[{"type":"text","text":"Hi! An agent will answer shortly."}]`)}},
		{"long text split", parley.Outgoing{Reply: parley.Reply{Text: long}},
			[]any{push(t, `[{"type":"text","text":"`+strings.Repeat("a", 4990)+`"},{"type":"text","text":"`+strings.Repeat("b", 20)+`"}]`)}},
		{"quick replies", parley.Outgoing{Reply: parley.Reply{Text: "Which topic?", QuickReplies: []parley.QuickReply{
			{Title: "Billing"}, {Title: "Talk to an agent", Payload: "agent=1"}}}},
			[]any{push(t, `[{"type":"text","text":"Which topic?","quickReply":{"items":[
				{"type":"action","action":{"type":"message","label":"Billing","text":"Billing"}},
				{"type":"action","action":{"type":"postback","label":"Talk to an agent","data":"agent=1","displayText":"Talk to an agent"}}]}}]`)}},
		{"buttons template", parley.Outgoing{Reply: parley.Reply{Text: "How did we do?", Buttons: []parley.Button{
			{Type: parley.ButtonPostback, Title: "Good", Payload: "csat=5"}, {Title: "Bad", Payload: "csat=1"},
			{Type: parley.ButtonURL, Title: "Open ticket", URL: "https://support.example.com/t/1"}}}},
			[]any{push(t, `[{"type":"template","altText":"How did we do?","template":{"type":"buttons","text":"How did we do?","actions":[
				{"type":"postback","label":"Good","data":"csat=5","displayText":"Good"},
				{"type":"postback","label":"Bad","data":"csat=1","displayText":"Bad"},
				{"type":"uri","label":"Open ticket","uri":"https://support.example.com/t/1"}]}}]`)}},
		{"buttons with long text", parley.Outgoing{Reply: parley.Reply{Text: strings.Repeat("x", 161), Buttons: []parley.Button{{Title: "OK"}}}},
			[]any{push(t, `[{"type":"text","text":"`+strings.Repeat("x", 161)+`"},
				{"type":"template","altText":"Please choose:","template":{"type":"buttons","text":"Please choose:","actions":[
				{"type":"postback","label":"OK","data":"OK","displayText":"OK"}]}}]`)}},
		{"cards as flex carousel", parley.Outgoing{Reply: parley.Reply{Cards: []parley.Card{
			{Title: "Red shoes", Subtitle: "EUR 49", ImageURL: "https://cdn.example.com/red.jpg", Buttons: []parley.Button{{Title: "Buy", Payload: "buy:red"}}},
			{Title: "Blue shoes"}}}},
			[]any{push(t, `[{"type":"flex","altText":"Red shoes, Blue shoes","contents":{"type":"carousel","contents":[
				{"type":"bubble","hero":{"type":"image","url":"https://cdn.example.com/red.jpg","size":"full","aspectMode":"cover"},
				 "body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Red shoes","weight":"bold","size":"lg","wrap":true},{"type":"text","text":"EUR 49","wrap":true}]},
				 "footer":{"type":"box","layout":"vertical","contents":[{"type":"button","action":{"type":"postback","label":"Buy","data":"buy:red","displayText":"Buy"}}]}},
				{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Blue shoes","weight":"bold","size":"lg","wrap":true}]}}]}}]`)}},
		{"attachments", parley.Outgoing{Reply: parley.Reply{Attachments: []parley.ReplyAttachment{
			{Type: "image", URL: "https://cdn.example.com/a.jpg"}, {Type: "file", Name: "invoice.pdf", URL: "https://cdn.example.com/invoice.pdf"}}}},
			[]any{push(t, `[{"type":"image","originalContentUrl":"https://cdn.example.com/a.jpg","previewImageUrl":"https://cdn.example.com/a.jpg"},
				{"type":"text","text":"invoice.pdf: https://cdn.example.com/invoice.pdf"}]`)}},
		{"more than five messages", parley.Outgoing{Reply: parley.Reply{Text: "See below", Attachments: []parley.ReplyAttachment{
			{Type: "image", URL: "https://c.example.com/1.jpg"}, {Type: "image", URL: "https://c.example.com/2.jpg"},
			{Type: "image", URL: "https://c.example.com/3.jpg"}, {Type: "image", URL: "https://c.example.com/4.jpg"},
			{Type: "image", URL: "https://c.example.com/5.jpg"}}, QuickReplies: []parley.QuickReply{{Title: "Thanks"}}}},
			[]any{push(t, `[{"type":"text","text":"See below"},
				{"type":"image","originalContentUrl":"https://c.example.com/1.jpg","previewImageUrl":"https://c.example.com/1.jpg"},
				{"type":"image","originalContentUrl":"https://c.example.com/2.jpg","previewImageUrl":"https://c.example.com/2.jpg"},
				{"type":"image","originalContentUrl":"https://c.example.com/3.jpg","previewImageUrl":"https://c.example.com/3.jpg"},
				{"type":"image","originalContentUrl":"https://c.example.com/4.jpg","previewImageUrl":"https://c.example.com/4.jpg"}]`),
				push(t, `[{"type":"image","originalContentUrl":"https://c.example.com/5.jpg","previewImageUrl":"https://c.example.com/5.jpg",
				"quickReply":{"items":[{"type":"action","action":{"type":"message","label":"Thanks","text":"Thanks"}}]}}]`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, a := fake(t)
			tt.out.MessageID = "msg-1"
			res, err := c.Send(context.Background(), a, customer, &tt.out)
			if err != nil {
				t.Fatal(err)
			}
			reqs := s.Requests()
			if len(reqs) != len(tt.want) {
				t.Fatalf("%d requests, want %d", len(reqs), len(tt.want))
			}
			for i, r := range reqs {
				if r.Method != "POST" || r.Path != "/v2/bot/message/push" || r.Header.Get("Authorization") != "Bearer "+token ||
					r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-Line-Retry-Key") != line.RetryKey("msg-1", i) {
					t.Fatalf("request %d: %s %s %v", i, r.Method, r.Path, r.Header)
				}
				if got := body(t, r); !reflect.DeepEqual(got, tt.want[i]) {
					t.Fatalf("request %d body:\n got %s", i, r.Body)
				}
			}
			if res.ExternalID == "" {
				t.Fatal("no external id")
			}
		})
	}
}

func TestRetryKey(t *testing.T) {
	k := line.RetryKey("msg-1", 0)
	if k != line.RetryKey("msg-1", 0) || k == line.RetryKey("msg-1", 1) || k == line.RetryKey("msg-2", 0) {
		t.Fatal("retry keys are not deterministic per message and part")
	}
	if len(k) != 36 || k[14] != '5' || !strings.ContainsRune("89ab", rune(k[19])) {
		t.Fatalf("not a v5-style UUID: %s", k)
	}
	if line.RetryKey("", 0) != "" {
		t.Fatal("key without message id")
	}
}

// A retried push with the same key is answered 409 and counts as sent.
func TestSendRetryIsIdempotent(t *testing.T) {
	s, c, a := fake(t)
	out := &parley.Outgoing{MessageID: "msg-7", Reply: parley.Reply{Text: "once"}}
	if _, err := c.Send(context.Background(), a, customer, out); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(context.Background(), a, customer, out); err != nil {
		t.Fatalf("retry: %v", err)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Header.Get("X-Line-Retry-Key") != reqs[1].Header.Get("X-Line-Retry-Key") {
		t.Fatalf("requests %v", reqs)
	}
}

func TestSendTyping(t *testing.T) {
	s, c, a := fake(t)
	for _, act := range []string{parley.ActionTypingOn, parley.ActionMarkSeen, parley.ActionTypingOff} {
		if _, err := c.Send(context.Background(), a, customer, &parley.Outgoing{Action: act}); err != nil {
			t.Fatalf("%s: %v", act, err)
		}
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v2/bot/chat/loading/start" ||
		!reflect.DeepEqual(body(t, reqs[0]), j(t, `{"chatId":"`+user+`","loadingSeconds":20}`)) {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestReply(t *testing.T) {
	s, c, a := fake(t)
	tok := s.IssueReplyToken()
	res, err := c.Reply(context.Background(), a, tok, &parley.Outgoing{MessageID: "m1", Reply: parley.Reply{Text: "Welcome!"}})
	if err != nil || res.ExternalID == "" {
		t.Fatalf("reply: %+v %v", res, err)
	}
	r := s.Requests()[0]
	if r.Path != "/v2/bot/message/reply" || r.Header.Get("X-Line-Retry-Key") != "" ||
		!reflect.DeepEqual(body(t, r), j(t, `{"replyToken":"`+tok+`","messages":[{"type":"text","text":"Welcome!"}]}`)) {
		t.Fatalf("reply request %s %v %s", r.Path, r.Header, r.Body)
	}
	_, err = c.Reply(context.Background(), a, tok, &parley.Outgoing{Reply: parley.Reply{Text: "again"}})
	var se *parley.SendError
	if !line.IsInvalidReplyToken(err) || !errors.As(err, &se) || se.Class != parley.SendPermanent {
		t.Fatalf("used token: %v", err)
	}
	six := &parley.Outgoing{Reply: parley.Reply{Attachments: make([]parley.ReplyAttachment, 6)}}
	for i := range six.Attachments {
		six.Attachments[i] = parley.ReplyAttachment{Type: "image", URL: "https://c.example.com/x.jpg"}
	}
	if _, err := c.Reply(context.Background(), a, s.IssueReplyToken(), six); !errors.As(err, &se) || se.Class != parley.SendPermanent {
		t.Fatalf("six messages: %v", err)
	}
}

// What LINE can't show becomes numbered text the customer can answer with
// the number.
func TestSendNumberedFallback(t *testing.T) {
	five := []parley.Button{{Title: "One"}, {Title: "Two"}, {Title: "Three"}, {Title: "Four"}, {Type: parley.ButtonURL, Title: "Five", URL: "https://x.example.com/5"}}
	qrs := make([]parley.QuickReply, 14)
	for i := range qrs {
		qrs[i] = parley.QuickReply{Title: string(rune('A' + i))}
	}
	cards := make([]parley.Card, 13)
	for i := range cards {
		cards[i] = parley.Card{Title: "Card " + string(rune('A'+i))}
	}
	cards[0].Buttons = []parley.Button{{Title: "Pick A"}}
	tests := []struct {
		name string
		out  parley.Reply
		want string // the text messages, joined by "|"
		// picks: the customer's answer → the payload it picks ("" none).
		picks map[string]string
	}{
		{"five buttons", parley.Reply{Text: "Pick one", Buttons: five},
			"Pick one\n\n1. One\n2. Two\n3. Three\n4. Four\n5. Five: https://x.example.com/5",
			map[string]string{"2": "Two", "4.": "Four", "5": "", "6": "", "two": ""}},
		{"fourteen quick replies", parley.Reply{Text: "Letter?", QuickReplies: qrs},
			"Letter?\n\n1. A\n2. B\n3. C\n4. D\n5. E\n6. F\n7. G\n8. H\n9. I\n10. J\n11. K\n12. L\n13. M\n14. N",
			map[string]string{"14": "N", "0": ""}},
		{"long postback data", parley.Reply{Buttons: []parley.Button{{Title: "Go", Payload: strings.Repeat("p", 301)}}},
			"1. Go", map[string]string{"1": strings.Repeat("p", 301)}},
		{"thirteen cards", parley.Reply{Text: "Our shoes", Cards: cards},
			"Our shoes|Card A\n1. Pick A\n\nCard B\n\nCard C\n\nCard D\n\nCard E\n\nCard F\n\nCard G\n\nCard H\n\nCard I\n\nCard J\n\nCard K\n\nCard L\n\nCard M",
			map[string]string{"1": "Pick A", "2": ""}},
		// Buttons as a template, the quick replies numbered: "1" is the
		// first quick reply, not the first button.
		{"template buttons, numbered quick replies", parley.Reply{Text: "Letter?", Buttons: five[:2], QuickReplies: qrs},
			"", map[string]string{"1": "A", "14": "N", "15": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, a := fake(t)
			if _, err := c.Send(context.Background(), a, customer, &parley.Outgoing{Reply: tt.out}); err != nil {
				t.Fatal(err)
			}
			var texts []string
			for _, r := range s.Requests() {
				var b struct {
					Messages []struct {
						Type, Text string
						QuickReply any `json:"quickReply"`
					}
				}
				_ = json.Unmarshal(r.Body, &b)
				for _, m := range b.Messages {
					if tt.want != "" && (m.Type != "text" || m.QuickReply != nil) {
						t.Fatalf("not plain text: %s", r.Body)
					}
					texts = append(texts, m.Text)
				}
			}
			if got := strings.Join(texts, "|"); tt.want != "" && got != tt.want {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
			numbered := c.NumberedChoices(a, tt.out)
			for answer, want := range tt.picks {
				got, _ := parley.PickChoice(numbered, answer)
				if got.Payload != want {
					t.Errorf("answer %q picks %q, want %q", answer, got.Payload, want)
				}
			}
		})
	}
}

func TestSendRefusedLocally(t *testing.T) {
	s, c, a := fake(t)
	tests := []struct {
		name string
		to   *parley.Customer
		out  *parley.Outgoing
	}{
		{"empty", customer, &parley.Outgoing{}},
		{"bad user id", &parley.Customer{ExternalID: "../v2/bot/info"}, &parley.Outgoing{Reply: parley.Reply{Text: "x"}}},
		{"upload", customer, &parley.Outgoing{File: &parley.File{Name: "a.pdf", Data: []byte("x")}}},
		{"attachment without url", customer, &parley.Outgoing{Reply: parley.Reply{Attachments: []parley.ReplyAttachment{{Type: "image"}}}}},
		{"unknown action", customer, &parley.Outgoing{Action: "wave"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Send(context.Background(), a, tt.to, tt.out)
			var se *parley.SendError
			if !errors.As(err, &se) || se.Class != parley.SendPermanent {
				t.Fatalf("err = %v, want permanent", err)
			}
		})
	}
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("%d requests made", n)
	}
}

// Send answers with the customer's reply token when it has one and the
// reply fits one request; a refused token falls back to a push, a reply
// without an answer stays an error (it may have gone out).
func TestSendWithReplyToken(t *testing.T) {
	six := make([]parley.ReplyAttachment, 6)
	for i := range six {
		six[i] = parley.ReplyAttachment{Type: "image", URL: "https://c.example.com/x.jpg"}
	}
	tests := []struct {
		name      string
		token     string // "fresh": one the fake issued
		reply     parley.Reply
		faults    int // status of every request (0: none)
		wantPaths []string
		wantErr   string
	}{
		{"fresh token replies", "fresh", parley.Reply{Text: "Welcome!"}, 0,
			[]string{"/v2/bot/message/reply"}, ""},
		{"no token pushes", "", parley.Reply{Text: "Welcome!"}, 0,
			[]string{"/v2/bot/message/push"}, ""},
		{"used or expired token pushes", "expired-token", parley.Reply{Text: "Welcome!"}, 0,
			[]string{"/v2/bot/message/reply", "/v2/bot/message/push"}, ""},
		{"more than five messages push", "fresh", parley.Reply{Attachments: six}, 0,
			[]string{"/v2/bot/message/push", "/v2/bot/message/push"}, ""},
		{"a failing reply is retried, not pushed", "fresh", parley.Reply{Text: "Welcome!"}, 500,
			[]string{"/v2/bot/message/reply"}, parley.SendRetry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, a := fake(t)
			tok := tt.token
			if tok == "fresh" {
				tok = s.IssueReplyToken()
			}
			if tt.faults != 0 {
				s.SetFaults(100, tt.faults)
			}
			res, err := c.Send(context.Background(), a, customer, &parley.Outgoing{MessageID: "m1", ReplyToken: tok, Reply: tt.reply})
			var se *parley.SendError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("send: %v", err)
			case tt.wantErr != "" && (!errors.As(err, &se) || se.Class != tt.wantErr):
				t.Fatalf("send: %v, want a %s error", err, tt.wantErr)
			case tt.wantErr == "" && res.ExternalID == "":
				t.Fatalf("send: no message id")
			}
			var paths []string
			for _, r := range s.Requests() {
				paths = append(paths, r.Path)
			}
			if !reflect.DeepEqual(paths, tt.wantPaths) {
				t.Fatalf("requests %v, want %v", paths, tt.wantPaths)
			}
		})
	}
}
