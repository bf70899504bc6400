package line

// eventHead is what every LINE webhook event has.
type eventHead struct {
	Type            string `json:"type"`
	Mode            string `json:"mode"`
	Timestamp       int64  `json:"timestamp"`
	WebhookEventID  string `json:"webhookEventId"`
	ReplyToken      string `json:"replyToken"`
	Source          source `json:"source"`
	DeliveryContext struct {
		IsRedelivery bool `json:"isRedelivery"`
	} `json:"deliveryContext"`
}

type source struct {
	Type    string `json:"type"`
	UserID  string `json:"userId"`
	GroupID string `json:"groupId"`
	RoomID  string `json:"roomId"`
}

// messageEvent is a "message" event's message object.
type messageEvent struct {
	Message struct {
		Type            string   `json:"type"`
		ID              string   `json:"id"`
		Text            string   `json:"text"`
		FileName        string   `json:"fileName"`
		Title           string   `json:"title"`
		Address         string   `json:"address"`
		Latitude        float64  `json:"latitude"`
		Longitude       float64  `json:"longitude"`
		PackageID       string   `json:"packageId"`
		StickerID       string   `json:"stickerId"`
		Keywords        []string `json:"keywords"`
		ContentProvider struct {
			Type               string `json:"type"`
			OriginalContentURL string `json:"originalContentUrl"`
		} `json:"contentProvider"`
	} `json:"message"`
}

// postbackEvent is a "postback" event's postback object.
type postbackEvent struct {
	Postback struct {
		Data   string            `json:"data"`
		Params map[string]string `json:"params"`
	} `json:"postback"`
}

// followEvent is a "follow" event's follow object.
type followEvent struct {
	Follow struct {
		IsUnblocked bool `json:"isUnblocked"`
	} `json:"follow"`
}

// sentMessages is the answer of reply and push.
type sentMessages struct {
	SentMessages []struct {
		ID         string `json:"id"`
		QuoteToken string `json:"quoteToken"`
	} `json:"sentMessages"`
}

// botInfo is GET /v2/bot/info.
type botInfo struct {
	UserID      string `json:"userId"`
	BasicID     string `json:"basicId"`
	DisplayName string `json:"displayName"`
}

// webhookEndpoint is GET /v2/bot/channel/webhook/endpoint.
type webhookEndpoint struct {
	Endpoint string `json:"endpoint"`
	Active   bool   `json:"active"`
}

// profile is GET /v2/bot/profile/{userId}.
type profile struct {
	DisplayName string `json:"displayName"`
	UserID      string `json:"userId"`
	PictureURL  string `json:"pictureUrl"`
}
