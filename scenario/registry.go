package scenario

// BlockType describes one kind of block: the exits it may take (the first
// is the default), whether it waits for signals, and how to build it.
type BlockType struct {
	Exits []string
	Waits bool
	New   func(p *Params) Block
}

// types is the one place block types are registered.
var types = map[string]BlockType{
	"send_message": {Exits: []string{DefaultExit}, New: newSendMessage},
	"find_agent":   {Exits: []string{DefaultExit, "found"}, Waits: true, New: newFindAgent},
	"connect_chat": {Exits: []string{DefaultExit}, Waits: true, New: newConnectChat},
	"exit":         {Exits: nil, New: newExit},
}

// Types lists the registered block type names.
func Types() []string {
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	return names
}
