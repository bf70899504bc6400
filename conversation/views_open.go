package conversation

import "github.com/parleycc/parley"

// openChatView is ViewChat for a chat read with Store.OpenChats: the same
// view, built from the row without further queries.
func openChatView(oc *parley.OpenChat) *ChatView {
	c := oc.Chat
	v := &ChatView{ID: c.ID, State: c.State, AgentID: c.AgentID, CreatedAt: c.CreatedAt, Vars: visibleVars(c.Scenario.Vars),
		Service: oc.ServiceName, AssignedAt: optTime(c.AssignedAt)}
	if c.State == parley.ChatAssigned && oc.Routing != nil {
		v.Participants = oc.Routing.Participants
	}
	cust := oc.Customer
	if cust.ID == "" {
		cust.ID = c.CustomerID
	}
	v.Customer = CustomerView{ID: cust.ID, Name: cust.DisplayName(), ProfilePic: cust.ProfilePic}
	if m := oc.LastMessage; m != nil {
		v.LastMessage = messageView(m)
		if m.AgentID != "" {
			v.LastMessage.AgentName = oc.LastAgentName
		}
	}
	return v
}
