package kb_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleycc/parley/kb"
)

// TestKBSanitize renders hostile Markdown (testdata/hostile/*.md): no
// script, event handler, javascript: URL, iframe or style survives.
func TestKBSanitize(t *testing.T) {
	files, err := filepath.Glob("testdata/hostile/*.md")
	must(t, err)
	if len(files) == 0 {
		t.Fatal("no hostile fixtures")
	}
	forbidden := []string{"<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<style", "<object", "<embed", "<form", "alert("}
	for _, f := range files {
		md, err := os.ReadFile(f)
		must(t, err)
		h, err := kb.Render(string(md))
		must(t, err)
		low := strings.ToLower(string(h))
		for _, bad := range forbidden {
			if strings.Contains(low, bad) {
				t.Errorf("%s: %q survives in %s", f, bad, h)
			}
		}
		if !strings.Contains(low, "kept") {
			t.Errorf("%s: the harmless text was lost: %s", f, h)
		}
	}
}

func TestKBRender(t *testing.T) {
	cases := []struct{ md, want string }{
		{"**bold** and *em*", "<p><strong>bold</strong> and <em>em</em></p>"},
		{"[shop](https://example.com/x)", `<p><a href="https://example.com/x" target="_blank" rel="nofollow noopener">shop</a></p>`},
		{"[here](/kb/t1/articles/2)", `<p><a href="/kb/t1/articles/2" target="_blank" rel="nofollow noopener">here</a></p>`},
		{"see https://example.com", `<a href="https://example.com" target="_blank" rel="nofollow noopener">`},
		{`<a href="https://example.com" target="_top">x</a>`, `<a href="https://example.com" rel="nofollow noopener" target="_blank">x</a>`},
		{`<a href="/x" target="_top">x</a>`, `<a href="/x" rel="nofollow">x</a>`},
		{"| a | b |\n|---|---|\n| 1 | 2 |", "<table>"},
		{"<details><summary>More</summary>Text</details>", "<details><summary>More</summary>Text</details>"},
	}
	for _, c := range cases {
		h, err := kb.Render(c.md)
		must(t, err)
		if !strings.Contains(string(h), c.want) {
			t.Errorf("Render(%q) = %s, want it to contain %s", c.md, h, c.want)
		}
	}
}

func TestKBExcerpt(t *testing.T) {
	cases := []struct {
		md   string
		n    int
		want string
	}{
		{"# Title\n\nSome **bold** text &amp; more.", 100, "Title Some bold text & more."},
		{"one two three four five six", 14, "one two three…"},
		{"<script>alert(1)</script>kept", 50, "kept"},
	}
	for _, c := range cases {
		if got := kb.Excerpt(c.md, c.n); got != c.want {
			t.Errorf("Excerpt(%q) = %q, want %q", c.md, got, c.want)
		}
	}
}
