package simulator

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"time"
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
