package kb

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/parleycc/parley"
)

// Bulk import: a set of files, each Markdown with front matter (one
// article), CSV or JSON (many). Each file is all or nothing: a file with
// any error imports nothing and is reported as "file:line: message".

// ImportFile is one file to import, by name (its extension picks the
// format: .md/.markdown, .csv, .json).
type ImportFile struct {
	Name string
	Data []byte
}

// FileReport is what happened to one file.
type FileReport struct {
	File     string `json:"file"`
	Imported int    `json:"imported"`
	Error    string `json:"error,omitempty"` // "file:line: message"; nothing was imported
}

// ImportReport is what an import did, file by file in the order given.
type ImportReport struct {
	Files    []FileReport `json:"files"`
	Imported int          `json:"imported"` // articles, in all
	Failed   int          `json:"failed"`   // files
}

// Progress is reported after each file.
type Progress struct {
	File     string // the file just handled
	Done     int    // files handled so far
	Total    int    // files in all
	Imported int    // articles imported so far
}

// Limits of an import.
const (
	MaxImportFile     = 8 << 20 // bytes per file
	MaxImportArticles = 20000   // per file
)

// ParseError is a malformed or invalid import file, at a line.
type ParseError struct {
	File string
	Line int // 1-based; 0 when the whole file is at fault
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// draft is an article read from a file, with the line it starts on and
// its service as written.
type draft struct {
	article parley.Article
	service string
	line    int
}

// Import adds the files' articles to the tenant, each file in one
// transaction, calling progress (if not nil) after each file. A bad file
// is reported in the report and the next file goes on; the error is only
// for what stops the whole import (the context ended, the database
// failed), with the report of the files handled before.
func (s *Service) Import(ctx context.Context, tenantID string, files []ImportFile, progress func(Progress)) (*ImportReport, error) {
	rep := &ImportReport{Files: []FileReport{}}
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("kb: import: %w", err)
		}
		fr := FileReport{File: f.Name}
		n, err := s.importFile(ctx, tenantID, f)
		if err != nil && parley.ErrorCode(err) != parley.EINVALID {
			return rep, err
		} else if err != nil {
			fr.Error = parley.ErrorMessage(err)
			rep.Failed++
		} else {
			fr.Imported = n
			rep.Imported += n
		}
		rep.Files = append(rep.Files, fr)
		if progress != nil {
			progress(Progress{File: f.Name, Done: i + 1, Total: len(files), Imported: rep.Imported})
		}
	}
	return rep, nil
}

// importFile parses, validates and stores one file's articles.
func (s *Service) importFile(ctx context.Context, tenantID string, f ImportFile) (int, error) {
	drafts, err := parseFile(f)
	if err != nil {
		return 0, invalid(err)
	}
	articles := make([]*parley.Article, 0, len(drafts))
	for _, d := range drafts {
		a := d.article
		a.TenantID, a.ServiceID = tenantID, d.service
		if err := s.prepare(ctx, &a); parley.ErrorCode(err) == parley.EINVALID {
			return 0, invalid(&ParseError{File: f.Name, Line: d.line, Msg: parley.ErrorMessage(err)})
		} else if err != nil {
			return 0, fmt.Errorf("kb: import %s: %w", f.Name, err)
		}
		articles = append(articles, &a)
	}
	if err := s.store.CreateArticles(ctx, articles); err != nil {
		return 0, fmt.Errorf("kb: import %s: %w", f.Name, err)
	}
	s.changed(tenantID)
	return len(articles), nil
}

// invalid makes a ParseError an EINVALID *parley.Error with its text.
func invalid(err error) error {
	return &parley.Error{Code: parley.EINVALID, Message: err.Error()}
}

// parseFile reads the articles of one file by its format.
func parseFile(f ImportFile) ([]draft, error) {
	if len(f.Data) > MaxImportFile {
		return nil, &ParseError{File: f.Name, Msg: fmt.Sprintf("larger than %d bytes", MaxImportFile)}
	}
	var drafts []draft
	var err error
	switch strings.ToLower(path.Ext(f.Name)) {
	case ".md", ".markdown":
		drafts, err = parseMarkdown(f)
	case ".csv":
		drafts, err = parseCSV(f)
	case ".json":
		drafts, err = parseJSON(f)
	default:
		return nil, &ParseError{File: f.Name, Msg: "unknown format: want .md, .csv or .json"}
	}
	if err != nil {
		return nil, err
	}
	if len(drafts) > MaxImportArticles {
		return nil, &ParseError{File: f.Name, Msg: fmt.Sprintf("more than %d articles", MaxImportArticles)}
	}
	return drafts, nil
}

// ReadFolder returns the importable files (.md, .markdown, .csv, .json)
// directly in dir of fsys, by name.
func ReadFolder(fsys fs.FS, dir string) ([]ImportFile, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("kb: read folder: %w", err)
	}
	var files []ImportFile
	for _, e := range entries {
		ext := strings.ToLower(path.Ext(e.Name()))
		if e.IsDir() || (ext != ".md" && ext != ".markdown" && ext != ".csv" && ext != ".json") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("kb: read folder: %w", err)
		}
		files = append(files, ImportFile{Name: e.Name(), Data: data})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}
