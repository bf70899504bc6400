package sqlstore_test

import (
	"reflect"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func fbAccount(tenant, name, page string) *parley.Account {
	return &parley.Account{TenantID: tenant, Name: name, Type: parley.ChannelFacebook, PageID: page,
		AccessToken: "tok", AppSecret: "sec", VerifyToken: "ver", Active: true}
}

func TestAccounts(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		a := fbAccount("t1", "main", "p1")
		a.PageUsername, a.APIBaseURL = "acme", "http://fake"
		a.Settings = map[string]string{"sender_name": "Acme"}
		must(t, s.UpsertAccount(ctx, a))
		if a.ID == "" || a.UpdatedAt.IsZero() {
			t.Fatalf("upsert did not set ID/UpdatedAt: %+v", a)
		}
		got, err := s.Account(ctx, a.ID)
		must(t, err)
		if !reflect.DeepEqual(got, a) {
			t.Fatalf("Account = %+v, want %+v", got, a)
		}

		// Updating by tenant+name keeps the id.
		upd := fbAccount("t1", "main", "p1")
		upd.AccessToken = "tok2"
		must(t, s.UpsertAccount(ctx, upd))
		if upd.ID != a.ID {
			t.Fatalf("update changed id %s -> %s", a.ID, upd.ID)
		}
		got, _ = s.Account(ctx, a.ID)
		if got.AccessToken != "tok2" || got.PageUsername != "" {
			t.Fatalf("update not stored: %+v", got)
		}

		// Same page id in another tenant or under another name: conflict.
		for _, dup := range []*parley.Account{fbAccount("t2", "x", "p1"), fbAccount("t1", "second", "p1")} {
			wantCode(t, s.UpsertAccount(ctx, dup), parley.ECONFLICT)
		}
		other := fbAccount("t2", "main", "p2")
		must(t, s.UpsertAccount(ctx, other))
		// Moving an existing account onto a taken page conflicts too.
		wantCode(t, s.UpsertAccount(ctx, fbAccount("t2", "main", "p1")), parley.ECONFLICT)

		must(t, s.SetAccountStatus(ctx, a.ID, false, "token expired"))
		got, _ = s.Account(ctx, a.ID)
		if got.Active || got.StatusReason != "token expired" {
			t.Fatalf("status not stored: %+v", got)
		}

		all, err := s.AccountsByType(ctx, parley.ChannelFacebook)
		must(t, err)
		if len(all) != 2 || all[0].TenantID != "t1" || all[1].TenantID != "t2" {
			t.Fatalf("AccountsByType = %v", all)
		}
		ts, err := s.Accounts(ctx, "t2")
		must(t, err)
		if len(ts) != 1 || ts[0].ID != other.ID {
			t.Fatalf("Accounts(t2) = %v", ts)
		}

		must(t, s.DeleteAccount(ctx, a.ID))
		_, err = s.Account(ctx, a.ID)
		wantCode(t, err, parley.ENOTFOUND)
		wantCode(t, s.DeleteAccount(ctx, a.ID), parley.ENOTFOUND)
		wantCode(t, s.SetAccountStatus(ctx, a.ID, true, ""), parley.ENOTFOUND)
		// The page id is free again.
		must(t, s.UpsertAccount(ctx, fbAccount("t2", "again", "p1")))
	})
}

func TestEntries(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		e := &parley.ScenarioEntry{TenantID: "t1", Name: "web", AccountID: "a1", ScenarioName: "welcome", ServiceID: "s1"}
		must(t, s.UpsertEntry(ctx, e))
		got, err := s.EntryByAccount(ctx, "a1")
		must(t, err)
		if *got != *e {
			t.Fatalf("EntryByAccount = %+v, want %+v", got, e)
		}
		upd := &parley.ScenarioEntry{TenantID: "t1", Name: "web", AccountID: "a2", ScenarioName: "v2"}
		must(t, s.UpsertEntry(ctx, upd))
		if upd.ID != e.ID {
			t.Fatal("update changed id")
		}
		_, err = s.EntryByAccount(ctx, "a1")
		wantCode(t, err, parley.ENOTFOUND)

		wantCode(t, s.UpsertEntry(ctx, &parley.ScenarioEntry{TenantID: "t1", Name: "other", AccountID: "a2"}), parley.ECONFLICT)
		must(t, s.UpsertEntry(ctx, &parley.ScenarioEntry{TenantID: "t1", Name: "other", AccountID: "a3"}))

		es, err := s.Entries(ctx, "t1")
		must(t, err)
		if len(es) != 2 || es[0].Name != "other" || es[1].Name != "web" {
			t.Fatalf("Entries = %v", es)
		}
		must(t, s.DeleteEntry(ctx, e.ID))
		wantCode(t, s.DeleteEntry(ctx, e.ID), parley.ENOTFOUND)
		es, _ = s.Entries(ctx, "t1")
		if len(es) != 1 {
			t.Fatalf("Entries after delete = %v", es)
		}
	})
}

func TestScenarioVersions(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		_, err := s.LatestScenario(ctx, "t1", "welcome")
		wantCode(t, err, parley.ENOTFOUND)

		v1 := &parley.ScenarioVersion{TenantID: "t1", Name: "welcome", Definition: []byte(`{"a":1}`), CreatedAt: at(1)}
		must(t, s.PublishScenario(ctx, v1))
		if v1.Version != 1 {
			t.Fatalf("first version = %d", v1.Version)
		}
		same := &parley.ScenarioVersion{TenantID: "t1", Name: "welcome", Definition: []byte(`{"a":1}`)}
		must(t, s.PublishScenario(ctx, same))
		if same.Version != 1 || !same.CreatedAt.Equal(at(1)) {
			t.Fatalf("same definition: version %d created %v", same.Version, same.CreatedAt)
		}
		v2 := &parley.ScenarioVersion{TenantID: "t1", Name: "welcome", Definition: []byte(`{"a":2}`)}
		must(t, s.PublishScenario(ctx, v2))
		if v2.Version != 2 {
			t.Fatalf("changed definition: version %d", v2.Version)
		}
		// Another tenant's scenario of the same name is separate.
		o := &parley.ScenarioVersion{TenantID: "t2", Name: "welcome", Definition: []byte(`{"a":2}`)}
		must(t, s.PublishScenario(ctx, o))
		if o.Version != 1 {
			t.Fatalf("other tenant version %d", o.Version)
		}

		latest, err := s.LatestScenario(ctx, "t1", "welcome")
		must(t, err)
		if latest.Version != 2 || string(latest.Definition) != `{"a":2}` {
			t.Fatalf("latest = %+v", latest)
		}
		old, err := s.ScenarioAt(ctx, "t1", "welcome", 1)
		must(t, err)
		if string(old.Definition) != `{"a":1}` || !old.CreatedAt.Equal(at(1)) {
			t.Fatalf("ScenarioAt(1) = %+v", old)
		}
		_, err = s.ScenarioAt(ctx, "t1", "welcome", 3)
		wantCode(t, err, parley.ENOTFOUND)

		// Concurrent publishers of distinct definitions get distinct versions.
		errs := make(chan error, 8)
		for i := range 8 {
			go func() {
				errs <- s.PublishScenario(ctx, &parley.ScenarioVersion{TenantID: "t1", Name: "race",
					Definition: []byte{'0' + byte(i)}})
			}()
		}
		for range 8 {
			must(t, <-errs)
		}
		latest, err = s.LatestScenario(ctx, "t1", "race")
		must(t, err)
		if latest.Version < 1 || latest.Version > 8 {
			t.Fatalf("race latest version %d", latest.Version)
		}
	})
}

func TestServices(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		sv := &parley.Service{TenantID: "t1", Name: "sales", MaxChatsPerAgent: 2}
		must(t, s.UpsertService(ctx, sv))
		got, err := s.Service(ctx, sv.ID)
		must(t, err)
		if !reflect.DeepEqual(got, sv) {
			t.Fatalf("Service = %+v, want %+v", got, sv)
		}
		upd := &parley.Service{TenantID: "t1", Name: "sales", MaxChatsPerAgent: 5}
		must(t, s.UpsertService(ctx, upd))
		if upd.ID != sv.ID {
			t.Fatal("update changed id")
		}
		byName, err := s.ServiceByName(ctx, "t1", "sales")
		must(t, err)
		if byName.MaxChatsPerAgent != 5 {
			t.Fatalf("ServiceByName = %+v", byName)
		}
		must(t, s.UpsertService(ctx, &parley.Service{TenantID: "t1", Name: "support"}))
		must(t, s.UpsertService(ctx, &parley.Service{TenantID: "t2", Name: "sales"}))
		list, err := s.Services(ctx, "t1")
		must(t, err)
		if len(list) != 2 || list[0].Name != "sales" || list[1].Name != "support" {
			t.Fatalf("Services = %v", list)
		}
		must(t, s.DeleteService(ctx, sv.ID))
		_, err = s.Service(ctx, sv.ID)
		wantCode(t, err, parley.ENOTFOUND)
		_, err = s.ServiceByName(ctx, "t1", "sales")
		wantCode(t, err, parley.ENOTFOUND)
		wantCode(t, s.DeleteService(ctx, sv.ID), parley.ENOTFOUND)
	})
}
