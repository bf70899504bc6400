package fakeline_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/parleycc/parley/channel/line/fakeline"
)

func TestFakeAnswers(t *testing.T) {
	s, ts := fakeline.NewTestServer()
	defer ts.Close()
	s.AddBot(fakeline.Bot{Token: "tok", Secret: "sec", UserID: "Ubot"})
	six := `[` + strings.Repeat(`{"type":"text","text":"x"},`, 5) + `{"type":"text","text":"x"}]`
	key := "6f2b3c1e-0d4a-5b6c-8d7e-9f0a1b2c3d4e"
	tests := []struct {
		name, method, path, auth, key, body string
		status                              int
		message                             string
	}{
		{"no token", "GET", "/v2/bot/info", "", "", "", 401, "Authentication failed. Confirm that the access token in the authorization header is valid."},
		{"unknown path", "GET", "/v2/bot/nope", "tok", "", "", 404, "Not found"},
		{"six messages", "POST", "/v2/bot/message/push", "tok", "", `{"to":"U1","messages":` + six + `}`, 400, "The request body has 1 error(s)"},
		{"empty text", "POST", "/v2/bot/message/push", "tok", "", `{"to":"U1","messages":[{"type":"text","text":""}]}`, 400, "The request body has 1 error(s)"},
		{"bad retry key", "POST", "/v2/bot/message/push", "tok", "nope", `{"to":"U1","messages":[{"type":"text","text":"x"}]}`, 400, "The value for the 'X-Line-Retry-Key' header is invalid"},
		{"push", "POST", "/v2/bot/message/push", "tok", key, `{"to":"U1","messages":[{"type":"text","text":"x"}]}`, 200, ""},
		{"same key again", "POST", "/v2/bot/message/push", "tok", key, `{"to":"U1","messages":[{"type":"text","text":"x"}]}`, 409, "The retry key is already accepted"},
		{"reply with retry key", "POST", "/v2/bot/message/reply", "tok", key, `{"replyToken":"x","messages":[{"type":"text","text":"x"}]}`, 400, "The retry key is not supported for this API"},
		{"unknown reply token", "POST", "/v2/bot/message/reply", "tok", "", `{"replyToken":"x","messages":[{"type":"text","text":"x"}]}`, 400, "Invalid reply token"},
		{"http endpoint", "PUT", "/v2/bot/channel/webhook/endpoint", "tok", "", `{"endpoint":"http://x"}`, 400, "Invalid webhook endpoint URL"},
		{"loading", "POST", "/v2/bot/chat/loading/start", "tok", "", `{"chatId":"U1","loadingSeconds":20}`, 202, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader(tt.body))
			if tt.auth != "" {
				req.Header.Set("Authorization", "Bearer "+tt.auth)
			}
			if tt.key != "" {
				req.Header.Set("X-Line-Retry-Key", tt.key)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var body struct{ Message string }
			_ = json.Unmarshal(b, &body)
			if resp.StatusCode != tt.status || body.Message != tt.message {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
			if tt.status == 409 && resp.Header.Get("X-Line-Accepted-Request-Id") == "" {
				t.Fatal("409 without x-line-accepted-request-id")
			}
		})
	}
	if n := len(s.Requests()); n != len(tests) {
		t.Fatalf("%d requests recorded", n)
	}
}

func TestSignAndEnvelope(t *testing.T) {
	body := fakeline.Envelope("U8e742f61d673b39c7fff3cecb7536ef0")
	if string(body) != `{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}` {
		t.Fatalf("envelope %s", body)
	}
	if got := fakeline.Sign(body, "8c570fa6dd201bb328f1c1eac23a96d8"); got != "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=" {
		t.Fatalf("signature %s", got)
	}
}
