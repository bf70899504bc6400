package app

import (
	"context"
	"embed"
	"fmt"
	"log/slog"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/kb"
)

// demoArticles are the demo shop's knowledge base: a dozen answers of a
// consumer electronics shop, imported like any folder of Markdown files.
//
//go:embed demo_kb/*.md
var demoArticles embed.FS

// demoSynonyms are the demo tenant's synonym list.
var demoSynonyms = [][]string{
	{"screen", "display"},
	{"broken", "cracked", "smashed"},
	{"refund", "money back"},
	{"parcel", "package", "order"},
	{"password", "login", "sign in"},
	{"won't turn on", "dead", "no power"},
}

// knowledgeBase returns the knowledge base and, in demo mode, fills the
// demo tenant's (tenants' last) if it has no article yet.
func (a *App) knowledgeBase(ctx context.Context, tenants []string) (*kb.Service, error) {
	svc := kb.New(a.Store)
	if !a.cfg.Demo {
		return svc, nil
	}
	if err := seedDemoKB(ctx, svc, tenants[len(tenants)-1], a.cfg.Logger); err != nil {
		return nil, fmt.Errorf("demo knowledge base: %w", err)
	}
	return svc, nil
}

// seedDemoKB imports the demo articles and synonyms into an empty
// knowledge base. A file that no longer fits the edited demo
// configuration (a service renamed) is logged and skipped.
func seedDemoKB(ctx context.Context, svc *kb.Service, tenant string, log *slog.Logger) error {
	page, err := svc.List(ctx, parley.ArticleFilter{TenantID: tenant, Limit: 1})
	if err != nil || page.Total > 0 {
		return err
	}
	files, err := kb.ReadFolder(demoArticles, "demo_kb")
	if err != nil {
		return err
	}
	rep, err := svc.Import(ctx, tenant, files, nil)
	if err != nil {
		return err
	}
	for _, f := range rep.Files {
		if f.Error != "" {
			log.Warn("demo knowledge base: article skipped", slog.String("error", f.Error))
		}
	}
	_, err = svc.SetSynonyms(ctx, tenant, demoSynonyms)
	return err
}
