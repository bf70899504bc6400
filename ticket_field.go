package parley

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// TicketField is an extra question a service's ticket form asks the
// customer (an order number, a device). Its answer is kept in
// Ticket.Fields under Name.
type TicketField struct {
	Name     string   `json:"name"`  // machine key, [a-z0-9_]+
	Label    string   `json:"label"` // what the customer reads
	Type     string   `json:"type"`  // TicketField* type
	Required bool     `json:"required"`
	Choices  []string `json:"choices,omitempty"` // a choice field's options, in order
}

// Ticket field types.
const (
	TicketFieldText     = "text"
	TicketFieldTextarea = "textarea"
	TicketFieldChoice   = "choice"
)

// Limits of a ticket field's declaration and of a customer's answer.
const (
	MaxTicketFields      = 20
	MaxTicketFieldName   = 40
	MaxTicketFieldLabel  = 100
	MaxTicketFieldChoice = 100 // characters of one choice
	MaxTicketChoices     = 50
	MaxTicketFieldValue  = 2000 // characters a customer may answer
)

var ticketFieldName = regexp.MustCompile(`^[a-z0-9_]+$`)

// Check reports the first problem with the field's declaration, naming
// the field.
func (f *TicketField) Check() error {
	switch {
	case f.Name == "":
		return Errorf(EINVALID, "ticket field %q: name: required", f.Label)
	case len(f.Name) > MaxTicketFieldName:
		return Errorf(EINVALID, "ticket field %q: name: at most %d characters", f.Name, MaxTicketFieldName)
	case !ticketFieldName.MatchString(f.Name):
		return Errorf(EINVALID, "ticket field %q: name: only lowercase letters, digits and _", f.Name)
	case strings.TrimSpace(f.Label) == "":
		return Errorf(EINVALID, "ticket field %q: label: required", f.Name)
	case utf8.RuneCountInString(f.Label) > MaxTicketFieldLabel:
		return Errorf(EINVALID, "ticket field %q: label: at most %d characters", f.Name, MaxTicketFieldLabel)
	}
	switch f.Type {
	case TicketFieldText, TicketFieldTextarea:
		if len(f.Choices) > 0 {
			return Errorf(EINVALID, "ticket field %q: choices: only a choice field has choices", f.Name)
		}
	case TicketFieldChoice:
		return f.checkChoices()
	default:
		return Errorf(EINVALID, "ticket field %q: type: must be text, textarea or choice, not %q", f.Name, f.Type)
	}
	return nil
}

func (f *TicketField) checkChoices() error {
	if len(f.Choices) == 0 {
		return Errorf(EINVALID, "ticket field %q: choices: a choice field needs at least one", f.Name)
	}
	if len(f.Choices) > MaxTicketChoices {
		return Errorf(EINVALID, "ticket field %q: choices: at most %d", f.Name, MaxTicketChoices)
	}
	seen := map[string]bool{}
	for _, c := range f.Choices {
		switch {
		case strings.TrimSpace(c) == "":
			return Errorf(EINVALID, "ticket field %q: choices: empty choice", f.Name)
		case utf8.RuneCountInString(c) > MaxTicketFieldChoice:
			return Errorf(EINVALID, "ticket field %q: choices: %q is longer than %d characters", f.Name, c, MaxTicketFieldChoice)
		case seen[c]:
			return Errorf(EINVALID, "ticket field %q: choices: duplicate %q", f.Name, c)
		}
		seen[c] = true
	}
	return nil
}

// CheckTicketFields checks each field and that no name is used twice.
func CheckTicketFields(fields []TicketField) error {
	if len(fields) > MaxTicketFields {
		return Errorf(EINVALID, "ticket fields: at most %d", MaxTicketFields)
	}
	seen := map[string]bool{}
	for i := range fields {
		if err := fields[i].Check(); err != nil {
			return err
		}
		if seen[fields[i].Name] {
			return Errorf(EINVALID, "ticket field %q: name: used twice", fields[i].Name)
		}
		seen[fields[i].Name] = true
	}
	return nil
}

// Answer checks a customer's answer to the field (trimmed) and returns
// it; a problem names the field by its label, as the customer reads it.
func (f *TicketField) Answer(v string) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && f.Required:
		return "", Errorf(EINVALID, "Please fill in %q.", f.Label)
	case v == "":
		return "", nil
	case utf8.RuneCountInString(v) > MaxTicketFieldValue:
		return "", Errorf(EINVALID, "%q is too long: at most %d characters.", f.Label, MaxTicketFieldValue)
	case f.Type == TicketFieldChoice:
		for _, c := range f.Choices {
			if v == c {
				return v, nil
			}
		}
		return "", Errorf(EINVALID, "Please pick one of the choices for %q.", f.Label)
	}
	return v, nil
}
