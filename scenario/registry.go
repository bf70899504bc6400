package scenario

// BlockType describes one kind of block: the exits it may take (the first
// is the default), whether it waits for signals, which of its exits it may
// take at once without waiting, and how to build it.
type BlockType struct {
	Exits     []string
	Waits     bool
	Immediate []string // exits a waiting block may take without waiting
	// Pure blocks only read and set variables: nothing outside sees them
	// run, so running one again after a crash is harmless and the engine
	// saves the position after the next step that has an effect instead.
	Pure bool
	New  func(p *Params) Block
}

// ExitLister is a block whose exits depend on its parameters (If's
// branches). Each listed exit must have a target.
type ExitLister interface {
	Exits() []string
}

// types is the one place block types are registered. To add a block, write
// its type in a file of its own and add one line here.
var types = map[string]BlockType{
	"send_message":      {Exits: []string{DefaultExit}, New: newSendMessage},
	"ask":               {Exits: []string{DefaultExit, "failed", "timeout"}, Waits: true, New: newAsk},
	"if":                {Exits: []string{DefaultExit}, Pure: true, New: newIf},
	"set_variable":      {Exits: []string{DefaultExit}, Pure: true, New: newSetVariable},
	"wait":              {Exits: []string{DefaultExit}, Waits: true, New: newWait},
	"find_agent":        {Exits: []string{DefaultExit, "found", "timeout", "no_agents", "queue_full"}, Waits: true, Immediate: []string{"no_agents", "queue_full"}, New: newFindAgent},
	"send_to_service":   {Exits: []string{DefaultExit, "found", "timeout", "no_agents", "queue_full"}, Waits: true, Immediate: []string{"no_agents", "queue_full"}, New: newSendToService},
	"connect_chat":      {Exits: []string{DefaultExit}, Waits: true, New: newConnectChat},
	"http_request":      {Exits: []string{DefaultExit, "error", "timeout"}, New: newHTTPRequest},
	"survey":            {Exits: []string{DefaultExit, "timeout", "failed"}, Waits: true, New: newSurvey},
	"search_kb":         {Exits: []string{DefaultExit, "found", "none"}, New: newSearchKB},
	"offer_articles":    {Exits: []string{DefaultExit, "helped", "none", "other", "timeout"}, Waits: true, Immediate: []string{"none"}, New: newOfferArticles},
	"create_ticket":     {Exits: []string{DefaultExit, "timeout"}, Waits: true, New: newCreateTicket},
	"follow_up_consent": {Exits: []string{DefaultExit, "timeout", "failed"}, Waits: true, New: newFollowUpConsent},
	"exit":              {Exits: nil, New: newExit},
}

// Types lists the registered block type names.
func Types() []string {
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	return names
}
