package sqlstore_test

import (
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestSearchCustomers: by name in any case, of one account only, most
// recently heard from first, with whether a chat is open.
func TestSearchCustomers(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ids := map[string]string{}
		for _, c := range []parley.Customer{
			{ExternalID: "p1", FirstName: "Jane", LastName: "Doe", AccountID: "page", LastMessageAt: at(1)},
			{ExternalID: "p2", FirstName: "Janet", LastName: "Roe", AccountID: "page", LastMessageAt: at(3)},
			{ExternalID: "p3", FirstName: "John", LastName: "Smith_50%", AccountID: "page"},
			{ExternalID: "p4", FirstName: "Jane", LastName: "Other", AccountID: "other-page", LastMessageAt: at(2)},
		} {
			c.TenantID = parley.DefaultTenant
			got, _, err := s.EnsureCustomer(ctx, &c)
			must(t, err)
			ids[c.ExternalID] = got.ID
		}
		must(t, s.CreateChat(ctx, &parley.Chat{TenantID: parley.DefaultTenant, AccountID: "page", CustomerID: ids["p2"]}))

		cases := []struct {
			query string
			limit int
			want  []string // external ids, in order
			open  []bool
		}{
			{query: "jan", limit: 20, want: []string{"p2", "p1"}, open: []bool{true, false}},
			{query: "", limit: 20, want: []string{"p2", "p1", "p3"}, open: []bool{true, false, false}},
			{query: "", limit: 1, want: []string{"p2"}, open: []bool{true}},
			{query: "O_N", limit: 20, want: []string{}}, // _ is no wildcard: no "John"
			{query: "smith_50%", limit: 20, want: []string{"p3"}, open: []bool{false}},
			{query: "nobody", limit: 20, want: []string{}},
		}
		for _, tc := range cases {
			got, err := s.SearchCustomers(ctx, "page", tc.query, tc.limit)
			must(t, err)
			if len(got) != len(tc.want) {
				t.Fatalf("search %q: %d customers, want %v", tc.query, len(got), tc.want)
			}
			for i, m := range got {
				if m.Customer.ExternalID != tc.want[i] || m.OpenChat != tc.open[i] {
					t.Fatalf("search %q: #%d = %s open=%v, want %s open=%v", tc.query, i, m.Customer.ExternalID, m.OpenChat, tc.want[i], tc.open[i])
				}
			}
		}
	})
}
