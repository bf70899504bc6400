package kb

import (
	"slices"
	"testing"
)

func TestCommon(t *testing.T) {
	counts := &docCounts{articles: 200, docs: map[string]int{"phone": 150, "screen": 90, "broken": 120, "charger": 10, "battery": 101}}
	cases := []struct {
		name   string
		counts *docCounts
		alts   []string
		want   bool
	}{
		{"in most articles", counts, []string{"phone"}, true},
		{"plural of a common word", counts, []string{"batteries"}, true},
		{"plural the stem cuts short", counts, []string{"phones"}, true},
		{"in under half", counts, []string{"screen"}, false},
		{"in none", counts, []string{"hello"}, false},
		{"a common synonym", counts, []string{"charger", "phone"}, true},
		{"a phrase is as rare as its rarest word", counts, []string{"phone charger"}, false},
		{"a phrase of common words", counts, []string{"broken phone"}, true},
		{"too few articles", &docCounts{articles: 99, docs: map[string]int{"phone": 99}}, []string{"phone"}, false},
		{"not counted", nil, []string{"phone"}, false},
	}
	for _, c := range cases {
		if got := c.counts.common(c.alts); got != c.want {
			t.Errorf("%s: common(%q) = %v, want %v", c.name, c.alts, got, c.want)
		}
	}
}

func TestDistinctive(t *testing.T) {
	counts := &docCounts{articles: 1000, docs: map[string]int{"phone": 900, "screen": 300, "broken": 200,
		"water": 50, "repair": 80, "warranty": 40, "insurance": 20, "claim": 30, "lost": 60}}
	cases := []struct {
		name   string
		counts *docCounts
		query  []string
		want   []string
	}{
		{"common and unknown words left out", counts, []string{"hello", "phone", "screen", "broken"}, []string{"screen", "broken"}},
		{"the six rarest, in query order", counts, []string{"screen", "broken", "water", "repair", "warranty", "insurance", "claim", "lost"},
			[]string{"water", "repair", "warranty", "insurance", "claim", "lost"}},
		{"only common words: all of them", counts, []string{"phone"}, []string{"phone"}},
		{"only unknown and common words: all of them", counts, []string{"hello", "phone"}, []string{"hello", "phone"}},
		{"not counted: all of them", nil, []string{"hello", "phone", "screen"}, []string{"hello", "phone", "screen"}},
	}
	for _, c := range cases {
		var terms [][]string
		for _, w := range c.query {
			terms = append(terms, []string{w})
		}
		var got []string
		for _, t := range distinctive(terms, c.counts) {
			got = append(got, t[0])
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: distinctive(%q) = %q, want %q", c.name, c.query, got, c.want)
		}
	}
}
