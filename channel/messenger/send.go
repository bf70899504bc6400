package messenger

import (
	"context"
	"fmt"
	"net/http"
)

// Messaging types for SendRequest.MessagingType.
const (
	MessagingResponse = "RESPONSE"    // reply inside the 24-hour window
	MessagingUpdate   = "UPDATE"      // proactive message inside the window
	MessagingTag      = "MESSAGE_TAG" // outside the window; Tag is required
)

// Message tags that are still accepted.
const (
	TagHumanAgent                 = "HUMAN_AGENT"
	TagCustomerFeedback           = "CUSTOMER_FEEDBACK"
	TagNonPromotionalSubscription = "NON_PROMOTIONAL_SUBSCRIPTION"
)

// Sender actions for SendRequest.SenderAction.
const (
	ActionTypingOn  = "typing_on"
	ActionTypingOff = "typing_off"
	ActionMarkSeen  = "mark_seen"
)

// SendRequest is one Send API call: either a Message or a SenderAction.
type SendRequest struct {
	PSID string
	// MessagingType is RESPONSE, UPDATE or MESSAGE_TAG. Empty means
	// MESSAGE_TAG when Tag is set and RESPONSE otherwise. Ignored for
	// sender actions.
	MessagingType string
	Tag           string
	Message       *OutMessage
	SenderAction  string
}

// SendResult is the platform's answer to a successful send. MessageID is
// empty for sender actions.
type SendResult struct {
	RecipientID string `json:"recipient_id"`
	MessageID   string `json:"message_id"`
}

// OutMessage is an outbound message. Exactly one body form is used:
//   - Text alone (plain text),
//   - Text with Buttons (button template),
//   - Elements (generic template; buttons go on the elements),
//   - Attachment (media by URL).
//
// QuickReplies may accompany any form; Metadata is echoed back in the echo
// webhook so our own sends can be recognised.
type OutMessage struct {
	Text         string
	QuickReplies []QuickReply
	Attachment   *OutAttachment
	Buttons      []Button
	Elements     []Element
	Metadata     string
}

// QuickReply is a text quick reply.
type QuickReply struct {
	Title   string
	Payload string
}

// OutAttachment is media sent by public HTTPS URL or uploaded with the
// request (Data set: a multipart upload, URL ignored).
type OutAttachment struct {
	Type       string // image, audio, video or file
	URL        string
	IsReusable bool
	// Data, FileName and ContentType describe an uploaded file.
	Data        []byte
	FileName    string
	ContentType string
}

// Button is a postback or web_url button.
type Button struct {
	Type    string // postback or web_url
	Title   string
	Payload string // postback only
	URL     string // web_url only
}

// Element is one card of a generic template.
type Element struct {
	Title    string
	Subtitle string
	ImageURL string
	Buttons  []Button
}

// Send delivers a message or sender action to a customer. Requests are
// validated first so malformed ones never reach the platform; platform
// failures are returned as *GraphError (see Retryable and GraphError.Class).
func (c *Client) Send(ctx context.Context, pageToken string, req SendRequest) (SendResult, error) {
	body, err := buildSend(req)
	if err != nil {
		return SendResult{}, fmt.Errorf("messenger: send: %w", err)
	}
	if a := req.Message; a != nil && a.Attachment != nil && len(a.Attachment.Data) > 0 {
		return c.sendUpload(ctx, pageToken, body, a.Attachment)
	}
	var res SendResult
	if err := c.do(ctx, "send", http.MethodPost, "me/messages", pageToken, nil, body, &res); err != nil {
		return SendResult{}, err
	}
	return res, nil
}
