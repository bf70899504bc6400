package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleycc/parley/app"
)

// TestAdminCreate: the documented first step on an empty install makes a
// tenant and its admin; a missing password, a bad tenant id or a taken
// username is refused with the reason.
func TestAdminCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "parley.db")
	tests := []struct {
		name     string
		args     []string
		password string
		want     string // in stdout on success, in the error otherwise
		ok       bool
	}{
		{"first admin", []string{"-tenant", "acme", "-tenant-name", "Acme Inc.", "ada"}, "a-long-password\n", "admin ada created in tenant acme", true},
		{"no password", []string{"-tenant", "acme", "bob"}, "", "no password on standard input", false},
		{"bad tenant", []string{"-tenant", "Acme Inc", "bob"}, "a-long-password\n", "tenant", false},
		{"taken", []string{"-tenant", "acme", "ada"}, "another-password\n", "taken", false},
		{"default tenant", []string{"root"}, "root-password", "admin root created in tenant default", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdin = strings.NewReader(tt.password)
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"admin", "create", "-database", db}, tt.args...), &stdout, &stderr)
			switch {
			case tt.ok && (err != nil || !strings.Contains(stdout.String(), tt.want)):
				t.Fatalf("err %v, stdout %q, want %q", err, stdout.String(), tt.want)
			case !tt.ok && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err %v, want one with %q", err, tt.want)
			}
		})
	}
	st, err := app.OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ten, err := st.Tenant(context.Background(), "acme")
	if err != nil || ten.Name != "Acme Inc." {
		t.Fatalf("tenant acme = %+v, %v", ten, err)
	}
	u, err := st.UserByUsername(context.Background(), "acme", "ada")
	if err != nil || u.Role != "admin" {
		t.Fatalf("ada = %+v, %v", u, err)
	}
}
