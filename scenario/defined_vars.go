package scenario

import "sort"

// ChatVariables are the variables every chat has before its scenario
// sets any: the customer, the channel and the interaction (set by
// package conversation when the chat starts), the answers Find Agent and
// HTTP Request leave, and what the Agent Desktop adds for canned
// responses and screen pops (the agent's name, the customer's contact
// fields).
var ChatVariables = []string{
	"first_name", "last_name", "customer_name", "psid", "page_id", "page_username", "page_name",
	"channel", "chat_id", "entry", "service", "returning_customer", "ref",
	"destination", "queue_position", "queue_length", "estimated_wait", "http_status", "http_error",
	"agent_name", "email", "phone",
}

// DefinedVariables lists the variables a scenario's blocks set: Ask's
// var, Set Variable's names and HTTP Request's map, sorted.
func DefinedVariables(d Definition) []string {
	seen := map[string]bool{}
	for _, b := range d.Blocks {
		switch b.Type {
		case "ask":
			if v, ok := b.Params["var"].(string); ok && v != "" {
				seen[v] = true
			}
		case "set_variable":
			addKeys(seen, b.Params["vars"])
		case "http_request":
			addKeys(seen, b.Params["map"])
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func addKeys(seen map[string]bool, m any) {
	switch m := m.(type) {
	case map[string]any:
		for k := range m {
			seen[k] = true
		}
	case map[string]string:
		for k := range m {
			seen[k] = true
		}
	}
}

// KnownVariables is ChatVariables and the variables the definitions set.
func KnownVariables(defs ...Definition) map[string]bool {
	known := map[string]bool{}
	for _, v := range ChatVariables {
		known[v] = true
	}
	for _, d := range defs {
		for _, v := range DefinedVariables(d) {
			known[v] = true
		}
	}
	return known
}
