// Package scenario runs chat scenarios: lists of blocks joined by named
// exits that decide what happens to a chat before and after it meets an
// agent. A chat's position and variables are saved after every step, so a
// restarted server resumes each chat exactly where it was.
package scenario

import (
	"encoding/json"
	"fmt"
)

// Definition is a scenario as declared in the configuration file and stored
// (as JSON) in each published version.
type Definition struct {
	Name   string `json:"name"`
	Blocks []Spec `json:"blocks"`
	// Escalation, when set, lets the customer ask for a person at any
	// step of the bot phase.
	Escalation *Escalation `json:"escalation,omitempty"`
}

// Spec declares one block.
type Spec struct {
	ID     string            `json:"id"`
	Type   string            `json:"type"`
	Exits  map[string]string `json:"exits,omitempty"`  // exit name → block id
	Params map[string]any    `json:"params,omitempty"` // checked by the block type
}

// DefaultExit is the exit a block takes when nothing special happened. A
// block without a target for it continues with the block after it.
const DefaultExit = "next"

// Scenario is a compiled, validated definition, ready to run.
type Scenario struct {
	Name    string
	Version int
	first   string
	blocks  map[string]Block
	specs   map[string]Spec
	follows map[string]string // block id → id of the block after it in the list
	esc     *Escalation
}

// Decode parses a stored definition and compiles it.
func Decode(data []byte, version int) (*Scenario, error) {
	var d Definition
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("scenario: decode: %w", err)
	}
	sc, errs := Compile(d)
	if len(errs) > 0 {
		return nil, fmt.Errorf("scenario %s: %w", d.Name, errs[0])
	}
	sc.Version = version
	return sc, nil
}

// next returns the block that follows id through exit, or "" at the end.
func (s *Scenario) next(id, exit string) string {
	spec := s.specs[id]
	if to, ok := spec.Exits[exit]; ok {
		return to
	}
	if to, ok := spec.Exits[DefaultExit]; ok {
		return to
	}
	return s.follows[id]
}

// Block returns the spec of the block with the given id.
func (s *Scenario) Block(id string) (Spec, bool) {
	spec, ok := s.specs[id]
	return spec, ok
}

// pure reports whether the block only reads and sets variables.
func (s *Scenario) pure(id string) bool {
	return types[s.specs[id].Type].Pure
}

// ReadsHours reports whether a block of the scenario looks at the hours of
// operation (an If on within_schedule or after_hours): such a scenario
// answers a closed entry itself.
func (s *Scenario) ReadsHours() bool {
	for _, b := range s.blocks {
		if h, ok := b.(interface{ readsHours() bool }); ok && h.readsHours() {
			return true
		}
	}
	return false
}
