package config

import (
	"context"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// The Agent Desktop's declarations (issue 10): canned responses (a
// top-level global list, each service's list, each user's personal list),
// a service's dispositions and screen pop. Applying the file replaces the
// canned responses it declared before; responses saved in the browser are
// left alone unless the file declares the same shortcut in the same list.

// Canned declares a canned response.
type Canned struct {
	Title        string                    `yaml:"title,omitempty"`
	Shortcut     string                    `yaml:"shortcut,omitempty"`
	Text         string                    `yaml:"text,omitempty"`
	QuickReplies []string                  `yaml:"quick_replies,omitempty"`
	Buttons      []parley.CannedButton     `yaml:"buttons,omitempty"`
	Attachments  []parley.CannedAttachment `yaml:"attachments,omitempty"`
}

// ScreenPop declares what a service opens when an agent accepts a chat.
type ScreenPop struct {
	URL  string `yaml:"url,omitempty"`  // http(s) template with $(variables)
	Open string `yaml:"open,omitempty"` // panel (default) or tab
}

// DeskFields are the desktop fields of a service, inlined in Service.
type DeskFields struct {
	CannedResponses     []Canned   `yaml:"canned_responses,omitempty"`
	Dispositions        []string   `yaml:"dispositions,omitempty"`
	DispositionRequired bool       `yaml:"disposition_required,omitempty"`
	ScreenPop           *ScreenPop `yaml:"screen_pop,omitempty"`
}

// declaresDesk reports whether the service declares desk settings.
func (d DeskFields) declaresDesk() bool {
	return len(d.Dispositions) > 0 || d.DispositionRequired || d.ScreenPop != nil
}

func (d DeskFields) desk() parley.ServiceDesk {
	out := parley.ServiceDesk{Dispositions: append([]string{}, d.Dispositions...), DispositionRequired: d.DispositionRequired}
	if d.ScreenPop != nil {
		out.ScreenPopURL, out.ScreenPopMode = d.ScreenPop.URL, d.ScreenPop.Open
	}
	return out
}

func (c Canned) domain(scope string) *parley.CannedResponse {
	return &parley.CannedResponse{Scope: scope, Title: c.Title, Shortcut: c.Shortcut, Text: c.Text,
		QuickReplies: append([]string(nil), c.QuickReplies...), Buttons: c.Buttons, Attachments: c.Attachments}
}

// validateDesk checks the canned responses (fields, unique shortcuts per
// list, variables known to the file's scenarios) and the services'
// dispositions and screen pops.
func (f *File) validateDesk() error {
	defs := make([]scenario.Definition, 0, len(f.Scenarios))
	for _, s := range f.Scenarios {
		defs = append(defs, s.Definition())
	}
	known := scenario.KnownVariables(defs...)
	if err := f.validateCannedList(known, []string{"canned_responses"}, f.CannedResponses, parley.CannedGlobal); err != nil {
		return err
	}
	for i, s := range f.Services {
		if err := f.validateCannedList(known, []string{"services", fmt.Sprint(i), "canned_responses"}, s.CannedResponses, parley.CannedService); err != nil {
			return err
		}
		d := s.desk()
		if err := d.Validate(); err != nil {
			field, sub := "dispositions", ""
			switch msg := parley.ErrorMessage(err); {
			case strings.HasPrefix(msg, "screen pop URL"):
				field, sub = "screen_pop", "url"
			case strings.HasPrefix(msg, "screen pop mode"):
				field, sub = "screen_pop", "open"
			}
			return f.errorf(f.pathLine("services", fmt.Sprint(i), field, sub), "services[%d].%s: %s", i, field, parley.ErrorMessage(err))
		}
	}
	for i, u := range f.Users {
		if err := f.validateCannedList(known, []string{"users", fmt.Sprint(i), "canned_responses"}, u.CannedResponses, parley.CannedPersonal); err != nil {
			return err
		}
	}
	return nil
}

func (f *File) validateCannedList(known map[string]bool, at []string, list []Canned, scope string) error {
	name := strings.Join(at, ".")
	name = strings.Replace(strings.Replace(name, ".", "[", 1), ".", "].", 1) // services[0].canned_responses
	if len(at) == 1 {
		name = at[0]
	}
	seen := map[string]bool{}
	for j, c := range list {
		item := append(append([]string{}, at...), fmt.Sprint(j))
		d := c.domain(scope)
		d.ServiceID, d.OwnerID = "service", "owner" // stand-ins: the list decides
		err := d.Validate()
		if err == nil {
			err = d.CheckVariables(known)
		}
		if err == nil && seen[d.Shortcut] {
			err = parley.Errorf(parley.EINVALID, "shortcut /%s is used twice in this list", d.Shortcut)
		}
		if err != nil {
			return f.errorf(f.pathLine(append(item, cannedField(d, parley.ErrorMessage(err)))...), "%s[%d] (%s): %s", name, j, c.Title, parley.ErrorMessage(err))
		}
		seen[d.Shortcut] = true
	}
	return nil
}

// cannedField is the field of a canned response an error is about.
func cannedField(c *parley.CannedResponse, msg string) string {
	switch {
	case strings.Contains(msg, "variable $("):
		ref := msg[strings.Index(msg, "$("):]
		ref = ref[:strings.Index(ref, ")")+1]
		for _, b := range c.Buttons {
			if strings.Contains(b.URL+b.Payload, ref) && !strings.Contains(c.Text, ref) {
				return "buttons"
			}
		}
		if !strings.Contains(c.Text, ref) {
			return "attachments"
		}
		return "text"
	case strings.Contains(msg, "shortcut"):
		return "shortcut"
	case strings.HasPrefix(msg, "attachment"):
		return "attachments"
	case strings.HasPrefix(msg, "button"), strings.Contains(msg, "buttons"):
		return "buttons"
	case strings.HasPrefix(msg, "quick repl"):
		return "quick_replies"
	case strings.HasPrefix(msg, "title"):
		return "title"
	}
	return "text"
}

// pathLine finds the line of a path of mapping keys and sequence indexes
// ("services", "0", "canned_responses", "2"); the deepest node found.
func (f *File) pathLine(path ...string) int {
	n := f.root
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			if k := mapKey(n, p); k != nil {
				line = k.Line
			}
			next = mapValue(n, p)
		case yaml.SequenceNode:
			var i int
			if _, err := fmt.Sscan(p, &i); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

// applyDesk stores the services' desk settings and replaces the file's
// canned responses.
func (f *File) applyDesk(ctx context.Context, st parley.Store, serviceIDs map[string]string) error {
	tenant := f.TenantID()
	var list []*parley.CannedResponse
	for _, c := range f.CannedResponses {
		list = append(list, c.domain(parley.CannedGlobal))
	}
	for _, s := range f.Services {
		for _, c := range s.CannedResponses {
			d := c.domain(parley.CannedService)
			d.ServiceID = serviceIDs[s.Name]
			list = append(list, d)
		}
		if s.declaresDesk() {
			if err := st.SetServiceDesk(ctx, serviceIDs[s.Name], s.desk()); err != nil {
				return fmt.Errorf("config: apply dispositions and screen pop of service %q: %w", s.Name, err)
			}
		}
	}
	for _, u := range f.Users {
		if len(u.CannedResponses) == 0 {
			continue
		}
		usr, err := st.UserByUsername(ctx, tenant, u.Username)
		if err != nil {
			return fmt.Errorf("config: apply canned responses of %q: %w", u.Username, err)
		}
		for _, c := range u.CannedResponses {
			d := c.domain(parley.CannedPersonal)
			d.OwnerID = usr.ID
			list = append(list, d)
		}
	}
	for _, c := range list {
		if err := c.Validate(); err != nil { // normalizes the shortcut as the browser's saves do
			return fmt.Errorf("config: canned response /%s: %w", c.Shortcut, err)
		}
	}
	if err := st.ReplaceConfigCanned(ctx, tenant, list); err != nil {
		return fmt.Errorf("config: apply canned responses: %w", err)
	}
	return nil
}
