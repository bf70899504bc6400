package ui

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func TestPagesRender(t *testing.T) {
	pages, err := Pages()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"login", "desktop", "simulator"} {
		p, ok := pages[name]
		if !ok {
			t.Fatalf("page %q missing", name)
		}
		for _, data := range []PageData{
			{Title: "T"},
			{Title: "T", Demo: true, User: &PageUser{Username: "alice", DisplayName: "Alice <Agent>", Role: "agent"}},
		} {
			var b strings.Builder
			if err := p.ExecuteTemplate(&b, LayoutName, data); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out := b.String()
			if !strings.Contains(out, "<title>T · Parley</title>") || !strings.Contains(out, `/static/`+name+`.js`) {
				t.Errorf("%s: unexpected output:\n%s", name, out)
			}
			if strings.Contains(out, "Alice <Agent>") {
				t.Errorf("%s: user data not escaped", name)
			}
		}
	}
}

func TestPageIDs(t *testing.T) {
	want := map[string][]string{
		"login":     {`id="login-form"`, `id="username"`, `id="password"`, `id="login-button"`, `id="login-error"`},
		"desktop":   {`id="state-toggle"`, `id="chat-list"`, `id="transcript"`, `id="composer"`, `id="send-button"`, `id="close-chat"`, `id="customer-name"`, `id="conn-status"`},
		"simulator": {`id="sim-first"`, `id="sim-last"`, `id="sim-start"`, `id="sim-thread"`, `id="sim-input"`, `id="sim-send"`},
	}
	for name, ids := range want {
		b, err := fs.ReadFile(Templates, "templates/"+name+".html")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if !strings.Contains(string(b), id) {
				t.Errorf("%s.html: missing %s", name, id)
			}
		}
	}
}

func TestStaticFiles(t *testing.T) {
	for _, name := range []string{"style.css", "api.js", "events.js", "login.js", "desktop.js", "simulator.js", "favicon.svg"} {
		if _, err := fs.Stat(Static, "static/"+name); err != nil {
			t.Error(err)
		}
	}
}

// TestStyleBalanced catches a stylesheet whose braces do not match (a rule
// or @media block left open by an edit swallows every rule after it).
func TestStyleBalanced(t *testing.T) {
	css, err := fs.ReadFile(Static, "static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	depth, line := 0, 1
	inComment := false
	for i := 0; i < len(css); i++ {
		switch c := css[i]; {
		case c == '\n':
			line++
		case inComment:
			if c == '*' && i+1 < len(css) && css[i+1] == '/' {
				inComment, i = false, i+1
			}
		case c == '/' && i+1 < len(css) && css[i+1] == '*':
			inComment, i = true, i+1
		case c == '{':
			depth++
		case c == '}':
			if depth--; depth < 0 {
				t.Fatalf("style.css:%d: a } closes nothing", line)
			}
		}
	}
	if depth != 0 || inComment {
		t.Fatalf("style.css ends with %d open blocks (comment open: %v)", depth, inComment)
	}
}

// TestNoInlineCode: the pages' Content-Security-Policy allows scripts and
// styles from files only, so no template may carry an inline script, a
// style element or attribute, an event handler attribute or a
// javascript: link.
func TestNoInlineCode(t *testing.T) {
	inline := []*regexp.Regexp{
		regexp.MustCompile(`(?i)<script\b[^>]*>\s*[^<\s]`),            // a script with a body
		regexp.MustCompile(`(?i)<script\b(?:[^>s]|s[^r>]|sr[^c>])*>`), // a script without src
		regexp.MustCompile(`(?i)<style\b`),
		regexp.MustCompile(`(?i)\sstyle\s*=`),
		regexp.MustCompile(`(?i)\son[a-z]+\s*=`),
		regexp.MustCompile(`(?i)javascript:`),
	}
	err := fs.WalkDir(Templates, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(Templates, path)
		if err != nil {
			return err
		}
		for _, re := range inline {
			if loc := re.FindIndex(b); loc != nil {
				line := 1 + strings.Count(string(b[:loc[0]]), "\n")
				t.Errorf("%s:%d: inline code the CSP forbids: %q", path, line, b[loc[0]:min(loc[1]+20, len(b))])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
