package kb_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/kb"
	"github.com/parleycc/parley/sqlstore"
)

func titles(hits []kb.Hit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.Article.Title)
	}
	return out
}

// TestKBRanking searches the fixture knowledge base (testdata/fixture)
// on both databases: each query must give the same titles in the same
// order on both.
func TestKBRanking(t *testing.T) {
	cases := []struct {
		name     string
		q        kb.Query
		synonyms [][]string
		want     []string
	}{
		{"title match above body match", kb.Query{Text: "screen"}, nil, []string{"Screen repair", "Damaged in shipping"}},
		{"stemming", kb.Query{Text: "broken screens"}, nil, []string{"Damaged in shipping", "Screen repair"}},
		{"stop words only", kb.Query{Text: "how do I"}, nil, []string{}},
		{"no synonyms", kb.Query{Text: "display"}, nil, []string{}},
		{"synonyms", kb.Query{Text: "display"}, [][]string{{"screen", "display"}}, []string{"Screen repair", "Damaged in shipping"}},
		{"phrase synonym", kb.Query{Text: "my money back"}, [][]string{{"money back", "refund"}}, []string{"Returns and refunds"}},
		{"drafts", kb.Query{Text: "screen", Drafts: true}, nil, []string{"Screen protector offer (draft)", "Screen repair", "Damaged in shipping"}},
		{"top N", kb.Query{Text: "screen", Limit: 1}, nil, []string{"Screen repair"}},
		{"language", kb.Query{Text: "écran cassé", Language: "fr"}, nil, []string{"Écran cassé"}},
		{"password", kb.Query{Text: "I forgot my password"}, nil, []string{"Reset your password"}},
	}
	forEachKB(t, func(t *testing.T, svc *kb.Service, st *sqlstore.Store) {
		loadFixture(t, svc)
		for _, c := range cases {
			_, err := svc.SetSynonyms(ctx, tenant, c.synonyms)
			must(t, err)
			c.q.TenantID = tenant
			hits, err := svc.Search(ctx, c.q)
			must(t, err)
			if got := titles(hits); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: %q gives %q, want %q", c.name, c.q.Text, got, c.want)
			}
			for i, h := range hits {
				if h.Score <= 0 || h.Score > 1 || (i > 0 && h.Score > hits[i-1].Score) {
					t.Errorf("%s: scores %v", c.name, scores(hits))
				}
			}
		}
	})
}

func scores(hits []kb.Hit) []float64 {
	var out []float64
	for _, h := range hits {
		out = append(out, h.Score)
	}
	return out
}

// TestKBMinScore drops weak hits: an article answering the whole query
// scores over 0.5, one answering half of it at most 0.5.
func TestKBMinScore(t *testing.T) {
	forEachKB(t, func(t *testing.T, svc *kb.Service, st *sqlstore.Store) {
		loadFixture(t, svc)
		all, err := svc.Search(ctx, kb.Query{TenantID: tenant, Text: "broken screen"})
		must(t, err)
		if len(all) != 2 || all[0].Score <= 0.5 || all[1].Score > 0.5 {
			t.Fatalf("broken screen: %v %v", titles(all), scores(all))
		}
		best, err := svc.Search(ctx, kb.Query{TenantID: tenant, Text: "broken screen", MinScore: 0.51})
		must(t, err)
		if got := titles(best); !reflect.DeepEqual(got, []string{"Damaged in shipping"}) {
			t.Fatalf("min score: %v", got)
		}
	})
}

func TestKBExpand(t *testing.T) {
	syn := [][]string{{"Screen", "display "}, {"power button", "on/off switch"}, {"lonely"}}
	cases := []struct {
		text string
		want [][]string
	}{
		{"My SCREEN is broken!", [][]string{{"screen", "display"}, {"broken"}}},
		{"screens", [][]string{{"screens", "screen", "display"}}},
		{"the power button sticks", [][]string{{"power button", "on off switch"}, {"sticks"}}},
		{"power power", [][]string{{"power"}}},
		{"a the of", nil},
	}
	for _, c := range cases {
		if got := kb.Expand(kb.Words(c.text), syn); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Expand(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	if got := kb.NormaliseSynonyms(syn); len(got) != 2 {
		t.Errorf("NormaliseSynonyms kept %q", got)
	}
}

// TestKBSearchWholeQueryFirst: articles containing the whole question
// are found before those ranked higher for one of its words. Thirty
// articles say "battery" over and over in title and body; the ones about
// a battery charger mention both words once, deep in a long body. With
// twenty of those (enough for a search of five), every hit answers the
// whole query; with two, they come first and single-word articles fill
// the rest.
func TestKBSearchWholeQueryFirst(t *testing.T) {
	filler := strings.Repeat("Opening hours, delivery times and store addresses are listed on the contact page. ", 8)
	cases := []struct {
		tenant string
		whole  int // articles with both words
		want   []bool
	}{
		{"many", 20, []bool{true, true, true, true, true}},
		{"few", 2, []bool{true, true, false, false, false}},
	}
	forEachKB(t, func(t *testing.T, svc *kb.Service, st *sqlstore.Store) {
		for _, c := range cases {
			for i := range 30 {
				must(t, svc.Create(ctx, &parley.Article{TenantID: c.tenant, Title: fmt.Sprintf("Battery battery %d", i),
					Body: "Battery care: a battery, battery life, battery health.", Language: "en", Published: true}))
			}
			for i := range c.whole {
				must(t, svc.Create(ctx, &parley.Article{TenantID: c.tenant, Title: fmt.Sprintf("Note %d", i),
					Body: filler + "Use the charger that came with the battery. " + filler, Language: "en", Published: true}))
			}
			hits, err := svc.Search(ctx, kb.Query{TenantID: c.tenant, Text: "battery charger"})
			must(t, err)
			var got []bool
			for _, h := range hits {
				got = append(got, h.Score > 0.5) // answers the whole query
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%d articles answer the whole query: hits %q scored %v, want whole answers %v", c.whole, titles(hits), scores(hits), c.want)
			}
		}
	})
}

// TestKBSearchCommonWords: a word in most of the tenant's articles is
// left out of what the database matches when the query has another.
// 110 articles say "phone" over and over; 10 are about the charger.
// "phone charger" finds the charger articles, where ranking every
// "phone" article would bury them (PostgreSQL's rank knows no word
// rarity).
func TestKBSearchCommonWords(t *testing.T) {
	chargers := func(hits []kb.Hit) bool {
		for _, h := range hits {
			if !strings.HasPrefix(h.Article.Title, "Charger") {
				return false
			}
		}
		return len(hits) == 5
	}
	forEachKB(t, func(t *testing.T, svc *kb.Service, st *sqlstore.Store) {
		for _, tn := range []string{tenant, "t2"} {
			for i := range 110 {
				must(t, svc.Create(ctx, &parley.Article{TenantID: tn, Title: fmt.Sprintf("Phone phone %d", i),
					Body: "Your phone, the phone's case, phone care.", Language: "en", Published: true}))
			}
			for i := range 10 {
				must(t, svc.Create(ctx, &parley.Article{TenantID: tn, Title: fmt.Sprintf("Charger %d", i),
					Body: "Use the original charger.", Language: "en", Published: true}))
			}
		}
		must(t, svc.CountWords(ctx, tenant))
		hits, err := svc.Search(ctx, kb.Query{TenantID: tenant, Text: "phone charger"})
		must(t, err)
		if !chargers(hits) {
			t.Fatalf("hits %q: a phone article came before the charger ones", titles(hits))
		}
		// Without a count, the tenant's first search starts one in the
		// background; a later search goes by it.
		deadline := time.Now().Add(10 * time.Second)
		for {
			hits, err := svc.Search(ctx, kb.Query{TenantID: "t2", Text: "phone charger"})
			must(t, err)
			if chargers(hits) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("t2 after 10s: hits %q, no count of its words used", titles(hits))
			}
			time.Sleep(20 * time.Millisecond)
		}
		// A query of common words only still finds them.
		hits, err = svc.Search(ctx, kb.Query{TenantID: tenant, Text: "phone"})
		must(t, err)
		if len(hits) != 5 || !strings.HasPrefix(hits[0].Article.Title, "Phone") {
			t.Fatalf("phone alone: %q", titles(hits))
		}
	})
}
