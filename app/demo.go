package app

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"text/template"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/simulator"
)

//go:embed demo.yaml
var demoYAML string

// Demo page credentials. They only ever talk to the built-in simulator.
const (
	DemoPageID    = "104329875512345"
	demoPageName  = "Parley Demo Co."
	demoToken     = "demo-page-access-token"
	demoAppSecret = "demo-app-secret"
)

// DemoLogins are the demo users' usernames, passwords and roles.
var DemoLogins = [][3]string{{"alice", "alice-demo", "agent"}, {"bob", "bob-demo", "agent"}, {"sam", "sam-demo", "supervisor"}, {"admin", "admin-demo", "admin"}}

// seedDemo applies the demo tenant, pointing its page at the simulator's
// fake Graph API on this server, and returns the simulator.
func seedDemo(ctx context.Context, st parley.Store, baseURL string) (*simulator.Simulator, error) {
	var buf bytes.Buffer
	tmpl := template.Must(template.New("demo").Parse(demoYAML))
	if err := tmpl.Execute(&buf, map[string]string{"PageID": DemoPageID, "AppSecret": demoAppSecret, "GraphURL": baseURL + simulator.GraphPath}); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	f, err := config.Parse("demo.yaml", buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := f.Apply(ctx, st); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	sim := simulator.New(DemoPageID, demoPageName, demoToken, demoAppSecret)
	sim.WebhookURL = baseURL + "/webhooks/facebook"
	return sim, nil
}
