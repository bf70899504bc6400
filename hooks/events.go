package hooks

import "github.com/parleycc/parley"

// Names lists every event name a subscription may name, in the order the
// Admin page shows them. The code that appends an event to the log names
// it (parley.Event.Hook) when it is news for integrators; a capability that
// adds such events (dispositions, surveys, tickets) sets Hook where it
// emits them and its name is listed here.
var Names = []string{
	parley.HookChatCreated, parley.HookMessageCreated, parley.HookMessageUpdated, parley.HookChatAssigned,
	parley.HookChatTransferred, parley.HookChatClosed, parley.HookChatAbandoned, parley.HookDispositionSet,
	parley.HookSurveyAnswered, parley.HookTicketChanged, parley.HookAccountHealthChange,
	parley.HookThresholdCrossed,
}
