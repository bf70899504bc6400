package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley/scenario"
)

// Error is a configuration error at a place in a file.
type Error struct {
	Path  string
	Line  int
	Msg   string
	Block string // the scenario block concerned, if any
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

func (f *File) errorf(line int, format string, args ...any) error {
	return &Error{Path: f.path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// line finds the line of section[i].field (or of section[i] when field is
// empty, or of the section when i < 0) in the parsed document.
func (f *File) line(section string, i int, field string) int {
	n := f.root
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	sec := mapValue(n, section)
	if sec == nil {
		return 0
	}
	if i < 0 || sec.Kind != yaml.SequenceNode || i >= len(sec.Content) {
		return sec.Line
	}
	item := sec.Content[i]
	if field == "" {
		return item.Line
	}
	if v := mapKey(item, field); v != nil {
		return v.Line
	}
	return item.Line
}

// blockLine finds the line of scenarios[s].blocks[b].field. A field
// "exits.NAME" is found under exits, or as next for the default exit.
func (f *File) blockLine(s, b int, field string) int {
	n := f.root
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	sec := mapValue(n, "scenarios")
	if sec == nil || sec.Kind != yaml.SequenceNode || s >= len(sec.Content) {
		return 0
	}
	blocks := mapValue(sec.Content[s], "blocks")
	if blocks == nil || blocks.Kind != yaml.SequenceNode || b >= len(blocks.Content) {
		return sec.Content[s].Line
	}
	item := blocks.Content[b]
	if exit, ok := strings.CutPrefix(field, "exits."); ok {
		if k := mapKey(item, "next"); k != nil && exit == scenario.DefaultExit {
			return k.Line
		}
		if k := mapKey(mapValue(item, "exits"), exit); k != nil {
			return k.Line
		}
		field = "exits"
	}
	if i := strings.IndexAny(field, "[."); i > 0 { // "branches[0].when" is under branches
		if n := nestedLine(mapValue(item, field[:i]), field[i:]); n > 0 {
			return n
		}
		field = field[:i]
	}
	if k := mapKey(item, field); k != nil && field != "" {
		return k.Line
	}
	return item.Line
}

func mapKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for j := 0; j+1 < len(n.Content); j += 2 {
		if n.Content[j].Value == key {
			return n.Content[j]
		}
	}
	return nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for j := 0; j+1 < len(n.Content); j += 2 {
		if n.Content[j].Value == key {
			return n.Content[j+1]
		}
	}
	return nil
}
