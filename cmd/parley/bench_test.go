package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/config"
)

// TestBenchConfig: the file `parley bench config` writes is one the server
// takes, with the agents and Graph API asked for.
func TestBenchConfig(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"bench", "config", "-agents", "3", "-capacity", "4", "-graph", "http://127.0.0.1:9"}, &out, &errb)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	f, err := config.Parse("bench.yaml", out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CheckChannels(app.Channels(nil)); err != nil {
		t.Fatal(err)
	}
	if len(f.Users) != 3 || *f.Users[0].Capacity != 4 || f.Accounts[0].APIBaseURL != "http://127.0.0.1:9" {
		t.Errorf("users %+v, account %+v", f.Users, f.Accounts[0])
	}
}
