package app

import (
	"context"
	"log/slog"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
)

// ExportConfig is the tenant's running configuration as parley.yaml
// (config.Export): secrets as ${ENV} references, passwords as hashes.
func (a *App) ExportConfig(ctx context.Context, tenant string) ([]byte, error) {
	f, err := config.Export(ctx, a.Store, tenant)
	if err != nil {
		return nil, err
	}
	return f.Marshal()
}

// ImportConfig applies a parley.yaml an admin of tenant uploaded, with the
// checks of a file read at start: a file with errors changes nothing, and
// one that configures another tenant is refused. Its ${ENV} references
// are read from this server's environment. A file that names no tenant
// applies to the importer's.
func (a *App) ImportConfig(ctx context.Context, tenant string, data []byte) error {
	f, err := config.Parse("uploaded parley.yaml", data)
	if err != nil {
		return err
	}
	switch f.Tenant {
	case "":
		f.Tenant = tenant // a file that names no tenant sets up the importer's
	case tenant:
	default:
		return parley.Errorf(parley.EFORBIDDEN, "the file configures tenant %q; you may import only into %q", f.Tenant, tenant)
	}
	f.PasswordCost = a.cfg.PasswordCost
	if err := f.CheckChannels(a.channels); err != nil {
		return err
	}
	release, err := a.configTurn(ctx)
	if err != nil {
		return err
	}
	defer release()
	if err := a.applyAtomically(ctx, f); err != nil {
		return err
	}
	a.cfg.Logger.Info("configuration imported", slog.String("tenant", tenant))
	return nil
}
