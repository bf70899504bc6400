package scenario

import (
	"fmt"
	"slices"
	"sort"
)

// ValidationError is a problem found in a definition before it runs.
type ValidationError struct {
	Block   int    // index in Definition.Blocks; -1 for the whole scenario
	BlockID string // the block's id, if it has one
	Field   string // "type", "exits.timeout", a parameter name, or ""
	Msg     string
}

func (e *ValidationError) Error() string {
	switch {
	case e.Block < 0:
		return e.Msg
	case e.Field == "":
		return fmt.Sprintf("block %q: %s", e.BlockID, e.Msg)
	}
	return fmt.Sprintf("block %q: %s: %s", e.BlockID, e.Field, e.Msg)
}

// Compile validates d and builds its blocks. It reports every problem it
// finds: unknown types and parameters, exits that point nowhere or do not
// exist, unreachable blocks and loops that never wait.
func Compile(d Definition) (*Scenario, []*ValidationError) {
	var errs []*ValidationError
	bad := func(i int, id, field, format string, args ...any) {
		errs = append(errs, &ValidationError{Block: i, BlockID: id, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if len(d.Blocks) == 0 {
		bad(-1, "", "", "scenario %q has no blocks", d.Name)
		return nil, errs
	}
	sc := &Scenario{Name: d.Name, first: d.Blocks[0].ID, blocks: map[string]Block{}, specs: map[string]Spec{}, follows: map[string]string{}}
	for i, spec := range d.Blocks {
		switch {
		case spec.ID == "":
			bad(i, fmt.Sprintf("#%d", i+1), "id", "required")
			continue
		case sc.specs[spec.ID].ID != "":
			bad(i, spec.ID, "id", "duplicate block id")
			continue
		}
		sc.specs[spec.ID] = spec
		if i+1 < len(d.Blocks) {
			sc.follows[spec.ID] = d.Blocks[i+1].ID
		}
		bt, ok := types[spec.Type]
		if !ok {
			known := Types()
			sort.Strings(known)
			bad(i, spec.ID, "type", "unknown block type %q (known: %v)", spec.Type, known)
			continue
		}
		p := newParams(spec.Params)
		sc.blocks[spec.ID] = bt.New(p)
		p.unknown()
		for _, fe := range p.errs {
			bad(i, spec.ID, fe.Field, "%s", fe.Msg)
		}
		exits := sc.exitsOf(spec.ID)
		for name := range spec.Exits {
			if name != DefaultExit && !slices.Contains(exits, name) {
				bad(i, spec.ID, "exits."+name, "block type %s has no exit %q (exits: %v)", spec.Type, name, exits)
			}
		}
		if l, ok := sc.blocks[spec.ID].(ExitLister); ok {
			for _, name := range l.Exits() {
				if _, ok := spec.Exits[name]; !ok {
					bad(i, spec.ID, "exits."+name, "required: the block to go to when %q holds", name)
				}
			}
		}
	}
	for i, spec := range d.Blocks {
		for name, to := range spec.Exits {
			if _, ok := sc.specs[to]; !ok && spec.ID != "" {
				bad(i, spec.ID, "exits."+name, "points to unknown block %q", to)
			}
		}
	}
	if e := d.Escalation; e != nil {
		if _, ok := sc.specs[e.To]; !ok {
			bad(-1, "", "", "escalation: to: unknown block %q", e.To)
		}
		for _, id := range e.ButtonOn {
			if _, ok := sc.specs[id]; !ok && id != "*" {
				bad(-1, "", "", "escalation: button_on: unknown block %q", id)
			}
		}
		if len(e.ButtonOn) > 0 && e.Button == "" {
			bad(-1, "", "", "escalation: button: required with button_on")
		}
		if len(e.Keywords) == 0 && e.Button == "" {
			bad(-1, "", "", "escalation: give keywords, a button or both")
		}
		sc.esc = e
	}
	if len(errs) > 0 {
		return nil, errs
	}
	errs = append(errs, sc.checkGraph(d)...)
	if len(errs) > 0 {
		return nil, errs
	}
	return sc, nil
}

// successors lists the blocks reachable in one step from id.
func (s *Scenario) successors(id string) []string {
	exits := s.exitsOf(id)
	var out []string
	if len(exits) == 0 { // an ending block
		return nil
	}
	for _, e := range append([]string{DefaultExit}, exits...) {
		if to := s.next(id, e); to != "" && !slices.Contains(out, to) {
			out = append(out, to)
		}
	}
	return out
}

func (s *Scenario) checkGraph(d Definition) []*ValidationError {
	var errs []*ValidationError
	reached := map[string]bool{}
	stack := []string{s.first}
	if s.esc != nil {
		stack = append(stack, s.esc.To)
	}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if reached[id] {
			continue
		}
		reached[id] = true
		stack = append(stack, s.successors(id)...)
	}
	for i, spec := range d.Blocks {
		if !reached[spec.ID] {
			errs = append(errs, &ValidationError{Block: i, BlockID: spec.ID, Msg: "unreachable: no exit leads here"})
		}
	}
	// A cycle made only of blocks that never wait would spin forever.
	for i, spec := range d.Blocks {
		if s.loopsWithoutWait(spec.ID) {
			errs = append(errs, &ValidationError{Block: i, BlockID: spec.ID, Msg: "loop without a waiting block: the scenario would never stop"})
		}
	}
	return errs
}

// loopsWithoutWait reports whether id leads back to itself through steps
// taken without waiting: any exit of a block that does not wait, and the
// immediate exits (Find Agent's no_agents, queue_full) of one that does.
func (s *Scenario) loopsWithoutWait(id string) bool {
	seen := map[string]bool{}
	stack := s.unwaited(id)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch {
		case n == id:
			return true
		case seen[n]:
			continue
		}
		seen[n] = true
		stack = append(stack, s.unwaited(n)...)
	}
	return false
}

// unwaited lists the blocks id may pass control to without waiting.
func (s *Scenario) unwaited(id string) []string {
	bt := types[s.specs[id].Type]
	if !bt.Waits {
		return s.successors(id)
	}
	var out []string
	for _, e := range bt.Immediate {
		if to := s.next(id, e); to != "" && !slices.Contains(out, to) {
			out = append(out, to)
		}
	}
	return out
}

// exitsOf lists the exits the block may take.
func (s *Scenario) exitsOf(id string) []string {
	exits := types[s.specs[id].Type].Exits
	if l, ok := s.blocks[id].(ExitLister); ok {
		exits = append(slices.Clone(exits), l.Exits()...)
	}
	return exits
}
