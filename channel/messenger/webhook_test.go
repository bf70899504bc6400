package messenger_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley/channel/messenger"
)

const (
	page1 = "106274378840137"
	page2 = "331912840017245"
	cust  = "7261893405519823"
	cust2 = "5503117720984412"
)

func at(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func in(pageID string, ms int64, events ...messenger.Event) messenger.Entry {
	return messenger.Entry{PageID: pageID, Time: at(ms), Events: events}
}

func TestParseWebhook(t *testing.T) {
	cdn := "https://scontent.xx.fbcdn.net/v/t1.15752-9/%s-123.bin?_nc_cat=1&oh=abc&oe=5B0C"
	media := func(typ string) messenger.Entry {
		return in(page1, 1518479195400, messenger.Event{
			Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1518479195308),
			MID:         "mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c_" + typ,
			Attachments: []messenger.Attachment{{Type: typ, URL: strings.Replace(cdn, "%s", typ, 1)}},
		})
	}
	msg := func(ts int64, mid, text string) messenger.Event {
		return messenger.Event{Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(ts), MID: mid, Text: text}
	}
	getStarted := &messenger.Referral{Ref: "case-8812", Source: "SHORTLINK", Type: "OPEN_THREAD"}
	sticker := "https://scontent.xx.fbcdn.net/v/t39.1997-6/851557_369239266556155_759568595_n.png"

	tests := []struct {
		file    string
		want    []messenger.Entry
		wantErr string
	}{
		{file: "text.json", want: []messenger.Entry{in(page1, 1752836400123, messenger.Event{
			Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836399871),
			MID:        "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P",
			Text:       "Hi, my order #4411 never arrived äöå",
			ReplyToMID: "m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU",
		})}},
		{file: "quick_reply.json", want: []messenger.Entry{in(page1, 1752836500000, messenger.Event{
			Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836499950),
			MID: "m_qr_Zx81kPq2", Text: "Yes", QuickReplyPayload: "CSAT_YES",
		})}},
		{file: "attachment_image.json", want: []messenger.Entry{media("image")}},
		{file: "attachment_video.json", want: []messenger.Entry{media("video")}},
		{file: "attachment_audio.json", want: []messenger.Entry{media("audio")}},
		{file: "attachment_file.json", want: []messenger.Entry{media("file")}},
		{file: "attachment_multi_images.json", want: []messenger.Entry{in(page1, 1518479195400, messenger.Event{
			Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1518479195308),
			MID: "mid.$cAAJdkrCd2ORnva8ErFhjGm0X_multi",
			Attachments: []messenger.Attachment{
				{Type: "image", URL: "https://scontent.xx.fbcdn.net/v/1.jpg"},
				{Type: "image", URL: "https://scontent.xx.fbcdn.net/v/2.jpg"},
			},
		})}},
		{file: "location.json", want: []messenger.Entry{in(page1, 1478283522519, messenger.Event{
			Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1478283522464),
			MID: "mid.1478283522464:07c3f0bd48",
			Attachments: []messenger.Attachment{{
				Type: "location", Title: "Pin's Location", Lat: 52.520008, Long: 13.404954,
				URL: "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.bing.com%2Fmaps%2Fdefault.aspx",
			}},
		})}},
		{file: "sticker_like.json", want: []messenger.Entry{in(page1, 1752836600000, messenger.Event{
			Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836599000),
			MID: "m_like_H3u2", StickerID: 369239263222822,
			Attachments: []messenger.Attachment{{Type: "sticker", URL: sticker, StickerID: 369239263222822}},
		})}},
		{file: "fallback_link.json", want: []messenger.Entry{in(page1, 1752836700000, messenger.Event{
			Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836699000),
			MID: "m_fb_link_1", Text: "look https://example.com/item/42",
			Attachments: []messenger.Attachment{{Type: "fallback", URL: "https://example.com/item/42", Title: "Blue kettle"}},
		})}},
		{file: "message_ad_referral.json", want: []messenger.Entry{in(page1, 1752837200000, messenger.Event{
			Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752837199000),
			MID: "m_ctm_1", Text: "Is the kettle in stock?",
			Referral: &messenger.Referral{Source: "ADS", Type: "OPEN_THREAD", AdID: "23851234567890123"},
		})}},
		{file: "postback_get_started.json", want: []messenger.Entry{in(page1, 1527459824100, messenger.Event{
			Kind: messenger.KindPostback, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1527459824000),
			MID:      "m_MnSnUHKcvUt2bGetStarted",
			Postback: &messenger.Postback{Title: "Get Started", Payload: "GET_STARTED", Referral: getStarted},
			Referral: getStarted,
		})}},
		{file: "postback_no_mid.json", want: []messenger.Entry{in(page1, 1527459900100, messenger.Event{
			Kind: messenger.KindPostback, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1527459900000),
			Postback: &messenger.Postback{Title: "Talk to an agent", Payload: "AGENT"},
		})}},
		{file: "optin_ref.json", want: []messenger.Entry{in(page1, 1752837000000, messenger.Event{
			Kind: messenger.KindOptin, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836999000),
			Optin: &messenger.Optin{Ref: "web-session-5f2c"},
		})}},
		{file: "optin_checkbox.json", want: []messenger.Entry{in(page1, 1752837100000, messenger.Event{
			Kind: messenger.KindOptin, PageID: page1, Timestamp: at(1752837099000),
			Optin: &messenger.Optin{Ref: "checkout", UserRef: "ur-0c9a1b77"},
		})}},
		{file: "referral.json", want: []messenger.Entry{in(page1, 1458692752500, messenger.Event{
			Kind: messenger.KindReferral, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1458692752478),
			Referral: &messenger.Referral{Ref: "spring-sale", Source: "ADS", Type: "OPEN_THREAD", AdID: "23851234567890123"},
		})}},
		{file: "delivery.json", want: []messenger.Entry{in(page1, 1458668856500, messenger.Event{
			Kind: messenger.KindDelivery, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1458668856463),
			Delivery: &messenger.Watermark{MIDs: []string{"mid.1458668856218:ed81099e15d3f4f233"}, Watermark: at(1458668856253)},
		})}},
		{file: "read.json", want: []messenger.Entry{in(page1, 1458668856500, messenger.Event{
			Kind: messenger.KindRead, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1458668856463),
			Read: &messenger.Watermark{Watermark: at(1458668856253)},
		})}},
		{file: "echo.json", want: []messenger.Entry{in(page1, 1457764197700, messenger.Event{
			Kind: messenger.KindEcho, PageID: page1, SenderID: page1, PSID: cust, Timestamp: at(1457764197627),
			MID: "mid.1457764197618:41d102a3e1ae206a38", Text: "Thanks, a replacement ships Monday.",
			Metadata: "parley:msg:8842", AppID: 1517776481860111,
		})}},
		{file: "reaction.json", want: []messenger.Entry{in(page1, 1458668856500, messenger.Event{
			Kind: messenger.KindReaction, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1458668856463),
			Reaction: &messenger.Reaction{Reaction: "love", Emoji: "\u2764\uFE0F", Action: "react", MID: "mid.1457764197618:41d102a3e1ae206a38"},
		})}},
		{file: "two_pages.json", want: []messenger.Entry{
			in(page1, 1752836400200, msg(1752836400100, "m_page1_a", "hello page one")),
			in(page2, 1752836400300, messenger.Event{
				Kind: messenger.KindMessage, PageID: page2, SenderID: cust2, PSID: cust2, Timestamp: at(1752836400250),
				MID: "m_page2_a", Text: "hello page two",
			}),
		}},
		{file: "out_of_order.json", want: []messenger.Entry{in(page1, 1752836403000,
			msg(1752836400000, "m_first", "first"),
			messenger.Event{
				Kind: messenger.KindRead, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836400000),
				Read: &messenger.Watermark{Watermark: at(1752836399000)},
			},
			msg(1752836401000, "m_second", "second"),
			msg(1752836402000, "m_third", "third"),
		)}},
		{file: "standby.json", want: []messenger.Entry{in(page1, 1752836800000,
			messenger.Event{
				Kind: messenger.KindPostback, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836799000),
				Postback: &messenger.Postback{Title: "Talk to an agent"}, IsStandby: true,
			},
			messenger.Event{
				Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836799500),
				MID: "m_standby_1", Text: "is anyone there?", IsStandby: true,
			},
		)}},
		{file: "unknown_kind.json", want: []messenger.Entry{in(page1, 1752836900000,
			messenger.Event{Kind: messenger.KindUnknown, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836899000)},
			messenger.Event{Kind: messenger.KindUnknown, PageID: page1, Timestamp: at(1752836899500)},
		)}},
		// Timestamps and watermarks in seconds (values below 1e12) are seconds.
		{file: "referral_seconds.json", want: []messenger.Entry{in(page1, 1458692752000, messenger.Event{
			Kind: messenger.KindReferral, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1458692752000),
			Referral: &messenger.Referral{Ref: "spring-sale", Source: "SHORTLINK", Type: "OPEN_THREAD"},
		})}},
		{file: "optin_seconds.json", want: []messenger.Entry{in(page1, 1752837000000, messenger.Event{
			Kind: messenger.KindOptin, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836999000),
			Optin: &messenger.Optin{Ref: "web-session-5f2d"},
		})}},
		{file: "message_seconds.json", want: []messenger.Entry{in(page1, 1752836400000,
			msg(1752836399000, "m_seconds_1", "sent in seconds"),
		)}},
		{file: "read_seconds.json", want: []messenger.Entry{in(page1, 1458668856000,
			messenger.Event{
				Kind: messenger.KindRead, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1458668856000),
				Read: &messenger.Watermark{Watermark: at(1458668855000)},
			},
			messenger.Event{
				Kind: messenger.KindDelivery, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1458668857000),
				Delivery: &messenger.Watermark{MIDs: []string{"mid.1458668856218:ed81099e15d3f4f234"}, Watermark: at(1458668856000)},
			},
		)}},
		// Items that do not belong to the entry's page, or carry ids that are
		// not numeric, are dropped.
		{file: "other_page_recipient.json", want: []messenger.Entry{in(page1, 1752836400500,
			msg(1752836400200, "m_this_page", "meant for this page"),
		)}},
		{file: "echo_other_page.json", want: []messenger.Entry{in(page1, 1457764197700, messenger.Event{
			Kind: messenger.KindEcho, PageID: page1, SenderID: page1, PSID: cust, Timestamp: at(1457764197627),
			MID: "mid.echo_this_page", Text: "this page's echo", AppID: 1517776481860111,
		})}},
		{file: "non_numeric_ids.json", want: []messenger.Entry{in(page1, 1752836401000,
			msg(1752836400400, "m_good_ids", "good ids"),
		)}},
		// fallback and ig_reel attachments need an http(s) URL; a message left
		// without content is dropped.
		{file: "fallback_bad_url.json", want: []messenger.Entry{in(page1, 1752836701000,
			msg(1752836700100, "m_fb_js", "look at this"),
			messenger.Event{
				Kind: messenger.KindMessage, PageID: page1, SenderID: cust, PSID: cust, Timestamp: at(1752836700300),
				MID:         "m_reel_ok",
				Attachments: []messenger.Attachment{{Type: "ig_reel", URL: "https://www.instagram.com/reel/C8x1/", Title: "Kettle reel"}},
			},
		)}},
		{file: "malformed.json", wantErr: "malformed body"},
		{file: "wrong_object.json", wantErr: `object is "instagram", want "page"`},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".json"), func(t *testing.T) {
			b, err := messenger.ParseWebhook(fixture(t, tt.file))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "messenger: parse webhook: ") {
					t.Errorf("err %q lacks package context", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range b.Entries {
				for i := range e.Events {
					if !json.Valid(e.Events[i].Raw) {
						t.Errorf("event %d: Raw is not valid JSON: %q", i, e.Events[i].Raw)
					}
					e.Events[i].Raw = nil
				}
			}
			if !reflect.DeepEqual(b.Entries, tt.want) {
				got, _ := json.MarshalIndent(b.Entries, "", "  ")
				want, _ := json.MarshalIndent(tt.want, "", "  ")
				t.Errorf("entries mismatch\ngot:  %s\nwant: %s", got, want)
			}
		})
	}
}

func TestParseWebhookKeepsRaw(t *testing.T) {
	b, err := messenger.ParseWebhook(fixture(t, "unknown_kind.json"))
	if err != nil {
		t.Fatal(err)
	}
	ev := b.Events()
	if len(ev) != 2 {
		t.Fatalf("got %d events", len(ev))
	}
	var item map[string]json.RawMessage
	if err := json.Unmarshal(ev[0].Raw, &item); err != nil {
		t.Fatal(err)
	}
	if _, ok := item["message_edit"]; !ok {
		t.Errorf("Raw lost the message_edit payload: %s", ev[0].Raw)
	}
	if !strings.Contains(string(ev[1].Raw), `"policy_enforcement"`) {
		t.Errorf("Raw lost the policy_enforcement payload: %s", ev[1].Raw)
	}
}

func TestParseWebhookTolerant(t *testing.T) {
	tests := []struct {
		name, body string
		kinds      []messenger.Kind
	}{
		{"empty entry list", `{"object":"page","entry":[]}`, nil},
		{"no entry", `{"object":"page"}`, nil},
		{"item not an object", `{"object":"page","entry":[{"id":"1","messaging":[42,null,"x"]}]}`,
			[]messenger.Kind{messenger.KindUnknown, messenger.KindUnknown, messenger.KindUnknown}},
		{"message of wrong type", `{"object":"page","entry":[{"id":"1","messaging":[{"timestamp":5,"message":"hi"}]}]}`,
			[]messenger.Kind{messenger.KindUnknown}},
		{"numeric ids", `{"object":"page","entry":[{"id":1,"time":"2","messaging":[{"sender":{"id":7},"recipient":{"id":1},"timestamp":3,"message":{"mid":"m","text":"t"}}]}]}`,
			[]messenger.Kind{messenger.KindMessage}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := messenger.ParseWebhook([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			var kinds []messenger.Kind
			for _, e := range b.Events() {
				kinds = append(kinds, e.Kind)
			}
			if !reflect.DeepEqual(kinds, tt.kinds) {
				t.Errorf("kinds = %v, want %v", kinds, tt.kinds)
			}
		})
	}
	for _, bad := range []string{``, `null`, `[]`, `{"object":"page","entry":{}}`, `{"object":"page","entry":[{"id":{}}]}`} {
		if _, err := messenger.ParseWebhook([]byte(bad)); err == nil {
			t.Errorf("ParseWebhook(%q): want error", bad)
		}
	}
}

func TestDedupKey(t *testing.T) {
	keys := map[string]string{}
	for _, f := range []string{
		"text.json", "postback_get_started.json", "postback_no_mid.json", "optin_ref.json", "optin_checkbox.json",
		"referral.json", "delivery.json", "read.json", "echo.json", "reaction.json", "unknown_kind.json", "out_of_order.json",
	} {
		body := fixture(t, f)
		a, err := messenger.ParseWebhook(body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := messenger.ParseWebhook(body) // a redelivery
		ea, eb := a.Events(), b.Events()
		for i := range ea {
			k := ea[i].DedupKey()
			if k == "" {
				t.Errorf("%s[%d]: empty key", f, i)
			}
			if k != eb[i].DedupKey() {
				t.Errorf("%s[%d]: key not stable", f, i)
			}
			if prev, dup := keys[k]; dup {
				t.Errorf("%s[%d]: key %q collides with %s", f, i, k, prev)
			}
			keys[k] = f
		}
	}
	b, _ := messenger.ParseWebhook(fixture(t, "text.json"))
	if got := b.Events()[0].DedupKey(); got != "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P" {
		t.Errorf("message key = %q, want the mid", got)
	}
	r1, _ := messenger.ParseWebhook([]byte(`{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":10,"read":{"watermark":5}}]}]}`))
	r2, _ := messenger.ParseWebhook([]byte(`{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":10,"read":{"watermark":6}}]}]}`))
	if r1.Events()[0].DedupKey() == r2.Events()[0].DedupKey() {
		t.Error("reads with different watermarks share a key")
	}
}

// TestParseWebhookStripsNUL checks that no string the parser produces holds
// a NUL byte or invalid UTF-8 (PostgreSQL text cannot store NUL), wherever
// the webhook put it.
func TestParseWebhookStripsNUL(t *testing.T) {
	b, err := messenger.ParseWebhook(fixture(t, "nul.json"))
	if err != nil {
		t.Fatal(err)
	}
	evs := b.Events()
	if len(evs) != 6 {
		t.Fatalf("got %d events, want 6", len(evs))
	}
	if b.Entries[0].PageID != page1 {
		t.Errorf("page id = %q", b.Entries[0].PageID)
	}
	for i, ev := range evs {
		ev.Raw = nil
		walkStrings(reflect.ValueOf(ev), func(s string) {
			if strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
				t.Errorf("event %d (%s): string %q is not clean", i, ev.Kind, s)
			}
		})
	}
	if m := evs[0]; m.MID != "m_nul_1" || m.Text != "Hello" || m.PSID != cust || m.Attachments[0].URL != "https://cdn.example.com/a.bin" {
		t.Errorf("message = %+v", m)
	}
}

// walkStrings calls f with every string reachable from v.
func walkStrings(v reflect.Value, f func(string)) {
	switch v.Kind() {
	case reflect.String:
		f(v.String())
	case reflect.Pointer:
		if !v.IsNil() {
			walkStrings(v.Elem(), f)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkStrings(v.Index(i), f)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range v.NumField() {
			walkStrings(v.Field(i), f)
		}
	}
}
