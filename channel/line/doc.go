// Package line is the LINE Messaging API channel: it implements
// parley.Channel for one LINE Official Account per account. It verifies
// webhook deliveries by their x-line-signature (base64 HMAC-SHA256 of the
// raw body with the channel secret), splits batches into events keyed by
// webhookEventId, decodes them, renders Parley's one reply model as LINE
// message objects (quick replies, buttons templates, Flex carousels,
// images) sent by push with an idempotent X-Line-Retry-Key, or by reply
// with a reply token, and classifies the platform's errors.
//
// The package imports only the standard library and the root package.
package line
