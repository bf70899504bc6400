package kb_test

import (
	"context"
	"os"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/kb"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

var ctx = context.Background()

const tenant = "t1"

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := parley.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// forEachKB runs fn on a knowledge base on SQLite and on PostgreSQL.
func forEachKB(t *testing.T, fn func(t *testing.T, svc *kb.Service, st *sqlstore.Store)) {
	t.Helper()
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) { fn(t, kb.New(st), st) })
}

// loadFixture imports testdata/fixture into the tenant.
func loadFixture(t *testing.T, svc *kb.Service) {
	t.Helper()
	files, err := kb.ReadFolder(os.DirFS("testdata"), "fixture")
	must(t, err)
	rep, err := svc.Import(ctx, tenant, files, nil)
	must(t, err)
	if rep.Failed != 0 || rep.Imported != len(files) {
		t.Fatalf("fixture import: %+v", rep)
	}
}

func TestKBServiceCRUD(t *testing.T) {
	forEachKB(t, func(t *testing.T, svc *kb.Service, st *sqlstore.Store) {
		must(t, st.UpsertService(ctx, &parley.Service{TenantID: tenant, Name: "Support"}))
		a := &parley.Article{TenantID: tenant, Title: "  Battery  ", Body: "Charge it.", Tags: []string{" Power", "power", ""}, Language: "EN", ServiceID: "Support"}
		must(t, svc.Create(ctx, a))
		if a.Title != "Battery" || a.Language != "en" || len(a.Tags) != 1 || a.Tags[0] != "power" || a.ServiceID == "Support" || a.ServiceID == "" {
			t.Fatalf("normalised: %+v", a)
		}
		wantCode(t, svc.Create(ctx, &parley.Article{TenantID: tenant, Title: "x", ServiceID: "Nope"}), parley.EINVALID)
		wantCode(t, svc.Create(ctx, &parley.Article{TenantID: tenant, Title: " "}), parley.EINVALID)
		wantCode(t, svc.Create(ctx, &parley.Article{TenantID: tenant, Title: "x", Language: "english!"}), parley.EINVALID)

		_, err := svc.GetPublished(ctx, tenant, a.ID)
		wantCode(t, err, parley.ENOTFOUND)
		pub, err := svc.Publish(ctx, tenant, a.ID)
		must(t, err)
		if !pub.Published || pub.Version != 2 {
			t.Fatalf("published: %+v", pub)
		}
		if _, err := svc.GetPublished(ctx, tenant, a.ID); err != nil {
			t.Fatal(err)
		}

		// a is at version 1: saving it now is a lost update.
		a.Body = "Stale edit"
		wantCode(t, svc.Update(ctx, a), parley.ECONFLICT)
		pub.Body = "Fresh edit"
		must(t, svc.Update(ctx, pub))
		a.Version = 0
		wantCode(t, svc.Update(ctx, a), parley.EINVALID)

		page, err := svc.List(ctx, parley.ArticleFilter{TenantID: tenant})
		must(t, err)
		if page.Total != 1 || page.Articles[0].Body != "Fresh edit" || page.Limit != 50 {
			t.Fatalf("list: %+v", page)
		}
		if _, err := svc.Unpublish(ctx, tenant, a.ID); err != nil {
			t.Fatal(err)
		}
		must(t, svc.Delete(ctx, tenant, a.ID))
		wantCode(t, svc.Delete(ctx, tenant, a.ID), parley.ENOTFOUND)
	})
}
