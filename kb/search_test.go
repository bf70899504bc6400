package kb_test

import (
	"reflect"
	"testing"

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
