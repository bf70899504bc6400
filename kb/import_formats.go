package kb

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley"
)

// frontMatter is the YAML block at the top of a Markdown article.
type frontMatter struct {
	Title     string   `yaml:"title"`
	Tags      []string `yaml:"tags"`
	Language  string   `yaml:"language"`
	Service   string   `yaml:"service"`
	Published bool     `yaml:"published"`
}

// yamlLine finds the line yaml.v3 names in its errors.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// parseMarkdown reads one article: a "---" line, YAML front matter, a
// "---" line, then the Markdown body.
func parseMarkdown(f ImportFile) ([]draft, error) {
	text := strings.TrimPrefix(strings.ReplaceAll(string(f.Data), "\r\n", "\n"), "\ufeff")
	if !strings.HasPrefix(text, "---\n") {
		return nil, &ParseError{File: f.Name, Line: 1, Msg: `missing front matter: start the file with a "---" line, then title: …`}
	}
	head, body, ok := strings.Cut(text[4:], "\n---\n")
	if !ok {
		head, ok = strings.CutSuffix(text[4:], "\n---")
	}
	if !ok {
		return nil, &ParseError{File: f.Name, Line: 1, Msg: `front matter is not closed by a "---" line`}
	}
	var fm frontMatter
	dec := yaml.NewDecoder(strings.NewReader(head))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(f.Name, err)
	}
	a := parley.Article{Title: fm.Title, Body: strings.TrimSpace(body), Tags: fm.Tags, Language: fm.Language, Published: fm.Published}
	return []draft{{article: a, service: fm.Service, line: 1}}, nil
}

// yamlError turns a yaml.v3 error in the front matter (which starts on
// the file's line 2) into a ParseError at the file's line.
func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		line = n + 1
		msg = strings.TrimSpace(strings.TrimPrefix(yamlLine.ReplaceAllString(msg, ""), ":"))
	}
	return &ParseError{File: file, Line: line, Msg: "front matter: " + msg}
}

// csvColumns are the columns a CSV file may have; title and body are
// required.
var csvColumns = []string{"title", "body", "tags", "language", "service", "published"}

// parseCSV reads a header line naming the columns (in any order), then
// one article per record. Tags are separated by commas or semicolons.
func parseCSV(f ImportFile) ([]draft, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(f.Data, []byte("\ufeff"))))
	header, err := r.Read()
	if err != nil {
		return nil, csvError(f.Name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(csvColumns, h) {
			return nil, &ParseError{File: f.Name, Line: 1, Msg: fmt.Sprintf("unknown column %q: want %s", h, strings.Join(csvColumns, ","))}
		}
		col[h] = i
	}
	if _, ok := col["title"]; !ok {
		return nil, &ParseError{File: f.Name, Line: 1, Msg: "no title column"}
	}
	var drafts []draft
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return drafts, nil
		} else if err != nil {
			return nil, csvError(f.Name, err)
		}
		line, _ := r.FieldPos(0)
		d, err := csvDraft(rec, col)
		if err != nil {
			return nil, &ParseError{File: f.Name, Line: line, Msg: err.Error()}
		}
		d.line = line
		drafts = append(drafts, d)
	}
}

// csvDraft reads one record by the header's columns.
func csvDraft(rec []string, col map[string]int) (draft, error) {
	get := func(name string) string {
		if i, ok := col[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	pub, err := parseBool(get("published"))
	if err != nil {
		return draft{}, err
	}
	tags := strings.FieldsFunc(get("tags"), func(r rune) bool { return r == ',' || r == ';' })
	a := parley.Article{Title: get("title"), Body: get("body"), Tags: tags, Language: get("language"), Published: pub}
	return draft{article: a, service: get("service")}, nil
}

// csvError reports a CSV syntax error at its line.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: file, Line: pe.Line, Msg: pe.Err.Error()}
	}
	if errors.Is(err, io.EOF) {
		return &ParseError{File: file, Line: 1, Msg: "empty file: want a header line " + strings.Join(csvColumns, ",")}
	}
	return &ParseError{File: file, Msg: err.Error()}
}

// parseBool reads a published cell: empty is false.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "false", "no", "0":
		return false, nil
	case "true", "yes", "1":
		return true, nil
	}
	return false, fmt.Errorf("published is %q: want true or false", s)
}

// jsonArticle is one object of a JSON import.
type jsonArticle struct {
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	Tags      []string `json:"tags"`
	Language  string   `json:"language"`
	Service   string   `json:"service"`
	Published bool     `json:"published"`
}

// parseJSON reads an array of article objects.
func parseJSON(f ImportFile) ([]draft, error) {
	dec := json.NewDecoder(bytes.NewReader(f.Data))
	dec.DisallowUnknownFields()
	if tok, err := dec.Token(); err != nil {
		return nil, jsonError(f, err, dec.InputOffset())
	} else if tok != json.Delim('[') {
		return nil, &ParseError{File: f.Name, Line: lineAt(f.Data, 0), Msg: "want an array of articles"}
	}
	var drafts []draft
	for dec.More() {
		start := skipSpace(f.Data, dec.InputOffset())
		var ja jsonArticle
		if err := dec.Decode(&ja); err != nil {
			return nil, jsonError(f, err, start)
		}
		a := parley.Article{Title: ja.Title, Body: ja.Body, Tags: ja.Tags, Language: ja.Language, Published: ja.Published}
		drafts = append(drafts, draft{article: a, service: ja.Service, line: lineAt(f.Data, start)})
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(f, err, dec.InputOffset())
	}
	return drafts, nil
}

// jsonError reports a JSON error at the line of its offset, or else of
// the element it happened in (start).
func jsonError(f ImportFile, err error, start int64) error {
	off := start
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		off = int64(len(f.Data))
	}
	return &ParseError{File: f.Name, Line: lineAt(f.Data, off), Msg: strings.TrimPrefix(err.Error(), "json: ")}
}

// skipSpace returns the offset of the first byte at or after off that is
// neither white space nor a comma.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
		off++
	}
	return off
}

// lineAt is the 1-based line of byte offset off.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}
