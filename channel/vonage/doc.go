// Package vonage is the Vonage Messages API (v1) channel: one account is
// one Vonage application speaking one route (messenger, viber_service, sms
// or whatsapp). It implements parley.Channel: signed webhooks (HS256 JWT
// with a payload_hash claim) are verified and decoded, replies are posted
// to /v1/messages with an RS256 application JWT (or Basic auth), and the
// account is checked with the Account API's get-balance.
//
// Account mapping: Settings "api_key", AppSecret (the API secret),
// Settings "application_id" and "private_key" (PEM), VerifyToken (the
// signature secret), Settings "route" and "from" (the business's id on the
// route, also PageID); optional Settings "rest_base_url". APIBaseURL
// overrides the API host (and the REST host when rest_base_url is unset).
//
// Vonage cannot show buttons, quick replies or cards on these routes
// (viber_service shows one link button); the rest is rendered as numbered
// text by Fallback, exported for reuse.
//
// The JWT code (HS256 verification, RS256 signing) is hand-written on the
// standard library; the package imports nothing else but the root package.
package vonage
