package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/conversation"
)

// The authorization matrix (admin issue): every operation of
// docs/openapi.yaml is called as every kind of caller — nobody, a bad API
// key, each role by session and by API key, an agent and a supervisor of
// another service than the chat's, and an admin of another tenant by
// session and by key — and the answer is checked against the access the
// tables below declare:
//
//   - a caller without credentials gets 401 on every route that is not
//     public by design;
//   - a caller whose role is below the route's gets 403;
//   - a caller with the role but out of reach of the object the path names
//     (another tenant's, a chat of a service she does not supervise, a chat
//     that is not hers) gets 403 or 404;
//   - everyone else is let through: anything but 401, 403 and 5xx (400 for
//     the empty bodies sent, 404 for made-up ids and 409 are fine), and a
//     successful answer never contains an id of an object out of the
//     caller's reach;
//   - no caller ever gets a 5xx.
//
// The operations are read from the document, so a route added to it is
// called too; the test fails until its access is declared (by its tag, or
// one by one for the tags that mix levels), and when the document's
// security or summary contradicts the declaration.

// access is who may call a route.
type access int

const (
	fromTag     access = iota // the tag's access (tagAccess)
	perRoute                  // a tag whose routes mix levels: each is declared in matrixRoutes
	public                    // anyone: webhooks, health, login, public pages
	visitorOnly               // a web chat visitor's token only; sessions and API keys are not one
	signedIn                  // any user or API key of the tenant
	supervisors               // supervisors and admins
	admins                    // admins only
)

func (a access) String() string {
	return [...]string{"from its tag", "declared per route", "public", "web chat visitors", "any signed-in user",
		"supervisors and admins", "admins"}[a]
}

// tagAccess is the access of each tag of the document. The convention is
// that tag admin means admin-only; a tag whose routes are not all alike
// has perRoute, and each of its routes is in matrixRoutes.
var tagAccess = map[string]access{
	"health":     public,
	"webhooks":   public,
	"simulator":  public, // served in demo mode only (404 here)
	"widget":     visitorOnly,
	"agent":      signedIn,
	"chats":      signedIn,
	"events":     signedIn,
	"desktop":    signedIn,
	"supervisor": supervisors,
	"quality":    supervisors,
	"admin":      admins,
	"auth":       perRoute,
	"routing":    perRoute,
	"kb":         perRoute,
	"tickets":    perRoute,
	"desk":       perRoute,
	"metrics":    perRoute,
}

// routeSpec is what the matrix knows of one operation besides its access.
type routeSpec struct {
	access access // fromTag: the tag's
	// body is the body of a POST, PUT or PATCH (nil: {}, which fails
	// validation rather than change anything), unless probe applies.
	body func(*matrixFixture) matrixBody
	// probe is the body sent by a caller out of reach of the path's
	// object: one that would pass validation, so that the answer shows the
	// authorization check rather than the validation (nil: {}).
	probe func(*matrixFixture) matrixBody
	// keep gives callers the object is in reach of a made-up id instead
	// of the real one, so that their success does not destroy a fixture
	// later routes use. Callers out of reach always get the real id.
	keep bool
	// last runs the route after all others: it ends the caller's session.
	last bool
	// object is what the route acts on when its path does not say (its
	// parameters do, matrixParams).
	object object
	// wholeTenant: the answer is about the whole tenant, whatever the
	// caller's services or chats (supervisors see the tenant whole, as its
	// event stream: docs/ARCHITECTURE.md); only a caller of another tenant
	// must not find an id of it there.
	wholeTenant bool
	// refusedAlso are answers besides 403 and 404 that refuse a caller
	// out of reach (409: there is no offer of the chat to this caller).
	refusedAlso []int
}

// matrixRoutes declares the routes of perRoute tags and anything else a
// route needs. Keys are "METHOD /path" as in the document.
var matrixRoutes = map[string]routeSpec{
	// auth. Login gets a body it refuses before any password is checked:
	// a failed login costs a bcrypt comparison at the default cost
	// (seconds under -race) and counts against the address's lockout.
	"POST /api/login":              {access: public, body: jsonBody(func(*matrixFixture) any { return []string{} })},
	"POST /api/logout":             {access: public, last: true}, // "Never answers 401"
	"GET /api/me/sessions":         {access: signedIn},
	"DELETE /api/me/sessions/{id}": {access: signedIn},

	// routing
	"GET /api/offers":               {access: signedIn},
	"POST /api/chats/{id}/accept":   {access: signedIn, refusedAlso: []int{http.StatusConflict}},
	"POST /api/chats/{id}/reject":   {access: signedIn, refusedAlso: []int{http.StatusConflict}},
	"POST /api/chats/{id}/transfer": {access: signedIn, probe: jsonBody(func(fx *matrixFixture) any { return map[string]string{"service_id": fx.billing} })},
	"POST /api/chats/{id}/invite":   {access: signedIn, probe: jsonBody(func(fx *matrixFixture) any { return map[string]string{"agent_id": fx.ben} })},
	"PUT /api/chats/{id}/priority":  {access: supervisors, probe: jsonBody(func(*matrixFixture) any { return map[string]int{"priority": 7} })},
	// Starting a chat to a known customer (outbound_chat_test.go checks
	// the service scope, which is in the body or query, not the path).
	"POST /api/chats":            {access: signedIn},
	"GET /api/customers":         {access: signedIn},
	"GET /api/outbound-services": {access: signedIn},
	"PUT /api/me/status":         {access: signedIn},
	"GET /api/me/routing":        {access: signedIn},
	"GET /api/routing/directory": {access: signedIn},
	"GET /api/supervisor":        {access: supervisors},

	// chats, desktop and quality routes of the tag's access that
	// validate their body before they look at the chat.
	"POST /api/chats/{id}/messages": {probe: jsonBody(func(*matrixFixture) any { return map[string]string{"text": "authz probe"} })},
	"POST /api/chats/{id}/rich":     {probe: jsonBody(func(*matrixFixture) any { return map[string]string{"text": "authz probe"} })},
	"POST /api/chats/{id}/action":   {probe: jsonBody(func(*matrixFixture) any { return map[string]string{"action": "typing_on"} })},
	"POST /api/chats/{id}/files":    {probe: func(*matrixFixture) matrixBody { return multipartFile("file", "probe.txt", "authz probe") }},
	"POST /api/chats/{id}/whisper":  {probe: jsonBody(func(*matrixFixture) any { return map[string]string{"text": "authz probe"} })},

	// kb
	"GET /kb/{tenant}/articles/{id}": {access: public},

	// tickets: the webview form is public (its signed link is the key);
	// a ticket of chat A's service is in reach of who works on chat A.
	"GET /webview/ticket/{token}":  {access: public},
	"POST /webview/ticket/{token}": {access: public},
	"GET /api/tickets":             {access: signedIn},
	"GET /api/tickets/{id}":        {access: signedIn},
	"PATCH /api/tickets/{id}":      {access: signedIn},
	"POST /api/tickets/{id}/notes": {access: signedIn, probe: jsonBody(func(*matrixFixture) any { return map[string]string{"text": "probe"} })},
	"GET /api/kb/articles":         {access: signedIn},
	"POST /api/kb/articles":        {access: supervisors},
	"GET /api/kb/articles/{id}":    {access: signedIn},
	"PUT /api/kb/articles/{id}": {access: supervisors,
		probe: jsonBody(func(*matrixFixture) any { return map[string]any{"title": "Probe", "body": "authz probe", "version": 1} })},
	"DELETE /api/kb/articles/{id}": {access: supervisors, keep: true},
	"GET /api/kb/search":           {access: signedIn},
	"POST /api/kb/preview":         {access: supervisors},
	"POST /api/kb/import":          {access: supervisors},
	"GET /api/kb/synonyms":         {access: supervisors},
	"PUT /api/kb/synonyms":         {access: supervisors},

	// desk
	"GET /api/canned":                                  {access: signedIn},
	"POST /api/canned":                                 {access: signedIn},
	"PUT /api/canned/{id}":                             {access: signedIn},
	"DELETE /api/canned/{id}":                          {access: signedIn},
	"GET /api/chats/{id}/canned/{canned}":              {access: signedIn},
	"POST /api/chats/{id}/canned/{canned}/attachments": {access: signedIn},
	"GET /api/chats/{id}/wrapup":                       {access: signedIn},
	"PUT /api/chats/{id}/wrapup": {access: signedIn,
		probe: jsonBody(func(*matrixFixture) any { return map[string]string{"disposition": "Resolved"} })},
	"GET /api/chats/{id}/customer": {access: signedIn},
	"PUT /api/chats/{id}/customer/contact": {access: signedIn,
		probe: jsonBody(func(*matrixFixture) any { return map[string]string{"email": "probe@example.com"} })},
	"GET /api/chats/{id}/transcript": {access: signedIn},
	"GET /api/chats/{id}/screenpop":  {access: signedIn},
	"GET /api/services/{id}/desk":    {access: supervisors},
	"PUT /api/services/{id}/desk":    {access: supervisors, keep: true}, // {} would drop Support's required disposition

	// metrics
	"GET /api/wallboard":                {access: supervisors},
	"GET /api/wallboard/stream":         {access: supervisors},
	"GET /api/reports":                  {access: supervisors, wholeTenant: true}, // its interaction detail lists every chat
	"GET /api/reports/{table}":          {access: supervisors, wholeTenant: true},
	"GET /api/reports/{table}/csv":      {access: supervisors, wholeTenant: true},
	"GET /api/thresholds":               {access: supervisors},
	"POST /api/reports/recount":         {access: admins},
	"PUT /api/services/{id}/thresholds": {access: admins},

	// widget: starting a session is the one public widget route.
	"POST /widget/{account}/session": {access: public},

	// admin: the configuration file configures one tenant; only its
	// admins may check or reload it (app.App.ReloadTenant).
	"POST /api/admin/config/validate": {object: tenantObject},
	"POST /api/admin/config/reload":   {object: tenantObject},
	// admin routes that would destroy a fixture other routes use.
	"PUT /api/admin/accounts/{id}":       {keep: true},
	"DELETE /api/admin/accounts/{id}":    {keep: true},
	"DELETE /api/admin/webhooks/{id}":    {keep: true},
	"DELETE /api/admin/entries/{id}":     {keep: true},
	"DELETE /api/admin/schedules/{name}": {keep: true},
	"DELETE /api/admin/teams/{id}":       {keep: true},
	"PUT /api/admin/services/{id}":       {keep: true},
}

// object is what a path's id names, which decides who may reach it.
type object int

const (
	noObject     object = iota // a made-up id, or nothing to protect
	tenantObject               // an object of the home tenant
	globalCanned               // a global canned response: supervisors and admins write it
	chatObject                 // chat A (Support, assigned to alice) or a file sent in it
)

// pathParam is the value of a path parameter: params are matched by the
// path up to and including them, so each is declared once.
type pathParam struct {
	prefix string
	value  func(*matrixFixture) string
	object object
}

var matrixParams = []pathParam{
	{"/api/chats/{id}", func(fx *matrixFixture) string { return fx.chat }, chatObject},
	{"/api/chats/{id}/canned/{canned}", func(fx *matrixFixture) string { return fx.canned }, noObject},
	{"/api/transcripts/{id}", func(fx *matrixFixture) string { return fx.chat }, chatObject},
	{"/files/{id}", func(fx *matrixFixture) string { return fx.file }, chatObject},
	{"/api/canned/{id}", func(fx *matrixFixture) string { return fx.canned }, globalCanned},
	{"/api/me/sessions/{id}", func(*matrixFixture) string { return madeUpID }, noObject},
	{"/api/admin/accounts/{id}", func(fx *matrixFixture) string { return fx.account }, tenantObject},
	{"/api/admin/webhooks/{id}", func(fx *matrixFixture) string { return fx.hook }, tenantObject},
	{"/api/admin/entries/{id}", func(fx *matrixFixture) string { return fx.entry }, tenantObject},
	{"/api/admin/services/{id}", func(fx *matrixFixture) string { return fx.support }, tenantObject},
	{"/api/admin/users/{id}", func(fx *matrixFixture) string { return fx.vic }, tenantObject},
	{"/api/admin/api-keys/{id}", func(fx *matrixFixture) string { return fx.spareKey }, tenantObject},
	{"/api/admin/schedules/{name}", func(*matrixFixture) string { return "office" }, tenantObject},
	{"/api/admin/teams/{id}", func(fx *matrixFixture) string { return fx.team }, tenantObject},
	{"/api/kb/articles/{id}", func(fx *matrixFixture) string { return fx.article }, tenantObject},
	{"/api/tickets/{id}", func(fx *matrixFixture) string { return fx.ticket }, chatObject},
	{"/webview/ticket/{token}", func(*matrixFixture) string { return madeUpID }, noObject},
	{"/api/services/{id}", func(fx *matrixFixture) string { return fx.support }, tenantObject},
	{"/api/reports/{table}", func(*matrixFixture) string { return "quality" }, noObject},
	{"/kb/{tenant}", func(*matrixFixture) string { return parley.DefaultTenant }, noObject},
	{"/kb/{tenant}/articles/{id}", func(fx *matrixFixture) string { return fx.article }, noObject},
	{"/widget/{account}", func(*matrixFixture) string { return "site-chat" }, noObject},
	{"/widget/{account}/files/{id}", func(*matrixFixture) string { return madeUpID }, noObject},
	{"/webhooks/{type}", func(*matrixFixture) string { return "webchat" }, noObject},
	{"/webhooks/{type}/{account}", func(*matrixFixture) string { return "site-chat" }, noObject},
}

// madeUpID is an id no object has.
const madeUpID = "01900000-0000-7000-8000-00000000a1a1"

const rivalTenant = "rival"

// matrixOp is one operation of the document.
type matrixOp struct {
	method, path string
	tags         []string
	summary      string
	secured      bool // the document asks for a session or key
	spec         routeSpec
	object       object
}

func (op matrixOp) key() string { return op.method + " " + op.path }

// docMethods are the operation keys of an OpenAPI path item.
var docMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// matrixOps reads every operation of an OpenAPI document and resolves its
// declared access; problems name each operation the tables do not cover
// or the document contradicts.
func matrixOps(raw []byte) (ops []matrixOp, problems []string) {
	var doc struct {
		Security []map[string][]string           `yaml:"security"`
		Paths    map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, []string{"openapi.yaml: " + err.Error()}
	}
	for path, item := range doc.Paths {
		for _, m := range docMethods {
			node, ok := item[m]
			if !ok {
				continue
			}
			var o struct {
				Tags     []string               `yaml:"tags"`
				Summary  string                 `yaml:"summary"`
				Security *[]map[string][]string `yaml:"security"`
			}
			if err := node.Decode(&o); err != nil {
				problems = append(problems, fmt.Sprintf("%s %s: %v", m, path, err))
				continue
			}
			op := matrixOp{method: strings.ToUpper(m), path: path, tags: o.Tags, summary: o.Summary}
			sec := doc.Security
			if o.Security != nil {
				sec = *o.Security
			}
			op.secured = slices.ContainsFunc(sec, func(req map[string][]string) bool { return len(req) > 0 })
			spec, problem := resolveAccess(op)
			if problem != "" {
				problems = append(problems, op.key()+": "+problem)
				continue
			}
			op.spec = spec
			params, err := paramsOf(op.path)
			if err != nil {
				problems = append(problems, op.key()+": "+err.Error())
				continue
			}
			op.object = spec.object
			for _, p := range params {
				op.object = max(op.object, p.object)
			}
			ops = append(ops, op)
		}
	}
	// Document order is lost in the map: sort, and put last the routes
	// that end the caller's session.
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].spec.last != ops[j].spec.last {
			return !ops[i].spec.last
		}
		if ops[i].path != ops[j].path {
			return ops[i].path < ops[j].path
		}
		return ops[i].method < ops[j].method
	})
	return ops, problems
}

// staleDeclarations names the declarations no operation of ops uses.
func staleDeclarations(ops []matrixOp) []string {
	var out []string
	for key := range matrixRoutes {
		if !slices.ContainsFunc(ops, func(op matrixOp) bool { return op.key() == key }) {
			out = append(out, "matrixRoutes declares "+key+", which the document does not have")
		}
	}
	for _, p := range matrixParams {
		if !slices.ContainsFunc(ops, func(op matrixOp) bool { return strings.HasPrefix(op.path, p.prefix) }) {
			out = append(out, "matrixParams declares "+p.prefix+", which no route of the document has")
		}
	}
	sort.Strings(out)
	return out
}

// roleNote is a summary's parenthesis naming who may call the route,
// e.g. "(admin)", "(supervisor or admin)", "(admin, supervisor)".
var roleNote = regexp.MustCompile(`\(((?:admin|supervisor|agent)(?:(?:, | or | and )(?:admin|supervisor|agent))*)\)`)

// resolveAccess is op's declared spec with its access resolved, or why
// the declaration is missing or contradicts the document.
func resolveAccess(op matrixOp) (routeSpec, string) {
	spec := matrixRoutes[op.key()]
	if len(op.tags) == 0 {
		return spec, "the operation has no tag: tag it (admin means admin-only) so that its access is declared"
	}
	if spec.access == fromTag {
		for _, tag := range op.tags {
			a, ok := tagAccess[tag]
			switch {
			case !ok:
				return spec, fmt.Sprintf("tag %q has no access in tagAccess: declare it", tag)
			case a == perRoute:
				return spec, fmt.Sprintf("tag %q mixes access levels: declare the route's access in matrixRoutes", tag)
			case spec.access != fromTag && a != spec.access:
				return spec, fmt.Sprintf("its tags %v have different access: declare the route's in matrixRoutes", op.tags)
			}
			spec.access = a
		}
	}
	open := spec.access == public || spec.access == visitorOnly
	if open == op.secured {
		return spec, fmt.Sprintf("declared %s, but the document's security says otherwise (session/bearer required: %v)", spec.access, op.secured)
	}
	if m := roleNote.FindStringSubmatch(op.summary); m != nil {
		want := admins
		switch {
		case strings.Contains(m[1], "agent"):
			want = signedIn
		case strings.Contains(m[1], "supervisor"):
			want = supervisors
		}
		if want != spec.access {
			return spec, fmt.Sprintf("declared %s, but its summary says %q", spec.access, m[0])
		}
	}
	return spec, ""
}

// paramsOf lists the declared values of path's parameters, in order.
func paramsOf(path string) ([]pathParam, error) {
	segs := strings.Split(path, "/")
	var out []pathParam
	for i, seg := range segs {
		if !strings.HasPrefix(seg, "{") {
			continue
		}
		prefix := strings.Join(segs[:i+1], "/")
		k := slices.IndexFunc(matrixParams, func(p pathParam) bool { return p.prefix == prefix })
		if k < 0 {
			return nil, fmt.Errorf("no value for %s: declare %q in matrixParams", seg, prefix)
		}
		out = append(out, matrixParams[k])
	}
	return out, nil
}

// fillPath substitutes path's parameters; madeUp gives every object a
// made-up id instead of the fixture's.
func fillPath(path string, fx *matrixFixture, madeUp bool) string {
	params, _ := paramsOf(path) // checked by matrixOps
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") {
			p := params[0]
			params = params[1:]
			segs[i] = p.value(fx)
			if madeUp && p.object != noObject {
				segs[i] = madeUpID
			}
		}
	}
	return strings.Join(segs, "/")
}

// matrixBody is a request body with its content type.
type matrixBody struct {
	contentType string
	data        []byte
}

var emptyJSON = matrixBody{"application/json", []byte("{}")}

func jsonBody(f func(*matrixFixture) any) func(*matrixFixture) matrixBody {
	return func(fx *matrixFixture) matrixBody {
		b, err := json.Marshal(f(fx))
		if err != nil {
			panic(err)
		}
		return matrixBody{"application/json", b}
	}
}

func multipartFile(field, name, content string) matrixBody {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile(field, name)
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	return matrixBody{mw.FormDataContentType(), buf.Bytes()}
}

// matrixFixture holds the home tenant's objects the routes name.
type matrixFixture struct {
	chat, file, canned, account, entry, hook, article, ticket, spareKey string
	support, billing, ben, vic, team                                    string
	// ids are every id of the home tenant's objects: no caller of another
	// tenant may ever read one.
	ids []string
}

// matrixCaller is one kind of caller.
type matrixCaller struct {
	name   string
	role   string // "" for a caller without (valid) credentials
	tenant string
	// onChat: the caller may work on chat A (Support, assigned to alice):
	// its agent, a supervisor of every service, an admin of the tenant.
	onChat bool
	client *http.Client // a session's cookies, if any
	token  string       // an API key sent as Authorization: Bearer
	// hidden are ids the caller's successful answers must not contain:
	// the home tenant's for a caller of another tenant, chat A's for a
	// caller of the home tenant who may not open it.
	hidden []string
}

// reaches tells whether the caller may act on an object of that kind.
func (c *matrixCaller) reaches(o object) bool {
	switch o {
	case tenantObject:
		return c.tenant == parley.DefaultTenant
	case globalCanned:
		return c.tenant == parley.DefaultTenant && c.role != parley.RoleAgent
	case chatObject:
		return c.tenant == parley.DefaultTenant && c.onChat
	}
	return true
}

func (c *matrixCaller) may(a access) bool {
	switch a {
	case signedIn:
		return c.role != ""
	case supervisors:
		return c.role == parley.RoleSupervisor || c.role == parley.RoleAdmin
	case admins:
		return c.role == parley.RoleAdmin
	}
	return true
}

// matrixAnswer is what a call answered.
type matrixAnswer struct {
	code        int
	contentType string
	body        string // not read for event streams
}

// call sends one request. An event stream is left once its headers came.
func (c *matrixCaller) call(t *testing.T, base, method, path string, body *matrixBody) matrixAnswer {
	t.Helper()
	// Generous: a configuration reload on SQLite takes seconds on a busy
	// machine. A stream answers its headers at once.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body.data)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", body.contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s as %s: %v", method, path, c.name, err)
	}
	defer resp.Body.Close()
	a := matrixAnswer{code: resp.StatusCode, contentType: resp.Header.Get("Content-Type")}
	if !strings.HasPrefix(a.contentType, "text/event-stream") {
		b, _ := io.ReadAll(resp.Body)
		a.body = string(b)
	}
	return a
}

// matrixWant is the answer a caller must get.
type matrixWant int

const (
	wantAnswer       matrixWant = iota // anything but a server error
	wantUnauthorized                   // 401
	wantForbidden                      // 403: the role is not enough
	wantRefused                        // 403 or 404 (or refusedAlso): out of reach
	wantNoVisitor                      // 401 or 404: not a web chat visitor
	wantAllowed                        // anything but 401, 403 and a server error
)

func (w matrixWant) String() string {
	return [...]string{"any answer but 5xx", "401", "403", "403 or 404 (out of reach)", "401 or 404 (no visitor token)",
		"to be let through: not 401, 403 or 5xx"}[w]
}

func expectation(op matrixOp, c *matrixCaller) matrixWant {
	switch {
	case op.spec.access == public:
		return wantAnswer
	case op.spec.access == visitorOnly:
		return wantNoVisitor
	case c.role == "":
		return wantUnauthorized
	case !c.may(op.spec.access):
		return wantForbidden
	case !c.reaches(op.object):
		return wantRefused
	}
	return wantAllowed
}

// judge returns what is wrong with the answer, or "".
func judge(op matrixOp, c *matrixCaller, want matrixWant, a matrixAnswer) string {
	code := a.code
	if code >= 500 {
		return "a server error"
	}
	// The mux's own 404 and 405 are text/plain: the route is not served.
	if (code == http.StatusNotFound || code == http.StatusMethodNotAllowed) && strings.HasPrefix(a.contentType, "text/plain") &&
		!slices.Contains(op.tags, "simulator") {
		return "the router does not serve this documented route"
	}
	ok := false
	switch want {
	case wantAnswer:
		ok = true
	case wantUnauthorized:
		ok = code == http.StatusUnauthorized
	case wantForbidden:
		ok = code == http.StatusForbidden
	case wantRefused:
		ok = code == http.StatusForbidden || code == http.StatusNotFound || slices.Contains(op.spec.refusedAlso, code)
	case wantNoVisitor:
		ok = code == http.StatusUnauthorized || code == http.StatusNotFound
	case wantAllowed:
		ok = code != http.StatusUnauthorized && code != http.StatusForbidden
	}
	if !ok {
		return "want " + want.String()
	}
	if want == wantAllowed && code < 300 && !(op.spec.wholeTenant && c.tenant == parley.DefaultTenant) {
		for _, id := range c.hidden {
			if strings.Contains(a.body, id) {
				return fmt.Sprintf("the answer shows %s, an object out of the caller's reach", id)
			}
		}
	}
	return ""
}

// TestAuthorizationMatrix calls every route of docs/openapi.yaml as every
// kind of caller, on both databases (see the comment at the top).
func TestAuthorizationMatrix(t *testing.T) {
	raw, err := os.ReadFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ops, problems := matrixOps(raw)
	problems = append(problems, staleDeclarations(ops)...)
	for _, p := range problems {
		t.Error(p)
	}
	if len(ops) == 0 {
		t.Error("the document has no operations")
	}
	if t.Failed() {
		t.FailNow()
	}
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			// The workers poll at the production interval: at the tests'
			// usual 50 ms they keep SQLite so busy that each of the
			// matrix's calls waits ~0.1 s on a loaded machine.
			w := newWorldFrom(t, dsn(t), "testdata/authz.yaml", func(c *app.Config) { c.PollInterval = time.Second })
			fx, callers := matrixSetup(t, w)
			start, tally := time.Now(), map[matrixWant]int{}
			for _, op := range ops {
				// Callers to refuse go first: a destructive success of an
				// allowed caller then cannot hide a refusal.
				ordered := slices.Clone(callers)
				slices.SortStableFunc(ordered, func(a, b *matrixCaller) int {
					return boolInt(expectation(op, a) == wantAllowed) - boolInt(expectation(op, b) == wantAllowed)
				})
				for _, c := range ordered {
					want := expectation(op, c)
					tally[want]++
					path := fillPath(op.path, fx, op.spec.keep && want == wantAllowed)
					a := c.call(t, w.app.URL(), op.method, path, requestBody(op, want, fx))
					if problem := judge(op, c, want, a); problem != "" {
						t.Errorf("%s (%s %s) as %s: HTTP %d %s; %s", op.key(), op.method, path, c.name, a.code, excerpt(a.body), problem)
					}
				}
			}
			t.Logf("%d routes × %d callers in %v: %v", len(ops), len(callers), time.Since(start).Round(time.Millisecond), tally)
		})
	}
}

// TestAuthorizationMatrixDeclarations shows that the matrix refuses a
// route it cannot judge: an operation added to the document fails the
// matrix until its access is declared, and a declaration the document
// contradicts fails it too.
func TestAuthorizationMatrixDeclarations(t *testing.T) {
	const session = "\n      security: [{session: []}]"
	tests := []struct {
		name, op, problem string // problem "": accepted
	}{
		{"untagged", "/api/gadgets:\n    get:" + session, "has no tag"},
		{"a new tag", "/api/gadgets:\n    get:\n      tags: [gadgets]" + session, `tag "gadgets" has no access`},
		{"a tag of mixed levels", "/api/kb/gadgets:\n    get:\n      tags: [kb]" + session, "declare the route's access in matrixRoutes"},
		{"admin without security", "/api/admin/gadgets:\n    get:\n      tags: [admin]", "the document's security says otherwise"},
		{"public with security", "/webhooks/gadgets:\n    post:\n      tags: [webhooks]" + session, "the document's security says otherwise"},
		{"summary naming another role", "/api/chats/{id}/gadget:\n    get:\n      tags: [chats]\n      summary: A gadget (admin)" + session,
			`its summary says "(admin)"`},
		{"a parameter without a value", "/api/admin/gadgets/{gadget}:\n    delete:\n      tags: [admin]" + session, "no value for {gadget}"},
		{"an admin route", "/api/admin/gadgets:\n    get:\n      tags: [admin]\n      summary: Gadgets (admin)" + session, ""},
		{"a chat route", "/api/chats/{id}/gadget:\n    post:\n      tags: [chats]" + session, ""},
	}
	for _, tt := range tests {
		ops, problems := matrixOps([]byte("openapi: 3.1.0\npaths:\n  " + tt.op + "\n"))
		switch {
		case tt.problem == "" && (len(problems) > 0 || len(ops) != 1):
			t.Errorf("%s: problems %q, want none", tt.name, problems)
		case tt.problem != "" && (len(problems) != 1 || !strings.Contains(problems[0], tt.problem)):
			t.Errorf("%s: problems %q, want one with %q", tt.name, problems, tt.problem)
		}
	}
	// What the accepted ones resolve to.
	ops, _ := matrixOps([]byte("openapi: 3.1.0\npaths:\n  /api/chats/{id}/gadget:\n    post:\n      tags: [chats]" + session + "\n"))
	if len(ops) != 1 || ops[0].spec.access != signedIn || ops[0].object != chatObject {
		t.Errorf("a chat route resolves to %+v, want any signed-in user on chat A", ops)
	}
}

// requestBody is what a caller expected to get want sends to op.
func requestBody(op matrixOp, want matrixWant, fx *matrixFixture) *matrixBody {
	if op.method != http.MethodPost && op.method != http.MethodPut && op.method != http.MethodPatch {
		return nil
	}
	b := emptyJSON
	switch {
	case want == wantRefused && op.spec.probe != nil:
		b = op.spec.probe(fx)
	case op.spec.body != nil:
		b = op.spec.body(fx)
	}
	return &b
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func excerpt(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// matrixSetup makes chat A and the objects the routes name, signs in
// every caller and makes their API keys.
func matrixSetup(t *testing.T, w *world) (*matrixFixture, []*matrixCaller) {
	t.Helper()
	ctx := context.Background()
	st := w.app.Store
	fx := &matrixFixture{}

	// Chat A: a Messenger customer of Support, assigned to alice, with a
	// file alice sent in it.
	w.customerSays("m-authz", "Hello, I need help")
	alice, chat := connect(t, w)
	fx.chat = chat
	if code := alice.upload("/api/chats/"+chat+"/files", "receipt.txt", []byte("authz receipt")); code != http.StatusCreated {
		t.Fatalf("upload: HTTP %d", code)
	}
	for _, m := range alice.rich(chat) {
		if m.Direction == "out" && m.Kind == "attachment" {
			fx.file = strings.TrimPrefix(fileURL(t, m.Payload), "/files/")
		}
	}
	if fx.file == "" {
		t.Fatal("no file in chat A")
	}

	ada := w.login("ada", "ada-pass")
	var article struct{ ID string }
	if code := ada.do(http.MethodPost, "/api/kb/articles", map[string]any{"title": "Refunds", "body": "Refunds take 5 days.",
		"published": true}, &article); code != http.StatusCreated {
		t.Fatalf("create article: HTTP %d", code)
	}
	fx.article = article.ID
	var hook struct{ ID string }
	if code := ada.do(http.MethodPost, "/api/admin/webhooks", map[string]any{"name": "crm", "url": "https://crm.example.com/parley",
		"events": []string{"chat.closed"}, "active": false}, &hook); code != http.StatusCreated {
		t.Fatalf("create webhook: HTTP %d", code)
	}
	fx.hook = hook.ID
	key := func(as *agent, name, role string) (id, token string) {
		var k struct{ ID, Token string }
		if code := as.do(http.MethodPost, "/api/admin/api-keys", map[string]string{"name": name, "role": role}, &k); code != http.StatusCreated {
			t.Fatalf("create %s key: HTTP %d", role, code)
		}
		return k.ID, k.Token
	}
	agentKeyID, agentKey := key(ada, "agent key", parley.RoleAgent)
	supKeyID, supKey := key(ada, "supervisor key", parley.RoleSupervisor)
	adminKeyID, adminKey := key(ada, "admin key", parley.RoleAdmin)
	fx.spareKey, _ = key(ada, "spare key", parley.RoleAgent)
	fx.ids = append(fx.ids, chat, fx.file, fx.article, fx.hook, agentKeyID, supKeyID, adminKeyID, fx.spareKey)

	users, err := st.Users(ctx, parley.DefaultTenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		fx.ids = append(fx.ids, u.ID)
		switch u.Username {
		case "ben":
			fx.ben = u.ID
		case "vic":
			fx.vic = u.ID
		}
	}
	svcs, err := st.Services(ctx, parley.DefaultTenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range svcs {
		fx.ids = append(fx.ids, s.ID)
		switch s.Name {
		case "Support":
			fx.support = s.ID
		case "Billing":
			fx.billing = s.ID
		}
	}
	// A ticket filed from chat A (Support): agents of other services and
	// their scoped supervisors must not see it.
	tk := &parley.Ticket{TenantID: parley.DefaultTenant, Subject: "Refund", ServiceID: fx.support, ChatID: fx.chat}
	if err := st.CreateTicket(ctx, tk, nil); err != nil {
		t.Fatal(err)
	}
	fx.ticket = tk.ID
	fx.ids = append(fx.ids, tk.ID)
	accts, err := st.Accounts(ctx, parley.DefaultTenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		fx.ids = append(fx.ids, a.ID)
		if a.Name == "acme-page" {
			fx.account = a.ID
		}
	}
	entries, err := st.Entries(ctx, parley.DefaultTenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		fx.ids = append(fx.ids, e.ID)
		if e.Name == "Messenger" {
			fx.entry = e.ID
		}
	}
	canned, err := st.CannedResponses(ctx, parley.DefaultTenant, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range canned {
		fx.ids = append(fx.ids, c.ID)
		if c.Shortcut == "hello" {
			fx.canned = c.ID
		}
	}
	teams, err := st.Teams(ctx, parley.DefaultTenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range teams {
		fx.ids = append(fx.ids, tm.ID)
		if tm.Name == "Tier 1" {
			fx.team = tm.ID
		}
	}
	forms, err := st.EvaluationForms(ctx, parley.DefaultTenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range forms {
		fx.ids = append(fx.ids, f.ID)
	}
	for name, id := range map[string]string{"ben": fx.ben, "vic": fx.vic, "Support": fx.support, "Billing": fx.billing,
		"acme-page": fx.account, "entry Messenger": fx.entry, "canned hello": fx.canned, "team Tier 1": fx.team} {
		if id == "" {
			t.Fatalf("the fixture has no %s", name)
		}
	}

	// Another tenant and its first admin, as `parley admin create` makes them.
	if _, err := conversation.CreateAdmin(ctx, st, conversation.NewAdmin{Tenant: rivalTenant, TenantName: "Rival", Username: "rita",
		DisplayName: "Rita Rival", Password: "rita-long-pass", Cost: bcrypt.MinCost}); err != nil {
		t.Fatal(err)
	}
	rita := loginTenant(t, w, rivalTenant, "rita", "rita-long-pass")
	_, rivalKey := key(rita, "rival key", parley.RoleAdmin)

	chatOnly := []string{chat, fx.file}
	noCookies := func() *http.Client { return &http.Client{} }
	// The harness' clients time out after 10 s; call() sets its own deadline.
	session := func(a *agent) *http.Client { return &http.Client{Jar: a.client.Jar} }
	callers := []*matrixCaller{
		{name: "nobody", client: noCookies()},
		{name: "a bad API key", client: noCookies(), token: "prk_nokey_nosecret"},
		{name: "agent alice (chat A's agent)", role: parley.RoleAgent, onChat: true, client: session(alice)},
		{name: "agent ben (Billing)", role: parley.RoleAgent, client: session(w.login("ben", "ben-pass")), hidden: chatOnly},
		{name: "supervisor sam (every service)", role: parley.RoleSupervisor, onChat: true, client: session(w.login("sam", "sam-pass"))},
		{name: "supervisor sue (Billing only)", role: parley.RoleSupervisor, client: session(w.login("sue", "sue-pass")), hidden: chatOnly},
		{name: "admin ada", role: parley.RoleAdmin, onChat: true, client: session(ada)},
		{name: "an agent API key", role: parley.RoleAgent, client: noCookies(), token: agentKey, hidden: chatOnly},
		{name: "a supervisor API key", role: parley.RoleSupervisor, onChat: true, client: noCookies(), token: supKey},
		{name: "an admin API key", role: parley.RoleAdmin, onChat: true, client: noCookies(), token: adminKey},
		{name: "admin rita of another tenant", role: parley.RoleAdmin, tenant: rivalTenant, client: session(rita), hidden: fx.ids},
		{name: "an admin API key of another tenant", role: parley.RoleAdmin, tenant: rivalTenant, client: noCookies(), token: rivalKey, hidden: fx.ids},
	}
	for _, c := range callers {
		if c.tenant == "" {
			c.tenant = parley.DefaultTenant
		}
	}
	return fx, callers
}

// loginTenant signs in a user of the given tenant.
func loginTenant(t *testing.T, w *world, tenant, user, pass string) *agent {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	a := &agent{t: t, base: w.app.URL(), client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	if code := a.do(http.MethodPost, "/api/login", map[string]string{"tenant": tenant, "username": user, "password": pass}, nil); code != http.StatusOK {
		t.Fatalf("login %s of %s: HTTP %d", user, tenant, code)
	}
	return a
}
