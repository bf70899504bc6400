package parley_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/parleycc/parley"

// TestLayering guards the architecture (docs/ARCHITECTURE.md): the domain
// at the centre imports only the standard library, channels know nothing
// of storage or conversations, conversation knows no channel, and the web
// layer reaches the store only through services.
func TestLayering(t *testing.T) {
	imports := packageImports(t)
	rules := []struct {
		pkg    string // package path below the module; "" is the root
		forbid func(imp string) bool
		why    string
	}{
		{"", func(imp string) bool { return strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") }, "the domain imports the standard library only"},
		{"routing", func(imp string) bool { return isModule(imp) && imp != module }, "routing is pure logic over the domain"},
		{"scenario", func(imp string) bool { return isModule(imp) && imp != module }, "scenarios know the domain only"},
		{"conversation", under("channel"), "conversation drives platforms through the channel seam only"},
		{"conversation", under("sqlstore", "web", "app"), "conversation depends on interfaces, not on the store or HTTP"},
		{"web", under("sqlstore", "channel", "bus"), "web goes through services"},
		{"auth", func(imp string) bool { return isModule(imp) && imp != module }, "signing in knows the domain only"},
		{"config", under("sqlstore", "conversation", "web", "channel"), "config parses and applies through the Store interface"},
		{"kb", func(imp string) bool { return isModule(imp) && imp != module }, "the knowledge base knows the domain only"},
		{"audit", func(imp string) bool { return isModule(imp) && imp != module }, "the audit trail knows the domain only"},
		{"hooks", func(imp string) bool { return isModule(imp) && imp != module }, "outgoing webhooks know the domain only"},
	}
	for dir, imps := range imports {
		if strings.HasPrefix(dir, "channel/") && !strings.HasSuffix(dir, "test") {
			for _, imp := range imps {
				if under("sqlstore", "bus", "conversation", "web", "app", "config", "scenario", "routing")(imp) {
					t.Errorf("%s imports %s: a channel package touches neither the store, the bus nor the conversation", dir, imp)
				}
			}
		}
		for _, r := range rules {
			if dir != r.pkg {
				continue
			}
			for _, imp := range imps {
				if r.forbid(imp) {
					t.Errorf("%s imports %s: %s", nameOf(dir), imp, r.why)
				}
			}
		}
	}
}

func nameOf(dir string) string {
	if dir == "" {
		return "the root package"
	}
	return dir
}

func isModule(imp string) bool { return imp == module || strings.HasPrefix(imp, module+"/") }

// under matches imports of the module's packages in or below dirs.
func under(dirs ...string) func(string) bool {
	return func(imp string) bool {
		for _, d := range dirs {
			p := module + "/" + d
			if imp == p || strings.HasPrefix(imp, p+"/") {
				return true
			}
		}
		return false
	}
}

// packageImports reads the imports of every non-test Go file by
// directory (relative to the module root).
func packageImports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if dir == "." {
			dir = ""
		}
		for _, spec := range f.Imports {
			imp, _ := strconv.Unquote(spec.Path.Value)
			out[dir] = append(out[dir], imp)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("found only %d packages: is the test running at the module root?", len(out))
	}
	return out
}
