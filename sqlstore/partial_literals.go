package sqlstore

import "github.com/parleycc/parley"

// Values that queries write as literals, not parameters, because a
// partial index's condition names them (chats_open_customer, chats_queue,
// messages_unsent, …).
//
// SQLite matches a query against a partial index's condition by value: a
// parameter compared the way the condition compares a constant (state <>
// ? against state <> 'closed') makes the plan depend on the parameter's
// value, so SQLite marks the statement to be compiled again whenever
// that parameter is bound, which is at every run. A prepared statement
// then cost its parse every time: a twentieth of a loaded node's CPU.
// With the literal the statement is compiled once, and it can use the
// index. (PostgreSQL's generic plans need the literal to use a partial
// index at all.)
const (
	closedSQL   = "'" + parley.ChatClosed + "'"
	queuedSQL   = "'" + parley.ChatQueued + "'"
	assignedSQL = "'" + parley.ChatAssigned + "'"
	// unsentSQL is the list of an outbound message's statuses before it
	// is sent (messages_unsent).
	unsentSQL = "('" + parley.MsgPending + "', '" + parley.MsgSending + "')"
	// sendingSQL is the status of a reply being sent (messages_sending).
	sendingSQL = "'" + parley.MsgSending + "'"
)
