package app

import (
	"context"
	"fmt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/hooks"
	"github.com/parleycc/parley/simulator"
)

// demoHookName is the demo's outgoing webhook, delivering to the
// simulator's inbox so that Admin → Webhooks shows a working delivery log.
const demoHookName = "demo-inbox"

// seedDemoHook subscribes the simulator's inbox once, and points it at
// this run's address when the demo moved to another port.
func (a *App) seedDemoHook(ctx context.Context, svc *hooks.Service, tenant string) error {
	url := a.URL() + simulator.WebhookInboxPath
	in := hooks.Input{Name: demoHookName, URL: url, AllowPrivate: true,
		Events: []string{parley.HookChatCreated, parley.HookMessageCreated, parley.HookChatAssigned, parley.HookChatTransferred, parley.HookChatClosed}}
	list, err := svc.List(ctx, tenant)
	if err != nil {
		return fmt.Errorf("demo webhook: %w", err)
	}
	for _, h := range list {
		if h.Name != demoHookName {
			continue
		}
		if h.URL == url {
			return nil
		}
		in.Events, in.Version = h.Events, h.Version
		active := h.Active
		in.Active = &active
		_, err := svc.Update(ctx, tenant, h.ID, in)
		return err
	}
	_, err = svc.Create(ctx, tenant, in)
	return err
}
