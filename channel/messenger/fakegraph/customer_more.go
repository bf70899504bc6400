package fakegraph

import "time"

// LikeStickerID is the sticker id of the thumbs-up "like".
const LikeStickerID = 369239263222822

// Location is a shared location (the platform sends it as an attachment
// with coordinates and a map link).
func (c Customer) Location(mid string, lat, long float64, title string, ts time.Time) map[string]any {
	return c.item(ts, "message", map[string]any{
		"mid": orNewMID(mid),
		"attachments": []any{map[string]any{
			"type": "location", "title": title,
			"payload": map[string]any{"coordinates": map[string]any{"lat": lat, "long": long}},
		}},
	})
}

// Sticker is a sticker message; LikeStickerID is the thumbs-up.
func (c Customer) Sticker(mid string, stickerID int64, url string, ts time.Time) map[string]any {
	return c.item(ts, "message", map[string]any{
		"mid": orNewMID(mid), "sticker_id": stickerID,
		"attachments": []any{map[string]any{"type": "image", "payload": map[string]any{"url": url, "sticker_id": stickerID}}},
	})
}

// Optin is a Send to Messenger plugin opt-in carrying ref.
func (c Customer) Optin(ref string, ts time.Time) map[string]any {
	return c.item(ts, "optin", map[string]any{"ref": ref})
}

// Referral is an m.me link (source SHORTLINK) or ad referral opening an
// existing thread.
func (c Customer) Referral(ref, source string, ts time.Time) map[string]any {
	return c.item(ts, "referral", map[string]any{"ref": ref, "source": source, "type": "OPEN_THREAD"})
}

// GetStarted is a tap on the Get Started button, which may carry the ref
// of the m.me link that opened the thread.
func (c Customer) GetStarted(mid, payload, ref string, ts time.Time) map[string]any {
	pb := map[string]any{"mid": orNewMID(mid), "title": "Get Started", "payload": payload}
	if ref != "" {
		pb["referral"] = map[string]any{"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"}
	}
	return c.item(ts, "postback", pb)
}

// Unsubscribe drops the app's webhook subscription for the page, as the
// platform does after about an hour of failed deliveries.
func (s *Server) Unsubscribe(pageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pages[pageID]; p != nil {
		p.fields = nil
	}
}

// SubscribedFields returns the page's subscribed webhook fields (nil when
// the app is not subscribed).
func (s *Server) SubscribedFields(pageID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pages[pageID]; p != nil {
		return append([]string(nil), p.fields...)
	}
	return nil
}
