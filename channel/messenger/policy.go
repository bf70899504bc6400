package messenger

import (
	"time"

	"github.com/parleycc/parley"
)

// Messenger's messaging windows, counted from the customer's last message.
const (
	StandardWindow   = 24 * time.Hour
	HumanAgentWindow = 7 * 24 * time.Hour
)

// Reach applies Messenger's policy: anyone may write inside 24 hours of
// the customer's last message; after that, only human agents, tagged
// HUMAN_AGENT, up to 7 days and only when the page has that permission.
func (c *Channel) Reach(acct *parley.Account, cust *parley.Customer, now time.Time) parley.Reach {
	last := cust.LastMessageAt
	r := parley.Reach{LastCustomerMessage: last}
	switch {
	case last.IsZero():
		// No customer message recorded (a chat opened by other means): the
		// platform has the last word and its refusal is shown if it comes.
		r.State = parley.ReachOpen
	case now.Before(last.Add(StandardWindow)):
		r.State, r.ExpiresAt = parley.ReachOpen, last.Add(StandardWindow)
	case acct.HumanAgent && now.Before(last.Add(HumanAgentWindow)):
		r.State, r.ExpiresAt = parley.ReachHumanAgent, last.Add(HumanAgentWindow)
		r.Reason = "Outside the 24-hour window: only agents can reply (HUMAN_AGENT tag) until the 7-day limit."
	case acct.HumanAgent:
		r.State, r.Reason = parley.ReachClosed, "More than 7 days since the customer's last message: they cannot be messaged until they write again."
	default:
		r.State, r.Reason = parley.ReachClosed, "More than 24 hours since the customer's last message and the page has no human agent permission: they cannot be messaged until they write again."
	}
	return r
}

// messagingFor picks the Send API messaging type and tag for a message by
// sender under reach, or explains why it may not go. Bot and scenario
// messages never carry a tag; retired tags are never produced.
func messagingFor(r parley.Reach, sender string) (messagingType, tag, refusal string) {
	switch {
	case r.State == parley.ReachOpen:
		return MessagingResponse, "", ""
	case r.State == parley.ReachHumanAgent && sender == parley.SenderAgent:
		return MessagingTag, TagHumanAgent, ""
	case r.State == parley.ReachHumanAgent:
		return "", "", "not sent: outside the 24-hour messaging window, where only human agents may write"
	}
	return "", "", "not sent: " + r.Reason
}

// AccountPace: the Send API takes 300 calls a second per page for text,
// links and sender actions; Parley stays under it with a margin (a 613
// still pauses the page for the time Meta asks).
func (c *Channel) AccountPace() (perSecond, burst int) { return 250, 50 }
