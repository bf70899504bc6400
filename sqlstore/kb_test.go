package sqlstore_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func newArticle(t *testing.T, s *sqlstore.Store, tenant, title, body string, published bool) *parley.Article {
	t.Helper()
	a := &parley.Article{TenantID: tenant, Title: title, Body: body, Tags: []string{"help"}, Language: "en", Published: published}
	must(t, s.CreateArticle(ctx, a))
	return a
}

func TestKBArticles(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		a := newArticle(t, s, "t1", "Broken screen", "Bring it to a store.", true)
		if a.ID == "" || a.Version != 1 || a.CreatedAt.IsZero() || !a.UpdatedAt.Equal(a.CreatedAt) {
			t.Fatalf("created: %+v", a)
		}
		got, err := s.Article(ctx, "t1", a.ID)
		must(t, err)
		if !reflect.DeepEqual(got, a) {
			t.Fatalf("Article = %+v, want %+v", got, a)
		}
		_, err = s.Article(ctx, "t2", a.ID)
		wantCode(t, err, parley.ENOTFOUND)

		// Update from the current version; a stale one conflicts.
		upd := *got
		upd.Title, upd.Tags, upd.Published = "Cracked screen", []string{"screen", "repair"}, false
		must(t, s.UpdateArticle(ctx, &upd))
		if upd.Version != 2 || !upd.CreatedAt.Equal(a.CreatedAt) {
			t.Fatalf("updated: %+v", upd)
		}
		stale := *got
		stale.Title = "Lost update"
		wantCode(t, s.UpdateArticle(ctx, &stale), parley.ECONFLICT)
		missing := upd
		missing.ID = "nope"
		wantCode(t, s.UpdateArticle(ctx, &missing), parley.ENOTFOUND)
		got, _ = s.Article(ctx, "t1", a.ID)
		if got.Title != "Cracked screen" || got.Version != 2 || got.Published || !reflect.DeepEqual(got.Tags, []string{"screen", "repair"}) {
			t.Fatalf("after update: %+v", got)
		}

		wantCode(t, s.DeleteArticle(ctx, "t2", a.ID), parley.ENOTFOUND)
		must(t, s.DeleteArticle(ctx, "t1", a.ID))
		_, err = s.Article(ctx, "t1", a.ID)
		wantCode(t, err, parley.ENOTFOUND)
	})
}

func TestKBArticlesPaging(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		var as []*parley.Article
		for i := range 5 {
			as = append(as, &parley.Article{TenantID: "t1", Title: "A", Body: "b", Language: []string{"en", "fr"}[i%2], Published: i < 3})
		}
		must(t, s.CreateArticles(ctx, as))
		newArticle(t, s, "t2", "other tenant", "x", true)
		cases := []struct {
			f        parley.ArticleFilter
			n, total int
		}{
			{parley.ArticleFilter{TenantID: "t1"}, 5, 5},
			{parley.ArticleFilter{TenantID: "t1", Limit: 2}, 2, 5},
			{parley.ArticleFilter{TenantID: "t1", Limit: 2, Offset: 4}, 1, 5},
			{parley.ArticleFilter{TenantID: "t1", PublishedOnly: true}, 3, 3},
			{parley.ArticleFilter{TenantID: "t1", Language: "fr"}, 2, 2},
			{parley.ArticleFilter{TenantID: "t3"}, 0, 0},
		}
		for _, c := range cases {
			page, total, err := s.Articles(ctx, c.f)
			must(t, err)
			if len(page) != c.n || total != c.total {
				t.Errorf("%+v: %d of %d, want %d of %d", c.f, len(page), total, c.n, c.total)
			}
		}
	})
}

func TestKBCreateArticlesAllOrNothing(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		good := &parley.Article{TenantID: "t1", Title: "ok", Body: "b"}
		bad := &parley.Article{TenantID: "t1", Title: "", Body: "b"} // the table's CHECK refuses it
		if err := s.CreateArticles(ctx, []*parley.Article{good, bad}); err == nil {
			t.Fatal("CreateArticles with an empty title succeeded")
		}
		_, total, err := s.Articles(ctx, parley.ArticleFilter{TenantID: "t1"})
		must(t, err)
		if total != 0 {
			t.Fatalf("%d articles stored after a failed batch", total)
		}
	})
}

func TestKBSearch(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		title := newArticle(t, s, "t1", "Screen repair", "What to do.", true)
		body := newArticle(t, s, "t1", "Shipping", "A broken screen during shipping is covered.", true)
		draft := newArticle(t, s, "t1", "Screen draft", "screen", false)
		newArticle(t, s, "t2", "Screen elsewhere", "screen", true)

		hits, err := s.SearchArticles(ctx, parley.ArticleQuery{TenantID: "t1", Terms: [][]string{{"screens"}}, PublishedOnly: true, Limit: 10})
		must(t, err)
		if len(hits) != 2 || hits[0].Article.ID != title.ID || hits[1].Article.ID != body.ID || !(hits[0].Rank > hits[1].Rank) || hits[1].Rank <= 0 {
			t.Fatalf("hits %+v", hitIDs(hits))
		}
		hits, err = s.SearchArticles(ctx, parley.ArticleQuery{TenantID: "t1", Terms: [][]string{{"screen"}}, Limit: 10})
		must(t, err)
		if len(hits) != 3 || !containsHit(hits, draft.ID) {
			t.Fatalf("with drafts: %v", hitIDs(hits))
		}
		// Phrases and alternatives.
		hits, err = s.SearchArticles(ctx, parley.ArticleQuery{TenantID: "t1", Terms: [][]string{{"display", "broken screen"}}, PublishedOnly: true, Limit: 10})
		must(t, err)
		if len(hits) != 1 || hits[0].Article.ID != body.ID {
			t.Fatalf("phrase: %v", hitIDs(hits))
		}
		hits, err = s.SearchArticles(ctx, parley.ArticleQuery{TenantID: "t1", Terms: nil, Limit: 10})
		must(t, err)
		if len(hits) != 0 {
			t.Fatalf("no terms: %v", hitIDs(hits))
		}
		// Query syntax of either database is only punctuation here.
		hits, err = s.SearchArticles(ctx, parley.ArticleQuery{TenantID: "t1", Terms: [][]string{{`"shipping"`, "(!&|:*"}, {"NEAR("}}, PublishedOnly: true, Limit: 10})
		must(t, err)
		if len(hits) != 1 || hits[0].Article.ID != body.ID {
			t.Fatalf("syntax: %v", hitIDs(hits))
		}
	})
}

// TestKBSearchMinTerms: a search matches the articles containing at
// least MinTerms of its terms (an alternative of each), on both
// databases, and a tenant with no articles matches none.
func TestKBSearchMinTerms(t *testing.T) {
	terms := [][]string{{"battery"}, {"charger"}, {"cable", "usb cord"}}
	cases := []struct {
		tenant   string
		minTerms int
		want     []string
	}{
		{"t1", 0, []string{"all three", "battery charger", "battery usb cord", "battery only", "cable only"}},
		{"t1", 1, []string{"all three", "battery charger", "battery usb cord", "battery only", "cable only"}},
		{"t1", 2, []string{"all three", "battery charger", "battery usb cord"}},
		{"t1", 3, []string{"all three"}},
		{"t1", 9, []string{"all three"}}, // more than there are terms: every one
		{"empty", 1, nil},
	}
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		for _, a := range [][2]string{
			{"all three", "The battery charger and its cable."},
			{"battery charger", "A battery needs its charger."},
			{"battery usb cord", "Charge the battery with the USB cord."},
			{"battery only", "The battery lasts a day."},
			{"cable only", "Any cable will do."},
			{"usb and cord apart", "A USB stick and a cord."}, // not the phrase
			{"nothing", "Opening hours."},
		} {
			newArticle(t, s, "t1", a[0], a[1], true)
		}
		for _, c := range cases {
			hits, err := s.SearchArticles(ctx, parley.ArticleQuery{TenantID: c.tenant, Terms: terms, MinTerms: c.minTerms, PublishedOnly: true, Limit: 10})
			must(t, err)
			got := hitIDs(hits)
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(got, want) {
				t.Errorf("%s, at least %d terms: %q, want %q", c.tenant, c.minTerms, got, want)
			}
		}
	})
}

func TestKBSynonyms(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		g, err := s.Synonyms(ctx, "t1")
		must(t, err)
		if g == nil || len(g) != 0 {
			t.Fatalf("no synonyms: %#v", g)
		}
		want := [][]string{{"screen", "display"}, {"power button", "on switch"}}
		must(t, s.SetSynonyms(ctx, "t1", want))
		must(t, s.SetSynonyms(ctx, "t1", want))
		g, err = s.Synonyms(ctx, "t1")
		must(t, err)
		if !reflect.DeepEqual(g, want) {
			t.Fatalf("Synonyms = %v", g)
		}
	})
}

func hitIDs(hits []parley.ArticleHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Article.Title)
	}
	return out
}

func containsHit(hits []parley.ArticleHit, id string) bool {
	for _, h := range hits {
		if h.Article.ID == id {
			return true
		}
	}
	return false
}
