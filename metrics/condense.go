package metrics

import "github.com/parleycc/parley"

// Condense returns the facts of a sorted timeline that decide what it
// contributes and the state it leaves a chat in, so that for facts added
// at its end (none earlier than its last) Deltas(Condense(t), added)
// equals Deltas(t, added), and Condense(Condense(t)+added) equals
// Condense(t+added). Stores keep a chat's condensed timeline instead of
// reading the whole one back for every new fact.
//
// Messages are most of a chat's facts, and only the first ones of a
// stretch between two other facts count: the first customer message
// (the customer has written; a first-response clock starts), the first
// agent reply (it stops a clock already running) and the first agent
// reply after that customer message (it stops the clock the message
// started). Later messages in the stretch change nothing and are
// dropped, as are replies without an agent, which count for nothing.
func Condense(timeline []parley.Fact) []parley.Fact {
	out := make([]parley.Fact, 0, min(len(timeline), 16))
	var customer, reply, replyAfterCustomer bool
	for _, f := range timeline {
		switch f.Kind {
		case parley.FactCustomerMessage:
			if customer {
				continue
			}
			customer = true
		case parley.FactFirstAgentReply, parley.FactAgentReply:
			switch {
			case f.AgentID == "":
				continue
			case customer:
				if replyAfterCustomer {
					continue
				}
				replyAfterCustomer, reply = true, true
			default:
				if reply {
					continue
				}
				reply = true
			}
		default:
			customer, reply, replyAfterCustomer = false, false, false
		}
		out = append(out, f)
	}
	return out
}
