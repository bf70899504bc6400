// Package telegram is the Telegram Bot API channel: it implements
// parley.Channel for one bot per account. It verifies webhook deliveries by
// the secret token header, splits and decodes updates, renders Parley's one
// reply model as Bot API calls (inline and reply keyboards, photos,
// documents, chat actions) and classifies the platform's errors.
//
// The package imports only the standard library and the root package; it
// knows nothing about stores, buses or conversations.
package telegram
