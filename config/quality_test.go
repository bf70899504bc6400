package config_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func TestQualityConfigErrors(t *testing.T) {
	tests := []struct {
		file string
		want string // the whole error, file:line: message
	}{
		{"bad_scale", `bad_scale.yaml:14: evaluation_forms[0].sections[0].questions[1].scale: must be yes_no or 1-5, not "1-10"`},
		{"bad_weight", `bad_weight.yaml:9: evaluation_forms[0].sections[0].questions[0].weight: must be 1–100, not 0`},
		{"duplicate_question", `duplicate_question.yaml:9: evaluation_forms[0].sections[1].questions[0].id: duplicate "greet"`},
		{"unknown_form_service", `unknown_form_service.yaml:5: evaluation_forms[0].service: no service named "Sales"`},
		{"no_sections", `no_sections.yaml:2: evaluation_forms[0].sections: at least one section`},
		{"bad_survey_timeout", `bad_survey_timeout.yaml:3: services[0].survey.timeout: "soon" is not a positive duration like 10m`},
		{"unknown_survey_field", `unknown_survey_field.yaml:4: field questoin not found in type config.Survey`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := config.Load(filepath.Join("testdata", "quality", tt.file+".yaml"))
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *config.Error", err)
			}
			if got := strings.TrimPrefix(err.Error(), "testdata/quality/"); got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseForm(t *testing.T) {
	services := map[string]bool{"Support": true}
	good := "name: Chat quality\nservice: Support\nsections:\n  - title: Basics\n    questions:\n      - {id: q1, text: \"Polite?\", scale: yes_no, weight: 2}\n"
	f, err := config.ParseForm("form", []byte(good), services)
	if err != nil || f.Name != "Chat quality" || f.Sections[0].Questions[0].Weight != 2 {
		t.Fatalf("ParseForm = %+v, %v", f, err)
	}
	// What FormYAML writes, ParseForm reads back.
	out, err := config.FormYAML(*f)
	if err != nil {
		t.Fatal(err)
	}
	back, err := config.ParseForm("form", out, services)
	if err != nil || back.Sections[0].Questions[0].ID != "q1" {
		t.Fatalf("round trip: %+v, %v\n%s", back, err, out)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"name: x\nservice: Sales\nsections: []\n", `form:2: service: no service named "Sales"`},
		{"name: x\nsections:\n  - title: A\n    questions:\n      - {id: q, text: T, scale: maybe, weight: 1}\n", `form:5: sections[0].questions[0].scale: must be yes_no or 1-5, not "maybe"`},
		{"sections: []\n", "form:1: name: required"},
		{"name: x\nextra: 1\n", "form:2: field extra not found in type config.EvaluationForm"},
	} {
		if _, err := config.ParseForm("form", []byte(tc.yaml), services); err == nil || err.Error() != tc.want {
			t.Errorf("ParseForm(%q) = %v, want %s", tc.yaml, err, tc.want)
		}
	}
}

func TestApplyQuality(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		f, err := config.Load(filepath.Join("testdata", "quality", "valid.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // idempotent
			if err := f.Apply(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		svc, err := st.ServiceByName(ctx, f.TenantID(), "Support")
		if err != nil {
			t.Fatal(err)
		}
		surveys, err := st.ServiceSurveys(ctx, f.TenantID())
		if err != nil {
			t.Fatal(err)
		}
		want := parley.SurveySettings{Enabled: true, Question: "How did we do? 1 to 5", CommentPrompt: "Anything to add?", Timeout: 5 * time.Minute}
		if surveys[svc.ID] != want {
			t.Fatalf("survey = %+v", surveys[svc.ID])
		}
		forms, err := st.EvaluationForms(ctx, f.TenantID())
		if err != nil {
			t.Fatal(err)
		}
		if len(forms) != 1 || forms[0].ServiceID != svc.ID || forms[0].Version != 1 || len(forms[0].Questions()) != 2 {
			t.Fatalf("forms = %+v", forms)
		}
	})
}
