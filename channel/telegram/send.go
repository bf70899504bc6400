package telegram

import (
	"context"
	"strconv"
	"time"

	"github.com/parleycc/parley"
)

// Reach is always open on Telegram: there is no messaging window once the
// customer has started the bot (a block only shows as a 403 on send).
func (c *Channel) Reach(acct *parley.Account, cust *parley.Customer, now time.Time) parley.Reach {
	r := parley.Reach{State: parley.ReachOpen}
	if cust != nil {
		r.LastCustomerMessage = cust.LastMessageAt
	}
	return r
}

// Send delivers one reply as one or more Bot API calls, or a typing
// action (mark_seen and typing_off are no-ops: the Bot API has neither).
// ExternalID is "<chat id>:<message_id>" of the first message sent (message
// ids are per chat, as in decode.go). Telegram has no
// idempotency key: when a later call of a multi-part reply fails, a retry
// sends the earlier parts again.
func (c *Channel) Send(ctx context.Context, acct *parley.Account, to *parley.Customer, out *parley.Outgoing) (parley.SendResult, error) {
	if acct == nil || to == nil || out == nil {
		return parley.SendResult{}, sendError(&requestError{msg: "send needs an account, a customer and a message"})
	}
	chatID, err := strconv.ParseInt(to.ExternalID, 10, 64)
	if err != nil {
		return parley.SendResult{}, sendError(&requestError{msg: "customer id is not a Telegram chat id"})
	}
	if out.Action != "" {
		return parley.SendResult{}, c.action(ctx, acct, chatID, out.Action)
	}
	calls, err := render(acct, chatID, out)
	if err != nil {
		return parley.SendResult{}, sendError(err)
	}
	var res parley.SendResult
	for _, cl := range calls {
		id, err := c.do(ctx, acct, cl)
		if err != nil {
			return res, sendError(err)
		}
		if res.ExternalID == "" {
			res.ExternalID = strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(id, 10) // message ids are per chat
		}
	}
	return res, nil
}

// do performs one rendered call and returns the sent message's id.
func (c *Channel) do(ctx context.Context, acct *parley.Account, cl call) (int64, error) {
	var m sentMessage
	var err error
	if cl.file != nil {
		err = c.upload(ctx, acct, cl.method, cl.params, cl.field, cl.file, &m)
	} else {
		err = c.call(ctx, acct, cl.method, cl.params, &m)
	}
	return m.MessageID, err
}

// action shows typing with sendChatAction; other actions are no-ops.
func (c *Channel) action(ctx context.Context, acct *parley.Account, chatID int64, action string) error {
	switch action {
	case parley.ActionTypingOn:
		params := map[string]any{"chat_id": chatID, "action": "typing"}
		if err := c.call(ctx, acct, "sendChatAction", params, nil); err != nil {
			return sendError(err)
		}
		return nil
	case parley.ActionTypingOff, parley.ActionMarkSeen:
		return nil
	}
	return sendError(&requestError{msg: "unsupported sender action " + strconv.Quote(action)})
}

// AnswerCallback answers a callback query (Incoming.MessageID of an
// InPostback) so the customer's client stops showing a spinner. Failures
// are *parley.SendError.
func (c *Channel) AnswerCallback(ctx context.Context, acct *parley.Account, callbackID string) error {
	if callbackID == "" {
		return sendError(&requestError{msg: "empty callback query id"})
	}
	params := map[string]any{"callback_query_id": callbackID}
	if err := c.call(ctx, acct, "answerCallbackQuery", params, nil); err != nil {
		return sendError(err)
	}
	return nil
}

// Acknowledge answers the callback query of a button tap, so the
// customer's button stops showing a spinner.
func (c *Channel) Acknowledge(ctx context.Context, acct *parley.Account, in *parley.Incoming) error {
	if in.Kind != parley.InPostback || in.MessageID == "" {
		return nil
	}
	return c.AnswerCallback(ctx, acct, in.MessageID)
}

// ChatPace: Telegram asks for no more than about one message a second in
// one chat (short bursts are tolerated, then 429).
func (c *Channel) ChatPace() (perSecond, burst int) { return 1, 3 }
