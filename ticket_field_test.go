package parley_test

import (
	"strings"
	"testing"

	"github.com/parleycc/parley"
)

func TestTicketFieldCheck(t *testing.T) {
	long := strings.Repeat("a", parley.MaxTicketFieldName+1)
	tests := []struct {
		name  string
		field parley.TicketField
		want  string // in the error; "" for valid
	}{
		{"text", parley.TicketField{Name: "order_number", Label: "Order number", Type: "text"}, ""},
		{"textarea required", parley.TicketField{Name: "steps2", Label: "Steps", Type: "textarea", Required: true}, ""},
		{"choice", parley.TicketField{Name: "device", Label: "Device", Type: "choice", Choices: []string{"Phone", "Laptop"}}, ""},
		{"no name", parley.TicketField{Label: "Order", Type: "text"}, `ticket field "Order": name: required`},
		{"upper case name", parley.TicketField{Name: "Order", Label: "Order", Type: "text"}, `ticket field "Order": name: only lowercase letters, digits and _`},
		{"name with space", parley.TicketField{Name: "order no", Label: "Order", Type: "text"}, `ticket field "order no": name: only lowercase`},
		{"long name", parley.TicketField{Name: long, Label: "Order", Type: "text"}, "name: at most 40 characters"},
		{"no label", parley.TicketField{Name: "order", Label: "  ", Type: "text"}, `ticket field "order": label: required`},
		{"no type", parley.TicketField{Name: "order", Label: "Order"}, `ticket field "order": type: must be text, textarea or choice, not ""`},
		{"bad type", parley.TicketField{Name: "order", Label: "Order", Type: "number"}, `type: must be text, textarea or choice, not "number"`},
		{"text with choices", parley.TicketField{Name: "order", Label: "Order", Type: "text", Choices: []string{"a"}}, `ticket field "order": choices: only a choice field has choices`},
		{"choice without choices", parley.TicketField{Name: "device", Label: "Device", Type: "choice"}, `ticket field "device": choices: a choice field needs at least one`},
		{"empty choice", parley.TicketField{Name: "device", Label: "Device", Type: "choice", Choices: []string{"Phone", " "}}, `ticket field "device": choices: empty choice`},
		{"duplicate choice", parley.TicketField{Name: "device", Label: "Device", Type: "choice", Choices: []string{"Phone", "Phone"}}, `ticket field "device": choices: duplicate "Phone"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.field.Check()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Check() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Check() = %v, want %q", err, tt.want)
			case err != nil && parley.ErrorCode(err) != parley.EINVALID:
				t.Fatalf("Check() code = %q, want invalid", parley.ErrorCode(err))
			}
		})
	}
}

func TestCheckTicketFieldsDuplicate(t *testing.T) {
	fs := []parley.TicketField{{Name: "a", Label: "A", Type: "text"}, {Name: "a", Label: "B", Type: "text"}}
	if err := parley.CheckTicketFields(fs); err == nil || !strings.Contains(err.Error(), `ticket field "a": name: used twice`) {
		t.Fatalf("CheckTicketFields = %v", err)
	}
}

func TestTicketFieldAnswer(t *testing.T) {
	device := parley.TicketField{Name: "device", Label: "Device", Type: "choice", Required: true, Choices: []string{"Phone", "Laptop"}}
	order := parley.TicketField{Name: "order", Label: "Order number", Type: "text"}
	tests := []struct {
		field     parley.TicketField
		in, want  string
		wantError string
	}{
		{device, " Phone ", "Phone", ""},
		{device, "", "", `Please fill in "Device".`},
		{device, "Toaster", "", `Please pick one of the choices for "Device".`},
		{order, "", "", ""},
		{order, " 42 ", "42", ""},
		{order, strings.Repeat("x", parley.MaxTicketFieldValue+1), "", `"Order number" is too long`},
	}
	for _, tt := range tests {
		got, err := tt.field.Answer(tt.in)
		if got != tt.want || (tt.wantError == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantError)) {
			t.Errorf("%s.Answer(%.20q) = %q, %v; want %q, %q", tt.field.Name, tt.in, got, err, tt.want, tt.wantError)
		}
	}
}
