package kb_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/kb"
	"github.com/parleycc/parley/sqlstore"
)

func readImport(t *testing.T, names ...string) []kb.ImportFile {
	t.Helper()
	var files []kb.ImportFile
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", "import", n))
		must(t, err)
		files = append(files, kb.ImportFile{Name: n, Data: data})
	}
	return files
}

// TestKBImport imports good and malformed files together: each good file
// is imported whole, each bad one is reported at its line and imports
// nothing.
func TestKBImport(t *testing.T) {
	want := []kb.FileReport{
		{File: "articles.csv", Imported: 3},
		{File: "articles.json", Imported: 2},
		{File: "good.md", Imported: 1},
		{File: "bad-yaml.md", Error: "bad-yaml.md:5: front matter: cannot unmarshal !!str `maybe` into bool"},
		{File: "no-front-matter.md", Error: `no-front-matter.md:1: missing front matter: start the file with a "---" line, then title: …`},
		{File: "bad-row.csv", Error: `bad-row.csv:3: published is "maybe": want true or false`},
		{File: "missing-title.csv", Error: "missing-title.csv:3: title is required"},
		{File: "unknown-service.json", Error: `unknown-service.json:3: unknown service "Nope"`},
		{File: "syntax.json", Error: "syntax.json:3: invalid character '\"' after object key:value pair"},
		{File: "unknown-field.json", Error: `unknown-field.json:4: unknown field "colour"`},
		{File: "notes.txt", Error: "notes.txt: unknown format: want .md, .csv or .json"},
	}
	var names []string
	for _, w := range want {
		names = append(names, w.File)
	}
	forEachKB(t, func(t *testing.T, svc *kb.Service, st *sqlstore.Store) {
		must(t, st.UpsertService(ctx, &parley.Service{TenantID: tenant, Name: "Support"}))
		var progress []kb.Progress
		rep, err := svc.Import(ctx, tenant, readImport(t, names...), func(p kb.Progress) { progress = append(progress, p) })
		must(t, err)
		if !reflect.DeepEqual(rep.Files, want) {
			for i := range want {
				if i < len(rep.Files) && rep.Files[i] != want[i] {
					t.Errorf("file %d: %+v\n want %+v", i, rep.Files[i], want[i])
				}
			}
			t.FailNow()
		}
		if rep.Imported != 6 || rep.Failed != 8 {
			t.Fatalf("report %d imported, %d failed", rep.Imported, rep.Failed)
		}
		if len(progress) != len(want) || progress[2] != (kb.Progress{File: "good.md", Done: 3, Total: len(want), Imported: 6}) {
			t.Fatalf("progress %+v", progress)
		}
		page, err := svc.List(ctx, parley.ArticleFilter{TenantID: tenant})
		must(t, err)
		if page.Total != 6 {
			t.Fatalf("%d articles stored, want 6 (nothing from the bad files)", page.Total)
		}
		byTitle := map[string]*parley.Article{}
		for _, a := range page.Articles {
			byTitle[a.Title] = a
		}
		track := byTitle["Track your parcel"]
		if track == nil || !track.Published || track.ServiceID == "" || !reflect.DeepEqual(track.Tags, []string{"shipping", "tracking"}) ||
			track.Body != "Open the link in your shipping email.\nIt shows where the parcel is." {
			t.Fatalf("CSV article: %+v", track)
		}
		if g := byTitle["Garantie"]; g == nil || g.Language != "fr" || !g.Published {
			t.Fatalf("Garantie: %+v", g)
		}
		if w := byTitle["Warranty"]; w == nil || w.Body != "Every device has a **two-year** warranty." || w.ServiceID != track.ServiceID {
			t.Fatalf("Markdown article: %+v", w)
		}
		if p := byTitle["Pay in instalments"]; p == nil || p.Published || p.Language != "" {
			t.Fatalf("JSON article: %+v", p)
		}
	})
}

func TestKBReadFolder(t *testing.T) {
	files, err := kb.ReadFolder(os.DirFS("testdata"), "import")
	must(t, err)
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	want := []string{"articles.csv", "articles.json", "bad-row.csv", "bad-yaml.md", "good.md", "missing-title.csv",
		"no-front-matter.md", "syntax.json", "unknown-field.json", "unknown-service.json"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("ReadFolder = %v", names)
	}
}
