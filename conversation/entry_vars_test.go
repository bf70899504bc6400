package conversation

import (
	"reflect"
	"testing"

	"github.com/parleycc/parley"
)

// TestAddEntryVars: how a customer arrived becomes scenario variables,
// never replacing one Parley sets and never under a name a scenario could
// not write.
func TestAddEntryVars(t *testing.T) {
	tests := []struct {
		name string
		how  *parley.InboundEntry
		want map[string]string
	}{
		{"nothing", nil, map[string]string{"first_name": "Ann"}},
		{"a ref", &parley.InboundEntry{Ref: "summer-ad"}, map[string]string{"first_name": "Ann", "ref": "summer-ad"}},
		{"pre-chat answers", &parley.InboundEntry{Vars: map[string]string{"email": "ann@example.com", "order_no": "A17"}},
			map[string]string{"first_name": "Ann", "email": "ann@example.com", "order_no": "A17"}},
		{"never over Parley's own", &parley.InboundEntry{Vars: map[string]string{"first_name": "Mallory"}}, map[string]string{"first_name": "Ann"}},
		{"only names a scenario can write", &parley.InboundEntry{Vars: map[string]string{"E-mail": "x", "$(x)": "y", "": "z"}},
			map[string]string{"first_name": "Ann"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"first_name": "Ann"}
			addEntryVars(vars, tt.how)
			if !reflect.DeepEqual(vars, tt.want) {
				t.Fatalf("vars = %v, want %v", vars, tt.want)
			}
		})
	}
}
