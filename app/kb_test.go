package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/app"
	"golang.org/x/crypto/bcrypt"
)

type kbArticle struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	HTML      string   `json:"html"`
	Tags      []string `json:"tags"`
	ServiceID string   `json:"service_id"`
	Service   string   `json:"service"`
	Published bool     `json:"published"`
	URL       string   `json:"url"`
	Version   int      `json:"version"`
}

type kbInput struct {
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	Tags      []string `json:"tags,omitempty"`
	Language  string   `json:"language,omitempty"`
	Service   string   `json:"service,omitempty"`
	Published bool     `json:"published"`
	Version   int      `json:"version,omitempty"`
}

// get fetches path without a session and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// uploadKB posts files as multipart "files" parts.
func (a *agent) uploadKB(path string, files map[string]string, out any) int {
	a.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, content := range files {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			a.t.Fatal(err)
		}
		_, _ = fw.Write([]byte(content))
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, a.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			a.t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// TestKBAPI drives the knowledge base through the real server: roles,
// versions, publication, the public page, search, synonyms and import.
func TestKBAPI(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			admin, sup, agent := w.login("ada", "ada-pass"), w.login("sam", "sam-pass"), w.login("alice", "alice-pass")

			in := kbInput{Title: "Screen repair", Body: "If your screen is broken, <script>alert(1)</script>bring it **in**.", Tags: []string{"Screen"}, Language: "en", Service: "Support"}
			if code := agent.do(http.MethodPost, "/api/kb/articles", in, nil); code != http.StatusForbidden {
				t.Fatalf("agent creates: HTTP %d", code)
			}
			var a kbArticle
			if code := admin.do(http.MethodPost, "/api/kb/articles", in, &a); code != http.StatusCreated {
				t.Fatalf("create: HTTP %d", code)
			}
			if a.Version != 1 || a.Service != "Support" || a.ServiceID == "" || strings.Contains(a.HTML, "<script") || !strings.Contains(a.HTML, "<strong>in</strong>") {
				t.Fatalf("created: %+v", a)
			}

			// Drafts are for managers only.
			if code := agent.do(http.MethodGet, "/api/kb/articles/"+a.ID, nil, nil); code != http.StatusNotFound {
				t.Fatalf("agent reads a draft: HTTP %d", code)
			}
			if code, _ := get(t, w.app.URL()+a.URL); code != http.StatusNotFound {
				t.Fatalf("public draft: HTTP %d", code)
			}

			// Optimistic concurrency: the supervisor publishes from version
			// 1; the admin's later save from version 1 is a conflict.
			in.Published, in.Version = true, 1
			var pub kbArticle
			if code := sup.do(http.MethodPut, "/api/kb/articles/"+a.ID, in, &pub); code != http.StatusOK || pub.Version != 2 || !pub.Published {
				t.Fatalf("publish: HTTP %d %+v", code, pub)
			}
			in.Title = "Lost update"
			if code := admin.do(http.MethodPut, "/api/kb/articles/"+a.ID, in, nil); code != http.StatusConflict {
				t.Fatalf("stale save: HTTP %d, want 409", code)
			}

			// The public page and the agent's view.
			code, page := get(t, w.app.URL()+a.URL)
			if code != http.StatusOK || !strings.Contains(page, "<h1>Screen repair</h1>") || strings.Contains(page, "alert(1)") ||
				!strings.Contains(page, `name="viewport"`) {
				t.Fatalf("public page: HTTP %d\n%s", code, page)
			}
			var got kbArticle
			if code := agent.do(http.MethodGet, "/api/kb/articles/"+a.ID, nil, &got); code != http.StatusOK || got.Title != "Screen repair" {
				t.Fatalf("agent reads: HTTP %d %+v", code, got)
			}

			// Search, with synonyms set by a supervisor.
			var res struct {
				Hits []struct {
					Score   float64   `json:"score"`
					Article kbArticle `json:"article"`
				} `json:"hits"`
			}
			if code := agent.do(http.MethodGet, "/api/kb/search?q=broken+screens&limit=3", nil, &res); code != http.StatusOK || len(res.Hits) != 1 || res.Hits[0].Article.ID != a.ID {
				t.Fatalf("search: HTTP %d %+v", code, res)
			}
			if code := agent.do(http.MethodGet, "/api/kb/search?q=display", nil, &res); code != http.StatusOK || len(res.Hits) != 0 {
				t.Fatalf("search before synonyms: HTTP %d %+v", code, res)
			}
			syn := map[string][][]string{"groups": {{"Screen", "display"}}}
			if code := agent.do(http.MethodPut, "/api/kb/synonyms", syn, nil); code != http.StatusForbidden {
				t.Fatalf("agent sets synonyms: HTTP %d", code)
			}
			if code := sup.do(http.MethodPut, "/api/kb/synonyms", syn, nil); code != http.StatusOK {
				t.Fatalf("synonyms: HTTP %d", code)
			}
			if code := agent.do(http.MethodGet, "/api/kb/search?q=display&service=Support", nil, &res); code != http.StatusOK || len(res.Hits) != 1 {
				t.Fatalf("search with synonyms: HTTP %d %+v", code, res)
			}

			// Import: the good file is imported, the bad one reported.
			var rep struct {
				Files []struct {
					File     string `json:"file"`
					Imported int    `json:"imported"`
					Error    string `json:"error"`
				} `json:"files"`
				Imported, Failed int
			}
			files := map[string]string{
				"good.csv": "title,body,published\nBattery,Charge it,true\nReturns,Within 30 days,false\n",
				"bad.json": "[\n  {\"title\": \"x\"},\n  {\"title\": \"\"}\n]",
			}
			if code := agent.uploadKB("/api/kb/import", files, nil); code != http.StatusForbidden {
				t.Fatalf("agent imports: HTTP %d", code)
			}
			if code := admin.uploadKB("/api/kb/import", files, &rep); code != http.StatusOK || rep.Imported != 2 || rep.Failed != 1 {
				t.Fatalf("import: HTTP %d %+v", code, rep)
			}
			for _, f := range rep.Files {
				if f.File == "bad.json" && f.Error != "bad.json:3: title is required" {
					t.Fatalf("bad.json: %+v", f)
				}
			}
			var list struct {
				Articles []kbArticle `json:"articles"`
				Total    int         `json:"total"`
			}
			if code := agent.do(http.MethodGet, "/api/kb/articles", nil, &list); code != http.StatusOK || list.Total != 2 {
				t.Fatalf("agent list: HTTP %d total %d", code, list.Total)
			}
			if code := admin.do(http.MethodGet, "/api/kb/articles?limit=2", nil, &list); code != http.StatusOK || list.Total != 3 || len(list.Articles) != 2 {
				t.Fatalf("admin list: HTTP %d total %d", code, list.Total)
			}

			// The admin page is for managers.
			if code := agent.do(http.MethodGet, "/admin/kb", nil, nil); code != http.StatusForbidden {
				t.Fatalf("agent admin page: HTTP %d", code)
			}
			if code := sup.do(http.MethodGet, "/admin/kb", nil, nil); code != http.StatusOK {
				t.Fatalf("supervisor admin page: HTTP %d", code)
			}

			if code := admin.do(http.MethodDelete, "/api/kb/articles/"+a.ID, nil, nil); code != http.StatusNoContent {
				t.Fatalf("delete: HTTP %d", code)
			}
			if code, _ := get(t, w.app.URL()+a.URL); code != http.StatusNotFound {
				t.Fatalf("public page after delete: HTTP %d", code)
			}
		})
	}
}

// TestKBDemoSeed: `parley demo` starts with the demo shop's knowledge
// base, once (a restart does not import it again).
func TestKBDemoSeed(t *testing.T) {
	dir := t.TempDir()
	cfg := app.Config{Addr: "127.0.0.1:0", Database: filepath.Join(dir, "parley.db"), ConfigFile: filepath.Join(dir, "demo.yaml"),
		Demo: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost}
	for run := range 2 {
		a := app.New(cfg)
		if err := a.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		w := &world{t: t, app: a}
		admin := w.login("admin", "admin-demo")
		var list struct {
			Total int `json:"total"`
		}
		if code := admin.do(http.MethodGet, "/api/kb/articles", nil, &list); code != http.StatusOK || list.Total != 12 {
			t.Fatalf("run %d: HTTP %d, %d articles, want 12", run, code, list.Total)
		}
		var res struct {
			Hits []struct {
				Article kbArticle `json:"article"`
			} `json:"hits"`
		}
		if code := admin.do(http.MethodGet, "/api/kb/search?q=my+display+is+smashed&language=en", nil, &res); code != http.StatusOK ||
			len(res.Hits) == 0 || res.Hits[0].Article.Title != "My screen is broken or cracked" {
			t.Fatalf("run %d: search: HTTP %d %+v", run, code, res)
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
