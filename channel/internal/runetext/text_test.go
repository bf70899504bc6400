package runetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  []string
	}{
		{"", 5, nil},
		{"abc", 5, []string{"abc"}},
		{"hello world", 8, []string{"hello ", "world"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"ééééé", 2, []string{"éé", "éé", "é"}},
		{strings.Repeat("\xff", 5), 2, []string{"\xff\xff", "\xff\xff", "\xff"}},
	}
	for _, tt := range tests {
		got := Split(tt.in, tt.limit)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("Split(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("hello world, this is long", 7)
	f.Add("\xff\xfeé x", 1)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 1 || limit > 100 {
			return
		}
		parts := Split(s, limit)
		if strings.Join(parts, "") != s {
			t.Fatal("text not preserved")
		}
		for _, p := range parts {
			if p == "" || utf8.RuneCountInString(p) > limit {
				t.Fatalf("part %q over %d", p, limit)
			}
		}
	})
}
