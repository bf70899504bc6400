package routing

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
)

func TestPick(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	ready := func(id string, load int, idle time.Time) Agent {
		return Agent{ID: id, Name: id, State: parley.StateReady, Capacity: 2, Load: load, IdleSince: idle, Services: []string{"s1"}}
	}
	tests := []struct {
		name       string
		agents     []Agent
		serviceMax int
		want       string
	}{
		{"nobody", nil, 0, ""},
		{"longest idle wins", []Agent{ready("a", 0, t0.Add(time.Minute)), ready("b", 0, t0)}, 0, "b"},
		{"idle beats busy", []Agent{ready("a", 1, time.Time{}), ready("b", 0, t0)}, 0, "b"},
		{"least busy when none idle", []Agent{{ID: "a", State: parley.StateReady, Capacity: 3, Load: 2, Services: []string{"s1"}}, ready("b", 1, time.Time{})}, 0, "b"},
		{"full agent skipped", []Agent{ready("a", 2, time.Time{})}, 0, ""},
		{"service max lowers capacity", []Agent{ready("a", 1, time.Time{})}, 1, ""},
		{"not ready skipped", []Agent{{ID: "a", State: parley.StateNotReady, Capacity: 2, Services: []string{"s1"}}}, 0, ""},
		{"other service skipped", []Agent{{ID: "a", State: parley.StateReady, Capacity: 2, Services: []string{"s2"}}}, 0, ""},
		{"tie broken by id", []Agent{ready("b", 0, t0), ready("a", 0, t0)}, 0, "a"},
		{"unknown idle time comes last", []Agent{ready("a", 0, time.Time{}), ready("b", 0, t0)}, 0, "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Pick(tt.agents, "c1", "s1", tt.serviceMax)
			if d.AgentID != tt.want {
				t.Fatalf("Pick = %q (%s), want %q", d.AgentID, d.Reason, tt.want)
			}
			if d.Reason == "" {
				t.Fatal("decision has no reason")
			}
		})
	}
}
