package kb

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Articles are written in Markdown (GitHub flavoured: tables, task lists,
// strikethrough, autolinks) and may hold some HTML. Whatever they hold,
// the HTML we serve passes through bluemonday's user-generated-content
// policy: no scripts, event handlers, iframes, styles or javascript:
// URLs. Every Markdown link opens in a new tab (target="_blank", as the
// Messenger webview expects) with rel="nofollow noopener"; so does every
// HTML link to another site.

var (
	markdown = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(linksInNewTab{}, 100))),
		// Raw HTML is passed on to the sanitiser, which is the one gate.
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
	policy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy().RequireNoFollowOnLinks(true).AddTargetBlankToFullyQualifiedLinks(true)
		p.AllowAttrs("target").Matching(regexp.MustCompile(`^_blank$`)).OnElements("a")
		return p // a link with target="_blank" also gets rel="noopener"
	}()
	textOnly = bluemonday.StrictPolicy()
)

// linksInNewTab marks every Markdown link and autolink target="_blank".
type linksInNewTab struct{}

// Transform implements parser.ASTTransformer.
func (linksInNewTab) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (n.Kind() == ast.KindLink || n.Kind() == ast.KindAutoLink) {
			n.SetAttributeString("target", []byte("_blank"))
		}
		return ast.WalkContinue, nil
	})
}

// Render turns an article's Markdown into safe HTML.
func Render(md string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		return "", fmt.Errorf("kb: render: %w", err)
	}
	return Sanitize(buf.String()), nil
}

// Sanitize returns the parts of untrusted HTML that are safe to show.
func Sanitize(untrusted string) template.HTML {
	return template.HTML(policy.Sanitize(untrusted)) //nolint:gosec // sanitised just now
}

// Excerpt returns the first n characters of the article body as plain
// text (Markdown and HTML removed, white space collapsed), cut at a word
// with "…" when longer.
func Excerpt(md string, n int) string {
	h, err := Render(md)
	if err != nil {
		return ""
	}
	text := strings.Join(strings.Fields(html.UnescapeString(textOnly.Sanitize(string(h)))), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	cut := string([]rune(text)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
