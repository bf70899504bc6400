package faketelegram_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/parleycc/parley/channel/telegram/faketelegram"
)

func TestFakeAnswers(t *testing.T) {
	s, ts := faketelegram.NewTestServer()
	defer ts.Close()
	s.AddBot("1:tok", faketelegram.Bot{ID: 1, Username: "b"})
	tests := []struct {
		name, path, body string
		status           int
		description      string
	}{
		{"unknown token", "/bot2:nope/getMe", `{}`, 401, "Unauthorized"},
		{"malformed token", "/botnope/getMe", `{}`, 404, "Not Found"},
		{"unknown method", "/bot1:tok/fly", `{}`, 404, "Not Found"},
		{"no chat", "/bot1:tok/sendMessage", `{"text":"x"}`, 400, "Bad Request: chat_id is empty"},
		{"empty text", "/bot1:tok/sendMessage", `{"chat_id":5,"text":""}`, 400, "Bad Request: message text is empty"},
		{"too long", "/bot1:tok/sendMessage", `{"chat_id":5,"text":"` + strings.Repeat("x", 4097) + `"}`, 400, "Bad Request: message is too long"},
		{"callback data", "/bot1:tok/sendMessage", `{"chat_id":5,"text":"x","reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("d", 65) + `"}]]}}`, 400, "Bad Request: BUTTON_DATA_INVALID"},
		{"no photo", "/bot1:tok/sendPhoto", `{"chat_id":5}`, 400, "Bad Request: there is no photo in the request"},
		{"ok", "/bot1:tok/sendMessage", `{"chat_id":5,"text":"hi"}`, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := ts.Client().Post(ts.URL+tt.path, "application/json", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var env struct {
				OK          bool   `json:"ok"`
				ErrorCode   int    `json:"error_code"`
				Description string `json:"description"`
			}
			_ = json.Unmarshal(b, &env)
			if resp.StatusCode != tt.status || env.Description != tt.description || env.OK != (tt.status == 200) ||
				(tt.status != 200 && env.ErrorCode != tt.status) {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
		})
	}
	if n := len(s.Requests()); n != len(tests) {
		t.Fatalf("%d requests recorded", n)
	}
	if c := s.Calls("sendMessage"); len(c) != 5 || c[4].Params["chat_id"] != "5" || c[4].Params["text"] != "hi" {
		t.Fatalf("calls %+v", c)
	}
}
