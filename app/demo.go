package app

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/simulator"
)

//go:embed demo.yaml
var demoYAML []byte

// DemoConfig is where `parley demo` keeps its editable configuration.
const DemoConfig = "parley-data/demo.yaml"

// Demo page credentials. They only ever talk to the built-in simulator.
const (
	DemoPageID    = "104329875512345"
	demoPageName  = "Parley Demo Co."
	demoToken     = "demo-page-access-token"
	demoAppSecret = "demo-app-secret"
)

// DemoLogins are the demo users' usernames, passwords and roles.
var DemoLogins = [][3]string{{"alice", "alice-demo", "agent"}, {"bob", "bob-demo", "agent"}, {"cleo", "cleo-demo", "agent"}, {"sam", "sam-demo", "supervisor"}, {"admin", "admin-demo", "admin"}}

// writeDemoConfig writes the demo configuration to path unless a file is
// already there (the newcomer's edits are kept).
func writeDemoConfig(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("demo: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := os.WriteFile(path, demoYAML, 0o600); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// newDemoSimulator returns the simulator that plays the demo page's
// customers against this server.
func newDemoSimulator(baseURL string) *simulator.Simulator {
	sim := simulator.New(DemoPageID, demoPageName, demoToken, demoAppSecret)
	sim.WebhookURL = baseURL + "/webhooks/facebook"
	return sim
}

// pointDemoPage sends the demo page's Graph API calls to the simulator.
func pointDemoPage(f *config.File, baseURL string) {
	for i := range f.Accounts {
		if a := &f.Accounts[i]; a.PageID == DemoPageID && a.APIBaseURL == "" {
			a.APIBaseURL = baseURL + simulator.GraphPath
		}
	}
}
