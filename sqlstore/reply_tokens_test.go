package sqlstore_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestReplyTokens: a token is handed out once and only while valid; an
// older event's token never replaces a newer one.
func TestReplyTokens(t *testing.T) {
	type step struct {
		set    string // token to keep ("" skips)
		until  int    // its deadline, seconds after at(0)
		takeAt int    // take at this second (-1: do not take)
		want   string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"none", []step{{takeAt: 0, want: ""}}},
		{"taken once", []step{{set: "tok1", until: 60, takeAt: 5, want: "tok1"}, {takeAt: 6, want: ""}}},
		{"expired", []step{{set: "tok1", until: 60, takeAt: 60, want: ""}, {takeAt: 1, want: ""}}},
		{"newest wins", []step{{set: "new", until: 90, takeAt: -1}, {set: "old", until: 70, takeAt: 10, want: "new"}}},
		{"a new event brings a new token", []step{{set: "tok1", until: 60, takeAt: 5, want: "tok1"}, {set: "tok2", until: 80, takeAt: 30, want: "tok2"}}},
	}
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		for i, tt := range tests {
			cust, _, err := s.EnsureCustomer(ctx, &parley.Customer{TenantID: "t1", AccountID: "a1", ExternalID: "U" + string(rune('a'+i)), CreatedAt: at(0)})
			must(t, err)
			for j, st := range tt.steps {
				if st.set != "" {
					must(t, s.SetReplyToken(ctx, cust.ID, st.set, at(0).Add(time.Duration(st.until)*time.Second)))
				}
				if st.takeAt < 0 {
					continue
				}
				got, err := s.TakeReplyToken(ctx, cust.ID, at(0).Add(time.Duration(st.takeAt)*time.Second))
				must(t, err)
				if got != st.want {
					t.Errorf("%s, step %d: took %q, want %q", tt.name, j, got, st.want)
				}
			}
		}
		_, err := s.TakeReplyToken(ctx, "no-such-customer", at(0))
		wantCode(t, err, parley.ENOTFOUND)
	})
}
