package fakegraph

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf16"

	"github.com/parleycc/parley/channel/messenger"
)

// Customer is a person talking to a Page; its methods build the messaging
// items that person's actions produce, for use with Body.
type Customer struct {
	PageID string
	PSID   string
}

func (c Customer) item(ts time.Time, key string, v any) map[string]any {
	return map[string]any{
		"sender":    map[string]any{"id": c.PSID},
		"recipient": map[string]any{"id": c.PageID},
		"timestamp": ts.UnixMilli(),
		key:         v,
	}
}

// orNewMID returns mid, or a fresh random message id when empty.
func orNewMID(mid string) string {
	if mid == "" {
		return "m_" + rand64()
	}
	return mid
}

// Text is a text message.
func (c Customer) Text(mid, text string, ts time.Time) map[string]any {
	return c.item(ts, "message", map[string]any{"mid": orNewMID(mid), "text": text})
}

// QuickReply is a tap on a quick reply: text is the button title.
func (c Customer) QuickReply(mid, text, payload string, ts time.Time) map[string]any {
	return c.item(ts, "message", map[string]any{
		"mid": orNewMID(mid), "text": text, "quick_reply": map[string]any{"payload": payload},
	})
}

// Attachment is a message with one attachment (image, video, audio, file).
func (c Customer) Attachment(mid, typ, url string, ts time.Time) map[string]any {
	return c.item(ts, "message", map[string]any{
		"mid":         orNewMID(mid),
		"attachments": []any{map[string]any{"type": typ, "payload": map[string]any{"url": url}}},
	})
}

// Postback is a button tap.
func (c Customer) Postback(mid, title, payload string, ts time.Time) map[string]any {
	return c.item(ts, "postback", map[string]any{"mid": orNewMID(mid), "title": title, "payload": payload})
}

// Read is a read receipt for everything the Page sent up to watermark.
func (c Customer) Read(watermark, ts time.Time) map[string]any {
	return c.item(ts, "read", map[string]any{"watermark": watermark.UnixMilli()})
}

// Delivery is a delivery receipt.
func (c Customer) Delivery(mids []string, watermark, ts time.Time) map[string]any {
	return c.item(ts, "delivery", map[string]any{"mids": mids, "watermark": watermark.UnixMilli()})
}

// Echo is the echo of a text message the Page sent to the customer.
func (c Customer) Echo(appID int64, mid, text string, ts time.Time) map[string]any {
	return map[string]any{
		"sender":    map[string]any{"id": c.PageID},
		"recipient": map[string]any{"id": c.PSID},
		"timestamp": ts.UnixMilli(),
		"message":   map[string]any{"is_echo": true, "app_id": appID, "mid": orNewMID(mid), "text": text},
	}
}

// TextEvent returns a complete webhook body holding one text message.
func TextEvent(pageID, psid, mid, text string, ts time.Time) []byte {
	c := Customer{PageID: pageID, PSID: psid}
	return Body(pageID, c.Text(mid, text, ts))
}

// PostbackEvent returns a complete webhook body holding one postback.
func PostbackEvent(pageID, psid, mid, title, payload string, ts time.Time) []byte {
	c := Customer{PageID: pageID, PSID: psid}
	return Body(pageID, c.Postback(mid, title, payload, ts))
}

// Body wraps messaging items into a webhook body for one Page. The entry time
// is the latest item timestamp (now when there are none). Like the platform,
// non-ASCII characters are written as \u escapes. It returns nil if an item
// holds a value JSON cannot represent.
func Body(pageID string, items ...map[string]any) []byte {
	var latest int64
	for _, it := range items {
		if ts, ok := it["timestamp"].(int64); ok && ts > latest {
			latest = ts
		}
	}
	if latest == 0 {
		latest = time.Now().UnixMilli()
	}
	if items == nil {
		items = []map[string]any{}
	}
	env := map[string]any{
		"object": "page",
		"entry":  []any{map[string]any{"id": pageID, "time": latest, "messaging": items}},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(env); err != nil {
		return nil // only values JSON cannot represent (funcs, channels) get here
	}
	return escapeNonASCII(bytes.TrimRight(buf.Bytes(), "\n"))
}

// escapeNonASCII rewrites every non-ASCII rune as lowercase \uXXXX escapes
// (surrogate pairs beyond the BMP). Non-ASCII bytes only occur inside JSON
// strings, so this is safe on encoder output.
func escapeNonASCII(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, r := range string(b) {
		if r < 0x80 {
			out = append(out, byte(r))
			continue
		}
		for _, u := range utf16.Encode([]rune{r}) {
			out = fmt.Appendf(out, `\u%04x`, u)
		}
	}
	return out
}

// PostSigned POSTs body to url signed with appSecret, with the headers the
// platform sends. A nil client means one with a 15 s timeout. The caller
// must close the response body.
func PostSigned(ctx context.Context, client *http.Client, url string, body []byte, appSecret string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("fakegraph: post webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set(messenger.SignatureHeader, messenger.Sign(body, appSecret))
	mac := hmac.New(sha1.New, []byte(appSecret))
	mac.Write(body)
	req.Header.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(mac.Sum(nil)))
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fakegraph: post webhook: %w", err)
	}
	return resp, nil
}
