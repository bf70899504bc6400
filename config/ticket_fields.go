package config

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/parleycc/parley"
)

// TicketField declares an extra question of a service's ticket form
// (services[].ticket_fields).
type TicketField struct {
	Name     string   `yaml:"name,omitempty"`  // machine key, [a-z0-9_]+
	Label    string   `yaml:"label,omitempty"` // what the customer reads
	Type     string   `yaml:"type,omitempty"`  // text, textarea or choice
	Required bool     `yaml:"required,omitempty"`
	Choices  []string `yaml:"choices,omitempty"` // a choice field's options
}

func (t TicketField) domain() parley.TicketField {
	return parley.TicketField{Name: t.Name, Label: t.Label, Type: t.Type, Required: t.Required, Choices: t.Choices}
}

// ticketFieldDomain converts a service's declared fields; nil for none.
func ticketFieldDomain(in []TicketField) []parley.TicketField {
	var out []parley.TicketField
	for _, t := range in {
		out = append(out, t.domain())
	}
	return out
}

// ticketFieldDocs is the inverse of ticketFieldDomain, for the export.
func ticketFieldDocs(in []parley.TicketField) []TicketField {
	var out []TicketField
	for _, t := range in {
		out = append(out, TicketField{Name: t.Name, Label: t.Label, Type: t.Type, Required: t.Required, Choices: t.Choices})
	}
	return out
}

// checkKey finds the key a TicketField.Check message is about
// (`ticket field "x": choices: …`), to point at its line.
var checkKey = regexp.MustCompile(`^ticket field "(?:[^"\\]|\\.)*": ([a-z_]+): `)

// validateTicketFields checks services[i].ticket_fields, each problem at
// the line of the field's key concerned.
func (f *File) validateTicketFields(i int) error {
	fields := f.Services[i].TicketFields
	item := f.sectionItem("services", i)
	at := func(j int, key string) int {
		path := fmt.Sprintf(".ticket_fields[%d]", j)
		if key != "" {
			path += "." + key
		}
		if n := nestedLine(item, path); n > 0 {
			return n
		}
		return f.line("services", i, "ticket_fields")
	}
	if len(fields) > parley.MaxTicketFields {
		return f.errorf(f.line("services", i, "ticket_fields"), "services[%d].ticket_fields: at most %d fields", i, parley.MaxTicketFields)
	}
	seen := map[string]bool{}
	for j, tf := range fields {
		d := tf.domain()
		if err := d.Check(); err != nil {
			msg := err.Error()
			var pe *parley.Error
			if errors.As(err, &pe) {
				msg = pe.Message
			}
			key := ""
			if m := checkKey.FindStringSubmatch(msg); m != nil {
				key = m[1]
			}
			return f.errorf(at(j, key), "services[%d].ticket_fields[%d]: %s", i, j, msg)
		}
		if seen[tf.Name] {
			return f.errorf(at(j, "name"), "services[%d].ticket_fields[%d].name: duplicate %q", i, j, tf.Name)
		}
		seen[tf.Name] = true
	}
	return nil
}
