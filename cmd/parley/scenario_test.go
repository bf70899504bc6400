package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
)

func TestScenarioTest(t *testing.T) {
	clearEnv(t)
	tests := []struct {
		name   string
		args   []string
		err    string
		stdout []string // lines that must appear
	}{
		{"demo scenarios pass", []string{"scenario", "test", "testdata/demo_scenarios.yaml", "testdata/demo_after_hours.yaml"}, "", []string{
			"ok    messenger-chat: after hours",
			"ok    messenger-chat: queue full",
			"ok    messenger-chat-after-hours: after hours, invalid then valid email",
		}},
		{"a failing case says where", []string{"scenario", "test", "testdata/failing_script.yaml"}, "1 case(s) failed", []string{
			"FAIL  messenger-chat: wrong greeting",
			`testdata/failing_script.yaml:8: step 1: bot said "Hi ! Thanks for writing to Parley Demo Co.", expected "Hello there!"`,
		}},
		{"no script", []string{"scenario", "test"}, "no script given", nil},
		{"missing script", []string{"scenario", "test", "testdata/nope.yaml"}, "open testdata/nope.yaml: no such file or directory", nil},
		{"unknown subcommand", []string{"scenario", "run"}, `unknown scenario command "run"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("error %v\n%s", err, stdout.String())
			case tt.err != "" && (err == nil || err.Error() != tt.err):
				t.Fatalf("error = %v, want %q", err, tt.err)
			}
			for _, line := range tt.stdout {
				if !strings.Contains(stdout.String(), line+"\n") {
					t.Errorf("stdout lacks %q:\n%s", line, stdout.String())
				}
			}
		})
	}
}

// TestScenarioReplay records two chats of the demo scenario in a database,
// then replays them against an edited version of it.
func TestScenarioReplay(t *testing.T) {
	clearEnv(t)
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "parley.db")
	st, err := app.OpenStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	record := func(psid string, assigned bool, msgs ...[2]string) {
		t.Helper()
		if err := st.EnsureTenant(ctx, &parley.Tenant{ID: parley.DefaultTenant}); err != nil {
			t.Fatal(err)
		}
		cust, _, err := st.EnsureCustomer(ctx, &parley.Customer{TenantID: parley.DefaultTenant, AccountID: "acct", ExternalID: psid})
		if err != nil {
			t.Fatal(err)
		}
		chat := &parley.Chat{TenantID: parley.DefaultTenant, AccountID: "acct", CustomerID: cust.ID, State: parley.ChatBot}
		if err := st.CreateChat(ctx, chat); err != nil {
			t.Fatal(err)
		}
		vars := map[string]string{"first_name": "Jane"}
		if err := st.SaveScenario(ctx, chat.ID, parley.ScenarioPosition{Name: "messenger-chat", Version: 1, Vars: vars}); err != nil {
			t.Fatal(err)
		}
		for i, m := range msgs {
			msg := &parley.Message{TenantID: chat.TenantID, ChatID: chat.ID, Text: m[1], Kind: parley.KindText, CreatedAt: time.Now()}
			if m[0] == "customer" {
				msg.Direction, msg.Sender, msg.Status, msg.ExternalID = parley.Inbound, parley.SenderCustomer, parley.MsgReceived, psid+"-"+string(rune('a'+i))
			} else {
				msg.Direction, msg.Sender, msg.Status = parley.Outbound, parley.SenderBot, parley.MsgSent
			}
			if err := st.AddMessage(ctx, msg); err != nil {
				t.Fatal(err)
			}
		}
		if assigned {
			u := &parley.User{TenantID: parley.DefaultTenant, Username: "alice", PasswordHash: "h", Role: parley.RoleAgent, Capacity: 3}
			if err := st.UpsertUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			if err := st.SetAgentStatus(ctx, u.ID, parley.StateReady, "", time.Time{}, time.Now()); err != nil {
				t.Fatal(err)
			}
			if err := st.EnqueueChat(ctx, chat.ID, "svc", 0, time.Now()); err != nil {
				t.Fatal(err)
			}
			if err := st.OfferChat(ctx, &parley.Offer{ChatID: chat.ID, AgentID: u.ID, OfferedAt: time.Now()}, 3, true); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.CloseChat(ctx, chat.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	record("p1", true,
		[2]string{"customer", "hello"},
		[2]string{"bot", "Hi Jane! Thanks for writing to Parley Demo Co."},
		[2]string{"bot", "Let me find someone to help you."},
		[2]string{"bot", "You are now connected with an agent."},
		[2]string{"customer", "my order is late"},
		[2]string{"bot", "Thanks for chatting with us, Jane. Have a great day!"},
	)
	st.Close()

	// The same scenario: an agent took the chat in both.
	demo, err := os.ReadFile("../../app/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	same := filepath.Join(dir, "same.yaml")
	if err := os.WriteFile(same, demo, 0o600); err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(dir, "edited.yaml")
	if err := os.WriteFile(edited, bytes.Replace(demo, []byte("Let me find someone to help you."), []byte("One moment please."), 1), 0o600); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := run(ctx, []string{"scenario", "replay", "-database", db, "-config", same, "-scenario", "messenger-chat"}, &out, &out); err != nil {
		t.Fatalf("replay against the same version: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "1 chat(s) replayed, 0 behave differently") {
		t.Errorf("same version:\n%s", out.String())
	}
	out.Reset()
	err = run(ctx, []string{"scenario", "replay", "-database", db, "-config", edited, "-scenario", "messenger-chat"}, &out, &out)
	if err == nil || err.Error() != "1 of 1 chats behave differently" {
		t.Fatalf("replay against the edit = %v\n%s", err, out.String())
	}
	if want := `bot message 2: was "Let me find someone to help you.", now "One moment please."`; !strings.Contains(out.String(), want) {
		t.Errorf("edited version: output lacks %q:\n%s", want, out.String())
	}
}
