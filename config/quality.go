package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley"
)

// EvaluationForm declares a quality form (issue 11): sections of weighted
// questions a supervisor answers about a transcript.
//
//	evaluation_forms:
//	  - name: Support quality
//	    service: Support          # optional: the service it grades
//	    sections:
//	      - title: Greeting
//	        questions:
//	          - {id: greet, text: "Greeted the customer by name?", scale: yes_no, weight: 1}
//	          - {id: tone, text: "Tone", scale: "1-5", weight: 3}
type EvaluationForm struct {
	Name     string               `yaml:"name,omitempty"`
	Service  string               `yaml:"service,omitempty"`
	Sections []parley.FormSection `yaml:"sections,omitempty"`
}

// Survey declares a service's post-chat survey (CSAT): asked when the
// agent's part of a chat ends.
type Survey struct {
	Enabled       *bool  `yaml:"enabled,omitempty"` // default true when the block is present
	Question      string `yaml:"question,omitempty"`
	CommentPrompt string `yaml:"comment_prompt,omitempty"` // empty: no comment asked
	Thanks        string `yaml:"thanks,omitempty"`
	Timeout       string `yaml:"timeout,omitempty"` // Go duration; default 10m
}

// Domain converts the declaration; errors name the field.
func (s *Survey) Domain() (parley.SurveySettings, error) {
	out := parley.SurveySettings{Enabled: s.Enabled == nil || *s.Enabled, Question: s.Question, CommentPrompt: s.CommentPrompt, Thanks: s.Thanks}
	if s.Timeout != "" {
		d, err := time.ParseDuration(s.Timeout)
		if err != nil || d <= 0 {
			return out, fmt.Errorf("timeout: %q is not a positive duration like 10m", s.Timeout)
		}
		out.Timeout = d
	}
	return out, nil
}

// Form is the declaration as the store keeps it; serviceID is the id of
// its service ("" for none).
func (e EvaluationForm) Form(tenant, serviceID string) *parley.EvaluationForm {
	return &parley.EvaluationForm{TenantID: tenant, Name: e.Name, ServiceID: serviceID, Sections: e.Sections}
}

// fieldPath finds the "sections[0].questions[1].scale" a form's
// validation error starts with.
var fieldPath = regexp.MustCompile(`^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): `)

// validateQuality checks the services' surveys and the evaluation forms.
func (f *File) validateQuality(services map[string]bool) error {
	for i, s := range f.Services {
		if s.Survey == nil {
			continue
		}
		if _, err := s.Survey.Domain(); err != nil {
			return f.errorf(f.line("services", i, "survey"), "services[%d].survey.%v", i, err)
		}
	}
	names := map[string]bool{}
	for i, e := range f.EvaluationForms {
		item := f.sectionItem("evaluation_forms", i)
		switch {
		case e.Name == "":
			return f.errorf(f.line("evaluation_forms", i, ""), "evaluation_forms[%d].name: required", i)
		case names[e.Name]:
			return f.errorf(f.line("evaluation_forms", i, "name"), "evaluation_forms[%d].name: duplicate %q", i, e.Name)
		case e.Service != "" && !services[e.Service]:
			return f.errorf(f.line("evaluation_forms", i, "service"), "evaluation_forms[%d].service: no service named %q", i, e.Service)
		}
		names[e.Name] = true
		if err := formError(f.path, item, e, fmt.Sprintf("evaluation_forms[%d].", i)); err != nil {
			return err
		}
	}
	return nil
}

// formError validates a form and places its first problem at its line
// within node (the form's mapping); prefix is prepended to the field.
func formError(path string, node *yaml.Node, e EvaluationForm, prefix string) error {
	err := e.Form("", "").Validate()
	if err == nil {
		return nil
	}
	msg := err.Error()
	var pe *parley.Error
	if errors.As(err, &pe) {
		msg = pe.Message
	}
	line := 0
	if node != nil {
		line = node.Line
		if m := fieldPath.FindStringSubmatch(msg); m != nil {
			if n := nestedLine(node, "."+m[1]); n > 0 {
				line = n
			}
		}
	}
	return &Error{Path: path, Line: line, Msg: prefix + msg}
}

// sectionItem is the node of section[i] in the parsed document.
func (f *File) sectionItem(section string, i int) *yaml.Node {
	n := f.root
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	sec := mapValue(n, section)
	if sec == nil || sec.Kind != yaml.SequenceNode || i >= len(sec.Content) {
		return nil
	}
	return sec.Content[i]
}

// ParseForm reads one evaluation form written like an item of
// evaluation_forms (the browser's form editor); errors are *Error at a
// line of data. services are the tenant's service names.
func ParseForm(path string, data []byte, services map[string]bool) (*EvaluationForm, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(path, err)
	}
	var e EvaluationForm
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&e); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(path, err)
	}
	node := &root
	if node.Kind == yaml.DocumentNode && len(node.Content) > 0 {
		node = node.Content[0]
	}
	switch {
	case e.Name == "":
		return nil, &Error{Path: path, Line: 1, Msg: "name: required"}
	case e.Service != "" && !services[e.Service]:
		return nil, &Error{Path: path, Line: lineOf(mapKey(node, "service"), node), Msg: fmt.Sprintf("service: no service named %q", e.Service)}
	}
	if err := formError(path, node, e, ""); err != nil {
		return nil, err
	}
	return &e, nil
}

// FormYAML writes a form the way ParseForm reads it.
func FormYAML(e EvaluationForm) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(e); err != nil {
		return nil, fmt.Errorf("config: encode form %q: %w", e.Name, err)
	}
	return b.Bytes(), enc.Close()
}

func lineOf(n, fallback *yaml.Node) int {
	if n != nil {
		return n.Line
	}
	return fallback.Line
}

// applyQuality stores the services' surveys and the evaluation forms.
func (f *File) applyQuality(ctx context.Context, st parley.Store, serviceIDs map[string]string) error {
	for _, s := range f.Services {
		if s.Survey == nil {
			continue
		}
		set, err := s.Survey.Domain()
		if err == nil {
			err = st.SetServiceSurvey(ctx, serviceIDs[s.Name], set)
		}
		if err != nil {
			return fmt.Errorf("config: apply survey of service %q: %w", s.Name, err)
		}
	}
	for _, e := range f.EvaluationForms {
		if err := st.UpsertEvaluationForm(ctx, e.Form(f.TenantID(), serviceIDs[e.Service])); err != nil {
			return fmt.Errorf("config: apply evaluation form %q: %w", e.Name, err)
		}
	}
	return nil
}
