package config

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/hooks"
)

// Webhook declares an outgoing webhook subscription (Admin → Webhooks):
//
//	webhooks:
//	  - name: crm
//	    url: https://crm.example.com/parley
//	    secret: ${PARLEY_WEBHOOK_CRM_SECRET}
//	    events: [chat.created, message.created, chat.closed]   # or ["*"]
//	    allow_private: false   # a private, loopback or link-local target
//	    active: true           # absent is true
//
// The secret is the HMAC key deliveries are signed with; write it as an
// ${ENV} reference. A subscription the file creates receives the events
// that happen from then on, as one the API creates; one it updates keeps
// its delivery state. A subscription the file no longer declares is left
// alone, as teams and users are; Admin → Webhooks deletes it.
type Webhook struct {
	Name         string   `yaml:"name,omitempty"`
	URL          string   `yaml:"url,omitempty"`
	Secret       string   `yaml:"secret,omitempty"`
	Events       []string `yaml:"events,omitempty,flow"`
	AllowPrivate bool     `yaml:"allow_private,omitempty"`
	Active       *bool    `yaml:"active,omitempty"`
}

// WebhookSecretEnv is the environment variable an exported file reads a
// webhook's secret from: PARLEY_WEBHOOK_<NAME>_SECRET.
func WebhookSecretEnv(name string) string {
	return SecretEnv("webhook_"+name, "secret")
}

// validateWebhooks checks the webhooks as the API checks a subscription
// (hooks.CheckURL, hooks.CheckEvent).
func (f *File) validateWebhooks() error {
	names := map[string]bool{}
	for i, w := range f.Webhooks {
		switch {
		case strings.TrimSpace(w.Name) == "":
			return f.errorf(f.line("webhooks", i, ""), "webhooks[%d].name: required", i)
		case w.Name != strings.TrimSpace(w.Name):
			return f.errorf(f.line("webhooks", i, "name"), "webhooks[%d].name: %q has leading or trailing spaces", i, w.Name)
		case names[w.Name]:
			return f.errorf(f.line("webhooks", i, "name"), "webhooks[%d].name: duplicate %q", i, w.Name)
		}
		names[w.Name] = true
		if strings.TrimSpace(w.URL) == "" {
			return f.errorf(f.line("webhooks", i, ""), "webhooks[%d] (%s): url: required", i, w.Name)
		}
		if _, err := hooks.CheckURL(w.URL, w.AllowPrivate); errors.Is(err, hooks.ErrPrivateTarget) {
			return f.errorf(f.line("webhooks", i, "url"), "webhooks[%d].url: %v; set allow_private: true to use it", i, err)
		} else if err != nil {
			return f.errorf(f.line("webhooks", i, "url"), "webhooks[%d].url: %v", i, err)
		}
		if w.Secret == "" {
			return f.errorf(f.line("webhooks", i, "secret"), "webhooks[%d] (%s): secret: required", i, w.Name)
		}
		if len(w.Events) == 0 {
			return f.errorf(f.line("webhooks", i, "events"), "webhooks[%d] (%s): events: subscribe to at least one event (or \"*\")", i, w.Name)
		}
		for _, e := range w.Events {
			if err := hooks.CheckEvent(e); err != nil {
				return f.errorf(f.line("webhooks", i, "events"), "webhooks[%d].events: %v", i, err)
			}
		}
	}
	return nil
}

// applyWebhooks creates or updates the declared subscriptions by name.
func (f *File) applyWebhooks(ctx context.Context, st parley.Store) error {
	if len(f.Webhooks) == 0 {
		return nil
	}
	tenant := f.TenantID()
	stored, err := st.Hooks(ctx, tenant)
	if err != nil {
		return fmt.Errorf("config: read webhooks: %w", err)
	}
	byName := map[string]*parley.HookSubscription{}
	for _, h := range stored {
		byName[h.Name] = h
	}
	for _, w := range f.Webhooks {
		url, err := hooks.CheckURL(w.URL, w.AllowPrivate)
		if err != nil { // validate has said so already
			return fmt.Errorf("config: apply webhook %q: url: %w", w.Name, err)
		}
		events := slices.Compact(slices.Sorted(slices.Values(w.Events))) // as the API stores them
		active := w.Active == nil || *w.Active
		old := byName[w.Name]
		if old == nil {
			// From the tenant's newest event on, as hooks.Service.Create.
			last, err := st.LastEventID(ctx, tenant)
			if err != nil {
				return fmt.Errorf("config: apply webhook %q: %w", w.Name, err)
			}
			h := &parley.HookSubscription{TenantID: tenant, Name: w.Name, URL: url, Secret: w.Secret, Events: events,
				AllowPrivate: w.AllowPrivate, Active: active, Cursor: last}
			if err := st.CreateHook(ctx, h); err != nil {
				return fmt.Errorf("config: apply webhook %q: %w", w.Name, err)
			}
			continue
		}
		if old.URL == url && old.Secret == w.Secret && slices.Equal(old.Events, events) && old.AllowPrivate == w.AllowPrivate && old.Active == active {
			continue // unchanged: no new version for an admin editing it
		}
		old.URL, old.Secret, old.Events, old.AllowPrivate, old.Active = url, w.Secret, events, w.AllowPrivate, active
		if err := st.UpdateHook(ctx, old); err != nil {
			return fmt.Errorf("config: apply webhook %q: %w", w.Name, err)
		}
	}
	return nil
}

func (x *exporter) webhooks() error {
	hs, err := x.st.Hooks(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	slices.SortFunc(hs, func(a, b *parley.HookSubscription) int { return strings.Compare(a.Name, b.Name) })
	for _, h := range hs {
		w := Webhook{Name: h.Name, URL: h.URL, Events: h.Events, AllowPrivate: h.AllowPrivate}
		if h.Secret != "" {
			w.Secret = "${" + WebhookSecretEnv(h.Name) + "}"
		}
		if !h.Active {
			w.Active = new(bool)
		}
		x.f.Webhooks = append(x.f.Webhooks, w)
	}
	return nil
}
