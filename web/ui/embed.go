// Package ui holds Parley's browser user interface: the html/template pages
// and the static files (one CSS file and a few hand-written ES modules) they
// load. Everything is embedded in the binary; there is no build step and
// nothing is loaded from a CDN.
//
// # Pages
//
// Templates holds the files under "templates/". Every page is made of
// "templates/layout.html" plus one page file (login.html, desktop.html,
// simulator.html) that fills the layout's blocks, so each page needs a
// template set of its own. Use [Pages] to parse them all, then execute the
// "layout" template:
//
//	pages, err := ui.Pages()
//	...
//	err = pages["desktop"].ExecuteTemplate(w, "layout", ui.PageData{...})
//
// The data given to a page is any value with the fields of [PageData]:
// Title string, User (nil, or a value with DisplayName, Role and Username)
// and Demo bool. Pages hold no logic beyond that: the JavaScript fetches the
// rest from the JSON API.
//
// # Static files
//
// Static holds the files under "static/". The pages load them from
// "/static/...", so serve them with
//
//	sub, _ := fs.Sub(ui.Static, "static")
//	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(sub)))
package ui

import (
	"embed"
	"html/template"
	"io/fs"
	"path"
	"strings"
)

// Templates holds the page templates, at "templates/NAME.html".
//
//go:embed templates
var Templates embed.FS

// Static holds the CSS, JavaScript and images, at "static/NAME". Serve its
// "static" sub-tree under the URL path "/static/".
//
//go:embed static
var Static embed.FS

// PageUser is the logged-in user as the templates see it. A handler may pass
// its own type instead, as long as it has these fields.
type PageUser struct {
	Username    string
	DisplayName string
	Role        string
}

// PageData is what the page templates read. A handler may pass its own type
// instead, as long as it has these fields.
type PageData struct {
	Title string    // page title, shown before " · Parley"
	User  *PageUser // nil when nobody is logged in
	Demo  bool      // demo mode: shows the demo logins and the simulator link
	Page  string    // the page's name ("desktop", "supervisor", …): the header marks it current
	// Message is what the "forbidden" page says the user lacks.
	Message string
	// AskTenant: the login page asks which organisation (tenant), there
	// being more than one.
	AskTenant bool
}

// LayoutName is the template to execute for every page.
const LayoutName = "layout"

// Pages parses every page template together with the layout and returns them
// by page name ("login", "desktop", "simulator"). Execute [LayoutName] on the
// one you want.
func Pages() (map[string]*template.Template, error) {
	names, err := fs.Glob(Templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := make(map[string]*template.Template)
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == LayoutName {
			continue
		}
		t, err := template.New(base).Funcs(pageFuncs).ParseFS(Templates, "templates/layout.html", name)
		if err != nil {
			return nil, err
		}
		pages[base] = t
	}
	return pages, nil
}

// pageFuncs are the functions the page templates may call.
var pageFuncs = template.FuncMap{
	// adminSection reports whether a page belongs in the header's Admin menu.
	"adminSection": func(page string) bool { return strings.HasPrefix(page, "admin_") && page != "admin_kb" },
}
