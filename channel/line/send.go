package line

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/parleycc/parley"
)

// loadingSeconds is how long the loading animation shows (5–60, a
// multiple of 5); it disappears when the next message arrives.
const loadingSeconds = 20

// Reach is always open on LINE: there is no messaging window (push works
// any time, against the monthly quota) while the customer is a friend.
func (c *Channel) Reach(acct *parley.Account, cust *parley.Customer, now time.Time) parley.Reach {
	r := parley.Reach{State: parley.ReachOpen}
	if cust != nil {
		r.LastCustomerMessage = cust.LastMessageAt
	}
	return r
}

// Send answers with out.ReplyToken when there is one and the reply fits
// one request (free), and otherwise pushes it (POST /v2/bot/message/push)
// in requests of at most 5 messages, each with an X-Line-Retry-Key
// derived from out.MessageID and the request's index, so a retried push
// never delivers twice: a 409 for the key means it was accepted before and counts as
// sent. typing_on starts the loading animation; other actions are no-ops.
// ExternalID is the id of the first message sent (empty when a 409 hides
// it).
func (c *Channel) Send(ctx context.Context, acct *parley.Account, to *parley.Customer, out *parley.Outgoing) (parley.SendResult, error) {
	if acct == nil || to == nil || out == nil {
		return parley.SendResult{}, sendError(&requestError{msg: "send needs an account, a customer and a message"})
	}
	if err := checkID("user id", to.ExternalID); err != nil {
		return parley.SendResult{}, sendError(&requestError{msg: "customer id is not a LINE user id"})
	}
	if out.Action != "" {
		return parley.SendResult{}, c.action(ctx, acct, to.ExternalID, out.Action)
	}
	msgs, err := render(acct, out)
	if err != nil {
		return parley.SendResult{}, sendError(err)
	}
	if out.ReplyToken != "" && len(msgs) <= maxMessages {
		id, err := c.reply(ctx, acct, out.ReplyToken, msgs)
		if err == nil {
			return parley.SendResult{ExternalID: id}, nil
		}
		// LINE refused the reply (the token expired or was used, a 4xx):
		// nothing went out, so push instead. Without an answer (a timeout,
		// a 5xx) the reply may have gone: the error stands and the retry
		// pushes, with no token left to try again.
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status >= 500 || ae.Status == http.StatusTooManyRequests {
			return parley.SendResult{}, sendError(err)
		}
	}
	var res parley.SendResult
	for i, batch := range batches(msgs) {
		id, err := c.push(ctx, acct, to.ExternalID, batch, RetryKey(out.MessageID, i))
		if err != nil {
			return res, sendError(err)
		}
		if res.ExternalID == "" {
			res.ExternalID = id
		}
	}
	return res, nil
}

// push sends one batch; a 409 for the retry key is success.
func (c *Channel) push(ctx context.Context, acct *parley.Account, to string, msgs []message, key string) (string, error) {
	r := request{op: "push", method: http.MethodPost, url: apiBase(acct) + "/v2/bot/message/push",
		body: map[string]any{"to": to, "messages": msgs}}
	if key != "" {
		r.header = map[string]string{RetryKeyHeader: key}
	}
	var sent sentMessages
	err := c.do(ctx, acct, r, &sent)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusConflict && key != "" {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return firstID(&sent), nil
}

// Reply answers with a reply token (free, single use, about a minute
// after the event: Incoming.ReplyToken until ReplyBefore). A reply holds
// at most 5 messages; a longer one is refused (permanent) so the caller
// pushes it instead. IsInvalidReplyToken tells an expired or used token.
func (c *Channel) Reply(ctx context.Context, acct *parley.Account, replyToken string, out *parley.Outgoing) (parley.SendResult, error) {
	if acct == nil || out == nil || replyToken == "" {
		return parley.SendResult{}, sendError(&requestError{msg: "reply needs an account, a reply token and a message"})
	}
	msgs, err := render(acct, out)
	if err != nil {
		return parley.SendResult{}, sendError(err)
	}
	if len(msgs) > maxMessages {
		return parley.SendResult{}, sendError(&requestError{msg: "the reply renders as " + strconv.Itoa(len(msgs)) + " messages; a reply holds 5"})
	}
	id, err := c.reply(ctx, acct, replyToken, msgs)
	if err != nil {
		return parley.SendResult{}, sendError(err)
	}
	return parley.SendResult{ExternalID: id}, nil
}

// reply sends at most 5 messages with a reply token; it returns the first
// message's id.
func (c *Channel) reply(ctx context.Context, acct *parley.Account, replyToken string, msgs []message) (string, error) {
	r := request{op: "reply", method: http.MethodPost, url: apiBase(acct) + "/v2/bot/message/reply",
		body: map[string]any{"replyToken": replyToken, "messages": msgs}}
	var sent sentMessages
	if err := c.do(ctx, acct, r, &sent); err != nil {
		return "", err
	}
	return firstID(&sent), nil
}

// UsesReplyTokens: the outbox hands Send the customer's unused reply
// token (parley.ReplyTokenUser).
func (c *Channel) UsesReplyTokens() bool { return true }

// action starts the loading animation for typing_on.
func (c *Channel) action(ctx context.Context, acct *parley.Account, userID, action string) error {
	switch action {
	case parley.ActionTypingOn:
		r := request{op: "loading", method: http.MethodPost, url: apiBase(acct) + "/v2/bot/chat/loading/start",
			body: map[string]any{"chatId": userID, "loadingSeconds": loadingSeconds}}
		if err := c.do(ctx, acct, r, nil); err != nil {
			return sendError(err)
		}
		return nil
	case parley.ActionTypingOff, parley.ActionMarkSeen:
		return nil
	}
	return sendError(&requestError{msg: "unsupported sender action " + strconv.Quote(action)})
}

// batches cuts messages into requests of at most 5.
func batches(msgs []message) [][]message {
	var out [][]message
	for len(msgs) > maxMessages {
		out = append(out, msgs[:maxMessages])
		msgs = msgs[maxMessages:]
	}
	return append(out, msgs)
}

func firstID(s *sentMessages) string {
	if len(s.SentMessages) == 0 {
		return ""
	}
	return s.SentMessages[0].ID
}

// RetryKey is the X-Line-Retry-Key of the part-th push request of the
// message messageID: a name-based (version 5 style) UUID, so every retry
// of the same message uses the same keys. Empty when messageID is.
func RetryKey(messageID string, part int) string {
	if messageID == "" {
		return ""
	}
	name := "parley/line/" + messageID
	if part > 0 {
		name += "#" + strconv.Itoa(part)
	}
	sum := sha1.Sum([]byte(name))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// AccountPace: LINE's messaging endpoints take 2,000 requests a second
// per channel; Parley stays under it with a margin.
func (c *Channel) AccountPace() (perSecond, burst int) { return 1500, 100 }
