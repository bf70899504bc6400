package conversation

import (
	"context"
	"fmt"

	"github.com/parleycc/parley"
)

// ScenarioCatalog is what the Admin scenario page lists: every version of
// the tenant's scenarios and the entries that use them.
type ScenarioCatalog struct {
	Versions []*parley.ScenarioVersion
	Entries  []*parley.ScenarioEntry
}

// Scenarios returns the tenant's scenario versions and entries.
func (s *Service) Scenarios(ctx context.Context, tenantID string) (*ScenarioCatalog, error) {
	versions, err := s.Store.ScenarioVersions(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("scenario versions: %w", err)
	}
	entries, err := s.Store.Entries(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("scenario entries: %w", err)
	}
	return &ScenarioCatalog{Versions: versions, Entries: entries}, nil
}

// ServiceNames lists the names of the tenant's services (what scenarios
// may name).
func (s *Service) ServiceNames(ctx context.Context, tenantID string) ([]string, error) {
	svcs, err := s.Store.Services(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("services: %w", err)
	}
	names := make([]string, 0, len(svcs))
	for _, v := range svcs {
		names = append(names, v.Name)
	}
	return names, nil
}

// PublishScenario stores a validated definition as the scenario's next
// version (unless it equals the latest). New chats start on it; running
// chats keep theirs.
func (s *Service) PublishScenario(ctx context.Context, tenantID, name string, definition []byte) (*parley.ScenarioVersion, error) {
	v := &parley.ScenarioVersion{TenantID: tenantID, Name: name, Definition: definition}
	if err := s.Store.PublishScenario(ctx, v); err != nil {
		return nil, fmt.Errorf("publish scenario %q: %w", name, err)
	}
	return v, nil
}
