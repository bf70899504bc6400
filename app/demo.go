package app

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/telegram"
	"github.com/parleycc/parley/channel/viber"
	"github.com/parleycc/parley/channel/vonage"
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

// The demo accounts of the other channels, as app/demo.yaml declares
// them; their credentials only ever talk to the simulator's fakes.
const (
	demoTelegramToken   = "7000000001:demo-telegram-token"
	demoTelegramSecret  = "demo-telegram-secret"
	demoLineToken       = "demo-line-token"
	demoLineSecret      = "demo-line-secret"
	demoLineBotID       = "U00000000000000000000000000000de0"
	demoViberToken      = "demo-viber-token"
	demoVonageNumber    = "447700900000"
	demoVonageKey       = "demo-vonage-key"
	demoVonageSecret    = "demo-vonage-secret"
	demoVonageSignature = "demo-vonage-signature"
)

// demoPaths is where each channel's fake is mounted, by account type.
var demoPaths = map[string]string{
	messenger.Type: simulator.GraphPath,
	telegram.Type:  simulator.TelegramPath,
	line.Type:      simulator.LinePath,
	viber.Type:     simulator.ViberPath,
	vonage.Type:    simulator.VonagePath,
}

// newDemoSimulator returns the simulator that plays the demo accounts'
// customers against this server, on every channel.
func newDemoSimulator(a *App) *simulator.Simulator {
	baseURL := a.URL()
	sim := simulator.New(DemoPageID, demoPageName, demoToken, demoAppSecret)
	sim.WebhookURL = baseURL + "/webhooks/facebook"
	sim.AddTelegram(simulator.TelegramBot{Token: demoTelegramToken, Secret: demoTelegramSecret, ID: 7000000001,
		Username: "parleydemo_bot", Name: demoPageName})
	sim.AddLine(simulator.LineBot{Token: demoLineToken, Secret: demoLineSecret, UserID: demoLineBotID, Name: demoPageName})
	sim.AddViber(simulator.ViberBot{Token: demoViberToken, ID: "pa:parleydemo", Name: demoPageName})
	sim.AddVonage(simulator.VonageNumber{Number: demoVonageNumber, APIKey: demoVonageKey, APISecret: demoVonageSecret,
		SignatureSecret: demoVonageSignature})
	sim.AccountURL = func(ctx context.Context, ch string) (string, error) {
		return demoAccountURL(ctx, a.Store, baseURL, ch)
	}
	return sim
}

// demoAccountURL is the webhook URL of the account of type typ whose API
// is the simulator's fake (the first, by name, if several are).
func demoAccountURL(ctx context.Context, st parley.Store, baseURL, typ string) (string, error) {
	accts, err := st.Accounts(ctx, parley.DefaultTenant)
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	want := baseURL + demoPaths[typ]
	for _, acct := range accts {
		if acct.Type == typ && strings.TrimRight(acct.APIBaseURL, "/") == want {
			return baseURL + "/webhooks/" + typ + "/" + url.PathEscape(acct.ID), nil
		}
	}
	return "", fmt.Errorf("demo: no %s account uses the simulator (api_base_url %s)", typ, want)
}

// pointDemoPage sends the demo accounts' API calls to the simulator's
// fakes: the demo page (by its page id) and every Telegram, LINE, Viber
// and Vonage account that has no api_base_url of its own.
func pointDemoPage(f *config.File, baseURL string) {
	for i := range f.Accounts {
		a := &f.Accounts[i]
		if a.APIBaseURL != "" || (a.Type == messenger.Type && a.PageID != DemoPageID) {
			continue
		}
		if path, ok := demoPaths[a.Type]; ok {
			a.APIBaseURL = baseURL + path
		}
	}
	// The screen pops of the demo's built-in CRM page (/demo/crm) are
	// written for the default address.
	for i := range f.Services {
		if p := f.Services[i].ScreenPop; p != nil && strings.HasPrefix(p.URL, demoDefaultURL+"/demo/") {
			p.URL = baseURL + strings.TrimPrefix(p.URL, demoDefaultURL)
		}
	}
}

// demoDefaultURL is the address demo.yaml is written for.
const demoDefaultURL = "http://127.0.0.1:8080"
