package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley/scenario"
)

// ParseScenario reads one scenario written alone (name and blocks, as in
// the Admin page's editor) and validates it. services lists the known
// service names (nil: not checked). Errors carry the line in data.
func ParseScenario(path string, data []byte, services []string) (*Scenario, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	var sc Scenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&sc); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(path, err)
	}
	body := &doc
	if body.Kind == yaml.DocumentNode && len(body.Content) > 0 {
		body = body.Content[0]
	}
	// A file of one scenario, as the line finder expects it.
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "scenarios"},
		{Kind: yaml.SequenceNode, Content: []*yaml.Node{body}, Line: body.Line},
	}}
	f := &File{path: path, root: root, Scenarios: []Scenario{sc}}
	if sc.Name == "" {
		return nil, f.errorf(1, "name: required")
	}
	var known map[string]bool
	if services != nil {
		known = map[string]bool{}
		for _, s := range services {
			known[s] = true
		}
	}
	if err := f.validateScenario(0, known); err != nil {
		return nil, err
	}
	return &sc, nil
}

// ScenarioYAML renders a stored definition as the YAML an admin edits.
func ScenarioYAML(def scenario.Definition) ([]byte, error) {
	sc := scenarioDoc(def)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(sc); err != nil {
		return nil, fmt.Errorf("config: render scenario %s: %w", def.Name, err)
	}
	return buf.Bytes(), nil
}

// DefinitionJSON is the stored form of a declared scenario.
func (s Scenario) DefinitionJSON() ([]byte, error) {
	data, err := json.Marshal(s.Definition())
	if err != nil {
		return nil, fmt.Errorf("config: encode scenario %q: %w", s.Name, err)
	}
	return data, nil
}

// Problems lists the located errors inside err (joined or single); an
// error without a location becomes one Error without a line.
func Problems(err error) []*Error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*Error
		for _, e := range j.Unwrap() {
			out = append(out, Problems(e)...)
		}
		return out
	}
	var ce *Error
	if errors.As(err, &ce) {
		return []*Error{ce}
	}
	return []*Error{{Msg: err.Error()}}
}

// scenarioDoc is a stored definition as parley.yaml writes it: the
// default exit as next, the others under exits.
func scenarioDoc(def scenario.Definition) Scenario {
	sc := Scenario{Name: def.Name, Escalation: def.Escalation}
	for _, b := range def.Blocks {
		blk := Block{ID: b.ID, Type: b.Type, Params: b.Params}
		for k, v := range b.Exits {
			if k == scenario.DefaultExit {
				blk.Next = v
				continue
			}
			if blk.Exits == nil {
				blk.Exits = map[string]string{}
			}
			blk.Exits[k] = v
		}
		sc.Blocks = append(sc.Blocks, blk)
	}
	return sc
}
