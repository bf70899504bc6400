// Package viber is the Viber bot (REST Bot API) channel: it implements
// parley.Channel by verifying and splitting webhook callbacks, decoding them
// into parley.Incoming, rendering parley.Outgoing as send_message calls and
// checking the bot's token and webhook with get_account_info.
//
// Account mapping: AccessToken is the bot's auth token (also the webhook
// HMAC key), PageUsername the bot's username, PageID the bot id from
// get_account_info; Settings "sender_name" (required, at most 28 chars),
// "sender_avatar", "welcome_message" (answered to conversation_started)
// and "webhook_url" (the URL CheckHealth expects registered).
//
// Button payloads: Viber has no postbacks; a keyboard "reply" button sends
// its ActionBody back as a text message. Parley sends postback buttons with
// ActionBody PostbackPrefix+payload ("pb:") and quick replies with
// QuickReplyPrefix+payload ("qr:"); Decode turns such texts back into an
// InPostback or a quick-reply InMessage carrying the payload.
//
// The package uses the standard library and the root package only.
package viber
