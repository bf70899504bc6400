package simulator

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// SamplePhotoPath is where the simulator serves the picture its customer
// sends as a photo; Parley downloads it like a Facebook CDN URL.
const SamplePhotoPath = "/simulator/media/sample.png"

var samplePhoto = sync.OnceValue(func() []byte {
	const w, h = 320, 200
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(80 + x*150/w), G: uint8(70 + y*120/h), B: 229, A: 255})
		}
	}
	// A white "sun" so the picture is recognisable in screenshots.
	for y := 40; y < 100; y++ {
		for x := 220; x < 280; x++ {
			if (x-250)*(x-250)+(y-70)*(y-70) < 900 {
				img.Set(x, y, color.White)
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
})

func (s *Simulator) servePhoto(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, "sample.png", time.Time{}, bytes.NewReader(samplePhoto()))
}

// baseURL is Parley's own address, from the webhook URL.
func (s *Simulator) baseURL() string {
	return strings.TrimSuffix(s.WebhookURL, "/webhooks/facebook")
}

// receipts plays the customer's phone receiving and reading a page
// message: a delivery then a read webhook, as Messenger sends them.
func (s *Simulator) receipts(psid, mid string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cust := fakegraph.Customer{PageID: s.PageID, PSID: psid}
	now := time.Now()
	if err := s.post(ctx, fakegraph.Body(s.PageID, cust.Delivery([]string{mid}, now, now))); err != nil {
		return
	}
	time.Sleep(300 * time.Millisecond)
	now = time.Now()
	_ = s.post(ctx, fakegraph.Body(s.PageID, cust.Read(now, now)))
}

// templateText renders a button or generic template as the phone's text.
func templateText(body map[string]any) string {
	msg, _ := body["message"].(map[string]any)
	att, _ := msg["attachment"].(map[string]any)
	p, _ := att["payload"].(map[string]any)
	var b strings.Builder
	if t, ok := p["text"].(string); ok {
		b.WriteString(t)
	}
	add := func(btns any) {
		list, _ := btns.([]any)
		for _, x := range list {
			if m, ok := x.(map[string]any); ok {
				b.WriteString(" [" + asString(m["title"]) + "]")
			}
		}
	}
	add(p["buttons"])
	if els, ok := p["elements"].([]any); ok {
		for _, e := range els {
			if m, ok := e.(map[string]any); ok {
				b.WriteString("\n▸ " + asString(m["title"]))
				add(m["buttons"])
			}
		}
	}
	return strings.TrimSpace(b.String())
}

func asString(v any) string {
	s, _ := v.(string)
	return s
}
