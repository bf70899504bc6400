package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/parleycc/parley/app"
)

// reloadOnHangup re-applies the configuration file whenever the process
// gets SIGHUP, until ctx ends.
func reloadOnHangup(ctx context.Context, a *app.App, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if _, err := a.Reload(ctx); err != nil {
					log.Error("SIGHUP: configuration not reloaded", slog.Any("err", err))
				}
			}
		}
	}()
}

// printDemoConfig tells the newcomer where the demo's editable
// configuration is and how to apply an edit.
func printDemoConfig(w io.Writer, path, url string) {
	fmt.Fprintf(w, `Demo configuration (edit it, then check and apply it without a restart):
  %[1]s
  parley config validate %[1]s
  Admin → Scenarios (log in as admin): %[2]s/admin/scenarios → Reload config file, or kill -HUP %[3]d

`, path, url, os.Getpid())
}
