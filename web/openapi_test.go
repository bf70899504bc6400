package web_test

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/simulator"
	"github.com/parleycc/parley/web"
)

// The OpenAPI document lives outside this package's directory, so it cannot
// be embedded; the tests read it from disk.
const openAPIFile = "../docs/openapi.yaml"

// notAPI are routes of web/server.go that serve HTML, static files or the
// simulator's own mux: they are not part of the documented API.
var notAPI = map[string]bool{
	"GET /static/":          true,
	"GET /{$}":              true,
	"GET /login":            true,
	"GET /desktop":          true,
	"GET /simulator":        true,
	"GET /supervisor":       true,
	"GET /admin/scenarios":  true,
	"GET /admin/accounts":   true,
	"GET /admin/kb":         true,
	"GET /admin/webhooks":   true,
	"GET /admin/api-keys":   true,
	"GET /admin/users":      true,
	"GET /admin/teams":      true,
	"GET /admin/services":   true,
	"GET /admin/entries":    true,
	"GET /admin/schedules":  true,
	"GET /admin/audit":      true,
	"/simulator/":           true,
	"GET /widget.js":        true,
	"GET /widget-demo":      true,
	"GET /canned":           true, // the canned responses page (desk_routes.go)
	"GET /demo/crm":         true, // the demo's stand-in CRM page
	"GET /monitor/{id}":     true,
	"GET /transcripts":      true,
	"GET /transcripts/{id}": true,
	"GET /quality/forms":    true,
	"GET /wallboard":        true,
	"GET /reports":          true,
	"GET /tickets":          true, // the Tickets page (tickets_api.go)

	// The demo shop with a Send to Messenger button.
	"GET /simulator/website": true,
}

// routeFiles are the files of this package that register routes: every
// non-test Go file calling .Handle or .HandleFunc, so that a route added
// in a new file is checked too (muxRoutes fails on a file whose routes
// are not on the main mux).
var registersRoutes = regexp.MustCompile(`\.Handle(Func)?\(`)

func routeFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool {
		if strings.HasSuffix(f, "_test.go") {
			return true
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		return !registersRoutes.Match(src)
	})
	if !slices.Contains(files, "server.go") {
		t.Fatalf("route files %v do not include server.go", files)
	}
	return files
}

// unresolved are route patterns that are not string literals, by source
// text, with the reason they are not documented. Any other non-literal
// pattern fails the test, so a new route cannot slip past it.
var unresolved = map[string]string{
	`path + "/"`: "the simulator's fakes (Graph API, Bot API, Messaging API, Viber, Vonage) stand in for the platforms' APIs, not Parley's",
}

func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(openAPIFile)
	if err != nil {
		t.Fatalf("load %s: %v", openAPIFile, err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("%s is not a valid OpenAPI document: %v", openAPIFile, err)
	}
	return doc
}

// route is one registration on an http.ServeMux found in Go source.
type route struct {
	method, path string // method is empty for a method-less pattern
	authed       bool   // the handler is wrapped in withUser or withRole
	roles        bool   // the handler is wrapped in withRole
	pos          string
}

func (r route) String() string { return strings.TrimSpace(r.method + " " + r.path) }

// muxRoutes returns the routes a Go file registers with
// <mux>.HandleFunc(pattern, h) and <mux>.Handle(pattern, h), where the
// receiver's source text is muxExpr ("mux", "s.mux").
func muxRoutes(t *testing.T, file, muxExpr string) []route {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	var routes []route
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") || types.ExprString(sel.X) != muxExpr {
			return true
		}
		pos := fset.Position(call.Pos()).String()
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			if src := types.ExprString(call.Args[0]); unresolved[src] == "" {
				t.Errorf("%s: route pattern %s is not a string literal; document it or add it to unresolved", pos, src)
			}
			return true
		}
		pattern, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatalf("%s: %v", pos, err)
		}
		r := route{path: pattern, pos: pos}
		if m, p, ok := strings.Cut(pattern, " "); ok {
			r.method, r.path = m, strings.TrimSpace(p)
		}
		if h, ok := call.Args[1].(*ast.CallExpr); ok {
			if hs, ok := h.Fun.(*ast.SelectorExpr); ok {
				switch hs.Sel.Name {
				case "withUser":
					r.authed = true
				case "withRole":
					r.authed, r.roles = true, true
				}
			}
		}
		routes = append(routes, r)
		return true
	})
	if len(routes) == 0 {
		t.Fatalf("%s: no %s.HandleFunc/%s.Handle routes found", file, muxExpr, muxExpr)
	}
	return routes
}

// requiresSession tells whether op (or the document, when op says nothing)
// requires the session cookie.
func requiresSession(doc *openapi3.T, op *openapi3.Operation) bool {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	if len(reqs) == 0 {
		return false
	}
	for _, req := range reqs {
		if _, ok := req["session"]; !ok {
			return false // some alternative does without the session
		}
	}
	return true
}

// documented lists the document's operations as "METHOD /path".
func documented(doc *openapi3.T) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[method+" "+path] = op
		}
	}
	return ops
}

func TestOpenAPIValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	for key, op := range documented(doc) {
		if op.OperationID == "" || op.Summary == "" || len(op.Tags) != 1 {
			t.Errorf("%s: want an operationId, a summary and exactly one tag", key)
		}
	}
}

// TestOpenAPIErrorCodes checks that the documented error codes are
// Parley's.
func TestOpenAPIErrorCodes(t *testing.T) {
	doc := loadOpenAPI(t)
	codes := []string{parley.ECONFLICT, parley.EINTERNAL, parley.EINVALID, parley.ENOTFOUND,
		parley.EUNAUTHORIZED, parley.EFORBIDDEN, parley.ETOOLARGE, parley.ETOOMANY, parley.EUNAVAILABLE}
	var documented []string
	for _, v := range doc.Components.Schemas["Error"].Value.Properties["error"].Value.Properties["code"].Value.Enum {
		documented = append(documented, v.(string))
	}
	slices.Sort(codes)
	slices.Sort(documented)
	if !slices.Equal(codes, documented) {
		t.Errorf("documented error codes %v, want %v", documented, codes)
	}
}

func TestOpenAPIRoutesDocumented(t *testing.T) {
	doc := loadOpenAPI(t)
	ops := documented(doc)
	registered := map[string]bool{}
	var routes []route
	for _, file := range routeFiles(t) {
		routes = append(routes, muxRoutes(t, file, "mux")...)
	}
	for _, r := range routes {
		if notAPI[r.String()] {
			continue
		}
		registered[r.String()] = true
		if r.method == "" {
			t.Errorf("%s: route %q has no method; document it or add it to notAPI", r.pos, r)
			continue
		}
		op := ops[r.String()]
		if op == nil {
			t.Errorf("%s: route %q is not documented in %s", r.pos, r, openAPIFile)
			continue
		}
		if got := requiresSession(doc, op); got != r.authed {
			t.Errorf("%q: documented as requiring the session cookie = %v, but the handler is wrapped in withUser/withRole = %v", r, got, r.authed)
		}
		if r.authed && op.Responses.Status(http.StatusUnauthorized) == nil {
			t.Errorf("%q: needs a session but documents no 401 response", r)
		}
		if r.roles && op.Responses.Status(http.StatusForbidden) == nil {
			t.Errorf("%q: is restricted by role but documents no 403 response", r)
		}
		if slices.Contains(op.Tags, "simulator") {
			t.Errorf("%q: tagged simulator but served by the main router", r)
		}
	}
	for key := range ops {
		if !strings.HasPrefix(strings.Fields(key)[1], "/simulator/") && !registered[key] {
			t.Errorf("%s documents %q, which web/server.go does not route", openAPIFile, key)
		}
	}
}

func TestOpenAPISimulatorRoutesDocumented(t *testing.T) {
	doc := loadOpenAPI(t)
	ops := documented(doc)
	registered := map[string]bool{}
	for _, r := range muxRoutes(t, "../simulator/simulator.go", "s.mux") {
		registered[r.String()] = true
		if !strings.HasPrefix(r.path, "/simulator/") {
			t.Errorf("%s: simulator route %q is outside /simulator/, where web/server.go mounts it", r.pos, r)
		}
		op := ops[r.String()]
		if op == nil {
			t.Errorf("%s: simulator route %q is not documented in %s", r.pos, r, openAPIFile)
			continue
		}
		if !slices.Equal(op.Tags, []string{"simulator"}) {
			t.Errorf("%q: tags = %v, want [simulator]", r, op.Tags)
		}
		if requiresSession(doc, op) {
			t.Errorf("%q: documented as requiring the session cookie; the simulator has no authentication", r)
		}
	}
	for key := range ops {
		if strings.HasPrefix(strings.Fields(key)[1], "/simulator/") && !registered[key] {
			t.Errorf("%s documents %q, which simulator/simulator.go does not route", openAPIFile, key)
		}
	}
}

// TestOpenAPISchemasMatchGoTypes checks that each documented schema lists
// exactly the JSON fields of the Go type that is encoded for it, that its
// required fields are those without omitempty, and that a fully populated
// value validates.
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc := loadOpenAPI(t)
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	msg := &conversation.MessageView{ID: "m1", ChatID: "c1", Seq: 3, Direction: "out", Sender: "agent", AgentName: "Alice",
		Kind: "text", Text: "Hello", Status: "failed", Error: "page token expired", CreatedAt: at}
	cases := []struct {
		schema string
		value  any
	}{
		{"Chat", &conversation.ChatView{ID: "c1", State: "assigned", Customer: conversation.CustomerView{ID: "u1", Name: "Jane Doe", ProfilePic: "https://example.com/p.jpg"},
			Service: "Support", AgentID: "a1", AssignedAt: &at, CreatedAt: at, LastMessage: msg}},
		{"Chat", &conversation.ChatView{ID: "c2", State: "bot", Customer: conversation.CustomerView{ID: "u2", Name: "Jane"}, CreatedAt: at}},
		{"Customer", conversation.CustomerView{ID: "u1", Name: "Jane Doe", ProfilePic: "https://example.com/p.jpg"}},
		{"Message", msg},
		{"User", conversation.UserJSON{ID: "a1", Username: "alice", DisplayName: "Alice", Role: "supervisor", State: "not_ready", Capacity: 2}},
		{"WidgetSession", conversation.WidgetSession{VisitorToken: "dG9r.c2ln", VisitorID: "v1", Title: "Chat with us", Greeting: "Hi!", PrechatFields: []string{"name"}, Started: true}},
		{"VisitorTranscript", conversation.VisitorTranscript{ChatID: "c1", State: "bot", LastEventID: 42, Messages: []conversation.VisitorMessage{}}},
		{"VisitorMessage", conversation.VisitorMessage{ID: "m1", ChatID: "c1", Seq: 2, Sender: "bot", Kind: "text", CreatedAt: at,
			Reply: parley.Reply{Text: "Pick one", QuickReplies: []parley.QuickReply{{Title: "Yes", Payload: "YES"}}}}},
		{"CannedResponse", &parley.CannedResponse{ID: "r1", Scope: "service", ServiceID: "s1", OwnerID: "a1", Title: "Hi", Shortcut: "hi", Text: "Hi $(first_name)",
			Attachments: []parley.CannedAttachment{{Type: "file", URL: "https://example.com/a.pdf", Name: "a.pdf"}}, QuickReplies: []string{"Yes"},
			Buttons: []parley.CannedButton{{Title: "Site", URL: "https://example.com", Payload: "P"}}, FromConfig: true, UpdatedAt: at}},
		{"FilledCanned", conversation.FilledCanned{ID: "r1", Shortcut: "hi", Text: "Hi Jane", Attachments: []parley.CannedAttachment{{Type: "image", URL: "https://example.com/a.png"}},
			QuickReplies: []string{"Yes"}, Buttons: []parley.CannedButton{{Title: "Buy", Payload: "BUY"}}}},
		{"WrapUpView", conversation.WrapUpView{WrapUp: parley.WrapUp{ChatID: "c1", Disposition: "Resolved", Notes: "ok", AgentID: "a1", UpdatedAt: at},
			AgentName: "Alice", Dispositions: []string{"Resolved"}, Required: true, ACWLimit: 30}},
		{"CustomerPanel", conversation.CustomerPanel{Customer: conversation.CustomerView{ID: "u1", Name: "Jane"}, Channel: "facebook", Account: "page", Page: "acme",
			Vars: map[string]string{"ref": "ad"}, Contact: &parley.CustomerContact{CustomerID: "u1", Email: "j@example.com", Phone: "+1", Fields: map[string]string{"plan": "gold"}, UpdatedAt: at},
			Earlier: []conversation.HistoryEntry{{ID: "c0", State: "closed", Service: "Support", CreatedAt: at, ClosedAt: &at, Messages: 3, Last: "thanks",
				Disposition: "Resolved", Notes: "ok", NotesBy: "Alice"}}}},
		{"Transcript", conversation.HistoryTranscript{Chat: &conversation.ChatView{ID: "c1", State: "closed", Customer: conversation.CustomerView{ID: "u1", Name: "Jane"}, CreatedAt: at},
			Messages: []*conversation.MessageView{msg}, WrapUp: &conversation.WrapUpView{WrapUp: parley.WrapUp{ChatID: "c1", UpdatedAt: at}, Dispositions: []string{}}, ReadOnly: true}},
		{"ScreenPop", conversation.ScreenPop{URL: "https://crm.example.com/?psid=1", Mode: "tab"}},
		{"ServiceDesk", parley.ServiceDesk{Dispositions: []string{"Resolved"}, DispositionRequired: true, ScreenPopURL: "https://crm.example.com/?psid=$(psid)", ScreenPopMode: "panel"}},
		{"SimulatorReply", simulator.Reply{ID: "m1", Text: "Hi", Image: "https://example.com/a.png",
			QuickReplies: []simulator.Button{{Title: "Yes", Tap: &simulator.Tap{Text: "Yes", QuickReply: "YES"}}},
			Buttons: []simulator.Button{{Title: "Site", URL: "https://example.com"}, {Title: "Buy", Tap: &simulator.Tap{Text: "Buy",
				Postback: &simulator.Postback{Title: "Buy", Payload: "BUY"}, MessageID: "3"}}},
			Cards:        []simulator.Card{{Title: "Boots", Subtitle: "42", Image: "https://example.com/b.png"}},
			SenderAction: "typing_on", Time: at}},
	}
	for _, c := range cases {
		ref := doc.Components.Schemas[c.schema]
		if ref == nil || ref.Value == nil {
			t.Errorf("schema %s is missing", c.schema)
			continue
		}
		s := ref.Value
		typ := reflect.TypeOf(c.value)
		if typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		var fields, required []string
		for f := range typ.Fields() {
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fields = append(fields, name)
			if !slices.Contains(strings.Split(opts, ","), "omitempty") {
				required = append(required, name)
			}
		}
		var props []string
		for name := range s.Properties {
			props = append(props, name)
		}
		slices.Sort(fields)
		slices.Sort(props)
		slices.Sort(required)
		docRequired := slices.Sorted(slices.Values(s.Required))
		if !slices.Equal(fields, props) {
			t.Errorf("schema %s: properties %v, but %s encodes %v", c.schema, props, typ, fields)
		}
		if !slices.Equal(required, docRequired) {
			t.Errorf("schema %s: required %v, but %s always encodes %v", c.schema, docRequired, typ, required)
		}
		b, err := json.Marshal(c.value)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		if err := s.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.EnableFormatValidation()); err != nil {
			t.Errorf("schema %s rejects %s: %v", c.schema, b, err)
		}
	}
}

// TestOpenAPIResponses sends the requests that need no database to the real
// handlers and checks each answer against the documented response.
func TestOpenAPIResponses(t *testing.T) {
	doc := loadOpenAPI(t)
	sim := simulator.New("1234567890", "Demo page", "token", "secret")
	srv := &web.Server{Simulator: sim}
	h, err := srv.Handler()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, target, docPath, body string
		want                          int
	}{
		{"GET", "/healthz", "/healthz", "", http.StatusOK},
		{"POST", "/api/login", "/api/login", `{"username":"alice","password":"x","extra":1}`, http.StatusBadRequest},
		{"POST", "/api/login", "/api/login", `{"username":"` + strings.Repeat("a", 70<<10) + `"}`, http.StatusRequestEntityTooLarge},
		{"POST", "/api/logout", "/api/logout", "", http.StatusNoContent},
		{"GET", "/api/me", "/api/me", "", http.StatusUnauthorized},
		{"PUT", "/api/me/state", "/api/me/state", `{"state":"ready"}`, http.StatusUnauthorized},
		{"GET", "/api/chats", "/api/chats", "", http.StatusUnauthorized},
		{"GET", "/api/chats/c1", "/api/chats/{id}", "", http.StatusUnauthorized},
		{"GET", "/api/chats/c1/messages", "/api/chats/{id}/messages", "", http.StatusUnauthorized},
		{"POST", "/api/chats/c1/messages", "/api/chats/{id}/messages", `{"text":"hi"}`, http.StatusUnauthorized},
		{"POST", "/api/chats/c1/close", "/api/chats/{id}/close", "", http.StatusUnauthorized},
		{"GET", "/api/events", "/api/events", "", http.StatusUnauthorized},
		{"GET", "/simulator/api/messages?psid=24011234567890", "/simulator/api/messages", "", http.StatusOK},
		{"GET", "/simulator/api/messages?psid=12", "/simulator/api/messages", "", http.StatusBadRequest},
		{"GET", "/simulator/api/stream", "/simulator/api/stream", "", http.StatusBadRequest},
		{"POST", "/simulator/api/send", "/simulator/api/send", `{"psid":"24011234567890"}`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target[:min(len(tt.target), 60)], func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.want, rec.Body)
			}
			item := doc.Paths.Value(tt.docPath)
			if item == nil || item.GetOperation(tt.method) == nil {
				t.Fatalf("%s %s is not documented", tt.method, tt.docPath)
			}
			resp := item.GetOperation(tt.method).Responses.Status(rec.Code)
			if resp == nil || resp.Value == nil {
				t.Fatalf("status %d is not documented for %s %s", rec.Code, tt.method, tt.docPath)
			}
			ct := rec.Header().Get("Content-Type")
			if len(resp.Value.Content) == 0 {
				if rec.Body.Len() != 0 {
					t.Errorf("documented without a body, got %q (%s)", rec.Body, ct)
				}
				return
			}
			mt := resp.Value.Content.Get(ct)
			if mt == nil {
				t.Fatalf("Content-Type %q is not documented for status %d", ct, rec.Code)
			}
			if !strings.HasPrefix(ct, "application/json") {
				return
			}
			var v any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
			}
			if err := mt.Schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
				t.Errorf("body %s does not match the documented schema: %v", strings.TrimSpace(rec.Body.String()), err)
			}
		})
	}
}
