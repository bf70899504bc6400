// Package messenger is the Facebook Messenger channel adapter: it verifies and
// parses Page webhooks into normalized events and calls the Graph API Send,
// profile and subscription endpoints.
//
// The package is deliberately self-contained (standard library only) so it can
// be used by the webhook ingester, the outbound workers and the built-in
// simulator alike. It knows nothing about conversations, tenants or storage.
package messenger
