package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
)

// ConfigFile is the configuration file the server applies at start and on
// reload ("" if none).
func (a *App) ConfigFile() string { return a.cfg.ConfigFile }

// ConfigTenant is the tenant the configuration file configured when it was
// last applied: only its admins may check or reload it.
func (a *App) ConfigTenant() string {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	return a.fileTenant
}

// applyFile loads, validates and applies the configuration file. With a
// tenant, a file that configures another tenant is refused.
func (a *App) applyFile(ctx context.Context, tenant string) (*config.File, error) {
	f, err := config.Load(a.cfg.ConfigFile)
	if err != nil {
		return nil, err
	}
	if tenant != "" && f.TenantID() != tenant {
		return nil, errOtherTenant
	}
	f.PasswordCost = a.cfg.PasswordCost
	if a.cfg.Demo {
		pointDemoPage(f, a.URL())
	}
	if err := f.CheckChannels(a.channels); err != nil {
		return nil, err
	}
	release, err := a.configTurn(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	if err := a.applyAtomically(ctx, f); err != nil {
		return nil, err
	}
	if a.Service != nil {
		a.Service.AccountsChanged()
	}
	a.fileTenant = f.TenantID()
	return f, nil
}

// applyAtomically applies a configuration file in one transaction: a file the
// database refuses part way (a name taken, the database gone) changes
// nothing, instead of leaving some of its objects applied.
func (a *App) applyAtomically(ctx context.Context, f *config.File) error {
	return a.Store.Atomically(ctx, "", func(tx parley.Store) error { return f.Apply(ctx, tx) })
}

// errOtherTenant refuses a reload by an admin of a tenant the file does
// not configure.
var errOtherTenant = parley.Errorf(parley.EFORBIDDEN, "the configuration file configures another tenant; only its admins may reload it")

// configTurn waits until no other node on the database is applying its
// configuration (Store.Leadership, "config"). Applying is idempotent, but
// two nodes starting together would create the same rows at once, collide
// on their unique keys, and one of them would fail to start.
func (a *App) configTurn(ctx context.Context) (func(), error) {
	for {
		ok, _, release, err := a.Store.Leadership(ctx, "config")
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if ok {
			return release, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Reload re-reads the configuration file and applies it without a
// restart. A file with errors changes nothing. Edited scenarios become new
// versions: new chats start on them, running chats keep theirs.
func (a *App) Reload(ctx context.Context) ([]*parley.ScenarioVersion, error) {
	return a.reload(ctx, "")
}

// ReloadTenant is Reload on behalf of an admin of tenant: only the tenant
// the file configures may reload it (the one it configured when last
// applied, and the one it configures now), so that no other tenant's
// admin changes it or reads its problems.
func (a *App) ReloadTenant(ctx context.Context, tenant string) ([]*parley.ScenarioVersion, error) {
	return a.reload(ctx, tenant)
}

func (a *App) reload(ctx context.Context, tenant string) ([]*parley.ScenarioVersion, error) {
	if a.cfg.ConfigFile == "" {
		return nil, parley.Errorf(parley.EINVALID, "the server was started without a configuration file")
	}
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	if tenant != "" && tenant != a.fileTenant {
		return nil, errOtherTenant
	}
	f, err := a.applyFile(ctx, tenant)
	if err != nil {
		a.cfg.Logger.Warn("config reload failed", slog.String("file", a.cfg.ConfigFile), slog.Any("err", err))
		return nil, err
	}
	var out []*parley.ScenarioVersion
	for _, s := range f.Scenarios {
		v, err := a.Store.LatestScenario(ctx, f.TenantID(), s.Name)
		if err != nil {
			return nil, fmt.Errorf("config reload: %w", err)
		}
		out = append(out, v)
		a.cfg.Logger.Info("scenario in effect", slog.String("scenario", s.Name), slog.Int("version", v.Version))
	}
	a.cfg.Logger.Info("config reloaded", slog.String("file", a.cfg.ConfigFile))
	return out, nil
}
