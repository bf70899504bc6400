package sqlstore_test

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestServiceTicketFields: a service's ticket fields come back in their
// order from every read, an upsert replaces them, and none reads as nil.
func TestServiceTicketFields(t *testing.T) {
	raw, err := os.ReadFile("testdata/service_ticket_fields.json")
	must(t, err)
	var declared []parley.TicketField
	must(t, json.Unmarshal(raw, &declared))
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		for _, step := range []struct {
			name   string
			fields []parley.TicketField
		}{
			{"three fields", declared},
			{"reordered", []parley.TicketField{declared[2], declared[0]}},
			{"none", nil},
			{"empty list reads as none", []parley.TicketField{}},
		} {
			sv := &parley.Service{TenantID: "t1", Name: "Support", TicketFields: step.fields}
			must(t, s.UpsertService(ctx, sv))
			want := step.fields
			if len(want) == 0 {
				want = nil
			}
			byID, err := s.Service(ctx, sv.ID)
			must(t, err)
			byName, err := s.ServiceByName(ctx, "t1", "Support")
			must(t, err)
			list, err := s.Services(ctx, "t1")
			must(t, err)
			if len(list) != 1 {
				t.Fatalf("%s: Services = %v", step.name, list)
			}
			for read, got := range map[string]*parley.Service{"Service": byID, "ServiceByName": byName, "Services": list[0]} {
				if !reflect.DeepEqual(got.TicketFields, want) {
					t.Errorf("%s: %s ticket fields = %+v, want %+v", step.name, read, got.TicketFields, want)
				}
			}
		}
	})
}
